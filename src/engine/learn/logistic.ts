import { z } from "zod";
import { LearnDataError, LogisticFitError, ModelFileError } from "./errors.js";
import { fitStandardisation, type Standardisation, standardise } from "./features.js";

/** How a logistic regression is fitted. */
export interface LogisticOptions {
  /**
   * The L2 penalty λ: the fit minimises the summed negative log-likelihood plus λ/2·‖w‖² over the
   * standardised weights (the intercept is not penalised, so the base rate is never shrunk).
   * Being a sum, the penalty weighs less as attempts accumulate. 0 fits the plain maximum
   * likelihood, which does not exist for separable data. Default 1.
   */
  readonly lambda?: number;
  /** Stop once no coefficient moved by more than this in a Newton step. Default 1e-10. */
  readonly tolerance?: number;
  /** Newton steps before giving up. Newton converges in well under 30 on sane data. Default 100. */
  readonly maxIterations?: number;
  /** The columns' names, stored with the model. Default `x0`, `x1`, … */
  readonly featureNames?: readonly string[];
}

/** A fitted L2-regularised logistic regression, everything a prediction needs. */
export interface LogisticModel {
  readonly featureNames: readonly string[];
  /** How inputs are scaled before the weights apply. */
  readonly standardisation: Standardisation;
  /** One weight per standardised feature. */
  readonly weights: readonly number[];
  readonly intercept: number;
  readonly lambda: number;
  /** How many rows it was fitted on. */
  readonly trainedOn: number;
  /** Newton steps the fit took. */
  readonly iterations: number;
}

/** The logistic function 1/(1+e^−t), without overflow for large |t|. */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

/** log(1+e^t) without overflow or loss of precision for large |t|. */
function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/**
 * Fits P(y = 1 | x) = σ(b + w·z), z being x standardised, by Newton's method (iteratively
 * reweighted least squares). With about twenty features the (d+1)² Hessian is tiny, so each step
 * solves it exactly; that converges quadratically to the exact penalised optimum, where gradient
 * descent would leave an error that depends on its step size and patience. A step that would
 * raise the objective is halved until it does not.
 * @throws LearnDataError for no rows, lengths that disagree, a value that is not finite, one
 *   outcome only, or options out of range.
 * @throws LogisticFitError when there is no finite optimum or it was not reached.
 * @example
 * const model = fitLogistic([[0], [1], [2], [3]], [false, true, false, true], { lambda: 1 });
 * predict(model, [2]); // P(landed) for x = 2
 */
export function fitLogistic(
  x: readonly (readonly number[])[],
  y: readonly boolean[],
  options: LogisticOptions = {},
): LogisticModel {
  const lambda = options.lambda ?? 1;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 100;
  checkOptions(lambda, tolerance, maxIterations);
  const width = checkData(x, y);
  const featureNames = options.featureNames ?? Array.from({ length: width }, (_, j) => `x${j}`);
  if (featureNames.length !== width)
    throw new LearnDataError(`There are ${featureNames.length} feature names for ${width} features.`, {
      details: "Give one name per column of x, in the same order.",
    });

  const standardisation = fitStandardisation(x);
  const z = x.map((row) => standardise(standardisation, row));
  const n = z.length;
  const d = width + 1;
  const positives = y.filter(Boolean).length;
  // β[0] is the intercept. Starting it at the base rate's logit makes the first step a small one.
  const beta = new Array<number>(d).fill(0);
  beta[0] = Math.log(positives / (n - positives));

  const linear = (b: readonly number[]) =>
    z.map((row) => {
      let t = b[0] as number;
      for (let j = 0; j < width; j++) t += (b[j + 1] as number) * (row[j] as number);
      return t;
    });
  const objective = (b: readonly number[]) => {
    const eta = linear(b);
    let total = 0;
    for (let i = 0; i < n; i++) total += softplus(y[i] ? -(eta[i] as number) : (eta[i] as number));
    let penalty = 0;
    for (let j = 1; j < d; j++) penalty += (b[j] as number) ** 2;
    return total + (lambda / 2) * penalty;
  };

  const fail = (reason: "singular" | "notConverged", iterations: number): LogisticFitError => {
    if (lambda === 0 && separates(linear(beta), y))
      return new LogisticFitError(
        "separable",
        "The outcomes are perfectly separated by the features: without a penalty the weights grow without bound.",
        "Fit with lambda > 0, which keeps the weights finite, or add attempts that break the separation.",
      );
    if (reason === "singular")
      return new LogisticFitError(
        "singular",
        "The Newton system is singular: a feature is constant or some features are collinear.",
        "Fit with lambda > 0, or drop the constant or redundant features.",
      );
    return new LogisticFitError(
      "notConverged",
      `The fit did not converge in ${iterations} Newton steps.`,
      "Raise maxIterations or the tolerance, or fit with a larger lambda.",
    );
  };

  let current = objective(beta);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const eta = linear(beta);
    const gradient = new Array<number>(d).fill(0);
    const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      const t = eta[i] as number;
      // p − y and p(1 − p), each from σ of the side that does not round to 1.
      const residual = y[i] ? -sigmoid(-t) : sigmoid(t);
      const weight = sigmoid(t) * sigmoid(-t);
      const row = z[i] as readonly number[];
      for (let a = 0; a < d; a++) {
        const za = a === 0 ? 1 : (row[a - 1] as number);
        gradient[a] = (gradient[a] as number) + residual * za;
        const h = hessian[a] as number[];
        for (let b = 0; b <= a; b++) h[b] = (h[b] as number) + weight * za * (b === 0 ? 1 : (row[b - 1] as number));
      }
    }
    for (let j = 1; j < d; j++) {
      gradient[j] = (gradient[j] as number) + lambda * (beta[j] as number);
      (hessian[j] as number[])[j] = ((hessian[j] as number[])[j] as number) + lambda;
    }
    const step = choleskySolve(hessian, gradient);
    if (step === undefined) throw fail("singular", iteration);

    // Halve until the objective does not rise (beyond rounding: near the optimum the change is
    // below the objective's last bit, and the full step is then the right one).
    let scale = 1;
    let candidate = beta.map((b, j) => b - (step[j] as number));
    let next = objective(candidate);
    for (let halvings = 0; next > current + 1e-12 * Math.abs(current); halvings++) {
      if (halvings === 60) throw fail("notConverged", iteration);
      scale /= 2;
      candidate = beta.map((b, j) => b - scale * (step[j] as number));
      next = objective(candidate);
    }
    // Converged on the full Newton step, not the halved one: a step that had to be halved is not
    // near the optimum, however little it moved.
    let moved = 0;
    for (let j = 0; j < d; j++) moved = Math.max(moved, Math.abs(step[j] as number));
    for (let j = 0; j < d; j++) beta[j] = candidate[j] as number;
    current = next;
    if (moved <= tolerance)
      return {
        featureNames: [...featureNames],
        standardisation,
        weights: beta.slice(1),
        intercept: beta[0] as number,
        lambda,
        trainedOn: n,
        iterations: iteration,
      };
  }
  throw fail("notConverged", maxIterations);
}

/** Whether every positive has a positive linear score and every negative a negative one. */
function separates(eta: readonly number[], y: readonly boolean[]): boolean {
  return eta.every((t, i) => (y[i] ? t > 0 : t < 0));
}

function checkOptions(lambda: number, tolerance: number, maxIterations: number): void {
  if (!Number.isFinite(lambda) || lambda < 0)
    throw new LearnDataError(`lambda is ${lambda}: it must be a finite number from 0 up.`, {
      details: "Give the L2 penalty, such as 1.",
    });
  if (!Number.isFinite(tolerance) || tolerance <= 0)
    throw new LearnDataError(`tolerance is ${tolerance}: it must be a finite number above 0.`, {
      details: "Give the largest coefficient change that counts as converged, such as 1e-10.",
    });
  if (!Number.isInteger(maxIterations) || maxIterations < 1)
    throw new LearnDataError(`maxIterations is ${maxIterations}: it must be a whole number from 1 up.`, {
      details: "Give the most Newton steps to take, such as 100.",
    });
}

/** Checks the training data; returns the number of features. */
function checkData(x: readonly (readonly number[])[], y: readonly boolean[]): number {
  if (x.length === 0)
    throw new LearnDataError("There is nothing to fit: no rows.", { details: "Record some attempts first." });
  if (x.length !== y.length)
    throw new LearnDataError(`There are ${x.length} rows of features and ${y.length} outcomes.`, {
      details: "Give exactly one outcome per row.",
    });
  const width = (x[0] as readonly number[]).length;
  for (const [i, row] of x.entries()) {
    if (row.length !== width)
      throw new LearnDataError(`Row ${i} has ${row.length} features where row 0 has ${width}.`, {
        details: "Every row must have the same features in the same order.",
      });
    for (const [j, value] of row.entries())
      if (!Number.isFinite(value))
        throw new LearnDataError(`Row ${i}, feature ${j} is ${value}: features must be finite numbers.`, {
          details: "Fix the recorder that produced it, or drop the row.",
        });
  }
  const positives = y.filter(Boolean).length;
  if (positives === 0 || positives === y.length)
    throw new LearnDataError(
      `Every one of the ${y.length} outcomes is ${positives === 0 ? "false" : "true"}: there is only one class.`,
      { details: "A model of the odds needs both outcomes; record attempts that landed and attempts that did not." },
    );
  return width;
}

/**
 * Solves H s = g for a symmetric positive-definite H given by its lower triangle, by Cholesky
 * (H = L Lᵀ, then two triangular solves). Returns undefined when H is not numerically positive
 * definite: a pivot at or below 1e-13 of the largest diagonal means the system is singular to
 * working precision, and solving it would only amplify rounding into the weights.
 */
function choleskySolve(h: readonly (readonly number[])[], g: readonly number[]): number[] | undefined {
  const d = g.length;
  let largest = 0;
  for (let a = 0; a < d; a++) largest = Math.max(largest, (h[a] as readonly number[])[a] as number);
  const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let a = 0; a < d; a++) {
    const la = l[a] as number[];
    for (let b = 0; b <= a; b++) {
      const lb = l[b] as number[];
      let sum = (h[a] as readonly number[])[b] as number;
      for (let k = 0; k < b; k++) sum -= (la[k] as number) * (lb[k] as number);
      if (a === b) {
        if (!(sum > 1e-13 * largest)) return undefined;
        la[a] = Math.sqrt(sum);
      } else la[b] = sum / (lb[b] as number);
    }
  }
  const w = new Array<number>(d).fill(0);
  for (let a = 0; a < d; a++) {
    let sum = g[a] as number;
    for (let k = 0; k < a; k++) sum -= ((l[a] as number[])[k] as number) * (w[k] as number);
    w[a] = sum / ((l[a] as number[])[a] as number);
  }
  const s = new Array<number>(d).fill(0);
  for (let a = d - 1; a >= 0; a--) {
    let sum = w[a] as number;
    for (let k = a + 1; k < d; k++) sum -= ((l[k] as number[])[a] as number) * (s[k] as number);
    s[a] = sum / ((l[a] as number[])[a] as number);
  }
  return s;
}

/**
 * P(y = 1) for the raw (unstandardised) features `x`.
 * @throws LearnDataError when `x` has the wrong length or a value that is not finite.
 */
export function predict(model: LogisticModel, x: readonly number[]): number {
  if (x.length !== model.featureNames.length)
    throw new LearnDataError(`The input has ${x.length} features; the model takes ${model.featureNames.length}.`, {
      details: `Give the features in the model's order: ${model.featureNames.join(", ")}.`,
    });
  for (const [j, value] of x.entries())
    if (!Number.isFinite(value))
      throw new LearnDataError(`The feature ${model.featureNames[j]} is ${value}: features must be finite numbers.`, {
        details: "Fix the value before asking for a prediction.",
      });
  const z = standardise(model.standardisation, x);
  let t = model.intercept;
  for (const [j, w] of model.weights.entries()) t += w * (z[j] as number);
  return sigmoid(t);
}

/**
 * The model's coefficients on the raw features' scale: a unit more of feature j adds
 * `weights[j]` to the log-odds. For reading a model (and checking a fit against known weights);
 * a constant feature's weight is 0 when fitted with a penalty.
 */
export function rawCoefficients(model: LogisticModel): { readonly intercept: number; readonly weights: number[] } {
  const { mean, std } = model.standardisation;
  let intercept = model.intercept;
  const weights = model.weights.map((w, j) => {
    const s = std[j] === 0 ? 1 : (std[j] as number);
    intercept -= (w * (mean[j] as number)) / s;
    return w / s;
  });
  return { intercept, weights };
}

/** The saved model's format name and version; a file with another is refused. */
export const MODEL_FORMAT = "flash-arb/logistic";
export const MODEL_VERSION = 1;

// zod 4 refuses ±Infinity (which JSON.parse gives for 1e999) in any number.
const finite = z.number({ error: "must be a finite number" });
const modelFile = z
  .object({
    format: z.literal(MODEL_FORMAT),
    version: z.literal(MODEL_VERSION),
    featureNames: z.array(z.string().min(1)).min(1),
    weights: z.array(finite),
    intercept: finite,
    standardisation: z.object({ mean: z.array(finite), std: z.array(finite.refine((s) => s >= 0, "must be ≥ 0")) }),
    lambda: finite.refine((l) => l >= 0, "must be ≥ 0"),
    trainedOn: z.number().int().min(1),
    iterations: z.number().int().min(0),
  })
  .strict();

/** The model as JSON, every number exactly (JSON keeps a double's shortest round-trip form). */
export function serialiseModel(model: LogisticModel): string {
  return JSON.stringify(
    {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      featureNames: model.featureNames,
      weights: model.weights,
      intercept: model.intercept,
      standardisation: { mean: model.standardisation.mean, std: model.standardisation.std },
      lambda: model.lambda,
      trainedOn: model.trainedOn,
      iterations: model.iterations,
    },
    null,
    2,
  );
}

/**
 * Loads a model saved by `serialiseModel`.
 * @param expectedFeatureNames When given, the features the caller will pass, in order: a model
 *   trained on other features (or the same in another order) is refused rather than applied to
 *   the wrong inputs.
 * @throws ModelFileError naming each problem.
 */
export function deserialiseModel(text: string, expectedFeatureNames?: readonly string[]): LogisticModel {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (cause) {
    throw new ModelFileError("The model file is not JSON.", {
      details: "Give a file written by serialiseModel.",
      cause,
    });
  }
  const parsed = modelFile.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key(s) ${issue.keys.join(", ")}`
        : `${issue.path.join(".") || "(file)"}: ${issue.message}`,
    );
    throw new ModelFileError("The model file is invalid.", {
      details: `${problems.join("\n")}\nGive a file written by serialiseModel, or train the model again.`,
    });
  }
  const file = parsed.data;
  const width = file.featureNames.length;
  for (const [key, list] of [
    ["weights", file.weights],
    ["standardisation.mean", file.standardisation.mean],
    ["standardisation.std", file.standardisation.std],
  ] as const)
    if (list.length !== width)
      throw new ModelFileError(`The model file has ${list.length} ${key} for ${width} features.`, {
        details: "The file is damaged: train the model again.",
      });
  if (expectedFeatureNames !== undefined) {
    const same =
      expectedFeatureNames.length === width && expectedFeatureNames.every((name, j) => name === file.featureNames[j]);
    if (!same) {
      const missing = expectedFeatureNames.filter((name) => !file.featureNames.includes(name));
      const extra = file.featureNames.filter((name) => !expectedFeatureNames.includes(name));
      const difference =
        missing.length === 0 && extra.length === 0
          ? "the same features in another order"
          : [
              missing.length > 0 ? `missing ${missing.join(", ")}` : "",
              extra.length > 0 ? `unknown ${extra.join(", ")}` : "",
            ]
              .filter((s) => s !== "")
              .join("; ");
      throw new ModelFileError(`The model was trained on other features: ${difference}.`, {
        details: `Expected ${expectedFeatureNames.join(", ")}; train the model again on the current features.`,
      });
    }
  }
  return {
    featureNames: file.featureNames,
    standardisation: { mean: file.standardisation.mean, std: file.standardisation.std },
    weights: file.weights,
    intercept: file.intercept,
    lambda: file.lambda,
    trainedOn: file.trainedOn,
    iterations: file.iterations,
  };
}
