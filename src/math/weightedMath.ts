// A port of what a Balancer V2 weighted pool (2021 release) computes for a swap given in:
// FixedPoint's rounding helpers, WeightedMath._calcOutGivenIn, and BaseMinimalSwapInfoPool's
// onSwap around it (fee taken first, then scaling to 18 decimals, then the math, then scaling
// back down).
import { pow } from "./logExpMath.js";

const ONE = 10n ** 18n;
/** FixedPoint.MAX_POW_RELATIVE_ERROR: 10^-14. */
const MAX_POW_RELATIVE_ERROR = 10_000n;
/** WeightedMath._MAX_IN_RATIO: a swap may bring in at most 30% of the pool's balance. */
const MAX_IN_RATIO = 3n * 10n ** 17n;

export function mulDown(a: bigint, b: bigint): bigint {
  return (a * b) / ONE;
}

export function mulUp(a: bigint, b: bigint): bigint {
  const product = a * b;
  return product === 0n ? 0n : (product - 1n) / ONE + 1n;
}

export function divDown(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a * ONE) / b;
}

export function divUp(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a * ONE - 1n) / b + 1n;
}

export function powUp(x: bigint, y: bigint): bigint {
  const raw = pow(x, y);
  return raw + mulUp(raw, MAX_POW_RELATIVE_ERROR) + 1n;
}

export function complement(x: bigint): bigint {
  return x < ONE ? ONE - x : 0n;
}

/**
 * `WeightedMath._calcOutGivenIn` on upscaled (18-decimal) amounts; undefined where the pool
 * reverts (more than 30% of the balance in).
 */
export function calcOutGivenIn(
  balanceIn: bigint,
  weightIn: bigint,
  balanceOut: bigint,
  weightOut: bigint,
  amountIn: bigint,
): bigint | undefined {
  if (amountIn > mulDown(balanceIn, MAX_IN_RATIO)) return undefined;
  const base = divUp(balanceIn, balanceIn + amountIn);
  const exponent = divDown(weightIn, weightOut);
  const power = powUp(base, exponent);
  return mulDown(balanceOut, complement(power));
}

/** What a weighted pool's swap depends on, read from the Vault and the pool. */
export interface WeightedPoolState {
  /** The Vault's balances (cash plus managed), in each token's own decimals. */
  readonly balances: readonly bigint[];
  /** Normalised weights, 18 decimals, summing to one. */
  readonly weights: readonly bigint[];
  /** 10^(18 − decimals) per token. */
  readonly scalingFactors: readonly bigint[];
  /** Swap fee, 18 decimals (3e15 = 0.3%). */
  readonly swapFee: bigint;
}

/**
 * The output of a swap given in, token `i` to token `j`, as the Vault pays it; 0 where the
 * pool would revert.
 */
export function weightedSwapGivenIn(state: WeightedPoolState, i: number, j: number, amountIn: bigint): bigint {
  if (amountIn <= 0n) return 0n;
  const scaleIn = state.scalingFactors[i] as bigint;
  const scaleOut = state.scalingFactors[j] as bigint;
  const afterFee = amountIn - mulUp(amountIn, state.swapFee);
  try {
    const out = calcOutGivenIn(
      (state.balances[i] as bigint) * scaleIn,
      state.weights[i] as bigint,
      (state.balances[j] as bigint) * scaleOut,
      state.weights[j] as bigint,
      afterFee * scaleIn,
    );
    return out === undefined ? 0n : out / scaleOut;
  } catch {
    // LogExpMath reverts outside its domain; the Vault would too.
    return 0n;
  }
}
