import { computeSwapStep, type SwapStep } from "./swapMath.js";
import {
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
} from "./tickMath.js";

/** What a Uniswap V3 pool's swap depends on, read from the chain. */
export interface UniswapV3PoolState {
  readonly sqrtPriceX96: bigint;
  readonly tick: number;
  readonly liquidity: bigint;
  /** Fee in millionths (500 = 0.05%). */
  readonly fee: number;
  readonly tickSpacing: number;
  /** Every initialized tick (as the pool's tick, not compressed) → its liquidityNet. */
  readonly ticks: ReadonlyMap<number, bigint>;
}

/** The result of a simulated swap: the output and the pool's state after it. */
export interface UniswapV3SwapResult {
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  readonly sqrtPriceX96: bigint;
  readonly tick: number;
  readonly liquidity: bigint;
  readonly initializedTicksCrossed: number;
}

/**
 * TickBitmap.nextInitializedTickWithinOneWord, over a set of initialized ticks instead of the
 * bitmap: the next initialized tick in the direction of the swap, or the edge of the current
 * 256-tick word if there is none in it. Stepping word by word matters: the pool rounds each step
 * separately, so skipping a word boundary would change the result by a few wei.
 */
export function nextInitializedTickWithinOneWord(
  ticks: ReadonlyMap<number, bigint>,
  tick: number,
  tickSpacing: number,
  lte: boolean,
): { next: number; initialized: boolean } {
  const sorted = sortedTicks(ticks);
  const compressed = Math.floor(tick / tickSpacing);
  if (lte) {
    const wordStart = compressed - (((compressed % 256) + 256) % 256);
    // The greatest initialized tick at or below `compressed`, if it is in this word.
    const i = upperBound(sorted, compressed * tickSpacing) - 1;
    const found = sorted[i];
    if (found !== undefined && found >= wordStart * tickSpacing) return { next: found, initialized: true };
    return { next: wordStart * tickSpacing, initialized: false };
  }
  const start = compressed + 1;
  const wordEnd = start - (((start % 256) + 256) % 256) + 255;
  // The least initialized tick at or above `start`, if it is in this word.
  const found = sorted[lowerBound(sorted, start * tickSpacing)];
  if (found !== undefined && found <= wordEnd * tickSpacing) return { next: found, initialized: true };
  return { next: wordEnd * tickSpacing, initialized: false };
}

const sortedCache = new WeakMap<ReadonlyMap<number, bigint>, number[]>();

/** The initialized ticks in ascending order (cached per tick map). */
function sortedTicks(ticks: ReadonlyMap<number, bigint>): number[] {
  let sorted = sortedCache.get(ticks);
  if (sorted === undefined) {
    sorted = [...ticks.keys()].sort((a, b) => a - b);
    sortedCache.set(ticks, sorted);
  }
  return sorted;
}

/** Index of the first element ≥ `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > `value`. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * UniswapV3Pool.swap for an exact input with no price limit, step for step: returns what the
 * pool would pay out for `amountIn` of token0 (`zeroForOne`) or token1, to the wei.
 */
export function swapExactInput(
  pool: UniswapV3PoolState,
  zeroForOne: boolean,
  amountIn: bigint,
  /** Whether to compute the tick the swap ends on; sizing needs only the amounts. */
  withTick = true,
): UniswapV3SwapResult {
  return swapLoop(pool, zeroForOne, amountIn, BigInt(pool.fee), computeSwapStep, withTick);
}

/** One step of a swap between two prices, as a SwapMath.computeSwapStep port computes it. */
export type SwapStepFunction = (
  sqrtPriceCurrentX96: bigint,
  sqrtPriceTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: bigint,
) => SwapStep;

/**
 * The concentrated-liquidity swap loop for an exact input with no price limit, shared by Uniswap
 * V3's pool and V4's `Pool.swap` (the same bitmap walk, word by word, and the same tick
 * crossings); each passes its own SwapMath step and the fee it charges.
 */
export function swapLoop(
  pool: Omit<UniswapV3PoolState, "fee">,
  zeroForOne: boolean,
  amountIn: bigint,
  fee: bigint,
  computeStep: SwapStepFunction,
  withTick: boolean,
): UniswapV3SwapResult {
  const limit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
  let remaining = amountIn;
  let amountOut = 0n;
  let sqrtPriceX96 = pool.sqrtPriceX96;
  let tick = pool.tick;
  let liquidity = pool.liquidity;
  let crossed = 0;
  while (remaining !== 0n && sqrtPriceX96 !== limit) {
    const start = sqrtPriceX96;
    let { next, initialized } = nextInitializedTickWithinOneWord(pool.ticks, tick, pool.tickSpacing, zeroForOne);
    if (next < MIN_TICK) next = MIN_TICK;
    else if (next > MAX_TICK) next = MAX_TICK;
    const sqrtPriceNext = getSqrtRatioAtTick(next);
    const target = (zeroForOne ? sqrtPriceNext < limit : sqrtPriceNext > limit) ? limit : sqrtPriceNext;
    const step = computeStep(sqrtPriceX96, target, liquidity, remaining, fee);
    sqrtPriceX96 = step.sqrtRatioNextX96;
    remaining -= step.amountIn + step.feeAmount;
    amountOut += step.amountOut;
    if (sqrtPriceX96 === sqrtPriceNext) {
      if (initialized) {
        const net = pool.ticks.get(next) ?? 0n;
        liquidity += zeroForOne ? -net : net;
        crossed += 1;
      }
      tick = zeroForOne ? next - 1 : next;
    } else if (sqrtPriceX96 !== start) {
      // The swap ended inside this range (nothing remains), so the tick only describes the end state.
      tick = withTick ? getTickAtSqrtRatio(sqrtPriceX96) : Number.NaN;
    }
  }
  return { amountIn: amountIn - remaining, amountOut, sqrtPriceX96, tick, liquidity, initializedTicksCrossed: crossed };
}
