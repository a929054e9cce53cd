import { expect } from "chai";
import type { AddressBook } from "../../../src/addressBook.js";
import { discoverPools, V4_FEE_TIERS } from "../../../src/engine/collect/discovery.js";
import type { MarketPool } from "../../../src/engine/venues/pools.js";
import { v4PoolId } from "../../../src/pools/uniswapV4.js";
import { replicaMarketPools } from "../../../src/replica/marketPools.js";
import { ethers, loadReplica } from "../../fixtures/replica.js";

/** A pool as discovery leaves it, state aside (discovery leaves it empty; the market reads it). */
function identity(pool: MarketPool) {
  const { state: _state, ...rest } = pool;
  return rest;
}

describe("discovery of Uniswap V4 pools", () => {
  it("finds exactly the replica's V4 pools among every book pair and standard fee, by PoolId and slot0, in one batch", async () => {
    const replica = await loadReplica();
    const progress: Array<[number, number]> = [];
    const found = await discoverPools(ethers.provider, replica.book, (done, total) => progress.push([done, total]));
    const v4 = found.filter((p) => p.kind === "uniswapV4");
    const expected = replicaMarketPools(replica.pools, replica.tokenAddresses, replica.book).filter(
      (p) => p.kind === "uniswapV4",
    );
    expect(expected).to.have.length(replica.uniswapV4.pools.length);
    const byId = (a: { address: string }, b: { address: string }) => (a.address < b.address ? -1 : 1);
    expect(v4.map(identity).sort(byId)).to.deep.equal(expected.map(identity).sort(byId));
    for (const pool of v4) {
      if (pool.kind !== "uniswapV4") continue;
      // The engine's key for a V4 pool is its PoolId, computed from the key it was found by.
      expect(pool.address).to.equal(pool.poolId);
      expect(pool.poolId).to.equal(
        v4PoolId({
          currency0: pool.token0,
          currency1: pool.token1,
          fee: pool.fee,
          tickSpacing: pool.tickSpacing,
          hooks: ethers.ZeroAddress as `0x${string}`,
        }),
      );
    }
    const { uniswapV4: _v4, ...bookWithoutV4 } = replica.book;
    const progressWithout: Array<[number, number]> = [];
    const foundWithout = await discoverPools(ethers.provider, bookWithoutV4 as AddressBook, (done, total) =>
      progressWithout.push([done, total]),
    );
    // One read more per book pair and standard (fee, spacing), in the same batch as the factories'.
    const tokens = Object.values(replica.book.tokens).length;
    const pairs = (tokens * (tokens - 1)) / 2;
    expect(progress.length).to.equal(progressWithout.length);
    for (const [k, [done, total]] of progress.entries()) {
      const [doneWithout, totalWithout] = progressWithout[k] as [number, number];
      expect(total - totalWithout).to.equal(pairs * V4_FEE_TIERS.length);
      if (k > 0) expect(done - doneWithout).to.equal(pairs * V4_FEE_TIERS.length);
    }
    // A book without Uniswap V4 finds none, and the same pools of every other kind.
    expect(foundWithout.filter((p) => p.kind === "uniswapV4")).to.deep.equal([]);
    expect(foundWithout.map((p) => p.address)).to.deep.equal(
      found.filter((p) => p.kind !== "uniswapV4").map((p) => p.address),
    );
  });
});
