import type { Address } from "../../addressBook.js";
import type { MarketPool } from "../venues/pools.js";

const Q192 = 1n << 192n;

/**
 * Spot prices from the market's own pools (no outside oracle): the value of `amount` of one
 * token in another, through a direct pool, choosing the deepest V2 pair or a V3 pool.
 * Used to convert gas into the profit token, and for dollar values where Aave's oracle does
 * not price a token (`usd.ts`); the profit itself is always measured from balances.
 */
export function convert(pools: Iterable<MarketPool>, from: Address, to: Address, amount: bigint): bigint | undefined {
  if (from === to) return amount;
  let best: { value: bigint; depth: bigint } | undefined;
  for (const pool of pools) {
    // Weighted pools are left out: a direct Uniswap pool is the reference price.
    if (pool.kind === "balancerWeighted") continue;
    const forward = pool.token0 === from && pool.token1 === to;
    const backward = pool.token1 === from && pool.token0 === to;
    if (!forward && !backward) continue;
    let value: bigint;
    let depth: bigint;
    if (pool.kind === "uniswapV2") {
      const { reserve0, reserve1 } = pool.state;
      if (reserve0 === 0n || reserve1 === 0n) continue;
      value = forward ? (amount * reserve1) / reserve0 : (amount * reserve0) / reserve1;
      depth = forward ? reserve0 : reserve1;
    } else {
      const p = pool.state.sqrtPriceX96 * pool.state.sqrtPriceX96;
      if (p === 0n) continue;
      value = forward ? (amount * p) / Q192 : (amount * Q192) / p;
      depth = pool.state.liquidity;
    }
    if (best === undefined || depth > best.depth) best = { value, depth };
  }
  return best?.value;
}

/** `amount` of `token` in `usdToken` units, directly or through `hub` (WETH). */
export function valueIn(
  pools: readonly MarketPool[],
  token: Address,
  usdToken: Address,
  hub: Address,
  amount: bigint,
): bigint | undefined {
  const direct = convert(pools, token, usdToken, amount);
  if (direct !== undefined) return direct;
  const viaHub = convert(pools, token, hub, amount);
  return viaHub === undefined ? undefined : convert(pools, hub, usdToken, viaHub);
}
