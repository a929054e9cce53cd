import { expect } from "chai";
import { getAddress } from "ethers";
import type { Address } from "../../src/addressBook.js";
import { findCycles } from "../../src/engine/cycles.js";
import type { MarketPool } from "../../src/engine/pools.js";
import { logRate, RateGraph } from "../../src/engine/scan.js";

/** A random market of 300 V2 pairs over 25 tokens, prices a few percent apart. */
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
  return pools;
}

describe("the rate-graph scan", () => {
  it("finds exactly the cycles whose marginal rates multiply above one, and counts every cycle", () => {
    const pools = market(42n);
    const hubs = [pools[0]?.token0 as Address, pools[1]?.token0 as Address].filter((t, i, all) => all.indexOf(t) === i);
    const all = findCycles(pools, hubs);
    const expected = all
      .filter((c) => c.hops.reduce((sum, h) => sum + logRate(h.pool, h.tokenIn), 0) > 0)
      .map((c) => c.id)
      .sort();
    const seen: string[] = [];
    const counted = new RateGraph(pools).scan(hubs, (c) => seen.push(c.id));
    expect(counted).to.equal(all.length);
    expect(seen.sort()).to.deep.equal(expected);
    expect(expected.length).to.be.greaterThan(0);
  });

  it("scanThrough finds exactly the profitable-at-the-margin cycles through one pool, after an update", () => {
    const pools = market(7n);
    const hubs = [pools[0]?.token0 as Address];
    const graph = new RateGraph(pools);
    for (const pool of pools.slice(0, 40)) {
      if (pool.kind !== "uniswapV2") continue;
      pool.state = { reserve0: (pool.state.reserve0 * 103n) / 100n, reserve1: pool.state.reserve1 };
      graph.update(pool);
      const expected = findCycles(pools, hubs)
        .filter((c) => c.hops.some((h) => h.pool === pool))
        .filter((c) => c.hops.reduce((sum, h) => sum + logRate(h.pool, h.tokenIn), 0) > 0)
        .map((c) => c.id)
        .sort();
      const seen: string[] = [];
      graph.scanThrough(pool, hubs, (c) => seen.push(c.id));
      expect(seen.sort(), pool.address).to.deep.equal(expected);
    }
  });
});
