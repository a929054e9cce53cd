import type { Cycle } from "./cycles.js";
import { amountOut } from "./pools.js";

/** The output of a whole cycle for `amountIn`, hop by hop, with each pool's exact math. */
export function cycleOutput(cycle: Cycle, amountIn: bigint): bigint {
  let amount = amountIn;
  for (const hop of cycle.hops) {
    amount = amountOut(hop.pool, hop.tokenIn, amount);
    if (amount === 0n) return 0n;
  }
  return amount;
}

/** A sized opportunity: the input, the cycle's output, and the profit after the lender's fee. */
export interface Sizing {
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  readonly lenderFee: bigint;
  readonly profit: bigint;
}

/**
 * The input in [1, maxAmountIn] that maximises `output(a) − a − fee(a)`, by a bracketed
 * ternary search on integers. Every pool's output is concave in its input, so the profit is
 * unimodal. The search stops when the bracket is a millionth of its upper end wide (profit is
 * flat at the top, so this loses far less than 0.01% of it) or a few wei wide, and the best of
 * the bracket's ends and middle is taken. Returns undefined when no input is profitable.
 */
export function sizeCycle(cycle: Cycle, maxAmountIn: bigint, fee: (amount: bigint) => bigint): Sizing | undefined {
  const profitAt = (a: bigint): bigint => {
    const out = cycleOutput(cycle, a);
    return out - a - fee(a);
  };
  // Cheap rejection: if a tiny trade loses, the marginal rate is below one and no size wins.
  const probe = maxAmountIn < 1_000_000n ? maxAmountIn : maxAmountIn / 1_000_000n;
  if (probe <= 0n || cycleOutput(cycle, probe) <= probe) return undefined;
  let lo = 1n;
  let hi = maxAmountIn;
  while (hi - lo > 2n && (hi - lo) * 1_000_000n > hi) {
    const third = (hi - lo) / 3n;
    const m1 = lo + third;
    const m2 = hi - third;
    if (profitAt(m1) < profitAt(m2)) lo = m1 + 1n;
    else hi = m2;
  }
  let best: Sizing | undefined;
  const points = hi - lo <= 2n ? [lo, lo + 1n, hi] : [lo, (lo + hi) / 2n, hi];
  for (const a of points) {
    if (a > hi) continue;
    const out = cycleOutput(cycle, a);
    const lenderFee = fee(a);
    const profit = out - a - lenderFee;
    if (best === undefined || profit > best.profit) best = { amountIn: a, amountOut: out, lenderFee, profit };
  }
  return best !== undefined && best.profit > 0n ? best : undefined;
}
