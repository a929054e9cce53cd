import { expect } from "chai";

/**
 * `actual` is within `tolerance` of `expected`. Chai's own `closeTo` cannot be used: Hardhat's
 * matchers replace it with a bigint version that refuses fractions once any test file loads them.
 */
export function expectNear(actual: number, expected: number, tolerance: number, message?: string): void {
  expect(Number.isFinite(actual), `${message ?? "value"} is ${actual}`).to.equal(true);
  expect(
    Math.abs(actual - expected),
    `${message === undefined ? "" : `${message}: `}${actual} is not within ${tolerance} of ${expected}`,
  ).to.be.at.most(tolerance);
}
