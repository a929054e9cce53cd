import { mulDiv, mulDivRoundingUp } from "./fullMath.js";
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput } from "./sqrtPriceMath.js";

/** One step of a swap within a single liquidity range. */
export interface SwapStep {
  readonly sqrtRatioNextX96: bigint;
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  readonly feeAmount: bigint;
}

/**
 * SwapMath.computeSwapStep for exact input (amountRemaining ≥ 0): how far the price moves
 * towards `sqrtRatioTargetX96`, and the amounts in, out and fee, rounded as the pool rounds.
 */
export function computeSwapStep(
  sqrtRatioCurrentX96: bigint,
  sqrtRatioTargetX96: bigint,
  liquidity: bigint,
  amountRemaining: bigint,
  feePips: bigint,
): SwapStep {
  const zeroForOne = sqrtRatioCurrentX96 >= sqrtRatioTargetX96;
  const amountRemainingLessFee = mulDiv(amountRemaining, 1_000_000n - feePips, 1_000_000n);
  let amountIn = zeroForOne
    ? getAmount0Delta(sqrtRatioTargetX96, sqrtRatioCurrentX96, liquidity, true)
    : getAmount1Delta(sqrtRatioCurrentX96, sqrtRatioTargetX96, liquidity, true);
  const sqrtRatioNextX96 =
    amountRemainingLessFee >= amountIn
      ? sqrtRatioTargetX96
      : getNextSqrtPriceFromInput(sqrtRatioCurrentX96, liquidity, amountRemainingLessFee, zeroForOne);
  const max = sqrtRatioTargetX96 === sqrtRatioNextX96;
  let amountOut: bigint;
  if (zeroForOne) {
    if (!max) amountIn = getAmount0Delta(sqrtRatioNextX96, sqrtRatioCurrentX96, liquidity, true);
    amountOut = getAmount1Delta(sqrtRatioNextX96, sqrtRatioCurrentX96, liquidity, false);
  } else {
    if (!max) amountIn = getAmount1Delta(sqrtRatioCurrentX96, sqrtRatioNextX96, liquidity, true);
    amountOut = getAmount0Delta(sqrtRatioCurrentX96, sqrtRatioNextX96, liquidity, false);
  }
  const feeAmount =
    sqrtRatioNextX96 !== sqrtRatioTargetX96
      ? amountRemaining - amountIn
      : mulDivRoundingUp(amountIn, feePips, 1_000_000n - feePips);
  return { sqrtRatioNextX96, amountIn, amountOut, feeAmount };
}
