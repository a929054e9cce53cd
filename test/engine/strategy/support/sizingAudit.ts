// The sizing held against the independent search over seeded random cycles, per category: what
// the property test asserts on and the benchmark prints.
import { sizeCycle } from "../../../../src/engine/strategy/size.js";
import { bestSize } from "./bestSize.js";
import { CATEGORIES, type Category, Random, randomCycle } from "./randomCycles.js";

/** A lender's fee: none (Balancer), or Aave's 5 basis points rounded up. */
const FEES = [(_: bigint) => 0n, (a: bigint) => (a * 5n + 9_999n) / 10_000n] as const;

/** One category's results. */
export interface CategoryTally {
  cycles: number;
  /** Cycles the independent search found a profitable size for. */
  profitable: number;
  /** Of those, how many the sizing returned nothing for. */
  missed: number;
  /** Sized under 99.99% of the best and more than one base unit short of it. */
  short: number;
  /** The worst ratio of the sizing's profit to the best (1 where none was profitable). */
  worst: number;
  /** The slowest sizing of one cycle, in ms. */
  slowestMs: number;
}

export interface SizingAudit {
  readonly tally: Record<Category, CategoryTally>;
  /** One line per cycle missed, sized short or sized at a loss. */
  readonly problems: string[];
}

/** Sizes `perCategory` random cycles of every category from `seed` and compares each with the best. */
export function auditSizing(perCategory: number, seed: number): SizingAudit {
  const r = new Random(seed);
  const problems: string[] = [];
  const tally = {} as Record<Category, CategoryTally>;
  for (const category of CATEGORIES as readonly Category[]) {
    const t: CategoryTally = { cycles: 0, profitable: 0, missed: 0, short: 0, worst: 1, slowestMs: 0 };
    tally[category] = t;
    for (let n = 0; n < perCategory; n++) {
      const { cycle, cap } = randomCycle(category, r);
      const fee = r.pick(FEES);
      const best = bestSize(cycle, cap, fee);
      const started = performance.now();
      const sized = sizeCycle(cycle, cap, fee);
      t.slowestMs = Math.max(t.slowestMs, performance.now() - started);
      t.cycles += 1;
      if (sized !== undefined && sized.profit <= 0n) problems.push(`${cycle.id}: sized a loss (${sized.profit})`);
      if (best.profit <= 0n) continue;
      t.profitable += 1;
      if (sized === undefined) {
        t.missed += 1;
        t.worst = 0;
        problems.push(`${category} ${cycle.id}: missed; best ${best.profit} at ${best.amountIn}`);
        continue;
      }
      const ratio = Number((sized.profit * 1_000_000n) / best.profit) / 1_000_000;
      t.worst = Math.min(t.worst, ratio);
      // 99.99% of the best, or one base unit short of it: below ten thousand units of profit
      // a unit is more than a ten-thousandth, and the profit has no finer resolution.
      if (sized.profit * 10_000n < best.profit * 9_999n && best.profit - sized.profit > 1n) {
        t.short += 1;
        problems.push(
          `${category} ${cycle.id}: ${sized.profit} at ${sized.amountIn}, best ${best.profit} at ${best.amountIn}`,
        );
      }
    }
  }
  return { tally, problems };
}
