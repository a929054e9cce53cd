import { expect } from "chai";
import { NoiseTraders, tokensOf } from "../../../src/arena/noiseTraders.js";
import { decodePendingSwap, PoolIndex, swapRoutersOf } from "../../../src/engine/strategy/pendingSwap.js";
import { type MarketPool, venueOf } from "../../../src/engine/venues/pools.js";
import { devAccount } from "../../../src/ops/devAccounts.js";
import { amountForUsd } from "../../../src/replica/prices.js";
import type { Replica, ReplicaPool } from "../../../src/replica/replica.js";
import { ethers, loadReplica } from "../../fixtures/replica.js";
import { replicaMarket } from "../support/market.js";

/** The replica's pools the noise traders trade, one of each kind and size of move. */
function tradedPools(replica: Replica): ReplicaPool[] {
  return replica.pools.filter((p) => tokensOf(p).every((t) => t !== "FOT" && t !== "BLOCK"));
}

describe("a pending swap, read from its router call and applied with each venue's exact math", () => {
  it("leaves every kind of pool exactly as the chain does after the swap, through the protocols' own routers", async () => {
    const replica = await loadReplica();
    const [deployer] = await ethers.getSigners();
    if (deployer === undefined) throw new Error("no deployer");
    const trader = devAccount(11, ethers.provider);
    const market = await replicaMarket(replica);
    const index = new PoolIndex(market.pools.values());
    const routers = swapRoutersOf(replica.book);
    // A noise trader's own calls: the same router calls the arena sends.
    const noise = new NoiseTraders(replica, [11], () => 0.5);
    await noise.setup(ethers.provider, devAccount(0, ethers.provider));
    let checked = 0;
    for (const pool of tradedPools(replica)) {
      const tokens = tokensOf(pool);
      const [tokenIn, tokenOut] = [tokens[0], tokens[1]] as [(typeof tokens)[0], (typeof tokens)[0]];
      // Balancer refuses more than 30% of a balance in (BAL#304); the others cross ticks at this size.
      const amountIn = amountForUsd(tokenIn, pool.dex === "balancerV2" ? 40_000n : 250_000n) + 12_345n;
      const call = noise.swapCall(pool, trader.address as `0x${string}`, tokenIn, tokenOut, amountIn);
      const swap = decodePendingSwap({ to: call.to, data: call.data }, routers, index);
      expect(swap, `${pool.dex} ${pool.address}`).to.not.equal(undefined);
      const hop = swap?.hops[0] as { pool: MarketPool; tokenIn: `0x${string}`; tokenOut: `0x${string}` };
      expect(swap?.amountIn).to.equal(amountIn);
      expect(hop.tokenIn).to.equal(replica.tokenAddresses[tokenIn]);
      expect(hop.tokenOut).to.equal(replica.tokenAddresses[tokenOut]);
      const predicted = venueOf(hop.pool).afterSwap(hop.pool, hop.tokenIn, hop.tokenOut, amountIn);
      const before = venueOf(hop.pool).fingerprint(hop.pool);
      await (await trader.sendTransaction({ to: call.to, data: call.data, gasLimit: 1_000_000n })).wait();
      expect(await market.refresh([hop.pool.address], await ethers.provider.getBlockNumber(), new Set())).to.deep.equal(
        [],
      );
      const after = venueOf(hop.pool).fingerprint(hop.pool);
      expect(after, `${pool.dex} ${pool.address}`).to.not.equal(before);
      const shadow = { ...hop.pool, state: predicted } as MarketPool;
      expect(venueOf(shadow).fingerprint(shadow), `${pool.dex} ${pool.address}`).to.equal(after);
      checked += 1;
    }
    expect(checked).to.be.greaterThan(8);
  });

  it("reads nothing it cannot read exactly: other contracts, other calls, price limits, unknown pools", async () => {
    const replica = await loadReplica();
    const market = await replicaMarket(replica);
    const index = new PoolIndex(market.pools.values());
    const routers = swapRoutersOf(replica.book);
    const noise = new NoiseTraders(replica, [11], () => 0.5);
    const pool = tradedPools(replica).find((p) => p.dex === "uniswapV2") as ReplicaPool;
    const call = noise.swapCall(pool, devAccount(11).address as `0x${string}`, "WETH", "USDC", 10n ** 18n);
    expect(decodePendingSwap({ to: call.to, data: call.data }, routers, index)).to.not.equal(undefined);
    // The same call to an address that is not a known router.
    expect(decodePendingSwap({ to: replica.book.multicall3, data: call.data }, routers, index)).to.equal(undefined);
    // A call the router has but that is not an exact-input swap (approve-like junk).
    expect(decodePendingSwap({ to: call.to, data: "0x095ea7b3" }, routers, index)).to.equal(undefined);
    // A contract creation.
    expect(decodePendingSwap({ to: null, data: call.data }, routers, index)).to.equal(undefined);
    // A pool the market does not watch: an empty index.
    expect(decodePendingSwap({ to: call.to, data: call.data }, routers, new PoolIndex([]))).to.equal(undefined);
  });
});
