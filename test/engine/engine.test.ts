import { expect } from "chai";
import { parseUnits, type Signer, ZeroAddress } from "ethers";
import type { Address } from "../../src/addressBook.js";
import { ConfigError } from "../../src/engine/config.js";
import { GAS_BASE } from "../../src/engine/strategy/pricing.js";
import { type MarketPool, poolTokens } from "../../src/engine/venues/pools.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { dislocate, findPool } from "../../src/replica/market.js";
import { replicaMarketPools } from "../../src/replica/marketPools.js";
import { ethers, loadExecutor } from "../fixtures/executor.js";
import { afterOneDislocation, balances, cheapenWethOnUniswapV2, serviceFor } from "./support/service.js";

describe("the engine on the replica", () => {
  it("finds, sizes, simulates and executes arbitrage; every realised profit equals the estimate, the event and the balance change", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, true);
    await service.start();
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    await dislocate(
      f.replica,
      findPool(f.replica, "uniswapV3", "WETH", "USDC", 500),
      f.trader,
      "WETH",
      parseUnits("30", 18),
    );
    await service.settle();
    const summary = service.summary();
    expect(summary.succeeded).to.be.greaterThan(0);
    expect(summary.reverted).to.equal(0);
    expect(summary.sent).to.equal(summary.succeeded);
    const rows = records.all().filter((r) => r.status === "succeeded");
    expect(rows).to.have.length(summary.succeeded);
    const sums: Record<string, bigint> = {};
    for (const row of rows) {
      expect(row.realisedProfit, `${row.cycle}`).to.equal(row.expectedProfit);
      expect(row.final).to.equal(true);
      sums[row.token] = (sums[row.token] ?? 0n) + (row.realisedProfit ?? 0n);
    }
    const held = await balances(f);
    for (const [symbol, total] of Object.entries(sums)) expect(held[symbol]).to.equal(total);
    expect(summary.realisedProfit).to.deep.equal(sums);
  });

  it("borrows from the Uniswap V4 PoolManager, fee-free and the cheapest in gas, wherever it holds enough of the token; else from Morpho Blue", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, true);
    await service.start();
    // What each fee-free lender can lend, by the symbol the records name the token by.
    const held = async (holder: string) => {
      const out = new Map<string, bigint>();
      for (const symbol of ["WETH", "USDC", "DAI", "USDT", "WBTC"] as const)
        out.set(symbol, (await f.replica.tokens[symbol].getFunction("balanceOf")(holder)) as bigint);
      return out;
    };
    const manager = await held(f.replica.book.uniswapV4.poolManager);
    const morpho = await held(f.replica.book.morphoBlue.morpho);
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    const rows = records.all().filter((r) => r.status === "succeeded");
    expect(rows.length).to.be.greaterThan(0);
    for (const row of rows) {
      expect(row.realisedProfit, row.cycle).to.equal(row.expectedProfit);
      if (row.amountIn <= (manager.get(row.token) ?? 0n)) expect(row.lender, row.cycle).to.equal("UniswapV4");
      else if (row.amountIn <= (morpho.get(row.token) ?? 0n)) expect(row.lender, row.cycle).to.equal("MorphoBlue");
      else expect(row.lender, row.cycle).to.not.be.oneOf(["UniswapV4", "MorphoBlue"]);
    }
    expect(rows.some((r) => r.lender === "UniswapV4")).to.equal(true);
  });

  it("borrows from Morpho Blue what the PoolManager holds too little of", async () => {
    const f = await loadExecutor();
    // Every V4 position withdrawn: the PoolManager keeps only rounding dust of each token.
    const [deployer] = await ethers.getSigners();
    const router = f.replica.uniswapV4.liquidityRouter.connect(deployer as Signer) as AnyContract;
    for (const pool of f.replica.uniswapV4.pools)
      for (const p of pool.positions)
        await (
          await router.getFunction(
            "modifyLiquidity((address,address,uint24,int24,address),(int24,int24,int256,bytes32),bytes)",
          )(
            pool.key,
            { tickLower: p.tickLower, tickUpper: p.tickUpper, liquidityDelta: -p.liquidity, salt: p.salt },
            "0x",
          )
        ).wait();
    const manager = f.replica.book.uniswapV4.poolManager;
    expect((await f.replica.tokens.WETH.getFunction("balanceOf")(manager)) as bigint).to.be.lessThan(10n ** 6n);
    const { service, records } = await serviceFor(f, true);
    await service.start();
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    const rows = records.all().filter((r) => r.status === "succeeded");
    expect(rows.length).to.be.greaterThan(0);
    for (const row of rows) expect(row.realisedProfit, row.cycle).to.equal(row.expectedProfit);
    expect(rows.filter((r) => r.token === "WETH").map((r) => r.lender)).to.include("MorphoBlue");
    expect(rows.map((r) => r.lender)).to.not.include("UniswapV4");
  });

  it("borrows only from the lenders the configuration names, and only through the pools it allows", async () => {
    const f = await loadExecutor();
    // The V4 pools only, named by PoolId, and Morpho Blue only.
    const v4 = f.replica.uniswapV4.pools.map((p) => p.id);
    const { service, records } = await serviceFor(f, true, {
      config: { lenders: ["MorphoBlue"], poolAllowlist: v4 },
    });
    await service.start();
    await dislocate(
      f.replica,
      findPool(f.replica, "uniswapV4", "WETH", "USDC", 500),
      f.trader,
      "WETH",
      parseUnits("60", 18),
    );
    await service.settle();
    const rows = records.all().filter((r) => r.status === "succeeded");
    expect(rows.length).to.be.greaterThan(0);
    for (const row of rows) {
      expect(row.lender, row.cycle).to.equal("MorphoBlue");
      expect(row.realisedProfit, row.cycle).to.equal(row.expectedProfit);
      for (const pool of (row.route ?? "").split(",")) expect(v4, row.cycle).to.include(pool);
    }
    // Changed live, the next trade borrows from the PoolManager.
    service.updateConfig({ lenders: ["UniswapV4"] }, { from: "test" });
    const lastId = records.lastId();
    await dislocate(
      f.replica,
      findPool(f.replica, "uniswapV4", "WETH", "DAI", 500),
      f.trader,
      "WETH",
      parseUnits("40", 18),
    );
    await service.settle();
    const next = records.list({ afterId: lastId }).filter((r) => r.status === "succeeded");
    expect(next.length).to.be.greaterThan(0);
    for (const row of next) expect(row.lender, row.cycle).to.equal("UniswapV4");
  });

  it("borrows elsewhere what Morpho Blue holds too little of, and still realises exactly the estimate", async () => {
    const f = await loadExecutor();
    const [supplier] = await ethers.getSigners();
    const me = await (supplier as Signer).getAddress();
    // The supplier takes back all but a little of each market's liquidity.
    const morpho = f.replica.morpho.morpho.connect(supplier as Signer) as typeof f.replica.morpho.morpho;
    const left = new Map<string, bigint>();
    for (const symbol of ["WETH", "USDC", "DAI"] as const) {
      const token = f.replica.tokenAddresses[symbol];
      const params = {
        loanToken: token,
        collateralToken: f.replica.tokenAddresses.WBTC,
        oracle: ZeroAddress,
        irm: ZeroAddress,
        lltv: 860_000_000_000_000_000n,
      };
      const held = (await f.replica.tokens[symbol].getFunction("balanceOf")(
        f.replica.book.morphoBlue.morpho,
      )) as bigint;
      const keep = held / 100_000n;
      await (await morpho.getFunction("withdraw")(params, held - keep, 0, me, me)).wait();
      left.set(symbol, keep);
    }
    const { service, records } = await serviceFor(f, true);
    await service.start();
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    const rows = records.all().filter((r) => r.status === "succeeded");
    const tooBig = rows.filter((r) => r.amountIn > (left.get(r.token) ?? 0n));
    expect(tooBig.length).to.be.greaterThan(0);
    for (const row of tooBig) expect(row.lender, row.cycle).to.not.equal("MorphoBlue");
    for (const row of rows) expect(row.realisedProfit, row.cycle).to.equal(row.expectedProfit);
  });

  it("trades a dislocated Uniswap V4 pool, and every path through V4 realises exactly the estimate", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, true);
    await service.start();
    // WETH made cheap in the V4 WETH/USDC pool, swapped through v4-core's own swap router.
    await dislocate(
      f.replica,
      findPool(f.replica, "uniswapV4", "WETH", "USDC", 500),
      f.trader,
      "WETH",
      parseUnits("60", 18),
    );
    const before = await balances(f);
    await service.settle();
    const rows = records.all().filter((r) => r.status === "succeeded");
    const throughV4 = rows.filter((r) => r.cycle.includes("Uniswap V4"));
    expect(throughV4.length).to.be.greaterThan(0);
    for (const row of rows) expect(row.realisedProfit, row.cycle).to.equal(row.expectedProfit);
    const after = await balances(f);
    const gained: Record<string, bigint> = {};
    for (const row of rows) gained[row.token] = (gained[row.token] ?? 0n) + (row.realisedProfit ?? 0n);
    for (const symbol of ["WETH", "USDC", "DAI"])
      expect((after[symbol] as bigint) - (before[symbol] as bigint), symbol).to.equal(gained[symbol] ?? 0n);
  });

  it("trades a dislocated Balancer weighted pool, borrowing elsewhere, and realises exactly the estimate", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, true);
    await service.start();
    const weighted = f.replica.pools.find((p) => p.dex === "balancerV2" && p.tokens.length === 2);
    if (weighted === undefined) throw new Error("no two-token weighted pool");
    await dislocate(f.replica, weighted, f.trader, "WETH", parseUnits("40", 18));
    const before = await balances(f);
    await service.settle();
    const rows = records.all().filter((r) => r.status === "succeeded");
    const throughBalancer = rows.filter((r) => r.cycle.includes("Balancer weighted"));
    expect(throughBalancer.length).to.be.greaterThan(0);
    for (const row of throughBalancer) expect(row.lender).to.not.equal("BalancerV2");
    for (const row of rows) expect(row.realisedProfit, row.cycle).to.equal(row.expectedProfit);
    const after = await balances(f);
    const gained: Record<string, bigint> = {};
    for (const row of rows) gained[row.token] = (gained[row.token] ?? 0n) + (row.realisedProfit ?? 0n);
    for (const symbol of ["WETH", "USDC", "DAI"])
      expect((after[symbol] as bigint) - (before[symbol] as bigint), symbol).to.equal(gained[symbol] ?? 0n);
  });

  it("records why a candidate is dropped: below the dollar floor, above the ceiling, outside the allowlist", async () => {
    const cases: Array<{ config: object; reason: RegExp }> = [
      { config: { minProfitUsd: 1_000_000 }, reason: /^below minProfitUsd \(\d+\.\d\d < 1000000\)$/ },
      { config: { minProfitUsd: 0, maxProfitUsd: 0.01 }, reason: /^above maxProfitUsd \(\d+\.\d\d > 0\.01\)$/ },
    ];
    for (const { config, reason } of cases) {
      const { records, service } = await afterOneDislocation(true, config);
      expect(service.stats.sent, JSON.stringify(config)).to.equal(0);
      const rows = records.all();
      expect(rows.filter((r) => reason.test(r.reason ?? "")).length, JSON.stringify(config)).to.be.greaterThan(0);
      for (const row of rows) {
        expect(row.status).to.equal("filtered");
        expect(row.reason).to.be.a("string").and.not.equal("");
      }
    }

    // The allowlist leaves out every pool with a token outside it. The dislocated pair is
    // WETH/USDC: without the allowlist, the same dislocation is recorded and traded through USDC.
    const control = await afterOneDislocation(true);
    const { USDC, WETH, DAI } = control.f.replica.tokenAddresses;
    const market = replicaMarketPools(
      control.f.replica.pools,
      control.f.replica.tokenAddresses,
      control.f.replica.book,
    );
    const tokensOf = new Map(market.map((p) => [p.address, poolTokens(p)]));
    /** The tokens of every pool a record's route goes through. */
    const routeTokens = (route: string | null) =>
      (route ?? "(no route)").split(",").flatMap((pool) => {
        const tokens = tokensOf.get(pool as Address);
        if (tokens === undefined) throw new Error(`${pool} is not a pool of the replica`);
        return tokens;
      });
    const throughUsdc = control.records.all().filter((r) => routeTokens(r.route).includes(USDC));
    expect(throughUsdc.filter((r) => r.status === "succeeded").length).to.be.greaterThan(0);
    expect(control.service.stats.sent).to.be.greaterThan(0);
    // With it, whatever is recorded (or sent, as every send is recorded) trades WETH and DAI only.
    const { records, service } = await afterOneDislocation(true, { tokenAllowlist: ["WETH", "DAI"] });
    const rows = records.all();
    for (const row of rows) {
      expect(row.token, row.cycle).to.be.oneOf(["WETH", "DAI"]);
      for (const token of routeTokens(row.route)) expect(token, row.cycle).to.be.oneOf([WETH, DAI]);
    }
    const sent = rows.filter((r) => ["sent", "succeeded", "reverted", "dropped"].includes(r.status));
    expect(service.stats.sent).to.equal(sent.length);
  });

  it("never borrows more than maxLoanUsd, valued at Aave's oracle price", async () => {
    const { records } = await afterOneDislocation(true, { maxLoanUsd: 15_000 });
    const sent = records.all().filter((r) => r.status === "succeeded");
    expect(sent.length).to.be.greaterThan(0);
    // The replica's oracle prices ether at $3,000 and the stablecoins at $1, whatever the pools
    // say after the dislocation: $15,000 is exactly 5 WETH or 15,000 USDC or DAI.
    const cap: Record<string, bigint> = {
      WETH: parseUnits("5", 18),
      USDC: parseUnits("15000", 6),
      DAI: parseUnits("15000", 18),
    };
    for (const row of sent)
      expect(row.amountIn <= (cap[row.token] as bigint), `${row.cycle} ${row.token} ${row.amountIn}`).to.equal(true);
    // Without the cap the same dislocation is traded with a larger loan.
    const { records: uncapped } = await afterOneDislocation(true);
    const largest = uncapped
      .all()
      .filter((r) => r.status === "succeeded")
      .some((r) => r.amountIn > (cap[r.token] as bigint));
    expect(largest).to.equal(true);
  });

  it("prices at the snapshot's gas, but sends only what still pays at the node's estimate, with the floor raised to it", async () => {
    // Every lender priced as if it cost no gas of its own: the node's estimate is then about
    // twice what a trade was priced at, and the check after the estimate is what decides.
    const saved = { ...GAS_BASE };
    for (const lender of Object.keys(GAS_BASE)) GAS_BASE[lender] = 1n;
    try {
      const { records } = await afterOneDislocation(true);
      const rows = records.all();
      const refused = rows.filter((r) =>
        /^unprofitable at the estimated gas \(\d+ gas, priced at \d+\)$/.test(r.reason ?? ""),
      );
      expect(refused.length, "trades priced in but out at the estimate").to.be.greaterThan(0);
      for (const row of refused) expect(row.status).to.equal("filtered");
      const landed = rows.filter((r) => r.status === "succeeded");
      expect(landed.length).to.be.greaterThan(0);
      for (const row of landed) {
        expect(row.realisedProfit, row.cycle).to.equal(row.expectedProfit);
        // What landed paid for its gas.
        expect(row.realisedProfitUsd6 ?? 0n, row.cycle).to.be.greaterThan(row.gasPaidUsd6 ?? 0n);
      }
    } finally {
      Object.assign(GAS_BASE, saved);
    }
  });

  it("records a cycle no size can make pay, with the reason, and sends nothing", async () => {
    // A millionth of a dollar: one unit of USDC, too small a loan for a USDC cycle to come out
    // ahead of rounding and fees (cycles of 18-decimal tokens may still clear them by a few wei).
    const { records, service } = await afterOneDislocation(true, { maxLoanUsd: 0.000001 });
    expect(service.stats.sent).to.equal(0);
    const rows = records.all();
    expect(rows.length).to.be.greaterThan(0);
    const noSize = "no size up to the loan cap is profitable after the lender's fee";
    for (const row of rows) {
      expect(row.status).to.equal("filtered");
      // Some cycles still clear their fee by a few wei; those fall to the gas cost instead.
      expect(row.reason).to.be.oneOf([noSize, "unprofitable after gas"]);
    }
    const dropped = rows.filter((r) => r.reason === noSize);
    expect(dropped.length).to.be.greaterThan(0);
    expect(service.stats.filtered[noSize]).to.equal(dropped.length);
    for (const row of dropped) {
      expect(row.amountIn).to.equal(0n);
      expect(row.lender).to.match(
        /^(BalancerV2|MorphoBlue|UniswapV4|UniswapV3|AaveV3)(\/(BalancerV2|MorphoBlue|UniswapV4|UniswapV3|AaveV3))*$/,
      );
    }
  });

  it("in dry-run, simulates and records what it would send, and sends nothing", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, false);
    await service.start();
    await cheapenWethOnUniswapV2(f);
    const nonce = await ethers.provider.getTransactionCount(await f.operator.getAddress());
    const head = await ethers.provider.getBlockNumber();
    await service.settle();
    expect(service.stats.simulated).to.be.greaterThan(0);
    expect(service.stats.sent).to.equal(0);
    // Not one transaction of any kind: the chain did not move.
    expect(await ethers.provider.getBlockNumber()).to.equal(head);
    const wouldSend = records.all().filter((r) => r.status === "dry_run");
    expect(wouldSend.length).to.be.greaterThan(0);
    // What it reports could all be sent: no two of them swap through the same pool.
    const pools = wouldSend.flatMap((r) => r.cycle.split(" > "));
    expect(new Set(pools).size).to.equal(pools.length);
    expect(await ethers.provider.getTransactionCount(await f.operator.getAddress())).to.equal(nonce);
    expect(Object.values(await balances(f)).every((b) => b === 0n)).to.equal(true);
  });

  it("a failed simulation never sends: an executor paused after start makes every candidate fail simulation", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, true);
    await service.start();
    await (await f.executor.getFunction("pause")()).wait();
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    expect(service.stats.sent).to.equal(0);
    const failed = records.all().filter((r) => r.status === "simulation_failed");
    expect(failed.length).to.be.greaterThan(0);
    expect(failed[0]?.reason).to.equal("ExecutionPaused()");
  });
});

describe("pool discovery", () => {
  it("asks the factories and StateView for every pair of the book's tokens and finds exactly the replica's V2, V3, V4 and Balancer pools between them", async () => {
    const f = await loadExecutor();
    const { discoverPools } = await import("../../src/engine/collect/discovery.js");
    const progress: Array<[number, number]> = [];
    const found = await discoverPools(ethers.provider, f.replica.book, (done, total) => progress.push([done, total]));
    const expected = replicaMarketPools(f.replica.pools, f.replica.tokenAddresses, f.replica.book);
    const key = (p: { kind: string; address: string }) => `${p.kind}:${p.address}`;
    expect(found.map(key).sort()).to.deep.equal(expected.map(key).sort());
    for (const pool of found) {
      const twin = expected.find((p) => p.address === pool.address);
      expect(poolTokens(pool)).to.deep.equal(twin === undefined ? undefined : poolTokens(twin));
      if (pool.kind === "uniswapV2" && twin?.kind === "uniswapV2")
        expect(pool.factoryIndex).to.equal(twin.factoryIndex);
    }
    // 10 token pairs × (2 V2 factories + 4 V3 fee tiers + 4 V4 fee tiers), and the two listed
    // weighted pools.
    expect(found.filter((p) => p.kind === "balancerWeighted")).to.have.length(2);
    expect(found.filter((p) => p.kind === "uniswapV4")).to.have.length(4);
    expect(progress.at(-1)).to.deep.equal([102, 102]);
  });
});

describe("keeping the view honest", () => {
  it("a periodic check re-reads every pool and repairs a view that drifted from the chain", async () => {
    const f = await loadExecutor();
    const warnings: string[] = [];
    const { service } = await serviceFor(f, false, {
      config: { verifyEveryBlocks: 1 },
      log: { info() {}, warn: (event) => warnings.push(event), error() {} },
    });
    const engine = service.engine;
    await service.start();
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

  it("after a reorg, reads every pool again instead of trusting logs from blocks that are gone", async () => {
    const f = await loadExecutor();
    const warnings: string[] = [];
    // Dry-run, so the engine's own trades do not move the pools between the two branches.
    const { service } = await serviceFor(f, false, {
      log: { info() {}, warn: (event) => warnings.push(event), error() {} },
    });
    const engine = service.engine;
    await service.start();
    await engine.onBlock();
    const fork = (await ethers.provider.send("evm_snapshot", [])) as string;
    // Branch one: a swap on the V2 pair, which the engine sees.
    await cheapenWethOnUniswapV2(f);
    await ethers.provider.send("evm_mine", []);
    await engine.onBlock();
    // Branch two replaces it: the V2 pair is back as it was, and Sushiswap's pair moves instead,
    // in a longer chain whose new blocks carry no log from the V2 pair.
    await ethers.provider.send("evm_revert", [fork]);
    await dislocate(
      f.replica,
      findPool(f.replica, "sushiswap", "WETH", "USDC"),
      f.trader,
      "USDC",
      parseUnits("50000", 6),
    );
    for (let i = 0; i < 3; i++) await ethers.provider.send("evm_mine", []);
    await engine.onBlock();
    expect(warnings).to.include("reorg_detected");
    // The engine's view equals the chain's: nothing left from the abandoned branch.
    expect(await engine.market.verify()).to.deep.equal([]);
  });

  it("a pool that reverts or returns garbage is left out and named; the others trade", async () => {
    const f = await loadExecutor();
    const { book, tokenAddresses } = f.replica;
    const { WETH, USDC, DAI } = tokenAddresses;
    const ordered = (a: Address, b: Address) => [a, b].sort() as [Address, Address];
    const v2 = (address: Address, [token0, token1]: [Address, Address]): MarketPool => ({
      kind: "uniswapV2",
      address,
      token0,
      token1,
      factoryIndex: 0,
      dex: "uniswapV2",
      feePips: 3000,
      state: { reserve0: 0n, reserve1: 0n },
    });
    const bogus: MarketPool[] = [
      // WETH9's fallback takes any call and returns nothing: garbage where reserves should be.
      v2(WETH, ordered(USDC, DAI)),
      // USDC has no getReserves: the read reverts.
      v2(USDC, ordered(WETH, DAI)),
      {
        kind: "uniswapV3",
        address: book.multicall3,
        token0: ordered(WETH, USDC)[0],
        token1: ordered(WETH, USDC)[1],
        fee: 500,
        state: { sqrtPriceX96: 0n, tick: 0, liquidity: 0n, fee: 500, tickSpacing: 1, ticks: new Map() },
      },
      {
        kind: "balancerWeighted",
        address: "0x00000000000000000000000000000000000000b1",
        poolId: `0x00000000000000000000000000000000000000b1${"0".repeat(24)}`,
        tokens: [WETH, USDC].sort() as Address[],
        state: { balances: [], weights: [], scalingFactors: [], swapFee: 0n },
      },
    ];
    const warnings: Array<{ event: string; pool?: unknown; reason?: unknown }> = [];
    const { service, records } = await serviceFor(f, true, {
      extraPools: bogus,
      log: { info() {}, warn: (event, fields) => warnings.push({ event, ...fields }), error() {} },
    });
    await service.start();
    const named = warnings.filter((w) => w.event === "pool_unreadable");
    expect(named.map((w) => w.pool)).to.have.members(bogus.map((p) => p.address));
    for (const w of named) expect(w.reason, String(w.pool)).to.be.a("string").and.not.equal("");
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    const traded = records.all().filter((r) => r.status === "succeeded");
    expect(traded.length).to.be.greaterThan(0);
    for (const row of traded) for (const p of bogus) expect(row.route).to.not.contain(p.address);
  });

  it("an allowlist naming a token the book does not have is refused, naming it and the known ones", async () => {
    const f = await loadExecutor();
    const error = await serviceFor(f, true, { config: { tokenAllowlist: ["WETH", "PEPE"] } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).shortMessage).to.equal("tokenAllowlist/tokenDenylist: unknown token(s) PEPE.");
    expect((error as ConfigError).details).to.match(/WETH, .*USDC/);
  });
});
