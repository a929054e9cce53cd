import { expect } from "chai";
import {
  brierScore,
  expectedValue,
  LOG_LOSS_EPSILON,
  logLoss,
  reliabilityTable,
} from "../../../src/engine/learn/calibration.js";
import { LearnDataError } from "../../../src/engine/learn/errors.js";
import { expectNear } from "./support/near.js";

describe("calibration scores", () => {
  it("Brier score: the mean squared miss, exactly", () => {
    // Misses 0, 0.75, 0.25, 1: squares 0 + 0.5625 + 0.0625 + 1 = 1.625, over 4.
    expect(brierScore([0, 0.25, 0.75, 1], [false, true, true, false])).to.equal(0.40625);
    expect(brierScore([1, 0], [true, false])).to.equal(0);
    expect(brierScore([0.5, 0.5], [true, false])).to.equal(0.25);
  });

  it("log loss: the mean negative log-likelihood in nats", () => {
    // −ln 0.5 for the landed one, −ln(1 − 0.25) for the other: (ln 2 + ln 4/3)/2 = ln(8/3)/2.
    expectNear(logLoss([0.5, 0.25], [true, false]), Math.log(8 / 3) / 2, 1e-15);
    // Certain hits cost only the clamp: about 1e-15 each.
    expectNear(logLoss([1, 0], [true, false]), LOG_LOSS_EPSILON, 1e-17);
  });

  it("log loss: a certain miss costs about −ln 1e-15 (34.5 nats), not infinity", () => {
    expectNear(logLoss([1], [false]), -Math.log(1e-15), 1e-3);
    expect(logLoss([0], [true])).to.equal(-Math.log(1e-15));
  });

  it("reliability table: equal-width bins with counts, mean prediction and observed frequency", () => {
    const predicted = [0, 0.1, 0.25, 0.3, 0.5, 0.75, 0.9, 1];
    const outcomes = [false, false, false, true, true, true, false, true];
    expect(reliabilityTable(predicted, outcomes, 4)).to.deep.equal([
      { lower: 0, upper: 0.25, count: 2, meanPredicted: (0 + 0.1) / 2, observedFrequency: 0 },
      { lower: 0.25, upper: 0.5, count: 2, meanPredicted: (0.25 + 0.3) / 2, observedFrequency: 0.5 },
      { lower: 0.5, upper: 0.75, count: 1, meanPredicted: 0.5, observedFrequency: 1 },
      // 1 falls in the last bin, which is closed.
      { lower: 0.75, upper: 1, count: 3, meanPredicted: (0.75 + 0.9 + 1) / 3, observedFrequency: 2 / 3 },
    ]);
  });

  it("reliability table: an empty bin has no mean and no frequency (null), not 0", () => {
    const table = reliabilityTable([0.05, 0.95], [false, true], 5);
    expect(table.map((b) => b.count)).to.deep.equal([1, 0, 0, 0, 1]);
    expect(table[2]).to.deep.equal({ lower: 0.4, upper: 0.6, count: 0, meanPredicted: null, observedFrequency: null });
    expect(reliabilityTable([0.3], [true])).to.have.length(10);
  });

  it("expected value: p·profit − (1 − p)·failure cost", () => {
    expect(expectedValue(0.75, 100, 20)).to.equal(70);
    expect(expectedValue(0, 100, 20)).to.equal(-20);
    expect(expectedValue(1, 100, 20)).to.equal(100);
    // A bundle that is left out costs nothing: any chance at a profit is worth sending.
    expect(expectedValue(0.01, 5, 0)).to.equal(0.05);
  });

  describe("refuses what it cannot score", () => {
    it("lengths that disagree", () => {
      expect(() => brierScore([0.5], [true, false])).to.throw(
        LearnDataError,
        "There are 1 predictions and 2 outcomes.",
      );
      expect(() => logLoss([0.5, 0.5], [true])).to.throw(LearnDataError, "There are 2 predictions and 1 outcomes.");
      expect(() => reliabilityTable([], [true])).to.throw(LearnDataError, "There are 0 predictions and 1 outcomes.");
    });

    it("no predictions", () => {
      for (const score of [brierScore, logLoss, reliabilityTable])
        expect(() => score([], [])).to.throw(LearnDataError, "There is nothing to score: no predictions.");
    });

    it("a prediction that is not a probability", () => {
      expect(() => brierScore([0.5, 1.5], [true, false])).to.throw(
        LearnDataError,
        "Prediction 1 is 1.5: it must be a probability from 0 to 1.",
      );
      expect(() => logLoss([Number.NaN], [true])).to.throw(LearnDataError, "Prediction 0 is NaN");
      expect(() => reliabilityTable([-0.1], [true])).to.throw(LearnDataError, "Prediction 0 is -0.1");
    });

    it("a bin count that is not a whole number from 1 up", () => {
      expect(() => reliabilityTable([0.5], [true], 0)).to.throw(
        LearnDataError,
        "bins is 0: it must be a whole number from 1 up.",
      );
      expect(() => reliabilityTable([0.5], [true], 2.5)).to.throw(LearnDataError, "bins is 2.5");
    });

    it("an expected value of a non-probability or a non-finite amount", () => {
      expect(() => expectedValue(1.2, 1, 1)).to.throw(
        LearnDataError,
        "The probability is 1.2: it must be from 0 to 1.",
      );
      expect(() => expectedValue(0.5, Number.NaN, 1)).to.throw(
        LearnDataError,
        "The profit (NaN) and failure cost (1) must be finite numbers.",
      );
      expect(() => expectedValue(0.5, 1, Number.POSITIVE_INFINITY)).to.throw(LearnDataError, "failure cost (Infinity)");
    });
  });
});
