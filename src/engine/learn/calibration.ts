import { LearnDataError } from "./errors.js";

/** One bin of a reliability table: the predictions that fell in it and how often they came true. */
export interface ReliabilityBin {
  /** The bin covers [lower, upper); the last bin includes 1. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** The mean predicted probability in the bin; null for an empty bin (no data, not 0). */
  readonly meanPredicted: number | null;
  /** The share of the bin's attempts that landed; null for an empty bin. */
  readonly observedFrequency: number | null;
}

/**
 * Checks predictions against outcomes: same length, at least one, each a probability.
 * @throws LearnDataError naming the first problem.
 */
function checkPredictions(predicted: readonly number[], outcomes: readonly boolean[]): void {
  if (predicted.length !== outcomes.length)
    throw new LearnDataError(`There are ${predicted.length} predictions and ${outcomes.length} outcomes.`, {
      details: "Give exactly one outcome per prediction.",
    });
  if (predicted.length === 0)
    throw new LearnDataError("There is nothing to score: no predictions.", {
      details: "Score at least one attempt.",
    });
  for (const [i, p] of predicted.entries())
    if (!(p >= 0 && p <= 1))
      throw new LearnDataError(`Prediction ${i} is ${p}: it must be a probability from 0 to 1.`, {
        details: "Give the model's probabilities, not its log-odds.",
      });
}

/**
 * The Brier score: the mean squared difference between the predicted probability and the
 * outcome (1 landed, 0 not). 0 is perfect; always predicting the base rate r scores r(1 − r), so
 * a model is only worth its keep below that.
 * @throws LearnDataError for no predictions, lengths that disagree, or a value outside [0, 1].
 */
export function brierScore(predicted: readonly number[], outcomes: readonly boolean[]): number {
  checkPredictions(predicted, outcomes);
  let total = 0;
  for (const [i, p] of predicted.entries()) total += (p - (outcomes[i] ? 1 : 0)) ** 2;
  return total / predicted.length;
}

/** The probability a log loss treats 0 as (and 1 − it as 1), so a certain miss costs ≈ 34.5 nats, not ∞. */
export const LOG_LOSS_EPSILON = 1e-15;

/**
 * The mean negative log-likelihood in nats: −[y·ln p + (1 − y)·ln(1 − p)]. Unlike the Brier score
 * it punishes confident misses without limit, which is what matters when a probability is
 * multiplied by a profit. Predictions are clamped to [ε, 1 − ε] (`LOG_LOSS_EPSILON`): a sigmoid
 * rounds to exactly 1 beyond a log-odds of about 37, and one such miss would make the mean ∞.
 * @throws LearnDataError for no predictions, lengths that disagree, or a value outside [0, 1].
 */
export function logLoss(predicted: readonly number[], outcomes: readonly boolean[]): number {
  checkPredictions(predicted, outcomes);
  let total = 0;
  for (const [i, raw] of predicted.entries()) {
    const p = Math.min(Math.max(raw, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    total -= outcomes[i] ? Math.log(p) : Math.log1p(-p);
  }
  return total / predicted.length;
}

/**
 * A reliability table: `bins` equal-width bins over [0, 1], prediction p in bin ⌊p·bins⌋ (1 in
 * the last). A calibrated model's observed frequency matches its mean prediction in every bin;
 * the counts say how much each bin's frequency can be trusted.
 * @throws LearnDataError for no predictions, lengths that disagree, a value outside [0, 1], or a
 *   bin count that is not a whole number from 1 up.
 */
export function reliabilityTable(
  predicted: readonly number[],
  outcomes: readonly boolean[],
  bins = 10,
): ReliabilityBin[] {
  if (!Number.isInteger(bins) || bins < 1)
    throw new LearnDataError(`bins is ${bins}: it must be a whole number from 1 up.`, {
      details: "Give the number of equal-width bins, such as 10.",
    });
  checkPredictions(predicted, outcomes);
  const count = new Array<number>(bins).fill(0);
  const sumPredicted = new Array<number>(bins).fill(0);
  const landed = new Array<number>(bins).fill(0);
  for (const [i, p] of predicted.entries()) {
    const k = Math.min(Math.floor(p * bins), bins - 1);
    count[k] = (count[k] as number) + 1;
    sumPredicted[k] = (sumPredicted[k] as number) + p;
    if (outcomes[i]) landed[k] = (landed[k] as number) + 1;
  }
  return count.map((c, k) => ({
    lower: k / bins,
    upper: (k + 1) / bins,
    count: c,
    meanPredicted: c === 0 ? null : (sumPredicted[k] as number) / c,
    observedFrequency: c === 0 ? null : (landed[k] as number) / c,
  }));
}

/**
 * The expected value of sending an attempt, in the units of `profit` and `failureCost` (the
 * engine uses USD): p·profit − (1 − p)·failureCost. `profit` is what a landed attempt nets after
 * gas and the bid; `failureCost` is what one that does not land costs (a reverted transaction's
 * gas; 0 for a bundle that is simply not included). Numbers, not bigints: the probability is a
 * number already, so a bigint would only pretend to precision the estimate does not have.
 * @throws LearnDataError when p is not a probability or an amount is not finite.
 */
export function expectedValue(p: number, profit: number, failureCost: number): number {
  if (!(p >= 0 && p <= 1))
    throw new LearnDataError(`The probability is ${p}: it must be from 0 to 1.`, {
      details: "Give the model's probability that the attempt lands.",
    });
  if (!Number.isFinite(profit) || !Number.isFinite(failureCost))
    throw new LearnDataError(`The profit (${profit}) and failure cost (${failureCost}) must be finite numbers.`, {
      details: "Give both in USD.",
    });
  return p * profit - (1 - p) * failureCost;
}
