import type { Address } from "../../addressBook.js";
import { type WeightedPoolState, weightedSwapGivenIn } from "../../math/weightedMath.js";
import { percent } from "../format.js";
import type { Venue } from "./venue.js";

/** A Balancer V2 weighted pool: two or more tokens, traded through the Vault. */
export interface BalancerWeightedPool {
  readonly kind: "balancerWeighted";
  readonly address: Address;
  readonly poolId: `0x${string}`;
  /** In the Vault's order, which the state's arrays follow. */
  readonly tokens: readonly Address[];
  state: WeightedPoolState;
}

/** Balancer V2 weighted pools: `WeightedMath._calcOutGivenIn` with the pool's fee and scaling. */
export const balancerWeighted: Venue<BalancerWeightedPool> = {
  kind: "balancerWeighted",
  tokens: (pool) => pool.tokens,
  amountOut: (pool, tokenIn, tokenOut, amountIn) =>
    weightedSwapGivenIn(pool.state, pool.tokens.indexOf(tokenIn), pool.tokens.indexOf(tokenOut), amountIn),
  afterSwap(pool, tokenIn, tokenOut, amountIn) {
    // The Vault holds the whole input (the swap fee stays in the pool) and pays the output.
    const i = pool.tokens.indexOf(tokenIn);
    const j = pool.tokens.indexOf(tokenOut);
    const out = weightedSwapGivenIn(pool.state, i, j, amountIn);
    const balances = pool.state.balances.map((b, k) => (k === i ? b + amountIn : k === j ? b - out : b));
    return { ...pool.state, balances };
  },
  logRate(pool, tokenIn, tokenOut) {
    const i = pool.tokens.indexOf(tokenIn);
    const j = pool.tokens.indexOf(tokenOut);
    const bIn = pool.state.balances[i] ?? 0n;
    const bOut = pool.state.balances[j] ?? 0n;
    if (bIn === 0n || bOut === 0n) return Number.NEGATIVE_INFINITY;
    // Spot price (bOut / wOut) / (bIn / wIn), after the fee.
    return (
      Math.log(Number(bOut)) -
      Math.log(Number(bIn)) +
      Math.log(Number(pool.state.weights[i]) / Number(pool.state.weights[j])) +
      Math.log1p(-Number(pool.state.swapFee) / 1e18)
    );
  },
  virtualReserves(pool, tokenIn, tokenOut) {
    // Matched to the constant-product curve with the same price and curvature at the balances
    // (exact at equal weights).
    const i = pool.tokens.indexOf(tokenIn);
    const j = pool.tokens.indexOf(tokenOut);
    const r = Number(pool.state.weights[i]) / Number(pool.state.weights[j]);
    const gamma = 1 - Number(pool.state.swapFee) / 1e18;
    return [(2 * Number(pool.state.balances[i])) / (r + 1), (2 * Number(pool.state.balances[j]) * r) / (r + 1), gamma];
  },
  boundReserves(pool, tokenIn, tokenOut) {
    // The weighted curve pays B_out·(1 − (1 + u)^−r) for u = γ·x / B_in and r = w_in / w_out.
    // By Bernoulli's inequality that is at most r·u / (1 + r·u) of B_out when r ≤ 1 (the curve
    // with reserves B_in / r, B_out) and at most r·u / (1 + u) of B_out when r ≥ 1 (B_in,
    // r·B_out): the same price, and never less output, whatever the trade.
    const i = pool.tokens.indexOf(tokenIn);
    const j = pool.tokens.indexOf(tokenOut);
    const r = Number(pool.state.weights[i]) / Number(pool.state.weights[j]);
    const bIn = Number(pool.state.balances[i] ?? 0n);
    const bOut = Number(pool.state.balances[j] ?? 0n);
    if (!(r > 0)) return [0, 0];
    return r <= 1 ? [bIn / r, bOut] : [bIn, r * bOut];
  },
  routeHop: (pool, tokenOut) => ({ kind: "BalancerV2", poolId: pool.poolId, tokenOut }),
  name(pool, symbol) {
    const parts = ["Balancer weighted", pool.tokens.map(symbol).join("/")];
    const { weights, swapFee } = pool.state;
    if (weights.length > 0 && weights.length === pool.tokens.length)
      parts.push(weights.map((w) => percent(w, 16, 2)).join("/"));
    // Balancer's smallest swap fee is 0.0001%, so four decimals of a percent lose nothing.
    if (swapFee > 0n) parts.push(`${percent(swapFee, 16, 4)}%`);
    return parts.join(" ");
  },
  empty(pool) {
    pool.state = { ...pool.state, balances: pool.tokens.map(() => 0n) };
  },
  fingerprint: (pool) => `${pool.state.balances.join(",")}:${pool.state.weights.join(",")}:${pool.state.swapFee}`,
};
