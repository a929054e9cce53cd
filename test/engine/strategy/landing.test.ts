import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { ConfigError } from "../../../src/engine/config.js";
import { type AttemptFeatures, FEATURE_NAMES, featureVector } from "../../../src/engine/learn/features.js";
import { predict } from "../../../src/engine/learn/logistic.js";
import { LandingModel } from "../../../src/engine/learn/model.js";
import { evaluationPath } from "../../../src/engine/learn/report.js";
import { landingProbability } from "../../../src/engine/strategy/landing.js";
import { loadExecutor } from "../../fixtures/executor.js";
import { syntheticAttempts } from "../learn/support/attempts.js";
import { serviceFor } from "../support/service.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

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
    expect(Math.abs(landingProbability(model, atZero) - predict(model.logistic, x))).to.be.below(1e-12);
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

  it("is shown with its evaluation in the service's status, as arena:model wrote them", async () => {
    const dir = `${root}cache/landing-model-test-${process.pid}`;
    mkdirSync(dir, { recursive: true });
    const path = `${dir}/model.json`;
    writeFileSync(path, model.toJson());
    const judged = syntheticAttempts(500, 12);
    const evaluation = { trainSeeds: [11], testSeeds: [12], train: attempts.length, ...model.evaluate(judged, 5) };
    writeFileSync(evaluationPath(path), JSON.stringify(evaluation));
    const f = await loadExecutor();
    const { service } = await serviceFor(f, false, { config: { landingModelPath: path } });
    expect(service.status().landingModel).to.deep.equal({
      path,
      trainedOn: attempts.length,
      lambda: 1,
      evaluation,
    });
    const { service: without } = await serviceFor(f, false);
    expect(without.status().landingModel).to.equal(null);
    writeFileSync(evaluationPath(path), JSON.stringify({ brier: "good" }));
    await expect(serviceFor(f, false, { config: { landingModelPath: path } })).to.be.rejectedWith(
      ConfigError,
      `landingModelPath: cannot use ${path} as a landing model.`,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
