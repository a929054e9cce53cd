import { expect } from "chai";
import { LearnDataError } from "../../../src/engine/learn/errors.js";
import {
  type AttemptFeatures,
  FEATURE_NAMES,
  featureVector,
  fitStandardisation,
  LEARN_LENDERS,
  lenderFeatures,
  standardise,
  submissionFeatures,
} from "../../../src/engine/learn/features.js";

/** Every field spelled out, so the compiler checks the interface has no field this test misses. */
const SAMPLE: AttemptFeatures = {
  marginOverGas: 1.5,
  bidShareOfProfit: 0.4,
  bidPercentile: 0.9,
  routeLength: 3,
  poolsUniswapV2: 1,
  poolsUniswapV3: 1,
  poolsUniswapV4: 0,
  poolsBalancer: 1,
  poolsCurve: 0,
  lenderAaveV3: 0,
  lenderBalancerV2: 0,
  lenderUniswapV3: 0,
  lenderMorphoBlue: 1,
  lenderUniswapV4: 0,
  detectToSendMs: 120,
  submissionPublic: 0,
  submissionBundle: 1,
  builders: 4,
  rivalActivity: 2,
  backrun: 1,
};

describe("attempt features", () => {
  it("name every field of AttemptFeatures once, in a fixed order", () => {
    expect(FEATURE_NAMES).to.have.length(20);
    expect(new Set(FEATURE_NAMES).size).to.equal(20);
    expect([...FEATURE_NAMES].sort()).to.deep.equal(Object.keys(SAMPLE).sort());
    expect(FEATURE_NAMES.slice(0, 4)).to.deep.equal([
      "marginOverGas",
      "bidShareOfProfit",
      "bidPercentile",
      "routeLength",
    ]);
  });

  it("turn into a vector in FEATURE_NAMES order", () => {
    expect(featureVector(SAMPLE)).to.deep.equal([1.5, 0.4, 0.9, 3, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 120, 0, 1, 4, 2, 1]);
  });

  it("one-hot the lender and the submission", () => {
    for (const lender of LEARN_LENDERS) {
      const oneHot = lenderFeatures(lender);
      expect(
        Object.values(oneHot).reduce((a, b) => a + b, 0),
        lender,
      ).to.equal(1);
      expect(oneHot[`lender${lender}`]).to.equal(1);
    }
    expect(submissionFeatures("public")).to.deep.equal({ submissionPublic: 1, submissionBundle: 0 });
    expect(submissionFeatures("bundle")).to.deep.equal({ submissionPublic: 0, submissionBundle: 1 });
  });

  describe("refuse a record the model cannot use, naming the feature", () => {
    const bad = (change: Partial<AttemptFeatures>) => () => featureVector({ ...SAMPLE, ...change }, "attempt 7");

    it("a value that is not a finite number", () => {
      expect(bad({ marginOverGas: Number.NaN })).to.throw(
        LearnDataError,
        "The feature marginOverGas of attempt 7 is NaN: it must be a finite number.",
      );
      expect(bad({ detectToSendMs: Number.POSITIVE_INFINITY })).to.throw(
        LearnDataError,
        "detectToSendMs of attempt 7 is Infinity",
      );
    });

    it("a share or percentile outside 0..1", () => {
      expect(bad({ bidShareOfProfit: 1.5 })).to.throw(
        LearnDataError,
        "The feature bidShareOfProfit of attempt 7 is 1.5: it must be from 0 to 1.",
      );
      expect(bad({ bidPercentile: -0.1 })).to.throw(LearnDataError, "bidPercentile of attempt 7 is -0.1");
    });

    it("a count that is negative or fractional, a negative delay", () => {
      expect(bad({ routeLength: 2.5 })).to.throw(
        LearnDataError,
        "The feature routeLength of attempt 7 is 2.5: it must be a whole number from 0 up.",
      );
      expect(bad({ builders: -1 })).to.throw(LearnDataError, "builders of attempt 7 is -1");
      expect(bad({ detectToSendMs: -1 })).to.throw(
        LearnDataError,
        "detectToSendMs of attempt 7 is -1: it must be 0 or more.",
      );
    });

    it("a flag that is not 0 or 1, a one-hot group without exactly one set", () => {
      expect(bad({ backrun: 0.5 })).to.throw(
        LearnDataError,
        "The feature backrun of attempt 7 is 0.5: it must be 0 or 1.",
      );
      expect(bad({ lenderAaveV3: 2 })).to.throw(LearnDataError, "lenderAaveV3 of attempt 7 is 2: it must be 0 or 1.");
      expect(bad({ lenderAaveV3: 1 })).to.throw(
        LearnDataError,
        "attempt 7 has 2 of lenderAaveV3, lenderBalancerV2, lenderUniswapV3, lenderMorphoBlue, lenderUniswapV4 set: exactly one must be 1.",
      );
      expect(bad({ submissionBundle: 0 })).to.throw(
        LearnDataError,
        "attempt 7 has 0 of submissionPublic, submissionBundle set: exactly one must be 1.",
      );
    });
  });

  describe("standardisation", () => {
    it("centres and scales each column by its mean and population standard deviation", () => {
      const s = fitStandardisation([
        [1, 10],
        [3, 20],
        [5, 30],
        [7, 40],
      ]);
      // Column 0: mean 4, deviations ±3, ±1: variance (9 + 1 + 1 + 9)/4 = 5.
      expect(s).to.deep.equal({ mean: [4, 25], std: [Math.sqrt(5), Math.sqrt(125)] });
      expect(standardise(s, [4 + Math.sqrt(5), 25])).to.deep.equal([1, 0]);
    });

    it("leaves a constant column centred only (std 0, divided by 1)", () => {
      const s = fitStandardisation([
        [1, 5],
        [3, 5],
      ]);
      expect(s).to.deep.equal({ mean: [2, 5], std: [1, 0] });
      expect(standardise(s, [4, 6])).to.deep.equal([2, 1]);
    });

    it("refuses no rows", () => {
      expect(() => fitStandardisation([])).to.throw(LearnDataError, "There are no rows to standardise.");
    });
  });
});
