import type { Address } from "../../addressBook.js";
import { getAmountOut } from "../../math/uniswapV2.js";
import { swapExactInput, type UniswapV3PoolState } from "../../math/uniswapV3Pool.js";
import { type WeightedPoolState, weightedSwapGivenIn } from "../../math/weightedMath.js";

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
    }
  | {
      /** A Balancer V2 weighted pool: two or more tokens, traded through the Vault. */
      readonly kind: "balancerWeighted";
      readonly address: Address;
      readonly poolId: `0x${string}`;
      /** In the Vault's order, which the state's arrays follow. */
      readonly tokens: readonly Address[];
      state: WeightedPoolState;
    };

/** The pool's tokens: two for Uniswap pools, two or more for Balancer pools. */
export function poolTokens(pool: MarketPool): readonly Address[] {
  return pool.kind === "balancerWeighted" ? pool.tokens : [pool.token0, pool.token1];
}

/** The exact output of `pool` for `amountIn` of `tokenIn` paid out in `tokenOut`, as the chain pays it. */
export function amountOut(pool: MarketPool, tokenIn: Address, tokenOut: Address, amountIn: bigint): bigint {
  if (amountIn <= 0n) return 0n;
  if (pool.kind === "balancerWeighted") {
    return weightedSwapGivenIn(pool.state, pool.tokens.indexOf(tokenIn), pool.tokens.indexOf(tokenOut), amountIn);
  }
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

/**
 * The reserves a pool trades against near its current price, in each token's base units, and
 * one minus its fee: `[in, out, γ]`, so a small trade pays `γ·out·x / (in + γ·x)`. Exact for a
 * V2 pair and for a V3 pool inside its current tick range (its virtual reserves). A weighted
 * pool is matched to the constant-product curve with the same price and curvature at its
 * balances (exact at equal weights). Zeros where the pool is empty.
 */
export function virtualReserves(pool: MarketPool, tokenIn: Address, tokenOut: Address): [number, number, number] {
  if (pool.kind === "uniswapV2") {
    const r0 = Number(pool.state.reserve0);
    const r1 = Number(pool.state.reserve1);
    const gamma = 1 - pool.feePips / 1e6;
    return tokenIn === pool.token0 ? [r0, r1, gamma] : [r1, r0, gamma];
  }
  if (pool.kind === "uniswapV3") {
    const sqrtP = Number(pool.state.sqrtPriceX96) / 2 ** 96;
    const liquidity = Number(pool.state.liquidity);
    const x = sqrtP === 0 ? 0 : liquidity / sqrtP;
    const y = liquidity * sqrtP;
    const gamma = 1 - pool.fee / 1e6;
    return tokenIn === pool.token0 ? [x, y, gamma] : [y, x, gamma];
  }
  const i = pool.tokens.indexOf(tokenIn);
  const j = pool.tokens.indexOf(tokenOut);
  const r = Number(pool.state.weights[i]) / Number(pool.state.weights[j]);
  const gamma = 1 - Number(pool.state.swapFee) / 1e18;
  return [(2 * Number(pool.state.balances[i])) / (r + 1), (2 * Number(pool.state.balances[j]) * r) / (r + 1), gamma];
}
