// The best integer trade size of a cycle, found without the engine's sizing: the sizing's
// ternary search and closed form are what is under test, so this searches differently — every
// integer where the cap is small, otherwise a geometric grid over the whole range, then linear
// grids zooming in around the best few points until every integer of the last window is tried.
import type { Cycle } from "../../../../src/engine/strategy/cycles.js";
import { cycleOutput } from "../../../../src/engine/strategy/size.js";

/** Every integer is tried at or below this cap. */
const EXHAUSTIVE_UP_TO = 20_000n;
const GEOMETRIC_POINTS = 2_000;
const LINEAR_POINTS = 400n;
/** How many of the best points of each grid are zoomed into (several: rounding makes steps). */
const KEEP = 3;

export interface BestSize {
  readonly amountIn: bigint;
  readonly profit: bigint;
}

/** The most profitable integer input in [1, cap] (profit after `fee`), or a profit ≤ 0 when none pays. */
export function bestSize(cycle: Cycle, cap: bigint, fee: (amount: bigint) => bigint): BestSize {
  const profitAt = (a: bigint) => cycleOutput(cycle, a) - a - fee(a);
  let best: BestSize = { amountIn: 1n, profit: profitAt(1n) };
  const consider = (a: bigint) => {
    const profit = profitAt(a);
    if (profit > best.profit) best = { amountIn: a, profit };
    return profit;
  };
  if (cap <= EXHAUSTIVE_UP_TO) {
    for (let a = 1n; a <= cap; a++) consider(a);
    return best;
  }
  // Geometric: 1 … cap, each point a constant ratio above the last.
  const ratio = Number(cap) ** (1 / GEOMETRIC_POINTS);
  const grid: bigint[] = [];
  for (let i = 0; i <= GEOMETRIC_POINTS; i++) {
    const a = i === GEOMETRIC_POINTS ? cap : BigInt(Math.max(1, Math.floor(ratio ** i)));
    if (grid.length === 0 || a > (grid.at(-1) as bigint)) grid.push(a);
  }
  let windows = topWindows([{ points: grid, profits: grid.map(consider) }]);
  for (let depth = 0; depth < 60 && windows.length > 0; depth++) {
    const grids: Array<{ points: bigint[]; profits: bigint[] }> = [];
    for (const [lo, hi] of windows) {
      if (hi - lo <= LINEAR_POINTS) {
        for (let a = lo; a <= hi; a++) consider(a);
        continue;
      }
      const points: bigint[] = [];
      for (let i = 0n; i <= LINEAR_POINTS; i++) points.push(lo + ((hi - lo) * i) / LINEAR_POINTS);
      grids.push({ points, profits: points.map(consider) });
    }
    windows = grids.length === 0 ? [] : topWindows(grids);
  }
  return best;
}

/**
 * The windows around the `KEEP` best points over all `grids` (several: rounding makes steps),
 * each from the point before to the point after in its own grid.
 */
function topWindows(
  grids: ReadonlyArray<{ points: readonly bigint[]; profits: readonly bigint[] }>,
): Array<[bigint, bigint]> {
  const all = grids.flatMap((g, k) => g.profits.map((profit, i) => ({ profit, k, i })));
  all.sort((x, y) => (y.profit > x.profit ? 1 : y.profit < x.profit ? -1 : 0));
  return all.slice(0, KEEP).map(({ k, i }) => {
    const points = (grids[k] as { points: readonly bigint[] }).points;
    return [points[Math.max(0, i - 1)] as bigint, points[Math.min(points.length - 1, i + 1)] as bigint];
  });
}
