import { mulDiv, mulDivRoundingUp } from "./fullMath.js";
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput } from "./sqrtPriceMath.js";
import type { SwapStep } from "./swapMath.js";
import { swapLoop, type UniswapV3PoolState, type UniswapV3SwapResult } from "./uniswapV3Pool.js";

/**
 * What a Uniswap V4 pool's swap depends on, read through StateView: V3's state, with slot0's
 * two fees in place of V3's one, since the fee a V4 swap pays depends on its direction.
 */
export interface UniswapV4PoolState extends Omit<UniswapV3PoolState, "fee"> {
  /** slot0's LP fee in millionths (500 = 0.05%). */
  readonly lpFee: number;
  /**
   * slot0's protocol fees, in millionths, packed as the PoolManager keeps them: the fee of a
   * token0-in swap in the low 12 bits, of a token1-in swap in the high 12 bits.
   */
  readonly protocolFee: number;
}

/** SwapMath.MAX_SWAP_FEE: a swap fee of 100%, in millionths. */
export const MAX_SWAP_FEE = 1_000_000;

/** ProtocolFeeLibrary.getZeroForOneFee: the protocol fee of a token0-in swap. */
export function getZeroForOneFee(protocolFee: number): number {
  return protocolFee & 0xfff;
}

/** ProtocolFeeLibrary.getOneForZeroFee: the protocol fee of a token1-in swap. */
export function getOneForZeroFee(protocolFee: number): number {
  return (protocolFee >>> 12) & 0xfff;
}

/**
 * ProtocolFeeLibrary.calculateSwapFee: the protocol takes its fee from the input first and the
 * LPs theirs from what is left, so the two compound (`p + l − p·l/10⁶`, the product rounded down).
 * @param protocolFee One direction's protocol fee, not the packed pair.
 */
export function calculateSwapFee(protocolFee: number, lpFee: number): number {
  const p = protocolFee & 0xfff;
  return p + lpFee - Math.floor((p * lpFee) / 1_000_000);
}

/** The fee a swap in this direction pays, in millionths, as the first lines of `Pool.swap` choose it. */
export function swapFee(state: Pick<UniswapV4PoolState, "lpFee" | "protocolFee">, zeroForOne: boolean): number {
  const protocolFee = zeroForOne ? getZeroForOneFee(state.protocolFee) : getOneForZeroFee(state.protocolFee);
  return protocolFee === 0 ? state.lpFee : calculateSwapFee(protocolFee, state.lpFee);
}

/**
 * V4's SwapMath.computeSwapStep for exact input. It pays out what V3's does for the same step,
 * but it differs in two places, so it is ported on its own rather than shared:
 * - a step that ends inside the range counts all of `amountRemainingLessFee` as input and the
 *   rest as fee, where V3 recomputes the input from the new price (the sum, so what the trader
 *   pays and gets, is the same; only the LPs' share of it differs);
 * - a 100% fee is allowed: the fee is then the whole input, where V3 would divide by zero.
 */
export function computeSwapStep(
  sqrtPriceCurrentX96: bigint,
  sqrtPriceTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: bigint,
): SwapStep {
  const zeroForOne = sqrtPriceCurrentX96 >= sqrtPriceTargetX96;
  const max = BigInt(MAX_SWAP_FEE);
  const amountRemainingLessFee = mulDiv(amountRemaining, max - feePips, max);
  let amountIn = zeroForOne
    ? getAmount0Delta(sqrtPriceTargetX96, sqrtPriceCurrentX96, liquidity, true)
    : getAmount1Delta(sqrtPriceCurrentX96, sqrtPriceTargetX96, liquidity, true);
  let sqrtRatioNextX96: bigint;
  let feeAmount: bigint;
  if (amountRemainingLessFee >= amountIn) {
    sqrtRatioNextX96 = sqrtPriceTargetX96;
    // At a 100% fee nothing is left to swap, so `amountIn` is 0 here.
    feeAmount = feePips === max ? amountIn : mulDivRoundingUp(amountIn, feePips, max - feePips);
  } else {
    amountIn = amountRemainingLessFee;
    sqrtRatioNextX96 = getNextSqrtPriceFromInput(sqrtPriceCurrentX96, liquidity, amountRemainingLessFee, zeroForOne);
    feeAmount = amountRemaining - amountIn;
  }
  const amountOut = zeroForOne
    ? getAmount1Delta(sqrtRatioNextX96, sqrtPriceCurrentX96, liquidity, false)
    : getAmount0Delta(sqrtPriceCurrentX96, sqrtRatioNextX96, liquidity, false);
  return { sqrtRatioNextX96, amountIn, amountOut, feeAmount };
}

/**
 * `Pool.swap` for an exact input with no price limit (V4Quoter's and a router's limits: one
 * inside the extreme prices), step for step: what the PoolManager pays out for `amountIn` of
 * currency0 (`zeroForOne`) or currency1, to the wei, at the direction's swap fee (`swapFee`).
 * The loop is V3's (`swapLoop`), with V4's own step. The protocol's
 * share is taken out of the fee after each step, so it changes nothing the trader gets and is
 * not tracked here.
 */
export function swapExactInput(
  pool: UniswapV4PoolState,
  zeroForOne: boolean,
  amountIn: bigint,
  /** Whether to compute the tick the swap ends on; sizing needs only the amounts. */
  withTick = true,
): UniswapV3SwapResult {
  return swapLoop(pool, zeroForOne, amountIn, BigInt(swapFee(pool, zeroForOne)), computeSwapStep, withTick);
}
