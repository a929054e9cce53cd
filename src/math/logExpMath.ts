// A port of Balancer V2's LogExpMath (solidity-utils 1.0.0, the version the 2021 weighted pools
// were built with), function for function: 18-decimal fixed point, 20 and 36 decimals inside.
// bigint division truncates towards zero as Solidity's signed division does, so every rounding
// step matches the chain's.

const ONE_18 = 10n ** 18n;
const ONE_20 = 10n ** 20n;
const ONE_36 = 10n ** 36n;
const MAX_NATURAL_EXPONENT = 130n * ONE_18;
const MIN_NATURAL_EXPONENT = -41n * ONE_18;
const LN_36_LOWER_BOUND = ONE_18 - 10n ** 17n;
const LN_36_UPPER_BOUND = ONE_18 + 10n ** 17n;
const MILD_EXPONENT_BOUND = 2n ** 254n / ONE_20;

// e^(2^(7-n)): the first two with no decimals, the rest with 20.
const x0 = 128_000000000000000000n;
const a0 = 38877084059945950922200000000000000000000000000000000000n;
const x1 = 64_000000000000000000n;
const a1 = 6235149080811616882910000000n;
/** [x_n, a_n] for n = 2…11, 20 decimals. */
const TERMS: ReadonlyArray<readonly [bigint, bigint]> = [
  [3200000000000000000000n, 7896296018268069516100000000000000n],
  [1600000000000000000000n, 888611052050787263676000000n],
  [800000000000000000000n, 298095798704172827474000n],
  [400000000000000000000n, 5459815003314423907810n],
  [200000000000000000000n, 738905609893065022723n],
  [100000000000000000000n, 271828182845904523536n],
  [50000000000000000000n, 164872127070012814685n],
  [25000000000000000000n, 128402541668774148407n],
  [12500000000000000000n, 113314845306682631683n],
  [6250000000000000000n, 106449445891785942956n],
];

/** Thrown where the Solidity library reverts (an argument out of its domain). */
export class LogExpMathError extends Error {
  override readonly name = "LogExpMathError";
}

/** `x^y` for 18-decimal fixed-point `x` and `y`, as `LogExpMath.pow`. */
export function pow(x: bigint, y: bigint): bigint {
  if (y === 0n) return ONE_18;
  if (x === 0n) return 0n;
  if (x >= 2n ** 255n) throw new LogExpMathError("X_OUT_OF_BOUNDS");
  if (y >= MILD_EXPONENT_BOUND) throw new LogExpMathError("Y_OUT_OF_BOUNDS");
  let logxTimesY: bigint;
  if (LN_36_LOWER_BOUND < x && x < LN_36_UPPER_BOUND) {
    const ln36x = ln36(x);
    logxTimesY = (ln36x / ONE_18) * y + ((ln36x % ONE_18) * y) / ONE_18;
  } else {
    logxTimesY = ln(x) * y;
  }
  logxTimesY /= ONE_18;
  if (logxTimesY < MIN_NATURAL_EXPONENT || logxTimesY > MAX_NATURAL_EXPONENT)
    throw new LogExpMathError("PRODUCT_OUT_OF_BOUNDS");
  return exp(logxTimesY);
}

/** `e^x` for 18-decimal fixed-point `x`, as `LogExpMath.exp`. */
export function exp(xIn: bigint): bigint {
  if (xIn < MIN_NATURAL_EXPONENT || xIn > MAX_NATURAL_EXPONENT) throw new LogExpMathError("INVALID_EXPONENT");
  if (xIn < 0n) return (ONE_18 * ONE_18) / exp(-xIn);
  let x = xIn;
  let firstAN: bigint;
  if (x >= x0) {
    x -= x0;
    firstAN = a0;
  } else if (x >= x1) {
    x -= x1;
    firstAN = a1;
  } else {
    firstAN = 1n;
  }
  x *= 100n;
  let product = ONE_20;
  // exp uses the terms down to x9 only.
  for (const [xn, an] of TERMS.slice(0, 8)) {
    if (x >= xn) {
      x -= xn;
      product = (product * an) / ONE_20;
    }
  }
  let seriesSum = ONE_20;
  let term = x;
  seriesSum += term;
  for (let n = 2n; n <= 12n; n++) {
    term = (term * x) / ONE_20 / n;
    seriesSum += term;
  }
  return (((product * seriesSum) / ONE_20) * firstAN) / 100n;
}

/** The library's private `_ln`: natural log of an 18-decimal fixed-point `a`. */
function ln(aIn: bigint): bigint {
  if (aIn < ONE_18) return -ln((ONE_18 * ONE_18) / aIn);
  let a = aIn;
  let sum = 0n;
  if (a >= a0 * ONE_18) {
    a /= a0;
    sum += x0;
  }
  if (a >= a1 * ONE_18) {
    a /= a1;
    sum += x1;
  }
  sum *= 100n;
  a *= 100n;
  for (const [xn, an] of TERMS) {
    if (a >= an) {
      a = (a * ONE_20) / an;
      sum += xn;
    }
  }
  const z = ((a - ONE_20) * ONE_20) / (a + ONE_20);
  const zSquared = (z * z) / ONE_20;
  let num = z;
  let seriesSum = num;
  for (const d of [3n, 5n, 7n, 9n, 11n]) {
    num = (num * zSquared) / ONE_20;
    seriesSum += num / d;
  }
  seriesSum *= 2n;
  return (sum + seriesSum) / 100n;
}

/** The library's private `_ln_36`: natural log of `x` near one, with 36 decimals. */
function ln36(xIn: bigint): bigint {
  const x = xIn * ONE_18;
  const z = ((x - ONE_36) * ONE_36) / (x + ONE_36);
  const zSquared = (z * z) / ONE_36;
  let num = z;
  let seriesSum = num;
  for (const d of [3n, 5n, 7n, 9n, 11n, 13n, 15n]) {
    num = (num * zSquared) / ONE_36;
    seriesSum += num / d;
  }
  return seriesSum * 2n;
}
