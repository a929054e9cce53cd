/** Parameters of a `BaseError`: what to tell the user, and what caused it. */
export interface BaseErrorParameters {
  /** What went wrong and what to do about it, in one or two sentences. */
  readonly details?: string;
  readonly cause?: unknown;
}

/**
 * The one error class the toolkit throws: a short message that names the problem, details
 * that say what to do next, and the error that caused it, if any.
 */
export class BaseError extends Error {
  override readonly name: string = "BaseError";
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    super(
      parameters.details === undefined ? shortMessage : `${shortMessage}\n\n${parameters.details}`,
      parameters.cause === undefined ? undefined : { cause: parameters.cause },
    );
    this.shortMessage = shortMessage;
    this.details = parameters.details;
  }
}
