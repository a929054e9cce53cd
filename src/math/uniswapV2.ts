/** What a Uniswap V2-style pair's swap depends on. */
export interface UniswapV2PairState {
  readonly reserve0: bigint;
  readonly reserve1: bigint;
  /** Fee in millionths (3000 = 0.3%), as the executor's V2 hops take it. */
  readonly feePips: number;
}

/**
 * UniswapV2Library.getAmountOut with the fee in millionths, exactly as the executor computes
 * it (for 3000 this is Uniswap's 997/1000 to the wei).
 */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint, feePips: number): bigint {
  if (amountIn <= 0n || reserveIn === 0n || reserveOut === 0n) return 0n;
  const amountInWithFee = amountIn * BigInt(1_000_000 - feePips);
  return (amountInWithFee * reserveOut) / (reserveIn * 1_000_000n + amountInWithFee);
}

/** A pair's output for `amountIn` of token0 (`zeroForOne`) or token1. */
export function pairAmountOut(pair: UniswapV2PairState, zeroForOne: boolean, amountIn: bigint): bigint {
  return zeroForOne
    ? getAmountOut(amountIn, pair.reserve0, pair.reserve1, pair.feePips)
    : getAmountOut(amountIn, pair.reserve1, pair.reserve0, pair.feePips);
}
