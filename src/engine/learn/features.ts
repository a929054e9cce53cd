import type { LenderName } from "../../executor/route.js";
import { LearnDataError } from "./errors.js";

/**
 * What was known about an arbitrage attempt when it was sent, as numbers only, so a recorded
 * attempt turns into a model's input without a lookup table that could drift from the records.
 * Categories are one-hot: exactly one of each group is 1, the rest 0 (`lenderFeatures`,
 * `submissionFeatures` build them).
 */
export interface AttemptFeatures {
  /** Net profit over the gas cost, a ratio: 0.5 means the profit after gas is half the gas bill. */
  readonly marginOverGas: number;
  /** The bid (priority fee or builder payment) as a share of the gross profit, 0 to 1. */
  readonly bidShareOfProfit: number;
  /** The bid's percentile, 0 to 1, among the priority fees and bids of recent blocks. */
  readonly bidPercentile: number;
  /** Hops in the route. */
  readonly routeLength: number;
  /** Hops through Uniswap V2 pools. */
  readonly poolsUniswapV2: number;
  /** Hops through Uniswap V3 pools. */
  readonly poolsUniswapV3: number;
  /** Hops through Uniswap V4 pools. */
  readonly poolsUniswapV4: number;
  /** Hops through Balancer pools. */
  readonly poolsBalancer: number;
  /** Hops through Curve pools. */
  readonly poolsCurve: number;
  /** 1 when the loan came from Aave V3. */
  readonly lenderAaveV3: number;
  /** 1 when the loan came from the Balancer V2 Vault. */
  readonly lenderBalancerV2: number;
  /** 1 when the loan was a Uniswap V3 flash. */
  readonly lenderUniswapV3: number;
  /** 1 when the loan came from Morpho Blue. */
  readonly lenderMorphoBlue: number;
  /** 1 when the loan came from the Uniswap V4 PoolManager. */
  readonly lenderUniswapV4: number;
  /** Milliseconds from seeing the opportunity to sending the transaction. */
  readonly detectToSendMs: number;
  /** 1 when sent to the public mempool. */
  readonly submissionPublic: number;
  /** 1 when sent as a bundle to builders. */
  readonly submissionBundle: number;
  /** How many builders the bundle went to (0 for a public transaction). */
  readonly builders: number;
  /** Rivals' trades through the route's pools in recent blocks. */
  readonly rivalActivity: number;
  /** 1 when the attempt back-runs a pending transaction, 0 when it trades on a settled state. */
  readonly backrun: number;
}

/** A recorded attempt: what was known when it was sent, and whether it landed. */
export interface Attempt {
  readonly features: AttemptFeatures;
  /** Included on chain and succeeded; a revert, a drop or an outbid bundle is `false`. */
  readonly landed: boolean;
  /** The block it was sent for: hold-out splits keep a block's attempts on one side. */
  readonly block: number;
  /** The seed of the simulated run that produced it; absent for a live attempt. */
  readonly seed?: number;
}

/**
 * The model's inputs, in the order of its weights. A saved model stores these names and refuses
 * to load against a different list, so reordering or adding a feature cannot silently shift the
 * weights onto the wrong inputs.
 */
export const FEATURE_NAMES = [
  "marginOverGas",
  "bidShareOfProfit",
  "bidPercentile",
  "routeLength",
  "poolsUniswapV2",
  "poolsUniswapV3",
  "poolsUniswapV4",
  "poolsBalancer",
  "poolsCurve",
  "lenderAaveV3",
  "lenderBalancerV2",
  "lenderUniswapV3",
  "lenderMorphoBlue",
  "lenderUniswapV4",
  "detectToSendMs",
  "submissionPublic",
  "submissionBundle",
  "builders",
  "rivalActivity",
  "backrun",
] as const satisfies readonly (keyof AttemptFeatures)[];

/** The lenders in the order of their one-hot features. */
export const LEARN_LENDERS = [
  "AaveV3",
  "BalancerV2",
  "UniswapV3",
  "MorphoBlue",
  "UniswapV4",
] as const satisfies readonly LenderName[];

/** How an attempt was sent. */
export type Submission = "public" | "bundle";

type LenderFeatures = Pick<
  AttemptFeatures,
  "lenderAaveV3" | "lenderBalancerV2" | "lenderUniswapV3" | "lenderMorphoBlue" | "lenderUniswapV4"
>;

/** The one-hot lender features for `lender`. */
export function lenderFeatures(lender: LenderName): LenderFeatures {
  return {
    lenderAaveV3: lender === "AaveV3" ? 1 : 0,
    lenderBalancerV2: lender === "BalancerV2" ? 1 : 0,
    lenderUniswapV3: lender === "UniswapV3" ? 1 : 0,
    lenderMorphoBlue: lender === "MorphoBlue" ? 1 : 0,
    lenderUniswapV4: lender === "UniswapV4" ? 1 : 0,
  };
}

/** The one-hot submission features for `submission`. */
export function submissionFeatures(
  submission: Submission,
): Pick<AttemptFeatures, "submissionPublic" | "submissionBundle"> {
  return { submissionPublic: submission === "public" ? 1 : 0, submissionBundle: submission === "bundle" ? 1 : 0 };
}

const ONE_HOT_GROUPS: readonly (readonly (keyof AttemptFeatures)[])[] = [
  ["lenderAaveV3", "lenderBalancerV2", "lenderUniswapV3", "lenderMorphoBlue", "lenderUniswapV4"],
  ["submissionPublic", "submissionBundle"],
];
const COUNTS: readonly (keyof AttemptFeatures)[] = [
  "routeLength",
  "poolsUniswapV2",
  "poolsUniswapV3",
  "poolsUniswapV4",
  "poolsBalancer",
  "poolsCurve",
  "builders",
  "rivalActivity",
];
const SHARES: readonly (keyof AttemptFeatures)[] = ["bidShareOfProfit", "bidPercentile"];

/**
 * `features` as a vector in `FEATURE_NAMES` order. Checks each value, because one bad record
 * (a NaN from a division by a zero gas cost, two lenders set) would otherwise pull every weight.
 * @param where Names the record in an error, such as `attempt 12`.
 * @throws LearnDataError naming the feature and what it must be.
 */
export function featureVector(features: AttemptFeatures, where = "the attempt"): number[] {
  const bad = (name: string, value: number, must: string) =>
    new LearnDataError(`The feature ${name} of ${where} is ${value}: it must be ${must}.`, {
      details: "Fix the recorder that produced it, or drop the attempt from the training data.",
    });
  for (const name of FEATURE_NAMES) {
    const value = features[name];
    if (typeof value !== "number" || !Number.isFinite(value)) throw bad(name, value, "a finite number");
  }
  for (const name of SHARES) {
    const value = features[name];
    if (value < 0 || value > 1) throw bad(name, value, "from 0 to 1");
  }
  for (const name of COUNTS) {
    const value = features[name];
    if (value < 0 || !Number.isInteger(value)) throw bad(name, value, "a whole number from 0 up");
  }
  if (features.detectToSendMs < 0) throw bad("detectToSendMs", features.detectToSendMs, "0 or more");
  if (features.backrun !== 0 && features.backrun !== 1) throw bad("backrun", features.backrun, "0 or 1");
  for (const group of ONE_HOT_GROUPS) {
    for (const name of group) {
      const value = features[name];
      if (value !== 0 && value !== 1) throw bad(name, value, "0 or 1");
    }
    const set = group.filter((name) => features[name] === 1);
    if (set.length !== 1)
      throw new LearnDataError(`${where} has ${set.length} of ${group.join(", ")} set: exactly one must be 1.`, {
        details: "Build the one-hot features with lenderFeatures and submissionFeatures.",
      });
  }
  return FEATURE_NAMES.map((name) => features[name]);
}

/**
 * Each column's mean and standard deviation over the training rows, kept with the model so a
 * prediction is scaled exactly as training was. Scaling puts every feature in the same units for
 * the penalty (a millisecond and a 0..1 share would otherwise be penalised very differently) and
 * keeps the Newton system well conditioned.
 */
export interface Standardisation {
  readonly mean: readonly number[];
  /** The population standard deviation (over n); 0 for a constant column, which is only centred. */
  readonly std: readonly number[];
}

/**
 * Fits the standardisation of `rows` (all the same width, finite; the caller checks).
 * @throws LearnDataError when there are no rows.
 */
export function fitStandardisation(rows: readonly (readonly number[])[]): Standardisation {
  const first = rows[0];
  if (first === undefined)
    throw new LearnDataError("There are no rows to standardise.", { details: "Give at least one attempt." });
  const n = rows.length;
  const width = first.length;
  const mean = new Array<number>(width).fill(0);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j] = (mean[j] as number) + (row[j] as number);
  for (let j = 0; j < width; j++) mean[j] = (mean[j] as number) / n;
  // Two passes (sum of squared deviations) rather than E[x²] − E[x]², which cancels badly.
  const sq = new Array<number>(width).fill(0);
  for (const row of rows)
    for (let j = 0; j < width; j++) {
      const d = (row[j] as number) - (mean[j] as number);
      sq[j] = (sq[j] as number) + d * d;
    }
  const std = sq.map((s) => Math.sqrt(s / n));
  return { mean, std };
}

/** `row` centred by the fitted means and divided by the standard deviations (a zero one by 1). */
export function standardise(standardisation: Standardisation, row: readonly number[]): number[] {
  const { mean, std } = standardisation;
  return row.map((value, j) => {
    const s = std[j] as number;
    return (value - (mean[j] as number)) / (s === 0 ? 1 : s);
  });
}
