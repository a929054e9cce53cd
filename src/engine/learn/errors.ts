import { BaseError } from "../../errors.js";

/**
 * Data the learning code cannot use: no attempts, one outcome only, lengths that disagree, a
 * feature that is not a finite number or out of its range. Raised before any fitting starts, so
 * the message names the row and the feature to fix in the records.
 */
export class LearnDataError extends BaseError {
  override readonly name = "LearnDataError";
}

/** Why a fit stopped without a model. */
export type LogisticFitFailure = "separable" | "singular" | "notConverged";

/**
 * A fit that found no finite optimum: the outcomes are perfectly separated by the features (only
 * possible without a penalty), the Newton system is singular (constant or collinear features
 * without a penalty), or the iterations ran out.
 */
export class LogisticFitError extends BaseError {
  override readonly name = "LogisticFitError";
  readonly reason: LogisticFitFailure;

  constructor(reason: LogisticFitFailure, shortMessage: string, details: string) {
    super(shortMessage, { details });
    this.reason = reason;
  }
}

/** A saved model that cannot be loaded: not JSON, the wrong shape, or made for other features. */
export class ModelFileError extends BaseError {
  override readonly name = "ModelFileError";
}
