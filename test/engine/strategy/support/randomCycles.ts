// Random two- and three-hop cycles from a seed, in the corners where sizing goes wrong: small
// optima in 6- and 8-decimal tokens, thin intermediate pools, mixed decimals, extreme prices,
// reserves from dust to 10^30, and Uniswap V3 pools whose liquidity deepens or thins just past
// the current tick.
import type { Address } from "../../../../src/addressBook.js";
import type { Cycle, CycleHop } from "../../../../src/engine/strategy/cycles.js";
import type { MarketPool } from "../../../../src/engine/venues/pools.js";
import { getSqrtRatioAtTick, MAX_TICK, MIN_TICK } from "../../../../src/math/tickMath.js";

export const CATEGORIES = [
  "ordinary",
  "small-optimum",
  "thin-intermediate",
  "mixed-decimals",
  "extreme-price",
  "huge-reserves",
  "v3-deepening",
  "v3-thinning",
  "balancer-weighted",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A deterministic generator (64-bit LCG), so that a seed always gives the same cycles. */
export class Random {
  private state: bigint;
  constructor(seed: number) {
    this.state = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  }
  next(): number {
    this.state = (this.state * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
    return Number(this.state >> 11n) / 2 ** 53;
  }
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** 10^u for u uniform in [lo, hi]. */
  logUniform(lo: number, hi: number): number {
    return 10 ** this.between(lo, hi);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)] as T;
  }
}

let addresses = 0;
const address = () => `0x${(++addresses).toString(16).padStart(40, "0")}` as Address;
const big = (x: number) => BigInt(Math.max(1, Math.floor(x)));

interface Token {
  readonly address: Address;
  readonly decimals: number;
  /** Dollars per whole token. */
  readonly price: number;
}

/** A V2 pair holding `depthUsd` dollars a side at the tokens' prices, off by `skew` (a fraction). */
function v2(a: Token, b: Token, depthUsd: number, skew: number, feePips = 3000): MarketPool {
  const ra = big((depthUsd / a.price) * 10 ** a.decimals);
  const rb = big((depthUsd / b.price) * 10 ** b.decimals * (1 + skew));
  const [token0, token1, reserve0, reserve1] =
    a.address < b.address ? [a.address, b.address, ra, rb] : [b.address, a.address, rb, ra];
  return {
    kind: "uniswapV2",
    address: address(),
    token0,
    token1,
    factoryIndex: 0,
    dex: "uniswapV2",
    feePips,
    state: { reserve0, reserve1 },
  };
}

/**
 * A V3 pool at the tokens' prices off by `skew`, with `liquidity` in its current range and
 * `beyond` times that in the next range on each side (deeper when above one, thinner below).
 */
function v3(a: Token, b: Token, depthUsd: number, skew: number, beyond: number, r: Random): MarketPool {
  const [t0, t1] = a.address < b.address ? [a, b] : [b, a];
  // token1 base units per token0 base unit.
  const priceRaw = (t0.price / t1.price) * 10 ** (t1.decimals - t0.decimals) * (t0 === a ? 1 + skew : 1 / (1 + skew));
  const spacing = 60;
  let tick = Math.floor(Math.log(priceRaw) / Math.log(1.0001));
  tick = Math.min(MAX_TICK - 10 * spacing, Math.max(MIN_TICK + 10 * spacing, tick));
  const lower = Math.floor(tick / spacing) * spacing;
  const width = spacing * Math.floor(r.between(1, 4));
  // Liquidity for about `depthUsd` of token1 within the range: L ≈ y / (√P − √P_lower).
  const sqrtP = Math.sqrt(1.0001 ** tick);
  const sqrtLower = Math.sqrt(1.0001 ** (lower - width));
  const y = (depthUsd / t1.price) * 10 ** t1.decimals;
  const liquidity = big(y / Math.max(sqrtP - sqrtLower, 1e-30));
  const outer = big(Number(liquidity) * beyond);
  const ticks = new Map<number, bigint>();
  const add = (t: number, l: bigint) => ticks.set(t, (ticks.get(t) ?? 0n) + l);
  // The current range [lower − width, lower + width + spacing), and one more range each side.
  const lo = lower - width;
  const hi = lower + width + spacing;
  add(lo, liquidity);
  add(hi, -liquidity);
  add(lo - 4 * width, outer);
  add(lo, -outer);
  add(hi, outer);
  add(hi + 4 * width, -outer);
  // Somewhere inside the current tick: never past the next tick's price.
  const here = getSqrtRatioAtTick(tick);
  const room = getSqrtRatioAtTick(tick + 1) - here;
  const sqrtPriceX96 = here + (room * BigInt(Math.floor(r.next() * 1_000_000))) / 1_000_000n;
  return {
    kind: "uniswapV3",
    address: address(),
    token0: t0.address,
    token1: t1.address,
    fee: 3000,
    state: { sqrtPriceX96, tick, liquidity, fee: 3000, tickSpacing: spacing, ticks },
  };
}

let poolIds = 0;

/**
 * A Balancer weighted pool of `a` and `b` holding `depthUsd` dollars in all, split by weights
 * (`weightA` of one, 18 decimals), `b`'s balance off by `skew`, with a 0.1–1% swap fee.
 */
function weighted(a: Token, b: Token, depthUsd: number, skew: number, weightA: bigint, r: Random): MarketPool {
  const one = 10n ** 18n;
  const share = (w: bigint) => Number(w) / 1e18;
  const ba = big(((depthUsd * share(weightA)) / a.price) * 10 ** a.decimals);
  const bb = big(((depthUsd * share(one - weightA)) / b.price) * 10 ** b.decimals * (1 + skew));
  const first = a.address < b.address;
  const id = (++poolIds).toString(16).padStart(40, "0");
  return {
    kind: "balancerWeighted",
    address: address(),
    poolId: `0x${id}000100000000000000000000`,
    tokens: first ? [a.address, b.address] : [b.address, a.address],
    state: {
      balances: first ? [ba, bb] : [bb, ba],
      weights: first ? [weightA, one - weightA] : [one - weightA, weightA],
      scalingFactors: (first ? [a, b] : [b, a]).map((t) => 10n ** BigInt(18 - t.decimals)),
      swapFee: BigInt(Math.floor(r.between(1, 10))) * 10n ** 15n,
    },
  };
}

/**
 * A two-hop cycle of `pool` against a fresh V2 pair of the same tokens at their prices, through
 * `pool` first or second at random. (A pair is drawn before the coin is tossed and drawn again
 * when it lands on `pool` first: the draws, and so every seed's cycles, stay as they were.)
 */
function againstPair(pool: MarketPool, a: Token, b: Token, depth: () => number, r: Random): CycleHop[] {
  let hops: CycleHop[] = [
    { pool: v2(a, b, depth(), 0), tokenIn: a.address, tokenOut: b.address },
    { pool, tokenIn: b.address, tokenOut: a.address },
  ];
  if (r.next() < 0.5)
    hops = [
      { pool, tokenIn: a.address, tokenOut: b.address },
      { pool: v2(a, b, depth(), 0), tokenIn: b.address, tokenOut: a.address },
    ];
  return hops;
}

/** One random cycle of `category`, starting and ending in its first token, and a loan cap for it. */
export function randomCycle(category: Category, r: Random): { cycle: Cycle; cap: bigint } {
  const decimals = (): number =>
    category === "mixed-decimals"
      ? r.pick([0, 2, 6, 8, 18, 24])
      : category === "small-optimum"
        ? r.pick([6, 8])
        : r.pick([6, 8, 18]);
  const price = () => (category === "extreme-price" ? r.logUniform(-9, 9) : r.logUniform(-2, 4.5));
  const tokens: Token[] = [0, 1, 2].map(() => ({ address: address(), decimals: decimals(), price: price() }));
  const [a, b, c] = tokens as [Token, Token, Token];
  const depth = () =>
    category === "huge-reserves"
      ? r.logUniform(9, 14)
      : category === "small-optimum"
        ? r.logUniform(-1, 2)
        : r.logUniform(3, 8);
  // A price gap the cycle can close: 0.1% to 6%, either way round.
  const skew = () => r.pick([-1, 1]) * r.logUniform(-3, -1.2);
  const threeHop = r.next() < 0.5;
  let hops: CycleHop[];
  if (category === "v3-deepening" || category === "v3-thinning") {
    const beyond = category === "v3-deepening" ? r.logUniform(0.5, 2) : r.logUniform(-2, -0.5);
    hops = againstPair(v3(a, b, depth(), skew(), beyond, r), a, b, depth, r);
  } else if (category === "balancer-weighted") {
    // Unequal weights make the pool's curve differ from the constant product the closed form
    // assumes; 2% of one side, as in the 98/2 pools, is the extreme.
    const weightA = r.pick([2n, 20n, 50n, 80n, 98n]) * 10n ** 16n;
    hops = againstPair(weighted(a, b, depth(), skew(), weightA, r), a, b, depth, r);
  } else if (threeHop) {
    const middle = category === "thin-intermediate" ? r.logUniform(-4, -1) : depth();
    hops = [
      { pool: v2(a, b, depth(), skew()), tokenIn: a.address, tokenOut: b.address },
      { pool: v2(b, c, middle, skew()), tokenIn: b.address, tokenOut: c.address },
      { pool: v2(c, a, depth(), skew()), tokenIn: c.address, tokenOut: a.address },
    ];
  } else {
    const second = category === "thin-intermediate" ? r.logUniform(-4, -1) : depth();
    hops = [
      { pool: v2(a, b, depth(), skew()), tokenIn: a.address, tokenOut: b.address },
      { pool: v2(a, b, second, skew()), tokenIn: b.address, tokenOut: a.address },
    ];
  }
  // A cap well above any pool: the sizing must not depend on it being near the optimum.
  const cap = big((r.logUniform(6, 9) / a.price) * 10 ** a.decimals);
  return {
    cycle: { id: `${category}:${hops.map((h) => h.pool.address.slice(-4)).join(">")}`, token: a.address, hops },
    cap,
  };
}
