import type { Address } from "../../addressBook.js";
import type { RouteHop } from "../../executor/route.js";
import { type BalancerWeightedPool, balancerWeighted } from "./balancerWeighted.js";
import { type UniswapV2Pool, uniswapV2 } from "./uniswapV2.js";
import { type UniswapV3Pool, uniswapV3 } from "./uniswapV3.js";
import { type UniswapV4Pool, uniswapV4 } from "./uniswapV4.js";
import type { Venue } from "./venue.js";

/** A pool the engine trades through, with the state last read from the chain. */
export type MarketPool = UniswapV2Pool | UniswapV3Pool | UniswapV4Pool | BalancerWeightedPool;

/** Every venue, by the kind of pool it trades: add a venue here. */
const VENUES: { readonly [K in MarketPool["kind"]]: Venue<Extract<MarketPool, { kind: K }>> } = {
  uniswapV2,
  uniswapV3,
  uniswapV4,
  balancerWeighted,
};

/** The venue of `pool`. */
export function venueOf<P extends MarketPool>(pool: P): Venue<P> {
  return VENUES[pool.kind] as unknown as Venue<P>;
}

/** The pool's tokens: two for Uniswap pools, two or more for Balancer pools. */
export function poolTokens(pool: MarketPool): readonly Address[] {
  return venueOf(pool).tokens(pool);
}

/** The exact output of `pool` for `amountIn` of `tokenIn` paid out in `tokenOut`, as the chain pays it. */
export function amountOut(pool: MarketPool, tokenIn: Address, tokenOut: Address, amountIn: bigint): bigint {
  if (amountIn <= 0n) return 0n;
  return venueOf(pool).amountOut(pool, tokenIn, tokenOut, amountIn);
}

/**
 * The reserves a pool trades against near its current price, in each token's base units, and
 * one minus its fee: `[in, out, γ]`, so a small trade pays `γ·out·x / (in + γ·x)`. Exact for a
 * V2 pair and for a V3 or V4 pool inside its current tick range (its virtual reserves). A weighted
 * pool is matched to the constant-product curve with the same price and curvature at its
 * balances (exact at equal weights). Zeros where the pool is empty.
 */
export function virtualReserves(pool: MarketPool, tokenIn: Address, tokenOut: Address): [number, number, number] {
  return venueOf(pool).virtualReserves(pool, tokenIn, tokenOut);
}

/**
 * Constant-product reserves `[in, out]` that pay at least what `pool` pays (with its own γ) for
 * any trade moving its marginal rate down by at most a factor `e^−band`. A profitable cycle
 * whose marginal rates multiply to `e^m` never moves any of its hops further than `band = m`
 * (past that the product is under one), so a cycle sized on these is an upper bound of the
 * real one. A V2 pair's own reserves; a V3 or V4 pool's virtual reserves at the deepest liquidity
 * within the band; a weighted pool's curve bounded as `balancerWeighted.ts` says.
 */
export function boundReserves(pool: MarketPool, tokenIn: Address, tokenOut: Address, band: number): [number, number] {
  return venueOf(pool).boundReserves(pool, tokenIn, tokenOut, band);
}

/** The executor's hop through `pool` to `tokenOut`. */
export function routeHop(pool: MarketPool, tokenOut: Address): RouteHop {
  return venueOf(pool).routeHop(pool, tokenOut);
}

/**
 * A pool as a person names it: venue, tokens in the pool's order, fee, and for a Balancer
 * pool its weights: `Uniswap V3 WETH/USDC 0.05%`, `Uniswap V4 WETH/USDC 0.05%`, `Sushiswap WBTC/WETH 0.3%`,
 * `Balancer weighted WETH/DAI/USDC 40/30/30 0.3%`.
 *
 * @param symbols Token symbols by address, keyed as the pool spells its addresses or in lower
 *   case; a token without one shows as the first six hex digits of its address.
 */
export function poolName(pool: MarketPool, symbols: Readonly<Record<string, string>>): string {
  const symbol = (address: string) => symbols[address] ?? symbols[address.toLowerCase()] ?? address.slice(2, 2 + 6);
  return venueOf(pool).name(pool, symbol);
}
