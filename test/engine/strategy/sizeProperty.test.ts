import { expect } from "chai";
import { auditSizing } from "./support/sizingAudit.js";

/** Cycles per category: small in CI, large in the benchmark (`SIZE_PROPERTY_CYCLES`). */
const PER_CATEGORY = Number(process.env.SIZE_PROPERTY_CYCLES ?? 25);
const SEED = Number(process.env.SIZE_PROPERTY_SEED ?? 20261201);

describe("sizing against an independent search for the best integer size (seeded random cycles)", function () {
  this.timeout(600_000);

  it("finds every cycle that has a profitable size, sizes it to 99.99% of the best (or a unit short), and never sizes a loss", () => {
    const { tally, problems } = auditSizing(PER_CATEGORY, SEED);
    // The table says what was tried: every category must have had profitable cycles in it.
    for (const [category, t] of Object.entries(tally))
      expect(t.profitable, `${category}: no profitable cycle generated`).to.be.greaterThan(0);
    expect(problems, `${JSON.stringify(tally)}\n${problems.slice(0, 20).join("\n")}`).to.deep.equal([]);
  });
});
