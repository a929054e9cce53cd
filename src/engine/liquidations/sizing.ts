import type { Address } from "../../addressBook.js";
import type { CycleHop } from "../strategy/cycles.js";
import { amountOut, type MarketPool, poolTokens } from "../venues/pools.js";
import type { LiquidationAmounts } from "./liquidationAmounts.js";

/** A liquidation sized exactly: how much debt to cover, what the Pool does, and the swap back. */
export interface LiquidationSizing {
  /** The loan and the most debt to repay, in the debt asset's base units. */
  readonly debtToCover: bigint;
  /** What `liquidationCall` does with it, at the Pool's arithmetic. */
  readonly amounts: LiquidationAmounts;
  /** The pools from the collateral back to the debt asset; empty when they are the same token. */
  readonly path: readonly CycleHop[];
  /** The debt asset the collateral seized buys back (the collateral itself when it is the debt asset). */
  readonly proceeds: bigint;
  /** The lender's fee on `debtToCover`. */
  readonly lenderFee: bigint;
  /** `proceeds − debtRepaid − lenderFee`: what the executor measures, before gas. */
  readonly profit: bigint;
}

/**
 * The ways to sell `from` for `to` through `pools`: every pool holding both, and every two pools
 * meeting in one of `via` (the tokens deep enough to route through). Each hop through another pool.
 */
export function swapPaths(
  pools: Iterable<MarketPool>,
  from: Address,
  to: Address,
  via: readonly Address[],
): CycleHop[][] {
  if (from === to) return [[]];
  const holding = (token: Address) => [...pools].filter((p) => poolTokens(p).includes(token));
  const withFrom = holding(from);
  const paths: CycleHop[][] = [];
  for (const pool of withFrom) if (poolTokens(pool).includes(to)) paths.push([{ pool, tokenIn: from, tokenOut: to }]);
  const withTo = holding(to);
  for (const middle of via) {
    if (middle === from || middle === to) continue;
    for (const first of withFrom) {
      if (!poolTokens(first).includes(middle)) continue;
      for (const second of withTo) {
        if (second === first || !poolTokens(second).includes(middle)) continue;
        paths.push([
          { pool: first, tokenIn: from, tokenOut: middle },
          { pool: second, tokenIn: middle, tokenOut: to },
        ]);
      }
    }
  }
  return paths;
}

/** The exact output of `path` for `amountIn`, as the chain pays it; zero where a pool cannot pay. */
export function pathOutput(path: readonly CycleHop[], amountIn: bigint): bigint {
  let amount = amountIn;
  for (const hop of path) {
    try {
      amount = amountOut(hop.pool, hop.tokenIn, hop.tokenOut, amount);
    } catch {
      return 0n;
    }
    if (amount <= 0n) return 0n;
  }
  return amount;
}

/**
 * The most profitable liquidation of one (debt, collateral) pair with one lender, over every
 * amount of debt from one unit to `cap` and every path in `paths`. The bonus grows linearly
 * with the debt covered while the swap back pays less per unit the more it sells, so the
 * profit rises then falls: a ternary search on each path finds its peak; every profit it
 * reports is computed exactly (the Pool's arithmetic, then each pool's), never interpolated.
 *
 * @param amountsAt What `liquidationCall` does for a given `debtToCover` (undefined where the Pool refuses).
 * @param fee The lender's fee on an amount borrowed.
 */
export function sizeLiquidation(
  amountsAt: (debtToCover: bigint) => LiquidationAmounts | undefined,
  paths: readonly (readonly CycleHop[])[],
  cap: bigint,
  fee: (amount: bigint) => bigint,
): LiquidationSizing | undefined {
  if (cap <= 0n) return undefined;
  let best: LiquidationSizing | undefined;
  for (const path of paths) {
    const evaluate = (debtToCover: bigint): LiquidationSizing | undefined => {
      const amounts = amountsAt(debtToCover);
      if (amounts === undefined) return undefined;
      const proceeds = path.length === 0 ? amounts.collateralSeized : pathOutput(path, amounts.collateralSeized);
      const lenderFee = fee(debtToCover);
      return { debtToCover, amounts, path, proceeds, lenderFee, profit: proceeds - amounts.debtRepaid - lenderFee };
    };
    const profitOf = (d: bigint) => evaluate(d)?.profit ?? -(1n << 255n);
    let lo = 1n;
    let hi = cap;
    // Narrow to a window of a few units around the peak, then look at each of them.
    while (hi - lo > 8n) {
      const third = (hi - lo) / 3n;
      const m1 = lo + third;
      const m2 = hi - third;
      if (profitOf(m1) < profitOf(m2)) lo = m1 + 1n;
      else hi = m2;
    }
    for (const d of [cap, ...Array.from({ length: Number(hi - lo) + 1 }, (_, k) => lo + BigInt(k))]) {
      const sized = evaluate(d);
      if (sized !== undefined && (best === undefined || sized.profit > best.profit)) best = sized;
    }
  }
  return best !== undefined && best.profit > 0n ? best : undefined;
}
