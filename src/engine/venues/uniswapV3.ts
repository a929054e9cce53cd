import type { Address } from "../../addressBook.js";
import { MAX_TICK, MIN_TICK } from "../../math/tickMath.js";
import { swapExactInput, type UniswapV3PoolState } from "../../math/uniswapV3Pool.js";
import { percent } from "../format.js";
import type { Venue } from "./venue.js";

/** A Uniswap V3 pool with its price, active liquidity and initialized ticks. */
export interface UniswapV3Pool {
  readonly kind: "uniswapV3";
  readonly address: Address;
  readonly token0: Address;
  readonly token1: Address;
  readonly fee: number;
  state: UniswapV3PoolState;
}

const LN_Q192 = 192 * Math.log(2);
/** The log of the price ratio of one tick. */
const LN_TICK = Math.log(1.0001);

/** What the rates of a pool with concentrated liquidity (Uniswap V3 or V4) are read from. */
export type ConcentratedState = Pick<UniswapV3PoolState, "sqrtPriceX96" | "tick" | "liquidity" | "ticks">;

/** `Venue.logRate` of a V3-style pool, at the fee a swap in this direction pays. */
export function concentratedLogRate(state: ConcentratedState, zeroForOne: boolean, feePips: number): number {
  // A price with no liquidity at it still trades once a swap reaches the next initialized
  // tick: only a pool without any is empty. (The rate is then the best the pool can give, an
  // upper bound as the scan's filter needs.)
  const { sqrtPriceX96, liquidity, ticks } = state;
  if (sqrtPriceX96 === 0n || (liquidity === 0n && ticks.size === 0)) return Number.NEGATIVE_INFINITY;
  const price = 2 * Math.log(Number(sqrtPriceX96)) - LN_Q192;
  return (zeroForOne ? price : -price) + Math.log1p(-feePips / 1e6);
}

/** `Venue.virtualReserves` of a V3-style pool, at the fee a swap in this direction pays. */
export function concentratedVirtualReserves(
  state: ConcentratedState,
  zeroForOne: boolean,
  feePips: number,
): [number, number, number] {
  // Inside the current tick range the pool is a constant-product curve with these reserves.
  const sqrtP = Number(state.sqrtPriceX96) / 2 ** 96;
  const liquidity = Number(state.liquidity);
  const x = sqrtP === 0 ? 0 : liquidity / sqrtP;
  const y = liquidity * sqrtP;
  const gamma = 1 - feePips / 1e6;
  return zeroForOne ? [x, y, gamma] : [y, x, gamma];
}

/** `Venue.boundReserves` of a V3-style pool. */
export function concentratedBoundReserves(
  state: ConcentratedState,
  zeroForOne: boolean,
  band: number,
): [number, number] {
  // More liquidity moves the price less per unit in, so a curve with the most liquidity the
  // trade can meet pays at least what the pool does: the in-range liquidity, then each
  // initialized tick within the band in the direction of the swap (one tick of slack for
  // where the price sits inside its tick).
  const reach = Math.min(Math.ceil(band / LN_TICK) + 1, MAX_TICK - MIN_TICK);
  const { tick, ticks } = state;
  let liquidity = state.liquidity;
  let deepest = liquidity;
  const crossed = [...ticks.keys()]
    .filter((t) => (zeroForOne ? t <= tick && t >= tick - reach : t > tick && t <= tick + reach))
    .sort((a, b) => (zeroForOne ? b - a : a - b));
  for (const t of crossed) {
    const net = ticks.get(t) as bigint;
    liquidity = zeroForOne ? liquidity - net : liquidity + net;
    if (liquidity > deepest) deepest = liquidity;
  }
  const sqrtP = Number(state.sqrtPriceX96) / 2 ** 96;
  const deep = Number(deepest);
  const x = sqrtP === 0 ? 0 : deep / sqrtP;
  const y = deep * sqrtP;
  return zeroForOne ? [x, y] : [y, x];
}

/** A V3-style pool's state as a comparable string: price, tick, liquidity and every tick's net. */
export function concentratedFingerprint(state: ConcentratedState): string {
  const ticks = [...state.ticks].sort(([a], [b]) => a - b).map(([t, net]) => `${t}=${net}`);
  return `${state.sqrtPriceX96}:${state.tick}:${state.liquidity}:${ticks.join(",")}`;
}

/** Uniswap V3 pools: the pool's tick-by-tick swap loop, ported word by word. */
export const uniswapV3: Venue<UniswapV3Pool> = {
  kind: "uniswapV3",
  tokens: (pool) => [pool.token0, pool.token1],
  amountOut(pool, tokenIn, _tokenOut, amountIn) {
    if (pool.state.liquidity === 0n && pool.state.ticks.size === 0) return 0n;
    return swapExactInput(pool.state, tokenIn === pool.token0, amountIn, false).amountOut;
  },
  afterSwap(pool, tokenIn, _tokenOut, amountIn) {
    if (pool.state.liquidity === 0n && pool.state.ticks.size === 0) return pool.state;
    // A swap moves the price, the tick and the active liquidity; the ticks' net liquidity stays.
    const after = swapExactInput(pool.state, tokenIn === pool.token0, amountIn, true);
    return { ...pool.state, sqrtPriceX96: after.sqrtPriceX96, tick: after.tick, liquidity: after.liquidity };
  },
  logRate: (pool, tokenIn) => concentratedLogRate(pool.state, tokenIn === pool.token0, pool.fee),
  virtualReserves: (pool, tokenIn) => concentratedVirtualReserves(pool.state, tokenIn === pool.token0, pool.fee),
  boundReserves: (pool, tokenIn, _tokenOut, band) =>
    concentratedBoundReserves(pool.state, tokenIn === pool.token0, band),
  routeHop: (pool, tokenOut) => ({ kind: "UniswapV3", tokenOut, fee: pool.fee }),
  name: (pool, symbol) =>
    `Uniswap V3 ${symbol(pool.token0)}/${symbol(pool.token1)} ${percent(BigInt(pool.fee), 4, 4)}%`,
  empty(pool) {
    pool.state = { ...pool.state, sqrtPriceX96: 0n, liquidity: 0n, ticks: new Map() };
  },
  fingerprint: (pool) => concentratedFingerprint(pool.state),
};
