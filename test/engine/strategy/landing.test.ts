import { expect } from "chai";
import { type AttemptFeatures, FEATURE_NAMES, featureVector } from "../../../src/engine/learn/features.js";
import { predict } from "../../../src/engine/learn/logistic.js";
import { LandingModel } from "../../../src/engine/learn/model.js";
import { landingProbability } from "../../../src/engine/strategy/landing.js";
import { syntheticAttempts } from "../learn/support/attempts.js";

describe("the landing model before a trade is sent", () => {
  const attempts = syntheticAttempts(4_000, 11);
  const trained = LandingModel.train(attempts, { lambda: 1, minOutcomes: 100 });
  if (!trained.trained) throw new Error(trained.reason);
  const model = trained.model;
  const mean = (name: keyof AttemptFeatures) =>
    attempts.reduce((sum, a) => sum + a.features[name], 0) / attempts.length;
  const known = attempts[0]?.features as AttemptFeatures;

  it("puts what it cannot know yet (bid percentile, rivals, delay) at the training means, not at zero", () => {
    // Zero delay and no rivals lie at the edge of what it learnt: predicting there would
    // overstate every candidate's chances.
    const atZero = { ...known, bidPercentile: 0, rivalActivity: 0, detectToSendMs: 0 };
    const x = featureVector(atZero);
    for (const name of ["bidPercentile", "rivalActivity", "detectToSendMs"] as const)
      x[FEATURE_NAMES.indexOf(name)] = mean(name);
    expect(landingProbability(model, atZero)).to.be.closeTo(predict(model.logistic, x), 1e-12);
    expect(Math.abs(landingProbability(model, atZero) - model.probability(atZero))).to.be.greaterThan(0.01);
  });

  it("does not depend on what it was given for the unknown features", () => {
    const a = landingProbability(model, { ...known, bidPercentile: 0, rivalActivity: 0, detectToSendMs: 0 });
    const b = landingProbability(model, { ...known, bidPercentile: 1, rivalActivity: 5, detectToSendMs: 399 });
    expect(a).to.equal(b);
    // The known ones still count: a far better margin lands more often.
    const better = landingProbability(model, { ...known, marginOverGas: known.marginOverGas + 3 });
    expect(better).to.be.greaterThan(a);
  });
});
