import type { Address } from "../../addressBook.js";
import type { RouteHop } from "../../executor/route.js";

/**
 * What the engine needs of a kind of pool, in one place: one module per venue implements it
 * (`uniswapV2.ts`, `uniswapV3.ts`, `uniswapV4.ts`, `balancerWeighted.ts`), and adding a venue is adding a module
 * and its entry in `pools.ts`. Reading pools in batches stays in `collect/market.ts`, which
 * groups the reads of every kind into one Multicall3 call per block.
 */
export interface Venue<P extends { readonly kind: string; state: unknown }> {
  readonly kind: P["kind"];
  /** The pool's tokens, in the pool's own order. */
  tokens(pool: P): readonly Address[];
  /** The exact output for `amountIn` of `tokenIn`, as the chain pays it (a port of the pool's math). */
  amountOut(pool: P, tokenIn: Address, tokenOut: Address, amountIn: bigint): bigint;
  /**
   * The pool's state after an exact-input swap of `amountIn` (a new state; the pool is not
   * touched): what a swap waiting in the mempool will leave, for a backrun to be sized against.
   */
  afterSwap(pool: P, tokenIn: Address, tokenOut: Address, amountIn: bigint): P["state"];
  /** The natural log of the marginal rate, fee included; −∞ when the pool is empty. */
  logRate(pool: P, tokenIn: Address, tokenOut: Address): number;
  /**
   * The constant-product reserves it trades against near its price and one minus its fee,
   * `[in, out, γ]`, for the closed-form sizing. Zeros where the pool is empty.
   */
  virtualReserves(pool: P, tokenIn: Address, tokenOut: Address): [number, number, number];
  /**
   * Constant-product reserves `[in, out]` (with the same γ) whose curve pays at least what the
   * pool pays for any trade that lowers its marginal rate by at most a factor `e^−band`: what
   * the screening's upper bound is made of. Zeros where the pool is empty.
   */
  boundReserves(pool: P, tokenIn: Address, tokenOut: Address, band: number): [number, number];
  /** The executor's hop through the pool. */
  routeHop(pool: P, tokenOut: Address): RouteHop;
  /** The pool as a person names it, with `symbol` naming its tokens. */
  name(pool: P, symbol: (token: Address) => string): string;
  /** Clears the state so that no cycle uses the pool until it is read again. */
  empty(pool: P): void;
  /** The state as a comparable string (to find a view that drifted from the chain). */
  fingerprint(pool: P): string;
}
