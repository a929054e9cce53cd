import { expect } from "chai";
import { LearnDataError, LogisticFitError, ModelFileError } from "../../../src/engine/learn/errors.js";
import {
  deserialiseModel,
  fitLogistic,
  type LogisticModel,
  predict,
  rawCoefficients,
  serialiseModel,
} from "../../../src/engine/learn/logistic.js";
import { expectNear } from "./support/near.js";
import { logistic, mulberry32, normal, syntheticData } from "./support/random.js";

const TRUTH = { intercept: -0.5, weights: [0.8, -1.2, 0.6] } as const;

/** Solves A v = b by Gauss–Jordan elimination with partial pivoting (the test's own, not the fit's). */
function solve(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const d = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(m[r]?.[c] as number) > Math.abs(m[pivot]?.[c] as number)) pivot = r;
    [m[c], m[pivot]] = [m[pivot] as number[], m[c] as number[]];
    const row = m[c] as number[];
    const p = row[c] as number;
    for (let k = c; k <= d; k++) row[k] = (row[k] as number) / p;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const other = m[r] as number[];
      const f = other[c] as number;
      for (let k = c; k <= d; k++) other[k] = (other[k] as number) - f * (row[k] as number);
    }
  }
  return m.map((row) => row[d] as number);
}

/**
 * The asymptotic standard errors of the raw coefficients (intercept first) at the true
 * coefficients: √diag(I⁻¹), I = Σ p(1 − p)·x̃x̃ᵀ with x̃ = (1, x). They shrink as 1/√n.
 */
function standardErrors(x: readonly (readonly number[])[]): number[] {
  const d = 4;
  const info = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const truth = [TRUTH.intercept, ...TRUTH.weights];
  for (const row of x) {
    const full = [1, ...row];
    const p = logistic(full.reduce((t, v, j) => t + v * (truth[j] as number), 0));
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++)
        (info[a] as number[])[b] = (info[a]?.[b] as number) + p * (1 - p) * (full[a] as number) * (full[b] as number);
  }
  return Array.from({ length: d }, (_, j) => {
    const unit = new Array<number>(d).fill(0);
    unit[j] = 1;
    return Math.sqrt(solve(info, unit)[j] as number);
  });
}

/** Standardises columns (population std) the test's own way. */
function standardiseColumns(x: readonly (readonly number[])[]): number[][] {
  const n = x.length;
  const width = (x[0] as readonly number[]).length;
  const mean = Array.from({ length: width }, (_, j) => x.reduce((s, r) => s + (r[j] as number), 0) / n);
  const std = mean.map((m, j) => Math.sqrt(x.reduce((s, r) => s + ((r[j] as number) - m) ** 2, 0) / n));
  return x.map((r) => r.map((v, j) => (v - (mean[j] as number)) / (std[j] === 0 ? 1 : (std[j] as number))));
}

/** The gradient of Σ softplus-loss + λ/2‖w‖² in standardised space, intercept first. */
function penalisedGradient(
  z: readonly (readonly number[])[],
  y: readonly boolean[],
  beta: readonly number[],
  lambda: number,
) {
  const g = new Array<number>(beta.length).fill(0);
  for (const [i, row] of z.entries()) {
    const t = row.reduce((s, v, j) => s + v * (beta[j + 1] as number), beta[0] as number);
    const r = logistic(t) - (y[i] ? 1 : 0);
    g[0] = (g[0] as number) + r;
    for (const [j, v] of row.entries()) g[j + 1] = (g[j + 1] as number) + r * v;
  }
  for (let j = 1; j < beta.length; j++) g[j] = (g[j] as number) + lambda * (beta[j] as number);
  return g;
}

const coefficients = (m: LogisticModel) => [m.intercept, ...m.weights];

describe("logistic regression by Newton's method", () => {
  describe("on data drawn from known weights (seeded)", () => {
    it("recovers the weights within 4 standard errors, which shrink as 1/√n", function () {
      this.timeout(60_000);
      const tolerances: number[] = [];
      for (const [n, seed] of [
        [1_000, 11],
        [10_000, 12],
        [100_000, 13],
      ] as const) {
        const { x, y } = syntheticData(n, seed, TRUTH);
        const raw = rawCoefficients(fitLogistic(x, y, { lambda: 0 }));
        const se = standardErrors(x);
        const truth = [TRUTH.intercept, ...TRUTH.weights];
        for (const [j, fitted] of [raw.intercept, ...raw.weights].entries())
          expect(Math.abs(fitted - (truth[j] as number)), `n=${n} coefficient ${j}`).to.be.lessThan(
            4 * (se[j] as number),
          );
        tolerances.push(4 * Math.max(...se));
      }
      // Ten times the data, a third of the tolerance (√10 ≈ 3.16).
      expect(tolerances[1] as number).to.be.lessThan((tolerances[0] as number) / 3);
      expect(tolerances[2] as number).to.be.lessThan((tolerances[1] as number) / 3);
      expect(tolerances[2] as number).to.be.lessThan(0.1);
    });

    it("stops where the penalised gradient is 0 (to 1e-8) for several lambdas", () => {
      const { x, y } = syntheticData(2_000, 21, TRUTH);
      const z = standardiseColumns(x);
      for (const lambda of [0, 0.1, 1, 10, 1_000]) {
        const model = fitLogistic(x, y, { lambda });
        const gradient = penalisedGradient(z, y, coefficients(model), lambda);
        for (const g of gradient) expect(Math.abs(g), `lambda ${lambda}`).to.be.lessThan(1e-8);
      }
    });

    it("agrees with plain gradient descent run to convergence, to 1e-6", function () {
      this.timeout(60_000);
      const { x, y } = syntheticData(300, 31, TRUTH);
      const lambda = 2;
      const z = standardiseColumns(x);
      // Step 1/L, L ≥ the objective's curvature: ¼·trace(Z̃ᵀZ̃) + λ bounds the Hessian's largest eigenvalue.
      const trace = z.reduce((s, row) => s + 1 + row.reduce((t, v) => t + v * v, 0), 0);
      const step = 1 / (trace / 4 + lambda);
      let beta = [0, 0, 0, 0];
      for (let k = 0; k < 200_000; k++) {
        const g = penalisedGradient(z, y, beta, lambda);
        if (Math.max(...g.map(Math.abs)) < 1e-11) break;
        beta = beta.map((b, j) => b - step * (g[j] as number));
      }
      const newton = coefficients(fitLogistic(x, y, { lambda }));
      for (const [j, b] of beta.entries()) expectNear(newton[j] as number, b, 1e-6, `coefficient ${j}`);
    });
  });

  describe("on hand-solved data", () => {
    it("gives weight 0 and intercept logit(base rate) when the feature says nothing (3 of 4 land at x = ±1)", () => {
      const x = [[-1], [-1], [-1], [-1], [1], [1], [1], [1]];
      const y = [true, true, true, false, true, true, true, false];
      for (const lambda of [0, 5]) {
        const model = fitLogistic(x, y, { lambda });
        expectNear(model.weights[0] as number, 0, 1e-12);
        expectNear(model.intercept, Math.log(3), 1e-12); // logit(3/4)
        expectNear(predict(model, [1]), 0.75, 1e-12);
      }
    });

    it("without a penalty, reproduces each group's landing rate: 1 of 4 at x = 0, 3 of 4 at x = 1", () => {
      const x = [[0], [0], [0], [0], [1], [1], [1], [1]];
      const y = [true, false, false, false, true, true, true, false];
      const model = fitLogistic(x, y, { lambda: 0 });
      // logit(1/4) = −ln 3 at x = 0 and logit(3/4) = ln 3 at x = 1: the raw weight is 2·ln 3.
      const raw = rawCoefficients(model);
      expectNear(raw.intercept, -Math.log(3), 1e-12);
      expectNear(raw.weights[0] as number, 2 * Math.log(3), 1e-12);
      expectNear(predict(model, [0]), 0.25, 1e-12);
      expectNear(predict(model, [1]), 0.75, 1e-12);
      // Standardised, x is ±1 (mean ½, std ½).
      expect(model.standardisation).to.deep.equal({ mean: [0.5], std: [0.5] });
    });
  });

  describe("on perfectly separable data", () => {
    // Four land at x = 1, none at x = −1.
    const x = [[-1], [-1], [-1], [-1], [1], [1], [1], [1]];
    const y = [false, false, false, false, true, true, true, true];

    it("converges to finite weights with lambda > 0: here exactly w = ln 3 at lambda = 2/ln 3", () => {
      // At b = 0 the weight's gradient is −8·σ(−w) + λw (each point misses by σ(−w)); σ(−ln 3) = ¼,
      // so it vanishes at λ = 2/ln 3. The intercept's, 4(σ(b + w) − 1) + 4σ(b − w), vanishes at b = 0.
      const model = fitLogistic(x, y, { lambda: 2 / Math.log(3) });
      expectNear(model.weights[0] as number, Math.log(3), 1e-12);
      expectNear(model.intercept, 0, 1e-12);
      expectNear(predict(model, [1]), 0.75, 1e-12);
      for (const lambda of [1e-6, 1e-3, 1]) {
        const m = fitLogistic(x, y, { lambda });
        expect(Number.isFinite(m.weights[0] as number), `lambda ${lambda}`).to.equal(true);
        expect(m.iterations).to.be.lessThan(100);
      }
    });

    it("without a penalty, refuses with a separation error rather than return runaway weights", () => {
      expect(() => fitLogistic(x, y, { lambda: 0 }))
        .to.throw(LogisticFitError, "The outcomes are perfectly separated by the features")
        .with.property("reason", "separable");
      // Also when the separating direction is one of several features.
      const random = mulberry32(41);
      const rows = Array.from({ length: 50 }, () => [normal(random), normal(random)]);
      const outcomes = rows.map((r) => (r[0] as number) + 0.5 * (r[1] as number) > 0.2);
      expect(() => fitLogistic(rows, outcomes, { lambda: 0 }))
        .to.throw(LogisticFitError, "Fit with lambda > 0")
        .with.property("reason", "separable");
    });
  });

  describe("refuses what it cannot fit, saying what to do", () => {
    const x = [[0], [1], [2], [3]];
    const y = [false, true, false, true];

    it("no rows", () => {
      expect(() => fitLogistic([], [])).to.throw(LearnDataError, "There is nothing to fit: no rows.");
    });

    it("rows and outcomes of different lengths", () => {
      expect(() => fitLogistic(x, [true, false])).to.throw(
        LearnDataError,
        "There are 4 rows of features and 2 outcomes.",
      );
    });

    it("rows of different widths", () => {
      expect(() => fitLogistic([[0], [1, 2]], [true, false])).to.throw(
        LearnDataError,
        "Row 1 has 2 features where row 0 has 1.",
      );
    });

    it("NaN and infinite features", () => {
      expect(() => fitLogistic([[0], [Number.NaN]], [true, false])).to.throw(
        LearnDataError,
        "Row 1, feature 0 is NaN: features must be finite numbers.",
      );
      expect(() => fitLogistic([[Number.NEGATIVE_INFINITY], [1]], [true, false])).to.throw(
        LearnDataError,
        "Row 0, feature 0 is -Infinity: features must be finite numbers.",
      );
    });

    it("one class only", () => {
      expect(() => fitLogistic(x, [true, true, true, true])).to.throw(
        LearnDataError,
        "Every one of the 4 outcomes is true: there is only one class.",
      );
      expect(() => fitLogistic(x, [false, false, false, false])).to.throw(
        LearnDataError,
        "Every one of the 4 outcomes is false: there is only one class.",
      );
    });

    it("feature names that do not match the columns", () => {
      expect(() => fitLogistic(x, y, { featureNames: ["a", "b"] })).to.throw(
        LearnDataError,
        "There are 2 feature names for 1 features.",
      );
    });

    it("options out of range", () => {
      expect(() => fitLogistic(x, y, { lambda: -1 })).to.throw(
        LearnDataError,
        "lambda is -1: it must be a finite number from 0 up.",
      );
      expect(() => fitLogistic(x, y, { lambda: Number.NaN })).to.throw(LearnDataError, "lambda is NaN");
      expect(() => fitLogistic(x, y, { tolerance: 0 })).to.throw(
        LearnDataError,
        "tolerance is 0: it must be a finite number above 0.",
      );
      expect(() => fitLogistic(x, y, { maxIterations: 0.5 })).to.throw(
        LearnDataError,
        "maxIterations is 0.5: it must be a whole number from 1 up.",
      );
    });

    it("a constant or duplicated feature without a penalty (singular), but not with one", () => {
      expect(() =>
        fitLogistic(
          [
            [0, 7],
            [1, 7],
            [2, 7],
            [3, 7],
          ],
          y,
          { lambda: 0 },
        ),
      )
        .to.throw(
          LogisticFitError,
          "The Newton system is singular: a feature is constant or some features are collinear.",
        )
        .with.property("reason", "singular");
      expect(() =>
        fitLogistic(
          [
            [0, 0],
            [1, 2],
            [2, 4],
            [3, 6],
          ],
          y,
          { lambda: 0 },
        ),
      )
        .to.throw(LogisticFitError, "singular")
        .with.property("reason", "singular");
      const model = fitLogistic(
        [
          [0, 7],
          [1, 7],
          [2, 7],
          [3, 7],
        ],
        y,
        { lambda: 1 },
      );
      expect(model.weights[1]).to.equal(0);
      expect(model.standardisation.std[1]).to.equal(0);
    });

    it("running out of iterations", () => {
      const { x: rows, y: outcomes } = syntheticData(200, 51, TRUTH);
      expect(() => fitLogistic(rows, outcomes, { maxIterations: 1 }))
        .to.throw(LogisticFitError, "The fit did not converge in 1 Newton steps.")
        .with.property("reason", "notConverged");
    });

    it("a prediction with the wrong number of features or a non-finite one", () => {
      const model = fitLogistic(x, y, { featureNames: ["margin"] });
      expect(() => predict(model, [1, 2])).to.throw(LearnDataError, "The input has 2 features; the model takes 1.");
      expect(() => predict(model, [Number.POSITIVE_INFINITY])).to.throw(
        LearnDataError,
        "The feature margin is Infinity: features must be finite numbers.",
      );
    });
  });

  describe("saved as JSON", () => {
    const { x, y } = syntheticData(500, 61, TRUTH);
    const model = fitLogistic(x, y, { lambda: 0.5, featureNames: ["a", "b", "c"] });
    const text = serialiseModel(model);

    it("loads back to the same model, number for number, predicting the same", () => {
      const loaded = deserialiseModel(text, ["a", "b", "c"]);
      expect(loaded).to.deep.equal(model);
      expect(predict(loaded, [1.5, 1, 0.25])).to.equal(predict(model, [1.5, 1, 0.25]));
      expect(JSON.parse(text)).to.include({ format: "flash-arb/logistic", version: 1, trainedOn: 500, lambda: 0.5 });
    });

    const edited = (change: (file: Record<string, unknown>) => void) => {
      const file = JSON.parse(text) as Record<string, unknown>;
      change(file);
      return JSON.stringify(file);
    };

    it("refuses a model trained on other features, naming the difference", () => {
      expect(() => deserialiseModel(text, ["a", "b", "d"])).to.throw(
        ModelFileError,
        "The model was trained on other features: missing d; unknown c.",
      );
      expect(() => deserialiseModel(text, ["a", "c", "b"])).to.throw(
        ModelFileError,
        "The model was trained on other features: the same features in another order.",
      );
      expect(() => deserialiseModel(text, ["a", "b"])).to.throw(
        ModelFileError,
        "The model was trained on other features: unknown c.",
      );
    });

    it("refuses a file that is not JSON, of another format, or damaged", () => {
      expect(() => deserialiseModel("{")).to.throw(ModelFileError, "The model file is not JSON.");
      expect(() => deserialiseModel(edited((f) => (f.format = "other")))).to.throw(ModelFileError, "format:");
      expect(() => deserialiseModel(edited((f) => (f.version = 2)))).to.throw(ModelFileError, "version:");
      expect(() => deserialiseModel(edited((f) => delete f.intercept))).to.throw(
        ModelFileError,
        "The model file is invalid.",
      );
      expect(() => deserialiseModel(edited((f) => (f.extra = 1)))).to.throw(ModelFileError, "unknown key(s) extra");
      expect(() => deserialiseModel(edited((f) => (f.weights = [1, 2])))).to.throw(
        ModelFileError,
        "The model file has 2 weights for 3 features.",
      );
      // 1e999 parses as Infinity.
      expect(() => deserialiseModel(text.replace(/"intercept": [^,]+/, '"intercept": 1e999'))).to.throw(
        ModelFileError,
        "intercept: must be a finite number",
      );
      expect(() =>
        deserialiseModel(edited((f) => ((f.standardisation as { std: number[] }).std = [1, -1, 1]))),
      ).to.throw(ModelFileError, "standardisation.std.1: must be ≥ 0");
      expect(() => deserialiseModel(edited((f) => (f.trainedOn = 0)))).to.throw(ModelFileError, "trainedOn:");
    });
  });
});
