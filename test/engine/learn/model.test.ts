import { expect } from "chai";
import { brierScore, logLoss, reliabilityTable } from "../../../src/engine/learn/calibration.js";
import { LearnDataError, ModelFileError } from "../../../src/engine/learn/errors.js";
import type { Attempt } from "../../../src/engine/learn/features.js";
import { holdOutLatest, LandingModel } from "../../../src/engine/learn/model.js";
import { syntheticAttempts, trueLogOdds } from "./support/attempts.js";
import { expectNear } from "./support/near.js";
import { logistic } from "./support/random.js";

/** Trains or fails the test with the refusal's reason. */
function trained(attempts: readonly Attempt[], options = {}): LandingModel {
  const result = LandingModel.train(attempts, options);
  if (!result.trained) throw new Error(result.reason);
  return result.model;
}

describe("the landing model", () => {
  const attempts = syntheticAttempts(8_000, 7);
  const { train, test } = holdOutLatest(attempts, 0.5);
  const model = trained(train);

  describe("no model until enough outcomes", () => {
    it("refuses fewer than minOutcomes attempts, saying how many there are", () => {
      expect(LandingModel.train(attempts.slice(0, 49), { minOutcomes: 50 })).to.deep.equal({
        trained: false,
        reason: "49 outcome(s) recorded; a model needs at least 50.",
      });
      expect(LandingModel.train([])).to.deep.equal({
        trained: false,
        reason: "0 outcome(s) recorded; a model needs at least 100.",
      });
      expect(LandingModel.train(attempts.slice(0, 50), { minOutcomes: 50 }).trained).to.equal(true);
    });

    it("refuses when every attempt had the same outcome", () => {
      const failed = attempts.slice(0, 120).map((a) => ({ ...a, landed: false }));
      expect(LandingModel.train(failed)).to.deep.equal({
        trained: false,
        reason: "All 120 attempts failed: a model needs both outcomes.",
      });
      const landed = failed.map((a) => ({ ...a, landed: true }));
      expect(LandingModel.train(landed)).to.deep.equal({
        trained: false,
        reason: "All 120 attempts landed: a model needs both outcomes.",
      });
    });

    it("throws for options out of range and for a bad record, naming the attempt", () => {
      expect(() => LandingModel.train(attempts, { lambda: 0 })).to.throw(
        LearnDataError,
        "lambda is 0: a landing model needs a finite penalty above 0.",
      );
      expect(() => LandingModel.train(attempts, { minOutcomes: 1 })).to.throw(
        LearnDataError,
        "minOutcomes is 1: it must be a whole number from 2 up.",
      );
      const broken = [...attempts.slice(0, 150)];
      broken[3] = {
        ...(broken[3] as Attempt),
        features: { ...(broken[3] as Attempt).features, marginOverGas: Number.NaN },
      };
      expect(() => LandingModel.train(broken)).to.throw(
        LearnDataError,
        "The feature marginOverGas of attempt 3 (block 1000) is NaN: it must be a finite number.",
      );
    });
  });

  describe("evaluated on later blocks it was not trained on", () => {
    const evaluation = model.evaluate(test);

    it("reports the scores of calibration.ts on the model's probabilities", () => {
      const predicted = test.map((a) => model.probability(a.features));
      const outcomes = test.map((a) => a.landed);
      const baseRate = outcomes.filter(Boolean).length / outcomes.length;
      expect(evaluation).to.deep.equal({
        count: 4_000,
        baseRate,
        brier: brierScore(predicted, outcomes),
        baseRateBrier: baseRate * (1 - baseRate),
        logLoss: logLoss(predicted, outcomes),
        reliability: reliabilityTable(predicted, outcomes, 10),
      });
      expect(model.evaluate(test, 4).reliability).to.have.length(4);
    });

    it("beats the base rate and comes within 0.005 of the true model's Brier score", () => {
      const truth = brierScore(
        test.map((a) => logistic(trueLogOdds(a.features))),
        test.map((a) => a.landed),
      );
      expect(evaluation.brier).to.be.lessThan(evaluation.baseRateBrier - 0.05);
      expectNear(evaluation.brier, truth, 0.005);
    });

    it("is calibrated: in every bin of 100 or more, the observed frequency is within 3.5 binomial standard errors of the mean prediction", () => {
      const populated = evaluation.reliability.filter((b) => b.count >= 100);
      expect(populated.length).to.be.greaterThan(5);
      for (const bin of populated) {
        const p = bin.meanPredicted as number;
        const se = Math.sqrt((p * (1 - p)) / bin.count);
        expectNear(bin.observedFrequency as number, p, 3.5 * se, `bin ${bin.lower}`);
      }
    });

    it("refuses to evaluate nothing", () => {
      expect(() => model.evaluate([])).to.throw(LearnDataError, "There is nothing to evaluate: no attempts.");
    });
  });

  describe("ranking by expected value", () => {
    const likely = { ...(test[0] as Attempt).features, marginOverGas: 4, bidPercentile: 1, rivalActivity: 0 };
    const unlikely = { ...likely, marginOverGas: 0, bidPercentile: 0, rivalActivity: 5, detectToSendMs: 400 };

    it("puts a small profit that nearly always lands above a large one that rarely does", () => {
      const pLikely = model.probability(likely);
      const pUnlikely = model.probability(unlikely);
      expect(pLikely).to.be.greaterThan(0.8);
      expect(pUnlikely).to.be.lessThan(0.1);
      const ranked = model.rank([
        { id: "long shot", features: unlikely, profitUsd: 100, failureCostUsd: 2 },
        { id: "sure thing", features: likely, profitUsd: 20, failureCostUsd: 2 },
        { id: "free long shot", features: unlikely, profitUsd: 100, failureCostUsd: 0 },
      ]);
      expect(ranked.map((r) => r.candidate.id)).to.deep.equal(["sure thing", "free long shot", "long shot"]);
      expect(ranked[0]?.probability).to.equal(pLikely);
      expect(ranked[0]?.expectedValueUsd).to.equal(pLikely * 20 - (1 - pLikely) * 2);
    });

    it("keeps equal expected values in their order", () => {
      const ranked = model.rank(
        ["a", "b", "c"].map((id) => ({ id, features: likely, profitUsd: 10, failureCostUsd: 1 })),
      );
      expect(ranked.map((r) => r.candidate.id)).to.deep.equal(["a", "b", "c"]);
    });
  });

  describe("saved as JSON", () => {
    it("loads back predicting exactly the same", () => {
      const loaded = LandingModel.fromJson(model.toJson());
      for (const a of test.slice(0, 50)) expect(loaded.probability(a.features)).to.equal(model.probability(a.features));
      expect(loaded.logistic.trainedOn).to.equal(train.length);
      expect(loaded.logistic.lambda).to.equal(1);
    });

    it("refuses a model trained on other features", () => {
      const renamed = model.toJson().replace('"backrun"', '"backrunPending"');
      expect(() => LandingModel.fromJson(renamed)).to.throw(
        ModelFileError,
        "The model was trained on other features: missing backrun; unknown backrunPending.",
      );
    });
  });

  describe("holding out the latest blocks", () => {
    const at = (block: number): Attempt => ({ ...(attempts[0] as Attempt), block });
    const six = [at(1), at(3), at(1), at(2), at(3), at(3)];

    it("holds out whole blocks, latest first, until at least the fraction is held", () => {
      const half = holdOutLatest(six, 0.5);
      expect(half.test.map((a) => a.block)).to.deep.equal([3, 3, 3]);
      expect(half.train.map((a) => a.block)).to.deep.equal([1, 1, 2]);
      const more = holdOutLatest(six, 0.6);
      expect(more.test.map((a) => a.block)).to.deep.equal([3, 2, 3, 3]);
      expect(more.train.map((a) => a.block)).to.deep.equal([1, 1]);
    });

    it("refuses a fraction that is not strictly between 0 and 1", () => {
      for (const fraction of [0, 1, Number.NaN])
        expect(() => holdOutLatest(six, fraction)).to.throw(
          LearnDataError,
          `fraction is ${fraction}: it must be above 0 and below 1.`,
        );
    });
  });
});
