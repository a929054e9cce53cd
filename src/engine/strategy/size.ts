import { amountOut, virtualReserves } from "../venues/pools.js";
import { optimalInput } from "./closedForm.js";
import type { Cycle } from "./cycles.js";

/** The output of a whole cycle for `amountIn`, hop by hop, with each pool's exact math. */
export function cycleOutput(cycle: Cycle, amountIn: bigint): bigint {
  let amount = amountIn;
  for (const hop of cycle.hops) {
    amount = amountOut(hop.pool, hop.tokenIn, hop.tokenOut, amount);
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
 * The closed-form optimum of the cycle seen as one constant-product curve (floats): each hop is
 * `γ·R_out·x / (R_in + γ·x)` (a V3 pool through its in-range virtual reserves), and their
 * composition is `A·x / (B + C·x)`, whose profit `A·x/(B + C·x) − x` peaks at
 * `(√(A·B) − B) / C` (`closedForm.ts`). Exact for V2-only cycles up to rounding; a starting point for V3.
 */
export function closedFormGuess(cycle: Cycle): number | undefined {
  let a = 1;
  let b = 1;
  let c = 0;
  for (const hop of cycle.hops) {
    const [rIn, rOut, gamma] = virtualReserves(hop.pool, hop.tokenIn, hop.tokenOut);
    if (!(rIn > 0) || !(rOut > 0)) return undefined;
    // Compose, then scale everything by 1/b to keep the floats in range.
    const na = gamma * rOut * a;
    const nb = rIn * b;
    const nc = rIn * c + gamma * a;
    a = na / nb;
    c = nc / nb;
    b = 1;
  }
  const x = optimalInput(a / b, c / b);
  return Number.isFinite(x) && x > 0 ? x : undefined;
}

/**
 * The input in [1, maxAmountIn] that maximises `output(a) − a − fee(a)`, with every evaluation
 * made by the pools' exact integer math. Every pool's output is concave in its input, so the
 * profit is unimodal: a ternary search over a bracket finds the best input. The bracket starts
 * a sliver wide around the closed-form optimum (`guess`, or `closedFormGuess`), which is exact
 * but for rounding while every V3 hop stays in its current tick range, and widens sixteen-fold
 * around the best point found for as long as that point lands on its edge or a point a
 * thousandth away does better (a hop crossed a tick, or a lender's fee moved the optimum).
 * The search stops when the bracket is a hundred-thousandth of its upper end wide (the profit
 * is flat at the top, so this gives up far less than 0.01% of it) or a few wei wide. Returns
 * undefined when no input is profitable.
 */
export function sizeCycle(
  cycle: Cycle,
  maxAmountIn: bigint,
  fee: (amount: bigint) => bigint,
  guess?: number,
): Sizing | undefined {
  // Cheap rejection: if a small trade loses, the marginal rate is below one and no size wins.
  // Small means next to the closed-form optimum where there is one, not to the loan cap, which
  // may be far larger than the pools.
  const start = guess ?? closedFormGuess(cycle);
  // A million wei at least, so that rounding alone does not make the probe lose.
  const small =
    start !== undefined && start >= 1
      ? BigInt(Math.floor(Math.min(start, Number(maxAmountIn)) / 1_000))
      : maxAmountIn / 1_000_000n;
  const atLeast = small < 1_000_000n ? 1_000_000n : small;
  const probe = atLeast < maxAmountIn ? atLeast : maxAmountIn;
  if (probe <= 0n || cycleOutput(cycle, probe) <= probe) return undefined;
  let found: Sizing;
  if (start === undefined || !(start >= 1)) {
    found = ternary(cycle, 1n, maxAmountIn, fee);
  } else {
    // The probe is profitable, so the optimum is not below it.
    let centre = BigInt(Math.floor(Math.min(start, Number(maxAmountIn))));
    if (centre < probe) centre = probe;
    let width = centre / 50_000n + 2n;
    for (;;) {
      const lo = centre - width > 0n ? centre - width : 1n;
      const hi = centre + width < maxAmountIn ? centre + width : maxAmountIn;
      found = ternary(cycle, lo, hi, fee);
      if (lo === 1n && hi === maxAmountIn) break;
      const atEdge = (found.amountIn === lo && lo > 1n) || (found.amountIn === hi && hi < maxAmountIn);
      // A point a thousandth away that does better means the bracket sat on a flat step of
      // rounding, not on the peak.
      const step = found.amountIn / 1_000n + 1n;
      const beaten = [found.amountIn - step, found.amountIn + step].some(
        (a) => a >= 1n && a <= maxAmountIn && cycleOutput(cycle, a) - a - fee(a) > found.profit,
      );
      if (!atEdge && !beaten && found.profit > 0n) break;
      if (found.profit > 0n) centre = found.amountIn;
      width *= 16n;
    }
  }
  return found.profit > 0n ? found : undefined;
}

function ternary(cycle: Cycle, low: bigint, high: bigint, fee: (amount: bigint) => bigint): Sizing {
  const profitAt = (a: bigint): bigint => cycleOutput(cycle, a) - a - fee(a);
  let lo = low;
  let hi = high;
  while (hi - lo > 2n && (hi - lo) * 100_000n > hi) {
    const third = (hi - lo) / 3n;
    const m1 = lo + third;
    const m2 = hi - third;
    if (profitAt(m1) < profitAt(m2)) lo = m1 + 1n;
    else hi = m2;
  }
  let best: Sizing | undefined;
  for (const a of hi - lo <= 2n ? [lo, lo + 1n, hi] : [lo, (lo + hi) / 2n, hi]) {
    if (a > hi) continue;
    const out = cycleOutput(cycle, a);
    const lenderFee = fee(a);
    const profit = out - a - lenderFee;
    if (best === undefined || profit > best.profit) best = { amountIn: a, amountOut: out, lenderFee, profit };
  }
  return best as Sizing;
}
