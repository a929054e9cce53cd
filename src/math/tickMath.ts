import { MAX_UINT256 } from "./fullMath.js";

/** TickMath.MIN_TICK / MAX_TICK and the sqrt prices at them. */
export const MIN_TICK = -887_272;
export const MAX_TICK = 887_272;
export const MIN_SQRT_RATIO = 4_295_128_739n;
export const MAX_SQRT_RATIO = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_342n;

/** The per-bit factors of TickMath.getSqrtRatioAtTick, for bits 0x2 … 0x80000. */
const FACTORS: ReadonlyArray<readonly [number, bigint]> = [
  [0x2, 0xfff97272373d413259a46990580e213an],
  [0x4, 0xfff2e50f5f656932ef12357cf3c7fdccn],
  [0x8, 0xffe5caca7e10e4e61c3624eaa0941cd0n],
  [0x10, 0xffcb9843d60f6159c9db58835c926644n],
  [0x20, 0xff973b41fa98c081472e6896dfb254c0n],
  [0x40, 0xff2ea16466c96a3843ec78b326b52861n],
  [0x80, 0xfe5dee046a99a2a811c461f1969c3053n],
  [0x100, 0xfcbe86c7900a88aedcffc83b479aa3a4n],
  [0x200, 0xf987a7253ac413176f2b074cf7815e54n],
  [0x400, 0xf3392b0822b70005940c7a398e4b70f3n],
  [0x800, 0xe7159475a2c29b7443b29c7fa6e889d9n],
  [0x1000, 0xd097f3bdfd2022b8845ad8f792aa5825n],
  [0x2000, 0xa9f746462d870fdf8a65dc1f90e061e5n],
  [0x4000, 0x70d869a156d2a1b890bb3df62baf32f7n],
  [0x8000, 0x31be135f97d08fd981231505542fcfa6n],
  [0x10000, 0x9aa508b5b7a84e1c677de54f3e99bc9n],
  [0x20000, 0x5d6af8dedb81196699c329225ee604n],
  [0x40000, 0x2216e584f5fa1ea926041bedfe98n],
  [0x80000, 0x48a170391f7dc42444e8fa2n],
];

/**
 * The ratios computed so far, by tick: every V3 swap step prices its target tick, and sizing
 * one cycle runs dozens of swaps through the same few ticks, so remembering them makes each
 * step a lookup instead of up to twenty 256-bit products. Cleared when it grows past its cap.
 */
const RATIO_CACHE = new Map<number, bigint>();
const RATIO_CACHE_CAP = 65_536;

/** TickMath.getSqrtRatioAtTick: sqrt(1.0001^tick) · 2^96, rounded up, exactly as the pool computes it. */
export function getSqrtRatioAtTick(tick: number): bigint {
  const known = RATIO_CACHE.get(tick);
  if (known !== undefined) return known;
  const ratio = computeSqrtRatioAtTick(tick);
  if (RATIO_CACHE.size >= RATIO_CACHE_CAP) RATIO_CACHE.clear();
  RATIO_CACHE.set(tick, ratio);
  return ratio;
}

function computeSqrtRatioAtTick(tick: number): bigint {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) throw new RangeError(`tick ${tick} out of range`);
  const absTick = Math.abs(tick);
  let ratio = absTick & 0x1 ? 0xfffcb933bd6fad37aa2d162d1a594001n : 0x100000000000000000000000000000000n;
  for (const [bit, factor] of FACTORS) {
    if (absTick & bit) ratio = (ratio * factor) >> 128n;
  }
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  return (ratio >> 32n) + (ratio % (1n << 32n) === 0n ? 0n : 1n);
}

/**
 * TickMath.getTickAtSqrtRatio: the greatest tick whose sqrt price is at most `sqrtPriceX96`.
 * Found by bisection over getSqrtRatioAtTick, which gives the same tick as the pool's log2.
 */
export function getTickAtSqrtRatio(sqrtPriceX96: bigint): number {
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) throw new RangeError("sqrt price out of range");
  // A float estimate lands within a tick or two; the exact comparisons below settle it.
  const estimate = Math.floor((2 * Math.log(Number(sqrtPriceX96) / 2 ** 96)) / Math.log(1.0001));
  if (Number.isFinite(estimate)) {
    for (let t = Math.min(MAX_TICK, estimate + 2); t >= Math.max(MIN_TICK, estimate - 2); t--) {
      if (getSqrtRatioAtTick(t) <= sqrtPriceX96) {
        if (t === MAX_TICK || getSqrtRatioAtTick(t + 1) > sqrtPriceX96) return t;
        break;
      }
    }
  }
  let low = MIN_TICK;
  let high = MAX_TICK;
  while (low < high) {
    const mid = Math.floor((low + high + 1) / 2);
    if (getSqrtRatioAtTick(mid) <= sqrtPriceX96) low = mid;
    else high = mid - 1;
  }
  return low;
}
