import { mulberry32 } from "../../../../src/ops/random.js";

export { mulberry32 };

/** A standard normal draw from two uniform ones (Box–Muller). */
export function normal(random: () => number): number {
  const u = 1 - random(); // in (0, 1], so the logarithm is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The logistic function, written out here so the tests do not lean on the code under test. */
export function logistic(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

/**
 * `n` rows drawn from a logistic model with known raw coefficients: x0 ~ N(1, 1), x1 ~
 * Bernoulli(0.4), x2 ~ Uniform(0, 2) (offsets and scales that the standardisation must undo),
 * and each outcome ~ Bernoulli(σ(intercept + w·x)).
 */
export function syntheticData(
  n: number,
  seed: number,
  truth: { readonly intercept: number; readonly weights: readonly [number, number, number] },
): { x: number[][]; y: boolean[] } {
  const random = mulberry32(seed);
  const x: number[][] = [];
  const y: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const x0 = 1 + normal(random);
    const x1 = random() < 0.4 ? 1 : 0;
    const x2 = 2 * random();
    const t = truth.intercept + truth.weights[0] * x0 + truth.weights[1] * x1 + truth.weights[2] * x2;
    x.push([x0, x1, x2]);
    y.push(random() < logistic(t));
  }
  return { x, y };
}
