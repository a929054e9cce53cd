/** 2^256: Solidity's uint256 wraps here. */
export const MAX_UINT256 = (1n << 256n) - 1n;

/** FullMath.mulDiv: floor(a·b / denominator), exact for any uint256 inputs. */
export function mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
  return (a * b) / denominator;
}

/** FullMath.mulDivRoundingUp: ceil(a·b / denominator). */
export function mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
  const product = a * b;
  const result = product / denominator;
  return product % denominator === 0n ? result : result + 1n;
}

/** UnsafeMath.divRoundingUp: ceil(x / y). */
export function divRoundingUp(x: bigint, y: bigint): bigint {
  return x / y + (x % y === 0n ? 0n : 1n);
}
