import { expect } from "chai";
import { Market } from "../../../src/engine/collect/market.js";
import { amountOut, poolName, routeHop } from "../../../src/engine/venues/pools.js";
import type { UniswapV4Pool } from "../../../src/engine/venues/uniswapV4.js";
import type { AnyContract } from "../../../src/replica/deploy.js";
import { swapExactIn } from "../../../src/replica/market.js";
import { replicaMarketPools } from "../../../src/replica/marketPools.js";
import { amountForUsd } from "../../../src/replica/prices.js";
import type { Replica } from "../../../src/replica/replica.js";
import { fund } from "../../../src/replica/tokens.js";
import { liquidityForAmounts, type ReplicaV4Pool } from "../../../src/replica/uniswapV4.js";
import { ethers, loadReplica, otherSigners } from "../../fixtures/replica.js";
import { loadV4, quoteV4, setV4ProtocolFee, v4Pools } from "../../fixtures/uniswapV4.js";
import { replicaMarket } from "../support/market.js";

/** The market's pool for the replica's V4 `pool`. */
function marketPool(market: Market, pool: ReplicaV4Pool): UniswapV4Pool {
  const found = market.pools.get(pool.id);
  if (found?.kind !== "uniswapV4") throw new Error(`the market has no V4 pool ${pool.id}`);
  return found;
}

/** The pool as StateView shows it now, read afresh. */
function freshLoad(replica: Replica, pool: ReplicaV4Pool) {
  return loadV4(ethers.provider, replica, pool);
}

/** Checks that the engine's output for a few amounts each way equals V4Quoter's. */
async function expectQuotesMatch(replica: Replica, engine: UniswapV4Pool, pool: ReplicaV4Pool): Promise<void> {
  for (const zeroForOne of [true, false]) {
    const [tokenIn, tokenOut] = zeroForOne ? [engine.token0, engine.token1] : [engine.token1, engine.token0];
    const symbol = zeroForOne ? pool.token0 : pool.token1;
    for (const usd of [3n, 9_999n, 300_000n]) {
      const amountIn = amountForUsd(symbol, usd) + 7n;
      expect(amountOut(engine, tokenIn, tokenOut, amountIn), `${pool.token0}/${pool.token1} ${symbol} ${usd}`).to.equal(
        await quoteV4(replica, pool, zeroForOne, amountIn),
      );
    }
  }
}

/** Collects what changed in the blocks after `from` and reads it again, as the block collector does. */
async function catchUp(market: Market, from: number) {
  const head = await ethers.provider.getBlockNumber();
  const found = await market.changedBetween(from + 1, head);
  expect(await market.refresh(found.changed, head, found.priceOnly)).to.deep.equal([]);
  return found;
}

describe("the market reads Uniswap V4 pools through StateView and keeps them current from the PoolManager's events", () => {
  it("reads every V4 pool so that its quotes equal V4Quoter's in both directions, and names and routes it", async () => {
    const replica = await loadReplica();
    const market = await replicaMarket(replica);
    const symbols = Object.fromEntries(Object.entries(replica.tokenAddresses).map(([s, a]) => [a, s]));
    expect(v4Pools(replica)).to.have.length(4);
    for (const pool of v4Pools(replica)) {
      const engine = marketPool(market, pool);
      expect(engine.state).to.deep.equal(await freshLoad(replica, pool));
      expect(engine.state.ticks.size).to.be.greaterThan(2);
      await expectQuotesMatch(replica, engine, pool);
      expect(poolName(engine, symbols)).to.equal(`Uniswap V4 ${pool.token0}/${pool.token1} ${pool.key.fee / 10_000}%`);
      expect(routeHop(engine, engine.token1)).to.deep.equal({
        kind: "UniswapV4",
        tokenOut: engine.token1,
        fee: pool.key.fee,
        tickSpacing: pool.key.tickSpacing,
      });
    }
  });

  it("after swaps, marks the V4 pools swapped through price-only, and the price-only read equals a fresh load", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const market = await replicaMarket(replica);
    const from = await ethers.provider.getBlockNumber();
    const [swapped, untouched] = v4Pools(replica);
    if (swapped === undefined || untouched === undefined) throw new Error("fewer than two V4 pools");
    // Both ways through one pool, far enough to cross ticks; nothing through the other.
    for (const [symbol, usd] of [
      [swapped.token0, 350_000n],
      [swapped.token1, 120_000n],
    ] as const) {
      const amountIn = amountForUsd(symbol, usd);
      await fund(replica.tokens, symbol, trader, await trader.getAddress(), amountIn);
      await swapExactIn(replica, swapped, trader, symbol, amountIn);
    }
    const before = marketPool(market, swapped).state;
    const { changed, priceOnly } = await catchUp(market, from);
    expect(changed).to.deep.equal([swapped.id]);
    expect([...priceOnly]).to.deep.equal([swapped.id]);
    const engine = marketPool(market, swapped);
    expect(engine.state).to.not.deep.equal(before);
    expect(engine.state).to.deep.equal(await freshLoad(replica, swapped));
    await expectQuotesMatch(replica, engine, swapped);
    expect(marketPool(market, untouched).state).to.deep.equal(await freshLoad(replica, untouched));
  });

  it("after a position is added, reads the pool in full: the new ticks are in the view and quotes still equal V4Quoter's", async () => {
    const replica = await loadReplica();
    const [deployer, trader] = await ethers.getSigners();
    if (deployer === undefined || trader === undefined) throw new Error("no signers");
    const market = await replicaMarket(replica);
    const pool = v4Pools(replica)[0] as ReplicaV4Pool;
    const state = marketPool(market, pool).state;
    const spacing = pool.key.tickSpacing;
    const tickLower = (Math.floor(state.tick / spacing) - 37) * spacing;
    const tickUpper = (Math.floor(state.tick / spacing) + 23) * spacing;
    expect(state.ticks.has(tickLower) || state.ticks.has(tickUpper)).to.equal(false);
    const [amount0, amount1] = [amountForUsd(pool.token0, 90_000n), amountForUsd(pool.token1, 90_000n)];
    const liquidity = liquidityForAmounts(state.sqrtPriceX96, tickLower, tickUpper, amount0, amount1);
    const from = await ethers.provider.getBlockNumber();
    // The deployer approved the liquidity router when it seeded the pools; it pays with fresh tokens.
    await fund(replica.tokens, pool.token0, deployer, await deployer.getAddress(), amount0 * 2n);
    await fund(replica.tokens, pool.token1, deployer, await deployer.getAddress(), amount1 * 2n);
    const router = replica.uniswapV4.liquidityRouter.connect(deployer) as AnyContract;
    const salt = `0x${"ab".repeat(32)}`;
    await (
      await router.getFunction(
        "modifyLiquidity((address,address,uint24,int24,address),(int24,int24,int256,bytes32),bytes)",
      )(pool.key, { tickLower, tickUpper, liquidityDelta: liquidity, salt }, "0x")
    ).wait();
    // And a swap after it, so that the pool has both kinds of event in the range read.
    const amountIn = amountForUsd(pool.token1, 20_000n);
    await fund(replica.tokens, pool.token1, trader, await trader.getAddress(), amountIn);
    await swapExactIn(replica, pool, trader, pool.token1, amountIn);
    const { changed, priceOnly } = await catchUp(market, from);
    expect(changed).to.deep.equal([pool.id]);
    expect(priceOnly.has(pool.id)).to.equal(false);
    const engine = marketPool(market, pool);
    expect(engine.state.ticks.get(tickLower)).to.equal(liquidity);
    expect(engine.state.ticks.get(tickUpper)).to.equal(-liquidity);
    expect(engine.state.ticks.size).to.equal(state.ticks.size + 2);
    expect(engine.state).to.deep.equal(await freshLoad(replica, pool));
    await expectQuotesMatch(replica, engine, pool);
  });

  it("after a protocol fee is set, re-reads slot0 (price-only) and quotes each direction at its own fee as V4Quoter does", async () => {
    const replica = await loadReplica();
    const [owner] = await ethers.getSigners();
    if (owner === undefined) throw new Error("no owner");
    const market = await replicaMarket(replica);
    const pool = v4Pools(replica)[1] as ReplicaV4Pool;
    const from = await ethers.provider.getBlockNumber();
    await setV4ProtocolFee(replica, owner, pool, 850, 40);
    const { changed, priceOnly } = await catchUp(market, from);
    expect(changed).to.deep.equal([pool.id]);
    expect([...priceOnly]).to.deep.equal([pool.id]);
    const engine = marketPool(market, pool);
    expect(engine.state.protocolFee).to.equal(850 | (40 << 12));
    expect(engine.state).to.deep.equal(await freshLoad(replica, pool));
    await expectQuotesMatch(replica, engine, pool);
  });

  it("a protocol fee the market missed is found by the periodic check, which compares fees too", async () => {
    const replica = await loadReplica();
    const market = await replicaMarket(replica);
    const [owner] = await ethers.getSigners();
    const pool = replica.uniswapV4.pools[0];
    if (owner === undefined || pool === undefined) throw new Error("no owner or pool");
    // Set on the chain, and never read by the market: no event is handed to it.
    await setV4ProtocolFee(replica, owner, pool, 100, 200);
    expect(await market.verify()).to.deep.equal([pool.id]);
    // Read again by the check itself: nothing is left to find.
    expect(await market.verify()).to.deep.equal([]);
  });

  it("refuses V4 pools without the PoolManager's and StateView's addresses", async () => {
    const replica = await loadReplica();
    const pools = replicaMarketPools(replica.pools, replica.tokenAddresses, replica.book);
    expect(() => new Market(ethers.provider, replica.book.multicall3, pools, replica.book.balancerV2.vault)).to.throw(
      /Uniswap V4 pools were given without/,
    );
  });
});
