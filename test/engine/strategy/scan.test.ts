import { expect } from "chai";
import { getAddress } from "ethers";
import type { Address } from "../../../src/addressBook.js";
import { type Cycle, findCycles } from "../../../src/engine/strategy/cycles.js";
import { type Estimate, logRate, RateGraph } from "../../../src/engine/strategy/scan.js";
import { disjointBest } from "../../../src/engine/strategy/select.js";
import { sizeCycle } from "../../../src/engine/strategy/size.js";
import { type MarketPool, poolTokens } from "../../../src/engine/venues/pools.js";
import { getSqrtRatioAtTick } from "../../../src/math/tickMath.js";
import { bestSize } from "./support/bestSize.js";
import { Random, randomCycle } from "./support/randomCycles.js";

/**
 * A random market of 300 V2 pairs over 25 tokens, prices a few percent apart, and 12 Balancer
 * weighted pools of two or three tokens (three of them holding both hubs).
 */
function market(seedStart: bigint): MarketPool[] {
  let seed = seedStart;
  const random = () => {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
    return Number(seed >> 11n) / 2 ** 53;
  };
  const tokens = Array.from(
    { length: 25 },
    (_, i) => getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`) as Address,
  );
  const pools: MarketPool[] = [];
  for (let k = 0; k < 300; k++) {
    const a = random() < 0.4 ? Math.floor(random() * 3) : Math.floor(random() * 25);
    let b = Math.floor(random() * 25);
    if (a === b) b = (b + 1) % 25;
    const [t0, t1] = [tokens[a] as Address, tokens[b] as Address].sort() as [Address, Address];
    const r0 = BigInt(Math.floor(1e6 + random() * 1e6)) * 10n ** 12n;
    const r1 = (r0 * BigInt(Math.floor(950 + random() * 100))) / 1000n;
    pools.push({
      kind: "uniswapV2",
      address: getAddress(`0x${(0x1000 + k).toString(16).padStart(40, "0")}`) as Address,
      token0: t0,
      token1: t1,
      factoryIndex: 0,
      dex: "uniswapV2",
      feePips: 3000,
      state: { reserve0: r0, reserve1: r1 },
    });
  }
  for (let k = 0; k < 12; k++) {
    const picked = new Set<number>(k < 3 ? [0, 1] : [Math.floor(random() * 25)]);
    while (picked.size < 2 + (k % 2)) picked.add(Math.floor(random() * 25));
    const held = [...picked].map((i) => tokens[i] as Address).sort();
    const weights =
      held.length === 2 ? [5n * 10n ** 17n, 5n * 10n ** 17n] : [4n * 10n ** 17n, 3n * 10n ** 17n, 3n * 10n ** 17n];
    pools.push({
      kind: "balancerWeighted",
      address: getAddress(`0x${(0x2000 + k).toString(16).padStart(40, "0")}`) as Address,
      poolId: `0x${(0x2000 + k).toString(16).padStart(40, "0")}000100000000000000000000`,
      tokens: held,
      state: {
        balances: weights.map((w) => (w * BigInt(Math.floor(2e6 + random() * 1e5))) / 10n ** 6n),
        weights,
        scalingFactors: held.map(() => 1n),
        swapFee: 3n * 10n ** 15n,
      },
    });
  }
  return pools;
}

/** The first token of the `k`th pool: a hub, as the generator favours tokens 0–2. */
function hub(pools: readonly MarketPool[], k: number): Address {
  return poolTokens(pools[k] as MarketPool)[0] as Address;
}

/** The sum of a cycle's marginal log rates. */
function rates(c: Cycle): number {
  return c.hops.reduce((sum, h) => sum + logRate(h.pool, h.tokenIn, h.tokenOut), 0);
}

describe("the rate-graph scan", () => {
  it("finds exactly the cycles whose marginal rates multiply above one, and counts every cycle", () => {
    const pools = market(42n);
    const hubs = [hub(pools, 0), hub(pools, 1)].filter((t, i, all) => all.indexOf(t) === i);
    const all = findCycles(pools, hubs);
    const expected = all
      .filter((c) => rates(c) > 0)
      .map((c) => c.id)
      .sort();
    const seen: string[] = [];
    const counted = new RateGraph(pools).scan(hubs, (f) => seen.push(f.cycle.id));
    expect(counted).to.equal(all.length);
    expect(seen.sort()).to.deep.equal(expected);
    expect(expected.length).to.be.greaterThan(0);
    // The market has cycles through three-token pools, which could meet one pool twice.
    const triple = (c: Cycle) => c.hops.some((h) => h.pool.kind === "balancerWeighted" && h.pool.tokens.length === 3);
    expect(all.filter(triple).length).to.be.greaterThan(10);
    expect(seen.filter((id) => all.find((c) => c.id === id && triple(c)) !== undefined).length).to.be.greaterThan(0);
  });

  it("scanThrough finds exactly the profitable-at-the-margin cycles through one pool, after an update", () => {
    const pools = market(7n);
    const hubs = [hub(pools, 0), hub(pools, 1), hub(pools, 2)].filter((t, i, all) => all.indexOf(t) === i);
    const graph = new RateGraph(pools);
    for (const pool of [...pools.slice(0, 40), ...pools.filter((p) => p.kind === "balancerWeighted")]) {
      if (pool.kind === "uniswapV2")
        pool.state = { reserve0: (pool.state.reserve0 * 103n) / 100n, reserve1: pool.state.reserve1 };
      if (pool.kind === "balancerWeighted")
        pool.state = { ...pool.state, balances: pool.state.balances.map((b, i) => (i === 0 ? (b * 103n) / 100n : b)) };
      graph.update(pool);
      const expected = findCycles(pools, hubs)
        .filter((c) => c.hops.some((h) => h.pool === pool))
        .filter((c) => rates(c) > 0)
        .map((c) => c.id)
        .sort();
      const seen: string[] = [];
      graph.scanThrough(pool, hubs, (f) => seen.push(f.cycle.id));
      expect(seen.sort(), pool.address).to.deep.equal(expected);
    }
  });

  it("sizes every V2 cycle in closed form within a millionth of the exact integer optimum", () => {
    const pools = market(11n);
    const hubs = [hub(pools, 0)];
    const found: Estimate[] = [];
    new RateGraph(pools).scan(hubs, (f) => {
      if (f.cycle.hops.every((h) => h.pool.kind === "uniswapV2")) found.push(f);
    });
    expect(found.length).to.be.greaterThan(10);
    for (const f of found) {
      const exact = sizeCycle(f.cycle, 10n ** 30n, () => 0n);
      if (exact === undefined) {
        // Only a cycle whose best profit rounds to nothing may size to nothing.
        expect(f.profit, f.cycle.id).to.be.lessThan(1e6);
        continue;
      }
      expect(Math.abs(f.profit - Number(exact.profit)) / Number(exact.profit), f.cycle.id).to.be.lessThan(1e-6);
      expect(Math.abs(f.amountIn - Number(exact.amountIn)) / Number(exact.amountIn), f.cycle.id).to.be.lessThan(1e-3);
    }
  });

  it("with a floor, reports exactly the cycles whose estimate clears it, in both scans", () => {
    const pools = market(5n);
    const hubs = [hub(pools, 0), hub(pools, 1)];
    const graph = new RateGraph(pools);
    const all: Estimate[] = [];
    graph.scan(hubs, (f) => all.push(f));
    const profits = all.map((f) => f.profit).sort((x, y) => x - y);
    const median = profits[Math.floor(profits.length / 2)] as number;
    const floored: string[] = [];
    graph.scan(
      hubs,
      (f) => floored.push(f.cycle.id),
      () => median,
    );
    const expected = all.filter((f) => f.bound > median).map((f) => f.cycle.id);
    expect(floored.sort()).to.deep.equal(expected.sort());
    expect(expected.length).to.be.greaterThan(0).and.lessThan(all.length);
    const pool = all[0]?.cycle.hops[0]?.pool as MarketPool;
    const through: string[] = [];
    graph.scanThrough(
      pool,
      hubs,
      (f) => through.push(f.cycle.id),
      () => median,
    );
    expect(through.sort()).to.deep.equal(
      all
        .filter((f) => f.bound > median && f.cycle.hops.some((h) => h.pool === pool))
        .map((f) => f.cycle.id)
        .sort(),
    );
  });

  it("bounds every cycle's best integer profit from above, where the closed form alone underestimates it", () => {
    // V3 pools with deeper or thinner liquidity past the current tick and weighted pools of
    // unequal weights: the curves the closed form does not model exactly.
    const r = new Random(20261201);
    let underestimated = 0;
    let checked = 0;
    for (const category of ["v3-deepening", "v3-thinning", "balancer-weighted"] as const) {
      for (let n = 0; n < 80; n++) {
        const { cycle, cap } = randomCycle(category, r);
        const best = bestSize(cycle, cap, () => 0n);
        const id = `${cycle.token}:${cycle.hops.map((h) => h.pool.address).join(">")}`;
        let found: Estimate | undefined;
        new RateGraph(cycle.hops.map((h) => h.pool)).scan([cycle.token], (f) => {
          if (f.cycle.id === id) found = f;
        });
        if (found === undefined) {
          // Not reported: its marginal rates do not multiply above one, so no size pays.
          expect(best.profit, `${category} ${cycle.id}`).to.be.at.most(0n);
          continue;
        }
        checked += 1;
        expect(found.bound, `${category} ${cycle.id}`).to.be.at.least(found.profit);
        expect(found.bound * (1 + 1e-9) + 1, `${category} ${cycle.id}: best ${best.profit}`).to.be.at.least(
          Number(best.profit),
        );
        if (found.profit < Number(best.profit) * 0.99) underestimated += 1;
      }
    }
    expect(checked).to.be.greaterThan(50);
    // The closed form on in-range reserves underestimates some: those a floor on it would drop.
    expect(underestimated).to.be.greaterThan(0);
  });

  it("reports a cycle through a V3 pool with no liquidity at its price but some past the next tick", () => {
    const [a, b] = ["0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000b2"].map(
      (t) => getAddress(t) as Address,
    ) as [Address, Address];
    const e18 = 10n ** 18n;
    const v2: MarketPool = {
      kind: "uniswapV2",
      address: getAddress("0x0000000000000000000000000000000000003001") as Address,
      token0: a,
      token1: b,
      factoryIndex: 0,
      dex: "uniswapV2",
      feePips: 3000,
      state: { reserve0: 1_000_000n * e18, reserve1: 1_050_000n * e18 },
    };
    const v3: MarketPool = {
      kind: "uniswapV3",
      address: getAddress("0x0000000000000000000000000000000000003002") as Address,
      token0: a,
      token1: b,
      fee: 3000,
      state: {
        sqrtPriceX96: getSqrtRatioAtTick(0),
        tick: 0,
        liquidity: 0n,
        fee: 3000,
        tickSpacing: 60,
        ticks: new Map([
          [60, 10n ** 24n],
          [600, -(10n ** 24n)],
        ]),
      },
    };
    const cycle = {
      id: "a>v2>b>v3>a",
      token: a,
      hops: [
        { pool: v2, tokenIn: a, tokenOut: b },
        { pool: v3, tokenIn: b, tokenOut: a },
      ],
    };
    const best = bestSize(cycle, 10n ** 30n, () => 0n);
    expect(best.profit > 0n).to.equal(true);
    const graph = new RateGraph([v2, v3]);
    const id = `${a}:${v2.address}>${v3.address}`;
    for (const scan of [
      (visit: (f: Estimate) => void) => graph.scan([a], visit, () => Number(best.profit) / 2),
      (visit: (f: Estimate) => void) => graph.scanThrough(v3, [a], visit, () => Number(best.profit) / 2),
    ]) {
      const found: Estimate[] = [];
      scan((f) => found.push(f));
      const cycleFound = found.find((f) => f.cycle.id === id);
      expect(cycleFound, "reported").to.not.equal(undefined);
      expect((cycleFound as Estimate).bound).to.be.at.least(Number(best.profit));
    }
    // And sized: the sizing needs no closed form to find it.
    const sized = sizeCycle(cycle, 10n ** 30n, () => 0n);
    expect(sized?.profit ?? 0n).to.be.at.least((best.profit * 9_999n) / 10_000n);
  });

  it("picks the best estimates first and uses each pool at most once", () => {
    const pools = market(3n);
    const hubs = [hub(pools, 0)];
    const all: Estimate[] = [];
    new RateGraph(pools).scan(hubs, (f) => all.push(f));
    const chosen = disjointBest(all);
    const used = chosen.flatMap((e) => e.cycle.hops.map((h) => h.pool.address));
    expect(new Set(used).size).to.equal(used.length);
    expect(chosen[0]?.profit).to.equal(Math.max(...all.map((f) => f.profit)));
    for (let i = 1; i < chosen.length; i++) expect(chosen[i]?.profit).to.be.at.most(chosen[i - 1]?.profit as number);
    // Every estimate left out shares a pool with a better one that was chosen.
    for (const e of all) {
      if (chosen.includes(e)) continue;
      const blocker = chosen.find(
        (c) => c.profit >= e.profit && c.cycle.hops.some((h) => e.cycle.hops.some((k) => k.pool === h.pool)),
      );
      expect(blocker, e.cycle.id).to.not.equal(undefined);
    }
    expect(disjointBest(all, 2)).to.have.length(Math.min(2, chosen.length));
  });
});
