import type { MarketPool } from "../venues/pools.js";
import type { Estimate } from "./scan.js";

/**
 * The estimates worth sizing exactly: best first, each pool used by at most one of them. Cycles
 * that share a pool compete for the same price gap, and the first trade through it closes the
 * gap for the rest, so only the best of them can be sent in a block; the others are looked at
 * again once the pools are re-read.
 */
export function disjointBest(found: readonly Estimate[], limit = Number.POSITIVE_INFINITY): Estimate[] {
  const ranked = rankByProfit(found);
  const used = new Set<MarketPool>();
  const chosen: Estimate[] = [];
  for (const estimate of ranked) {
    if (chosen.length >= limit) break;
    const pools = estimate.pools;
    if (pools.some((p) => used.has(p))) continue;
    for (const p of pools) used.add(p);
    chosen.push(estimate);
  }
  return chosen;
}

/**
 * `found` by profit, best first, ties in their order. A full scan can report tens of thousands
 * of estimates: their profits are sorted as a Float64Array (a numeric sort, several times faster
 * than sorting the objects by a comparator) and each estimate is then placed at its rank.
 */
function rankByProfit(found: readonly Estimate[]): Estimate[] {
  const n = found.length;
  const key = (e: Estimate) => (e.profit > Number.NEGATIVE_INFINITY ? -e.profit : Number.POSITIVE_INFINITY);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = key(found[i] as Estimate);
  keys.sort();
  const ranked = new Array<Estimate>(n);
  // Per first position of a key, how many of its equals are already placed.
  const placed = new Int32Array(n);
  for (const estimate of found) {
    const k = key(estimate);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((keys[mid] as number) < k) lo = mid + 1;
      else hi = mid;
    }
    ranked[lo + (placed[lo] as number)] = estimate;
    placed[lo] = (placed[lo] as number) + 1;
  }
  return ranked;
}
