import { brierScore, expectedValue, logLoss, type ReliabilityBin, reliabilityTable } from "./calibration.js";
import { LearnDataError } from "./errors.js";
import { type Attempt, type AttemptFeatures, FEATURE_NAMES, featureVector } from "./features.js";
import { deserialiseModel, fitLogistic, type LogisticModel, predict, serialiseModel } from "./logistic.js";

/** How a landing model is trained. */
export interface LandingTrainOptions {
  /**
   * The L2 penalty (see `LogisticOptions.lambda`); must be above 0: the lender and submission
   * one-hot groups each sum to 1, so without a penalty their weights are not identifiable.
   * Default 1.
   */
  readonly lambda?: number;
  /**
   * The fewest attempts with a known outcome to train on. With twenty features, a few dozen
   * outcomes give a model that mostly memorises them and reports confident nonsense; below this
   * there is no model, and the caller falls back to its rules. Default 100.
   */
  readonly minOutcomes?: number;
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

/** A trained model, or why there is none yet. */
export type LandingTrainResult =
  | { readonly trained: true; readonly model: LandingModel }
  | { readonly trained: false; readonly reason: string };

/** How well a model's probabilities match what happened. */
export interface LandingEvaluation {
  readonly count: number;
  /** The share of the attempts that landed. */
  readonly baseRate: number;
  readonly brier: number;
  /** The Brier score of always predicting `baseRate`: the model earns its keep only below it. */
  readonly baseRateBrier: number;
  /** Mean negative log-likelihood in nats. */
  readonly logLoss: number;
  readonly reliability: readonly ReliabilityBin[];
}

/** What ranking needs of a candidate: its features and what it stands to win or lose, in USD. */
export interface LandingCandidate {
  readonly features: AttemptFeatures;
  /** Net profit if it lands, after gas and the bid, in USD. */
  readonly profitUsd: number;
  /** What it costs if it does not land (a revert's gas; 0 for a bundle left out), in USD. */
  readonly failureCostUsd: number;
}

/** A candidate with its probability of landing and its expected value. */
export interface RankedCandidate<T extends LandingCandidate> {
  readonly candidate: T;
  readonly probability: number;
  readonly expectedValueUsd: number;
}

/**
 * The probability that an attempt lands, from what was known when it was sent: a logistic
 * regression over `FEATURE_NAMES`. There is no model until there are enough outcomes of both
 * kinds; evaluate it on attempts it was not trained on (`holdOutLatest`), since its score on its
 * own training data flatters it.
 */
export class LandingModel {
  private constructor(readonly logistic: LogisticModel) {}

  /**
   * Trains on `attempts`, or says why not: fewer than `minOutcomes` of them, or only one outcome
   * among them (nothing to tell apart).
   * @throws LearnDataError for a bad feature (naming the attempt) or options out of range.
   * @throws LogisticFitError if the fit does not converge.
   */
  static train(attempts: readonly Attempt[], options: LandingTrainOptions = {}): LandingTrainResult {
    const lambda = options.lambda ?? 1;
    const minOutcomes = options.minOutcomes ?? 100;
    if (!(Number.isFinite(lambda) && lambda > 0))
      throw new LearnDataError(`lambda is ${lambda}: a landing model needs a finite penalty above 0.`, {
        details: "The one-hot lender and submission features are collinear without one; give lambda such as 1.",
      });
    if (!Number.isInteger(minOutcomes) || minOutcomes < 2)
      throw new LearnDataError(`minOutcomes is ${minOutcomes}: it must be a whole number from 2 up.`, {
        details: "Give the fewest outcomes to train on, such as 100.",
      });
    if (attempts.length < minOutcomes)
      return {
        trained: false,
        reason: `${attempts.length} outcome(s) recorded; a model needs at least ${minOutcomes}.`,
      };
    const landed = attempts.filter((a) => a.landed).length;
    if (landed === 0 || landed === attempts.length)
      return {
        trained: false,
        reason: `All ${attempts.length} attempts ${landed === 0 ? "failed" : "landed"}: a model needs both outcomes.`,
      };
    const x = attempts.map((a, i) => featureVector(a.features, `attempt ${i} (block ${a.block})`));
    const logistic = fitLogistic(
      x,
      attempts.map((a) => a.landed),
      {
        lambda,
        featureNames: FEATURE_NAMES,
        ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
        ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
      },
    );
    return { trained: true, model: new LandingModel(logistic) };
  }

  /**
   * Loads a model saved by `toJson`.
   * @throws ModelFileError when the file is invalid or was trained on other features.
   */
  static fromJson(text: string): LandingModel {
    return new LandingModel(deserialiseModel(text, FEATURE_NAMES));
  }

  /** The model as JSON: weights, intercept, standardisation, feature names, lambda, trainedOn. */
  toJson(): string {
    return serialiseModel(this.logistic);
  }

  /**
   * The probability that an attempt with `features` lands.
   * @throws LearnDataError for a bad feature.
   */
  probability(features: AttemptFeatures): number {
    return predict(this.logistic, featureVector(features));
  }

  /**
   * Scores the model's probabilities against what happened to `attempts`.
   * @param bins The reliability table's equal-width bins.
   * @throws LearnDataError for no attempts or a bad feature.
   */
  evaluate(attempts: readonly Attempt[], bins = 10): LandingEvaluation {
    if (attempts.length === 0)
      throw new LearnDataError("There is nothing to evaluate: no attempts.", {
        details: "Evaluate on attempts held out from training (holdOutLatest).",
      });
    const predicted = attempts.map((a, i) =>
      predict(this.logistic, featureVector(a.features, `attempt ${i} (block ${a.block})`)),
    );
    const outcomes = attempts.map((a) => a.landed);
    const baseRate = outcomes.filter(Boolean).length / outcomes.length;
    return {
      count: attempts.length,
      baseRate,
      brier: brierScore(predicted, outcomes),
      baseRateBrier: baseRate * (1 - baseRate),
      logLoss: logLoss(predicted, outcomes),
      reliability: reliabilityTable(predicted, outcomes, bins),
    };
  }

  /**
   * `candidates` by expected value, best first (ties in their order): a large profit that rarely
   * lands can rank below a small one that nearly always does.
   * @throws LearnDataError for a bad feature or an amount that is not finite.
   */
  rank<T extends LandingCandidate>(candidates: readonly T[]): RankedCandidate<T>[] {
    const scored = candidates.map((candidate) => {
      const probability = this.probability(candidate.features);
      return {
        candidate,
        probability,
        expectedValueUsd: expectedValue(probability, candidate.profitUsd, candidate.failureCostUsd),
      };
    });
    // Array.prototype.sort is stable, so equal expected values keep the candidates' order.
    return scored.sort((a, b) => b.expectedValueUsd - a.expectedValueUsd);
  }
}

/**
 * Splits `attempts` by block: the latest blocks (at least `fraction` of the attempts) to evaluate
 * on, the rest to train on. Splitting by time, not at random, asks the question the model is used
 * for (how well do past outcomes predict the next ones) and keeps a block's attempts, which share
 * its rivals and fees, on one side.
 * @throws LearnDataError when `fraction` is not above 0 and below 1.
 */
export function holdOutLatest(
  attempts: readonly Attempt[],
  fraction: number,
): { readonly train: Attempt[]; readonly test: Attempt[] } {
  if (!(fraction > 0 && fraction < 1))
    throw new LearnDataError(`fraction is ${fraction}: it must be above 0 and below 1.`, {
      details: "Give the share of attempts to hold out, such as 0.2.",
    });
  const blocks = [...new Set(attempts.map((a) => a.block))].sort((a, b) => b - a);
  const perBlock = new Map<number, number>();
  for (const a of attempts) perBlock.set(a.block, (perBlock.get(a.block) ?? 0) + 1);
  const wanted = Math.ceil(fraction * attempts.length);
  const held = new Set<number>();
  let count = 0;
  for (const block of blocks) {
    if (count >= wanted) break;
    held.add(block);
    count += perBlock.get(block) ?? 0;
  }
  return {
    train: attempts.filter((a) => !held.has(a.block)),
    test: attempts.filter((a) => held.has(a.block)),
  };
}
