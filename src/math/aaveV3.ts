// Aave V3's fixed-point math (WadRayMath, PercentageMath, MathUtils), ported operation by
// operation so that the engine's health factors equal the Pool's to the wei. Solidity's
// rounding is kept: half up for ray and wad products and quotients and for percentages.

export const WAD = 10n ** 18n;
export const RAY = 10n ** 27n;
const HALF_RAY = RAY / 2n;
const PERCENTAGE_FACTOR = 10_000n;
const HALF_PERCENTAGE_FACTOR = 5_000n;
const SECONDS_PER_YEAR = 365n * 24n * 3600n;

/** WadRayMath.rayMul: a·b / RAY, half up. */
export function rayMul(a: bigint, b: bigint): bigint {
  return (a * b + HALF_RAY) / RAY;
}

/** WadRayMath.rayDiv: a·RAY / b, half up. */
export function rayDiv(a: bigint, b: bigint): bigint {
  return (a * RAY + b / 2n) / b;
}

/** WadRayMath.wadDiv: a·WAD / b, half up. */
export function wadDiv(a: bigint, b: bigint): bigint {
  return (a * WAD + b / 2n) / b;
}

/** PercentageMath.percentMul: value·percentage / 10⁴ (basis points), half up. */
export function percentMul(value: bigint, percentage: bigint): bigint {
  return (value * percentage + HALF_PERCENTAGE_FACTOR) / PERCENTAGE_FACTOR;
}

/** PercentageMath.percentDiv: value·10⁴ / percentage, half up. */
export function percentDiv(value: bigint, percentage: bigint): bigint {
  return (value * PERCENTAGE_FACTOR + percentage / 2n) / percentage;
}

/** MathUtils.calculateLinearInterest: 1 + rate·Δt / year, in rays. */
export function linearInterest(rate: bigint, lastUpdate: bigint, now: bigint): bigint {
  return RAY + (rate * (now - lastUpdate)) / SECONDS_PER_YEAR;
}

/** MathUtils.calculateCompoundedInterest: the pool's three-term binomial approximation of (1 + rate/year)^Δt. */
export function compoundedInterest(rate: bigint, lastUpdate: bigint, now: bigint): bigint {
  const exp = now - lastUpdate;
  if (exp === 0n) return RAY;
  const expMinusOne = exp - 1n;
  const expMinusTwo = exp > 2n ? exp - 2n : 0n;
  const basePowerTwo = rayMul(rate, rate) / (SECONDS_PER_YEAR * SECONDS_PER_YEAR);
  const basePowerThree = rayMul(basePowerTwo, rate) / SECONDS_PER_YEAR;
  const secondTerm = (exp * expMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (exp * expMinusOne * expMinusTwo * basePowerThree) / 6n;
  return RAY + (rate * exp) / SECONDS_PER_YEAR + secondTerm + thirdTerm;
}

// v3.5 and later (aave-v3-origin) round each way on purpose: balances down, debts up.

/** WadRayMath.rayMulFloor: a·b / RAY, rounded down. */
export function rayMulFloor(a: bigint, b: bigint): bigint {
  return (a * b) / RAY;
}

/** WadRayMath.rayMulCeil: a·b / RAY, rounded up. */
export function rayMulCeil(a: bigint, b: bigint): bigint {
  const product = a * b;
  return product / RAY + (product % RAY === 0n ? 0n : 1n);
}

/** WadRayMath.rayDivCeil: a·RAY / b, rounded up. */
export function rayDivCeil(a: bigint, b: bigint): bigint {
  const scaled = a * RAY;
  return scaled / b + (scaled % b === 0n ? 0n : 1n);
}

/** MathUtils.mulDivCeil: a·b / c, rounded up. */
export function mulDivCeil(a: bigint, b: bigint, c: bigint): bigint {
  const product = a * b;
  return product / c + (product % c === 0n ? 0n : 1n);
}

/** PercentageMath.percentDivCeil: value·10⁴ / percentage, rounded up. */
export function percentDivCeil(value: bigint, percentage: bigint): bigint {
  const scaled = value * PERCENTAGE_FACTOR;
  return scaled / percentage + (scaled % percentage === 0n ? 0n : 1n);
}

/** v3.6's MathUtils.calculateCompoundedInterest: 1 + x + x²/2 + x³/6 with x = rate·Δt / year, in rays. */
export function compoundedInterestV36(rate: bigint, lastUpdate: bigint, now: bigint): bigint {
  const exp = now - lastUpdate;
  if (exp === 0n) return RAY;
  const x = (rate * exp) / SECONDS_PER_YEAR;
  return RAY + x + rayMul(x, x / 2n + rayMul(x, x / 6n));
}
