import type { Address } from "../addressBook.js";
import { getAmountOut } from "../math/uniswapV2.js";
import { swapExactInput, type UniswapV3PoolState } from "../math/uniswapV3Pool.js";

/** A pool the engine trades through, with the state last read from the chain. */
export type MarketPool =
  | {
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
  | {
      readonly kind: "uniswapV3";
      readonly address: Address;
      readonly token0: Address;
      readonly token1: Address;
      readonly fee: number;
      state: UniswapV3PoolState;
    };

/** The exact output of `pool` for `amountIn` of `tokenIn`, as the chain would pay it. */
export function amountOut(pool: MarketPool, tokenIn: Address, amountIn: bigint): bigint {
  if (amountIn <= 0n) return 0n;
  const zeroForOne = tokenIn === pool.token0;
  if (pool.kind === "uniswapV2") {
    const { reserve0, reserve1 } = pool.state;
    return zeroForOne
      ? getAmountOut(amountIn, reserve0, reserve1, pool.feePips)
      : getAmountOut(amountIn, reserve1, reserve0, pool.feePips);
  }
  if (pool.state.liquidity === 0n && pool.state.ticks.size === 0) return 0n;
  return swapExactInput(pool.state, zeroForOne, amountIn, false).amountOut;
}

/** The pool's other token. */
export function otherToken(pool: MarketPool, token: Address): Address {
  return token === pool.token0 ? pool.token1 : pool.token0;
}

/** A short name for logs: "uniswapV2 0xabcd…" or "uniswapV3/500 0xabcd…". */
export function poolLabel(pool: MarketPool): string {
  return pool.kind === "uniswapV2"
    ? `${pool.dex} ${pool.address.slice(0, 10)}`
    : `uniswapV3/${pool.fee} ${pool.address.slice(0, 10)}`;
}
