import { expect } from "chai";
import { JsonRpcProvider, Transaction, Wallet } from "ethers";
import { network } from "hardhat";
import { type Address, symbolsOf } from "../../src/addressBook.js";
import { LocalBuilder } from "../../src/arena/builder/localBuilder.js";
import { NoiseTraders, tokensOf } from "../../src/arena/noiseTraders.js";
import { eip1193Upstream } from "../../src/arena/upstream.js";
import { Market } from "../../src/engine/collect/market.js";
import { parseEngineConfig } from "../../src/engine/config.js";
import { hopOutputs, lessTolerance } from "../../src/engine/execute/executor.js";
import { createLogger } from "../../src/engine/log.js";
import { Records } from "../../src/engine/record/records.js";
import { EngineService } from "../../src/engine/service.js";
import type { MarketPool } from "../../src/engine/venues/pools.js";
import { deployExecutor } from "../../src/executor/deploy.js";
import { devAccount, devWallet } from "../../src/ops/devAccounts.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { replicaMarketPools } from "../../src/replica/marketPools.js";
import { amountForUsd } from "../../src/replica/prices.js";
import { deployReplica, type Replica, type ReplicaPool } from "../../src/replica/replica.js";
import type { ReplicaTokenSymbol } from "../../src/replica/tokens.js";

const COINBASE = "0x00000000000000000000000000000000000b0b0b";

/**
 * The engine sending to the local builder on a chain the builder alone mines (the arena's
 * network: a first-in-first-out mempool). The tests run in order on one chain: each builds on the
 * blocks the ones before made.
 */
describe("the engine against a builder: bundles, a bundle left out, backruns, direct sends", function () {
  this.timeout(120_000);
  let connection: Awaited<ReturnType<typeof network.create>>;
  let replica: Replica;
  let builder: LocalBuilder;
  let url: string;
  let provider: JsonRpcProvider;
  let noise: NoiseTraders;
  let chainId: bigint;
  const services: EngineService[] = [];
  /** Our executor (operator: account 1) and a second one (operator: account 3), deployed before the builder mines. */
  const executors: Address[] = [];

  /** A service trading through `executor` as `operator` (a dev account), sending to the builder. */
  function service(executor: Address, operator: Address, config: object) {
    const records = new Records(":memory:");
    const book = replica.book;
    const s = new EngineService({
      provider,
      book,
      executor,
      operator: { address: operator, signer: devWallet(operator, provider) },
      pools: replicaMarketPools(replica.pools, replica.tokenAddresses, book),
      baseTokens: [book.tokens.WETH, book.tokens.USDC, book.tokens.DAI],
      symbols: symbolsOf(book),
      aTokens: {},
      config: parseEngineConfig({
        live: true,
        confirmations: 1,
        liquidations: false,
        pollIntervalMs: 50,
        relays: [{ name: "local", url }],
        ...config,
      }),
      records,
      log: createLogger(true),
      reputation: Wallet.createRandom(),
    });
    services.push(s);
    return { service: s, records };
  }

  /** A noise trader's swap of `usd` dollars of the pool's first token, sent to the public mempool. */
  async function publicSwap(pool: ReplicaPool, usd: bigint): Promise<string> {
    const trader = devAccount(11);
    const [tokenIn, tokenOut] = tokensOf(pool) as [ReplicaTokenSymbol, ReplicaTokenSymbol];
    const call = noise.swapCall(pool, trader.address as Address, tokenIn, tokenOut, amountForUsd(tokenIn, usd));
    const nonce = Number(await provider.send("eth_getTransactionCount", [trader.address, "pending"]));
    const raw = await trader.signTransaction({
      type: 2,
      chainId,
      nonce,
      to: call.to,
      data: call.data,
      gasLimit: 600_000n,
      maxFeePerGas: 100n * 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
    });
    return (await provider.send("eth_sendRawTransaction", [raw])) as string;
  }

  async function blockTransactions(n: number): Promise<string[]> {
    const block = (await provider.send("eth_getBlockByNumber", [`0x${n.toString(16)}`, false])) as {
      transactions: string[];
    };
    return block.transactions.map((h) => h.toLowerCase());
  }

  const pool = (dex: ReplicaPool["dex"], a: string, b: string) =>
    replica.pools.find(
      (p) =>
        p.dex === dex &&
        p.dex !== "balancerV2" &&
        [p.token0, p.token1].includes(a as never) &&
        [p.token0, p.token1].includes(b as never),
    ) as ReplicaPool;

  before(async () => {
    connection = await network.create("arena");
    const [deployer] = await connection.ethers.getSigners();
    if (deployer === undefined) throw new Error("no deployer");
    replica = await deployReplica(deployer);
    chainId = BigInt(replica.chainId);
    noise = new NoiseTraders(replica, [11], () => 0.5);
    await noise.setup(connection.ethers.provider, devAccount(0, connection.ethers.provider));
    for (const operator of [1, 3])
      executors.push(
        (await (
          await deployExecutor(deployer, replica.book, {
            owner: devAccount(0).address as Address,
            operators: [devAccount(operator).address as Address],
          })
        ).getAddress()) as Address,
      );
    builder = new LocalBuilder({ node: eip1193Upstream(connection.provider), coinbase: COINBASE });
    url = await builder.start();
    // No cached block number: every step must see the block the builder just made.
    provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  });

  after(async () => {
    for (const s of services) await s.stop("the test's end").catch(() => undefined);
    provider.destroy();
    await builder.stop();
    await connection.close();
  });

  let ours: ReturnType<typeof service>;

  it("sends an arbitrage as a bundle for the next block, which the builder puts first, at the estimate to the wei", async () => {
    ours = service(executors[0] as Address, devAccount(1).address as Address, { submission: "bundle", backruns: true });
    await ours.service.start();
    // The first block handled is where the engine starts following changes from.
    await ours.service.step();
    await publicSwap(pool("uniswapV2", "WETH", "USDC"), 400_000n);
    await builder.buildNext();
    await ours.service.step();
    const sent = ours.records.all().filter((t) => t.status === "sent");
    expect(sent.length).to.be.greaterThan(0);
    const events = ours.records.events("bundle_sent");
    expect(events.length).to.be.greaterThanOrEqual(sent.length);
    for (const e of events) {
      expect(e.detail).to.include({ relay: "local", accepted: true });
      expect(e.detail.latencyMs).to.be.a("number");
    }
    const target = (await provider.getBlockNumber()) + 1;
    expect(events.every((e) => e.detail.targetBlock === target)).to.equal(true);
    await builder.buildNext();
    const txs = await blockTransactions(target);
    expect(txs.slice(0, sent.length)).to.deep.equal(sent.map((t) => (t.txHash as string).toLowerCase()));
    await ours.service.step();
    for (const t of sent) {
      const now = ours.records.get(t.id);
      expect(now?.status, now?.reason ?? "").to.equal("succeeded");
      expect(now?.realisedProfit).to.equal(now?.expectedProfit);
    }
    // Inclusion, read from the chain: the block, the builder that made it, the position in it.
    const included = ours.records.events("bundle_outcome").map((e) => e.detail);
    expect(included).to.deep.equal(
      sent.map((t, i) => ({
        id: t.id,
        tx: t.txHash,
        targetBlock: target,
        included: true,
        block: target,
        position: i,
        builder: COINBASE,
      })),
    );
  });

  it("calls a bundle not included at its block dropped, and uses its nonce again", async () => {
    await publicSwap(pool("sushiswap", "WETH", "USDC"), 150_000n);
    await builder.buildNext();
    await ours.service.step();
    const first = ours.records.all().filter((t) => t.status === "sent");
    expect(first.length).to.be.greaterThan(0);
    const target = (await provider.getBlockNumber()) + 1;
    // Another builder makes block `target`, without our bundle.
    await connection.provider.request({ method: "evm_mine", params: [] });
    expect(await blockTransactions(target)).to.deep.equal([]);
    await ours.service.step();
    for (const t of first) {
      const now = ours.records.get(t.id);
      expect(now?.status).to.equal("dropped");
      expect(now?.reason).to.equal(`bundle for block ${target} not included`);
      const outcome = ours.records.events("bundle_outcome").find((e) => e.detail.id === t.id);
      expect(outcome?.detail).to.include({ included: false, targetBlock: target });
    }
    // The opportunity is still there: sent again, from the same nonce.
    const again = ours.records.all().filter((t) => t.status === "sent");
    expect(again.length).to.be.greaterThan(0);
    expect(Math.min(...again.map((t) => t.nonce as number))).to.equal(Math.min(...first.map((t) => t.nonce as number)));
    await builder.buildNext();
    await ours.service.step();
    for (const t of again) expect(ours.records.get(t.id)?.status).to.equal("succeeded");
  });

  it("backruns a pending swap: [the swap, our trade] in the same block, nothing before the swap, at the estimate", async () => {
    // The blocks until every trade the earlier moves left is taken: then nothing of ours is in flight.
    for (let i = 0; i < 40 && ours.records.all().some((t) => t.status === "sent"); i++) {
      await builder.buildNext();
      await ours.service.step();
    }
    expect(ours.records.all().filter((t) => t.status === "sent")).to.deep.equal([]);
    const trigger = (await publicSwap(pool("uniswapV3", "WETH", "USDC"), 500_000n)).toLowerCase();
    expect(await ours.service.backrunPending()).to.equal(1);
    const bundle = builder.pending.find((b) => b.method === "mev_sendBundle");
    expect(bundle?.body.length).to.equal(2);
    expect(bundle?.body[0]).to.deep.equal({ ref: trigger, canRevert: false });
    const backrun = ours.records.all().find((t) => t.strategy === "backrun" && t.status === "sent");
    if (backrun === undefined || backrun.txHash === null) throw new Error("no backrun sent");
    expect(backrun.cycle.startsWith(`backrun of ${trigger}`)).to.equal(true);
    expect(bundle?.body[1]).to.include({ hash: backrun.txHash.toLowerCase(), canRevert: false });
    const target = (await provider.getBlockNumber()) + 1;
    await builder.buildNext();
    const txs = await blockTransactions(target);
    const at = txs.indexOf(trigger);
    expect(at).to.be.greaterThanOrEqual(0);
    expect(txs[at + 1]).to.equal(backrun.txHash.toLowerCase());
    await ours.service.step();
    const landed = ours.records.get(backrun.id);
    expect(landed?.status).to.equal("succeeded");
    expect(landed?.realisedProfit).to.equal(landed?.expectedProfit);
  });

  it("sent directly, sets the floor and every hop's minimum from the exact amounts less the tolerance", async () => {
    ours.service.pause({ from: "test" });
    const executor = executors[1] as Address;
    await builder.buildNext();
    const direct = service(executor, devAccount(3).address as Address, { submission: "direct", toleranceBps: 50 });
    await direct.service.start();
    await direct.service.step();
    await publicSwap(pool("uniswapV2", "WETH", "DAI"), 300_000n);
    await builder.buildNext();
    await direct.service.step();
    const sent = direct.records.all().filter((t) => t.status === "sent");
    expect(sent.length).to.be.greaterThan(0);
    const contract = (await import("../../src/executor/abi.js")).executorAbi();
    const { Interface } = await import("ethers");
    const iface = new Interface(contract);
    const view = new (await import("ethers")).Contract(executor, contract, provider) as unknown as AnyContract;
    const market = new Market(
      provider,
      replica.book.multicall3,
      replicaMarketPools(replica.pools, replica.tokenAddresses, replica.book),
      replica.book.balancerV2.vault,
      replica.book.uniswapV4,
    );
    expect(await market.loadAll()).to.deep.equal([]);
    for (const t of sent) {
      const tx = Transaction.from(t.rawTx as string);
      const call = iface.parseTransaction({ data: tx.data });
      expect(call?.name).to.equal("execute");
      expect(call?.args.minProfit).to.equal(lessTolerance(t.expectedProfit, 50));
      const hops = (await view.getFunction("decodeRoute")(call?.args.loan.token, call?.args.route)) as Array<{
        tokenIn: string;
        tokenOut: string;
        minAmountOut: bigint;
      }>;
      // Each hop's exact output on the pools as they are now (the state the trade was sized on),
      // less the tolerance: hop by hop, in the hop's own output token.
      const pools = (t.route ?? "").split(",");
      expect(pools.length).to.equal(hops.length);
      const exact = hopOutputs(
        hops.map((h, i) => ({
          pool: market.pools.get(pools[i] as Address) as MarketPool,
          tokenIn: h.tokenIn as Address,
          tokenOut: h.tokenOut as Address,
        })),
        call?.args.loan.amount as bigint,
      );
      expect(hops.map((h) => h.minAmountOut)).to.deep.equal(exact.map((o) => lessTolerance(o, 50)));
      expect(exact.every((o) => o > 0n)).to.equal(true);
    }
    await builder.buildNext();
    await direct.service.step();
    for (const t of sent) {
      const now = direct.records.get(t.id);
      expect(now?.status).to.equal("succeeded");
      expect(now?.realisedProfit).to.equal(now?.expectedProfit);
    }
  });
});
