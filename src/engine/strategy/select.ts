import type { Estimate } from "./scan.js";

/**
 * The estimates worth sizing exactly: best first, each pool used by at most one of them. Cycles
 * that share a pool compete for the same price gap, and the first trade through it closes the
 * gap for the rest, so only the best of them can be sent in a block; the others are looked at
 * again once the pools are re-read.
 */
export function disjointBest(found: readonly Estimate[], limit = Number.POSITIVE_INFINITY): Estimate[] {
  const ranked = [...found].sort((x, y) => y.profit - x.profit);
  const used = new Set<string>();
  const chosen: Estimate[] = [];
  for (const estimate of ranked) {
    if (chosen.length >= limit) break;
    const pools = estimate.cycle.hops.map((h) => h.pool.address);
    if (pools.some((p) => used.has(p))) continue;
    for (const p of pools) used.add(p);
    chosen.push(estimate);
  }
  return chosen;
}
