import { expect } from "chai";
import { sizeCycle } from "../../../src/engine/strategy/size.js";
import { bestSize } from "./support/bestSize.js";
import { CATEGORIES, type Category, Random, randomCycle } from "./support/randomCycles.js";

/** Cycles per category: small in CI, large in the benchmark (`SIZE_PROPERTY_CYCLES`). */
const PER_CATEGORY = Number(process.env.SIZE_PROPERTY_CYCLES ?? 25);
const SEED = Number(process.env.SIZE_PROPERTY_SEED ?? 20261201);

/** A lender's fee: none (Balancer), or Aave's 5 basis points rounded up. */
const FEES = [(_: bigint) => 0n, (a: bigint) => (a * 5n + 9_999n) / 10_000n] as const;

describe("sizing against an independent search for the best integer size (seeded random cycles)", function () {
  this.timeout(600_000);

  it("finds every cycle that has a profitable size, sizes it to 99.99% of the best (or a unit short), and never sizes a loss", () => {
    const r = new Random(SEED);
    const problems: string[] = [];
    const tally: Record<string, { profitable: number; missed: number; short: number; worst: number }> = {};
    for (const category of CATEGORIES as readonly Category[]) {
      const t = { profitable: 0, missed: 0, short: 0, worst: 1 };
      tally[category] = t;
      for (let n = 0; n < PER_CATEGORY; n++) {
        const { cycle, cap } = randomCycle(category, r);
        const fee = r.pick(FEES);
        const best = bestSize(cycle, cap, fee);
        const sized = sizeCycle(cycle, cap, fee);
        if (sized !== undefined && sized.profit <= 0n) problems.push(`${cycle.id}: sized a loss (${sized.profit})`);
        if (best.profit <= 0n) continue;
        t.profitable += 1;
        if (sized === undefined) {
          t.missed += 1;
          t.worst = 0;
          problems.push(`${cycle.id}: missed; best ${best.profit} at ${best.amountIn}`);
          continue;
        }
        const ratio = Number((sized.profit * 1_000_000n) / best.profit) / 1_000_000;
        t.worst = Math.min(t.worst, ratio);
        // 99.99% of the best, or one base unit short of it: below ten thousand units of profit
        // a unit is more than a ten-thousandth, and the profit has no finer resolution.
        if (sized.profit * 10_000n < best.profit * 9_999n && best.profit - sized.profit > 1n) {
          t.short += 1;
          problems.push(`${cycle.id}: ${sized.profit} at ${sized.amountIn}, best ${best.profit} at ${best.amountIn}`);
        }
      }
    }
    // The table says what was tried: every category must have had profitable cycles in it.
    for (const [category, t] of Object.entries(tally))
      expect(t.profitable, `${category}: no profitable cycle generated`).to.be.greaterThan(0);
    expect(problems, `${JSON.stringify(tally)}\n${problems.slice(0, 20).join("\n")}`).to.deep.equal([]);
  });
});
