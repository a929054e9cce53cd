import type { Address } from "../../addressBook.js";
import { swapExactInput, swapFee, type UniswapV4PoolState } from "../../math/uniswapV4Pool.js";
import { percent } from "../format.js";
import {
  concentratedBoundReserves,
  concentratedFingerprint,
  concentratedLogRate,
  concentratedVirtualReserves,
} from "./uniswapV3.js";
import type { Venue } from "./venue.js";

/** A Uniswap V4 pool without hooks, inside the PoolManager, with its price, fees and initialized ticks. */
export interface UniswapV4Pool {
  readonly kind: "uniswapV4";
  /**
   * The PoolId (32 bytes, not an address): a V4 pool lives inside the PoolManager and has no
   * address of its own, and the engine keys, records and names routes by this field, so it holds
   * the pool's one unique identity. Nothing may call or read logs at it.
   */
  readonly address: Address;
  /** The PoolId, keccak256 of the ABI-encoded pool key. */
  readonly poolId: `0x${string}`;
  readonly token0: Address;
  readonly token1: Address;
  /** The key's fee, the LP fee, in millionths (500 = 0.05%); a protocol fee comes on top (`state`). */
  readonly fee: number;
  readonly tickSpacing: number;
  state: UniswapV4PoolState;
}

/**
 * Uniswap V4 pools: V3's tick-by-tick swap loop as `Pool.swap` runs it, at the fee of the swap's
 * direction (the LP fee compounded with that direction's protocol fee).
 */
export const uniswapV4: Venue<UniswapV4Pool> = {
  kind: "uniswapV4",
  tokens: (pool) => [pool.token0, pool.token1],
  amountOut(pool, tokenIn, _tokenOut, amountIn) {
    if (pool.state.liquidity === 0n && pool.state.ticks.size === 0) return 0n;
    return swapExactInput(pool.state, tokenIn === pool.token0, amountIn, false).amountOut;
  },
  afterSwap(pool, tokenIn, _tokenOut, amountIn) {
    if (pool.state.liquidity === 0n && pool.state.ticks.size === 0) return pool.state;
    const after = swapExactInput(pool.state, tokenIn === pool.token0, amountIn, true);
    return { ...pool.state, sqrtPriceX96: after.sqrtPriceX96, tick: after.tick, liquidity: after.liquidity };
  },
  logRate(pool, tokenIn) {
    const zeroForOne = tokenIn === pool.token0;
    return concentratedLogRate(pool.state, zeroForOne, swapFee(pool.state, zeroForOne));
  },
  virtualReserves(pool, tokenIn) {
    const zeroForOne = tokenIn === pool.token0;
    return concentratedVirtualReserves(pool.state, zeroForOne, swapFee(pool.state, zeroForOne));
  },
  boundReserves: (pool, tokenIn, _tokenOut, band) =>
    concentratedBoundReserves(pool.state, tokenIn === pool.token0, band),
  routeHop: (pool, tokenOut) => ({ kind: "UniswapV4", tokenOut, fee: pool.fee, tickSpacing: pool.tickSpacing }),
  name: (pool, symbol) =>
    `Uniswap V4 ${symbol(pool.token0)}/${symbol(pool.token1)} ${percent(BigInt(pool.fee), 4, 4)}%`,
  empty(pool) {
    pool.state = { ...pool.state, sqrtPriceX96: 0n, liquidity: 0n, ticks: new Map() };
  },
  fingerprint: (pool) =>
    `${concentratedFingerprint(pool.state)}:${pool.state.lpFee}:${pool.state.protocolFee.toString(16)}`,
};
