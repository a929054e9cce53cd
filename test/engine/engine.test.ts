import { expect } from "chai";
import { parseUnits } from "ethers";
import type { Address } from "../../src/addressBook.js";
import { parseEngineConfig } from "../../src/engine/config.js";
import { Engine } from "../../src/engine/engine.js";
import { createLogger, type Logger } from "../../src/engine/log.js";
import { Records } from "../../src/engine/records.js";
import { replicaMarketPools, symbolsOf } from "../../src/engine/replicaMarket.js";
import { dislocate, findPool } from "../../src/replica/market.js";
import type { ReplicaTokenSymbol } from "../../src/replica/tokens.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../fixtures/executor.js";

function engineFor(
  f: ExecutorFixture,
  live: boolean,
  records: Records,
  options: { readonly verifyEveryBlocks?: number; readonly log?: Logger } = {},
): Engine {
  const book = f.replica.book;
  return new Engine({
    provider: ethers.provider,
    operator: f.operator,
    executor: f.executorAddress,
    book,
    pools: replicaMarketPools(f.replica.pools, f.replica.tokenAddresses, book),
    baseTokens: [book.tokens.WETH, book.tokens.USDC, book.tokens.DAI],
    symbols: symbolsOf(book),
    aTokens: Object.fromEntries(
      Object.entries(f.replica.aave.aTokens).map(([s, a]) => [f.replica.tokenAddresses[s as ReplicaTokenSymbol], a]),
    ) as Record<Address, Address>,
    config: parseEngineConfig({
      live,
      ...(options.verifyEveryBlocks === undefined ? {} : { verifyEveryBlocks: options.verifyEveryBlocks }),
    }),
    records,
    log: options.log ?? createLogger(true),
  });
}

async function balances(f: ExecutorFixture): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  for (const symbol of ["WETH", "USDC", "DAI"] as const) {
    out[symbol] = (await f.replica.tokens[symbol].getFunction("balanceOf")(f.executorAddress)) as bigint;
  }
  return out;
}

/** Sells 40 WETH on Uniswap V2's WETH/USDC pair, opening arbitrage against every other WETH/USDC pool. */
async function cheapenWethOnUniswapV2(f: ExecutorFixture): Promise<void> {
  await dislocate(f.replica, findPool(f.replica, "uniswapV2", "WETH", "USDC"), f.trader, "WETH", parseUnits("40", 18));
}

describe("the engine on the replica", () => {
  it("finds, sizes, simulates and executes arbitrage; every realised profit equals the estimate, the event and the balance change", async () => {
    const f = await loadExecutor();
    const records = new Records(":memory:");
    const engine = engineFor(f, true, records);
    await engine.start();
    await cheapenWethOnUniswapV2(f);
    await engine.onBlock();
    await dislocate(
      f.replica,
      findPool(f.replica, "uniswapV3", "WETH", "USDC", 500),
      f.trader,
      "WETH",
      parseUnits("30", 18),
    );
    await engine.onBlock();
    expect(engine.stats.succeeded).to.be.greaterThan(0);
    expect(engine.stats.reverted).to.equal(0);
    const rows = records.all().filter((r) => r.status === "succeeded");
    expect(rows).to.have.length(engine.stats.succeeded);
    const sums: Record<string, bigint> = {};
    for (const row of rows) {
      expect(row.realisedProfit, `${row.cycle}`).to.equal(row.expectedProfit);
      sums[row.token] = (sums[row.token] ?? 0n) + BigInt(row.realisedProfit ?? "0");
    }
    const held = await balances(f);
    for (const [symbol, total] of Object.entries(sums)) expect(held[symbol]).to.equal(total);
    for (const [symbol, total] of Object.entries(engine.stats.realisedProfit)) expect(sums[symbol]).to.equal(total);
  });

  it("in dry-run, simulates and records what it would send, and sends nothing", async () => {
    const f = await loadExecutor();
    const records = new Records(":memory:");
    const engine = engineFor(f, false, records);
    await engine.start();
    await cheapenWethOnUniswapV2(f);
    const nonce = await ethers.provider.getTransactionCount(await f.operator.getAddress());
    await engine.onBlock();
    expect(engine.stats.simulated).to.be.greaterThan(0);
    expect(engine.stats.sent).to.equal(0);
    expect(records.all().some((r) => r.status === "dry_run")).to.equal(true);
    expect(await ethers.provider.getTransactionCount(await f.operator.getAddress())).to.equal(nonce);
    expect(Object.values(await balances(f)).every((b) => b === 0n)).to.equal(true);
  });

  it("a failed simulation never sends: a paused executor makes every candidate fail simulation", async () => {
    const f = await loadExecutor();
    await (await f.executor.getFunction("pause")()).wait();
    const records = new Records(":memory:");
    const engine = engineFor(f, true, records);
    await engine.start();
    await cheapenWethOnUniswapV2(f);
    await engine.onBlock();
    expect(engine.stats.sent).to.equal(0);
    const failed = records.all().filter((r) => r.status === "simulation_failed");
    expect(failed.length).to.be.greaterThan(0);
    expect(failed[0]?.reason).to.equal("ExecutionPaused()");
  });
});

describe("pool discovery", () => {
  it("asks the factories for every pair of the book's tokens and finds exactly the replica's V2 and V3 pools between them", async () => {
    const f = await loadExecutor();
    const { discoverPools } = await import("../../src/engine/discovery.js");
    const progress: Array<[number, number]> = [];
    const found = await discoverPools(ethers.provider, f.replica.book, (done, total) => progress.push([done, total]));
    const expected = replicaMarketPools(f.replica.pools, f.replica.tokenAddresses, f.replica.book);
    const key = (p: { kind: string; address: string }) => `${p.kind}:${p.address}`;
    expect(found.map(key).sort()).to.deep.equal(expected.map(key).sort());
    for (const pool of found) {
      const twin = expected.find((p) => p.address === pool.address);
      expect([pool.token0, pool.token1]).to.deep.equal([twin?.token0, twin?.token1]);
      if (pool.kind === "uniswapV2" && twin?.kind === "uniswapV2")
        expect(pool.factoryIndex).to.equal(twin.factoryIndex);
    }
    // 10 token pairs × (2 V2 factories + 4 V3 fee tiers).
    expect(progress.at(-1)).to.deep.equal([60, 60]);
  });
});

describe("keeping the view honest", () => {
  it("a periodic check re-reads every pool and repairs a view that drifted from the chain", async () => {
    const f = await loadExecutor();
    const records = new Records(":memory:");
    const warnings: string[] = [];
    const engine = engineFor(f, false, records, {
      verifyEveryBlocks: 1,
      log: { info() {}, warn: (event) => warnings.push(event), error() {} },
    });
    await engine.start();
    await engine.onBlock();
    const pool = [...engine.market.pools.values()].find((p) => p.kind === "uniswapV2");
    if (pool?.kind !== "uniswapV2") throw new Error("no V2 pool");
    const truth = { ...pool.state };
    // As if an event had been missed: the engine's view no longer matches the chain.
    pool.state = { reserve0: truth.reserve0 + 1n, reserve1: truth.reserve1 };
    await ethers.provider.send("evm_mine", []);
    await engine.onBlock();
    expect(warnings).to.include("state_resynced");
    expect(pool.state).to.deep.equal(truth);
  });
});
