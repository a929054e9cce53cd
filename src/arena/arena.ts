import { rmSync, writeFileSync } from "node:fs";
import { Interface, JsonRpcProvider } from "ethers";
import type { Address } from "../addressBook.js";
import { parseEngineConfig } from "../engine/config.js";
import type { Submission } from "../engine/execute/executor.js";
import { launch, readLocalRecord } from "../engine/launch.js";
import { childLogger, type Logger } from "../engine/log.js";
import type { TradeRecord } from "../engine/record/records.js";
import { EngineService } from "../engine/service.js";
import { deployExecutor } from "../executor/deploy.js";
import { devAccount } from "../ops/devAccounts.js";
import { type LocalNode, startLocalNode } from "../ops/localNode.js";
import { mulberry32 } from "../ops/random.js";
import { attachReplica, type ReplicaRecord } from "../replica/record.js";
import { attemptsOf } from "./attempts.js";
import type { BundleOutcome } from "./builder/blockBuilder.js";
import { LocalBuilder } from "./builder/localBuilder.js";
import { DEFAULT_NOISE, type NoiseOptions, NoiseTraders } from "./noiseTraders.js";
import { httpUpstream } from "./upstream.js";

/** How one searcher competes. */
export interface SearcherSpec {
  readonly submission: Submission;
  /** The tip on its transactions (its bid, with `public` and `bundle`). */
  readonly priorityFeeGwei: number;
  /** Backrun the noise traders' pending swaps (needs `bundle`). */
  readonly backrunning: boolean;
  /** With `bundle`: the share of WETH profit above the floor bid to the builder (instead of the tip). */
  readonly bidShareBps: number;
  /** A landing model to rank candidates by expected value with (`npm run arena:model` writes one). */
  readonly landingModelPath?: string;
}

/** The arena's settings. */
export interface ArenaOptions {
  readonly blocks: number;
  readonly seed: number;
  readonly ours: SearcherSpec;
  readonly rival: SearcherSpec;
  /** Where the node, records and logs of the run go (emptied first). */
  readonly dir: string;
  /** The node's port on 127.0.0.1. */
  readonly port: number;
  readonly log: Logger;
  readonly noise?: NoiseOptions;
}

/** What one searcher did over the run, from its records (which follow the chain) and the builder. */
export interface SearcherResult {
  /** Trades sent (bundles or transactions). */
  readonly sent: number;
  /** Mined and succeeded. */
  readonly landed: number;
  /** Sent and never mined: bundles the builder did not include. */
  readonly lost: number;
  /** Mined and reverted: gas paid for nothing. */
  readonly reverted: number;
  /** Why trades were lost or reverted, with counts. */
  readonly why: Readonly<Record<string, number>>;
  /** Realised profit less gas and bids to the builder, of the trades that landed, at the oracle's prices. */
  readonly capturedProfitUsd: number;
  /** Bids paid to the builder (the executor's `CoinbasePaid` events). */
  readonly paidToBuilderEth: number;
  readonly gasBurnedOnFailuresEth: number;
  /** Backruns that landed. */
  readonly backruns: number;
  /** Of those, landed right after their trigger, in the trigger's block (from the receipts). */
  readonly backrunsRightAfterTrigger: number;
  /** Trades whose realised profit (the executor's event) equals the engine's estimate to the wei. */
  readonly landedAtEstimate: number;
}

/** The arena's result: the benchmark execution changes are judged by. */
export interface ArenaResult {
  readonly blocks: number;
  readonly seed: number;
  /**
   * Profit net of gas that an observer with the engine's own pricing found at each block's state
   * (its trades simulated on the node), summed over the blocks.
   */
  readonly availableProfitUsd: number;
  readonly opportunities: number;
  readonly noiseSwaps: number;
  readonly ours: SearcherResult & SearcherSpec;
  readonly rival: SearcherResult & SearcherSpec;
  /** Both searchers' settled trades with their features, for the landing model (also in `attempts.json`). */
  readonly attempts: number;
}

/** Account indices: the deployer, the rival's owner and operator, the builder, the noise traders. */
const RIVAL_OWNER = 2;
const RIVAL_OPERATOR = 3;
const BUILDER = 19;
const NOISE_TRADERS = [10, 11, 12, 13, 14];

/**
 * Runs the arena: a fresh local chain with a first-in-first-out mempool, the replica, noise
 * traders, the local builder mining every block, our engine and a rival engine (its own executor
 * and key, bidding as configured), and an observer measuring what each block left to take. Per
 * block: the observer measures, the two searchers act on the head (the order alternates), the
 * noise traders' swaps arrive in the public mempool, and the builder builds the next block.
 */
export async function runArena(options: ArenaOptions): Promise<ArenaResult> {
  const { dir, log } = options;
  rmSync(dir, { recursive: true, force: true });
  const recordPath = `${dir}/localhost.json`;
  let node: LocalNode | undefined;
  let builder: LocalBuilder | undefined;
  const services: EngineService[] = [];
  try {
    node = await startLocalNode({
      port: options.port,
      recordPath,
      network: "arena",
      portInUseHint: "The arena starts a node of its own there: give it a free port with --port.",
    });
    const record = readLocalRecord(recordPath) as ReturnType<typeof readLocalRecord> & { replica: ReplicaRecord };
    const provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true });
    const deployer = devAccount(0, provider);
    const replica = attachReplica(record.replica, deployer);
    const rivalOwner = devAccount(RIVAL_OWNER, provider);
    const rivalOperator = devAccount(RIVAL_OPERATOR).address as Address;
    const rivalExecutor = (await (
      await deployExecutor(rivalOwner, record.book, {
        owner: rivalOwner.address as Address,
        operators: [rivalOperator],
      })
    ).getAddress()) as Address;
    const noise = new NoiseTraders(replica, NOISE_TRADERS, mulberry32(options.seed), options.noise ?? DEFAULT_NOISE);
    await noise.setup(provider, deployer);

    builder = new LocalBuilder({ node: httpUpstream(node.rpcUrl), coinbase: devAccount(BUILDER).address });
    const url = await builder.start();
    const mempool = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    const start = async (name: string, spec: SearcherSpec | undefined, executor: Address, operator: Address) => {
      const config = parseEngineConfig({
        chain: "localhost",
        rpcUrl: url,
        live: spec !== undefined,
        databasePath: `${dir}/${name}.sqlite`,
        submission: spec?.submission ?? "public",
        priorityFeeGwei: spec?.priorityFeeGwei ?? 1,
        // The observer measures the backruns every pending swap leaves, too.
        backruns: spec?.backrunning ?? true,
        bidShareBps: spec?.bidShareBps ?? 0,
        ...(spec?.landingModelPath === undefined ? {} : { landingModelPath: spec.landingModelPath }),
        relays: [{ name: "arena-builder", url }],
        apiEnabled: false,
        confirmations: 1,
        liquidations: false,
        // A searcher that competes loses races: the arena measures them instead of pausing.
        maxConsecutiveFailures: 1_000_000,
        dailyLossLimitEth: 1_000_000,
      });
      const deps = await launch({
        config,
        log: childLogger(log, { searcher: name }),
        executor,
        operator,
        localRecordPath: recordPath,
      });
      const service = new EngineService(deps);
      await service.start();
      services.push(service);
      return { service, records: deps.records };
    };
    const observer = await start("observer", undefined, record.executor, record.operator);
    const ours = await start("ours", options.ours, record.executor, record.operator);
    const rival = await start("rival", options.rival, rivalExecutor, rivalOperator);
    const firstBlock = await provider.getBlockNumber();
    const chainId = BigInt(record.chainId);
    let noiseSwaps = 0;
    for (let b = 0; b < options.blocks; b++) {
      await observer.service.step();
      const order = b % 2 === 0 ? [ours, rival] : [rival, ours];
      for (const s of order) await s.service.step();
      const head = await provider.getBlock("latest");
      const swaps = await noise.next(chainId, head?.baseFeePerGas ?? 0n);
      // Through the builder's endpoint, which is the arena's public mempool.
      for (const swap of swaps) await mempool.send("eth_sendRawTransaction", [swap.raw]);
      noiseSwaps += swaps.length;
      await observer.service.backrunPending();
      for (const s of order) await s.service.backrunPending();
      const built = await builder.buildNext();
      if (built.block.evicted.length > 0) await noise.resync(provider);
      log.info("arena_block", {
        block: built.block.number,
        bundles: built.block.bundles.length,
        publicTransactions: built.block.publicTransactions,
        swaps: swaps.length,
      });
    }
    // The last block's trades are settled: the searchers look once more, sending nothing.
    for (const s of [ours, rival]) {
      s.service.pause({ from: "arena" });
      await s.service.step();
    }
    const outcomes = builder.byTransaction;
    const result = async (records: typeof ours.records, spec: SearcherSpec) => {
      const trades = records.all().filter((t) => t.block >= firstBlock);
      return {
        ...spec,
        ...summarise(trades, outcomes, await bidsPaid(provider, trades)),
        backrunsRightAfterTrigger: await rightAfter(provider, trades),
      };
    };
    const rivalTrades = rival.records.all();
    const attempts = [
      ...(await attemptsOf(provider, ours.records, rivalTrades, firstBlock, options.seed)),
      ...(await attemptsOf(provider, rival.records, ours.records.all(), firstBlock, options.seed)),
    ];
    writeFileSync(`${dir}/attempts.json`, `${JSON.stringify(attempts)}\n`);
    const observed = observer.records.all().filter((t) => t.block >= firstBlock && t.status === "dry_run");
    return {
      blocks: options.blocks,
      seed: options.seed,
      availableProfitUsd: round2(observed.reduce((sum, t) => sum + netUsd(t), 0)),
      opportunities: observed.length,
      noiseSwaps,
      attempts: attempts.length,
      ours: await result(ours.records, options.ours),
      rival: await result(rival.records, options.rival),
    };
  } finally {
    for (const service of services) await service.stop("the arena's end").catch(() => undefined);
    await builder?.stop();
    await node?.stop();
  }
}

/**
 * How many of the landed backruns are in their trigger's block at the index right after it, read
 * from both receipts.
 */
async function rightAfter(provider: JsonRpcProvider, trades: readonly TradeRecord[]): Promise<number> {
  let count = 0;
  for (const t of trades) {
    if (t.strategy !== "backrun" || t.status !== "succeeded" || t.txHash === null) continue;
    const trigger = /^backrun of (0x[0-9a-f]{64})/.exec(t.cycle)?.[1];
    if (trigger === undefined) continue;
    const [a, b] = await Promise.all([
      provider.getTransactionReceipt(trigger),
      provider.getTransactionReceipt(t.txHash),
    ]);
    if (a !== null && b !== null && a.blockNumber === b.blockNumber && b.index === a.index + 1) count += 1;
  }
  return count;
}

const coinbasePaid = new Interface(["event CoinbasePaid(address indexed coinbase, uint256 amount)"]);

/** The bid each landed trade paid the builder, by record id, from its receipt's `CoinbasePaid`. */
async function bidsPaid(provider: JsonRpcProvider, trades: readonly TradeRecord[]): Promise<Map<number, bigint>> {
  const out = new Map<number, bigint>();
  for (const t of trades) {
    if (t.status !== "succeeded" || t.txHash === null) continue;
    const receipt = await provider.getTransactionReceipt(t.txHash);
    for (const entry of receipt?.logs ?? []) {
      const parsed = coinbasePaid.parseLog(entry);
      if (parsed !== null) out.set(t.id, (out.get(t.id) ?? 0n) + (parsed.args.amount as bigint));
    }
  }
  return out;
}

/** A trade's expected profit less its gas, in dollars (the gas in the same token, priced alike). */
function netUsd(t: TradeRecord): number {
  if (t.expectedProfitUsd6 === null || t.expectedProfit === 0n) return 0;
  const gasUsd6 = (t.expectedProfitUsd6 * t.gasCost) / t.expectedProfit;
  return Number(t.expectedProfitUsd6 - gasUsd6) / 1e6;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** One searcher's counts from its trade records and the builder's outcomes for its bundles. */
export function summarise(
  trades: readonly TradeRecord[],
  outcomes: ReadonlyMap<string, BundleOutcome>,
  bids: ReadonlyMap<number, bigint> = new Map(),
): Omit<SearcherResult, "backrunsRightAfterTrigger"> {
  const why: Record<string, number> = {};
  const count = (reason: string) => {
    why[reason] = (why[reason] ?? 0) + 1;
  };
  let landed = 0;
  let lost = 0;
  let reverted = 0;
  let sent = 0;
  let captured = 0;
  let burned = 0n;
  let backruns = 0;
  let atEstimate = 0;
  let paid = 0n;
  for (const t of trades) {
    // Signed and then refused by the relay's simulation, or never sent: not a trade that competed.
    if (t.txHash === null || !["succeeded", "reverted", "dropped", "sent", "signed"].includes(t.status)) continue;
    sent += 1;
    if (t.status === "succeeded") {
      landed += 1;
      if (t.strategy === "backrun") backruns += 1;
      if (t.realisedProfit === t.expectedProfit) atEstimate += 1;
      captured += Number((t.realisedProfitUsd6 ?? 0n) - (t.gasPaidUsd6 ?? 0n)) / 1e6;
      // A bid is paid out of WETH profit: valued at the same price as that profit.
      const bid = bids.get(t.id) ?? 0n;
      paid += bid;
      if (bid > 0n && t.realisedProfit !== null && t.realisedProfit > 0n)
        captured -= Number(((t.realisedProfitUsd6 ?? 0n) * bid) / t.realisedProfit) / 1e6;
    } else if (t.status === "reverted") {
      reverted += 1;
      burned += t.gasPaidWei ?? 0n;
      count("reverted on chain");
    } else if (t.status === "dropped") {
      lost += 1;
      const outcome = outcomes.get(t.txHash.toLowerCase());
      count(
        outcome === undefined
          ? (t.reason ?? "dropped")
          : outcome.status === "outbid"
            ? "outbid by a bundle paying more"
            : outcome.status === "failed"
              ? `failed the builder's simulation (${outcome.reason.replace(/0x[0-9a-f]{64}/g, "tx")})`
              : outcome.status,
      );
    }
  }
  return {
    sent,
    landed,
    lost,
    reverted,
    why,
    capturedProfitUsd: round2(captured),
    gasBurnedOnFailuresEth: Number(burned) / 1e18,
    paidToBuilderEth: Number(paid) / 1e18,
    backruns,
    landedAtEstimate: atEstimate,
  };
}
