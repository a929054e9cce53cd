import type { Address } from "../../addressBook.js";
import { getAmountOut } from "../../math/uniswapV2.js";
import { dexName, percent } from "../format.js";
import type { Venue } from "./venue.js";

/** A Uniswap V2-style pair (Uniswap V2, Sushiswap, any fork with the same pair). */
export interface UniswapV2Pool {
  readonly kind: "uniswapV2";
  readonly address: Address;
  readonly token0: Address;
  readonly token1: Address;
  /** Index of its DEX in the executor's deployment, and the DEX's name. */
  readonly factoryIndex: number;
  readonly dex: string;
  readonly feePips: number;
  state: { reserve0: bigint; reserve1: bigint };
}

/** Uniswap V2-style pairs: reserves, `getAmountOut` with the pair's fee. */
export const uniswapV2: Venue<UniswapV2Pool> = {
  kind: "uniswapV2",
  tokens: (pool) => [pool.token0, pool.token1],
  amountOut(pool, tokenIn, _tokenOut, amountIn) {
    const { reserve0, reserve1 } = pool.state;
    return tokenIn === pool.token0
      ? getAmountOut(amountIn, reserve0, reserve1, pool.feePips)
      : getAmountOut(amountIn, reserve1, reserve0, pool.feePips);
  },
  afterSwap(pool, tokenIn, tokenOut, amountIn) {
    // The pair's reserves are its balances after the swap: the input in, the output out.
    const out = uniswapV2.amountOut(pool, tokenIn, tokenOut, amountIn);
    const { reserve0, reserve1 } = pool.state;
    return tokenIn === pool.token0
      ? { reserve0: reserve0 + amountIn, reserve1: reserve1 - out }
      : { reserve0: reserve0 - out, reserve1: reserve1 + amountIn };
  },
  logRate(pool, tokenIn) {
    const { reserve0, reserve1 } = pool.state;
    if (reserve0 === 0n || reserve1 === 0n) return Number.NEGATIVE_INFINITY;
    const r = Math.log(Number(reserve1)) - Math.log(Number(reserve0));
    return (tokenIn === pool.token0 ? r : -r) + Math.log1p(-pool.feePips / 1e6);
  },
  virtualReserves(pool, tokenIn) {
    const r0 = Number(pool.state.reserve0);
    const r1 = Number(pool.state.reserve1);
    const gamma = 1 - pool.feePips / 1e6;
    return tokenIn === pool.token0 ? [r0, r1, gamma] : [r1, r0, gamma];
  },
  boundReserves(pool, tokenIn) {
    // The pair's curve is the constant product itself: exact, whatever the band.
    const r0 = Number(pool.state.reserve0);
    const r1 = Number(pool.state.reserve1);
    return tokenIn === pool.token0 ? [r0, r1] : [r1, r0];
  },
  routeHop: (pool, tokenOut) => ({
    kind: "UniswapV2",
    factoryIndex: pool.factoryIndex,
    tokenOut,
    feePips: pool.feePips,
  }),
  name: (pool, symbol) =>
    `${dexName(pool.dex)} ${symbol(pool.token0)}/${symbol(pool.token1)} ${percent(BigInt(pool.feePips), 4, 4)}%`,
  empty(pool) {
    pool.state = { reserve0: 0n, reserve1: 0n };
  },
  fingerprint: (pool) => `${pool.state.reserve0}:${pool.state.reserve1}`,
};
