import { readFileSync } from "node:fs";
import type { Provider, Signer } from "ethers";
import type { Address, AddressBook } from "../addressBook.js";
import { BlockCollector } from "./collect/blocks.js";
import { Market } from "./collect/market.js";
import { UsdPrices } from "./collect/oraclePrices.js";
import type { PendingTransaction } from "./collect/pending.js";
import { ConfigError, type EngineConfig, toUnits } from "./config.js";
import type { BundleClient } from "./execute/bundleClient.js";
import { TradeExecutor } from "./execute/executor.js";
import type { RiskGuard } from "./execute/risk.js";
import type { Sender } from "./execute/sender.js";
import { LandingModel } from "./learn/model.js";
import { type ModelEvaluation, readEvaluation } from "./learn/report.js";
import type { AaveRules } from "./liquidations/accountData.js";
import type { AaveMarketSource } from "./liquidations/market.js";
import { LiquidationStrategy } from "./liquidations/strategy.js";
import type { Logger } from "./log.js";
import { OPEN_STATUSES, type Records } from "./record/records.js";
import type { Candidate } from "./strategy/candidate.js";
import { expectedValueUsd } from "./strategy/landing.js";
import { Lenders } from "./strategy/lenders.js";
import { cycleAllowed, lendersNotInBook, unknownSymbols } from "./strategy/lists.js";
import {
  decodePendingSwap,
  type PendingSwap,
  PoolIndex,
  type SwapRouters,
  swapRoutersOf,
} from "./strategy/pendingSwap.js";
import { convert } from "./strategy/poolPrices.js";
import { CandidatePricer, cheapestTradeGas } from "./strategy/pricing.js";
import { type Estimate, RateGraph } from "./strategy/scan.js";
import { disjointBest } from "./strategy/select.js";
import { type MarketPool, venueOf } from "./venues/pools.js";

/** The landing model in use, as the operator's surface shows it. */
export interface LandingModelReport {
  readonly path: string;
  readonly trainedOn: number;
  readonly lambda: number;
  /** How it did on attempts of other seeds, when `npm run arena:model` wrote that beside it. */
  readonly evaluation: ModelEvaluation | null;
}

/**
 * Reads the landing model a configuration names, and its evaluation if one is beside it.
 * @throws ConfigError when either file cannot be read, or the model is not one of these features.
 */
export function loadLandingModel(path: string): LandingModel & { readonly evaluation?: ModelEvaluation } {
  try {
    const model = LandingModel.fromJson(readFileSync(path, "utf8"));
    const evaluation = readEvaluation(path);
    return evaluation === undefined ? model : Object.assign(model, { evaluation });
  } catch (cause) {
    throw new ConfigError(`landingModelPath: cannot use ${path} as a landing model.`, {
      details: `${(cause as Error).message.split("\n")[0]?.replace(/\.?$/, ".")} Train one with \`npm run arena:model\`, or leave the key out.`,
      cause,
    });
  }
}

/** How trades are sent: the configuration's choice, or the address book's for its chain. */
export function submissionOf(config: EngineConfig, book: AddressBook): "bundle" | "direct" | "public" {
  return config.submission ?? (book.submission === "builders" ? "bundle" : "direct");
}

/** At most this many trades per block; cycles through a traded pool wait for the next block. */
const MAX_TRADES_PER_BLOCK = 4;
/** How many block-to-trade latencies are kept (the latest). */
const LATENCY_SAMPLES = 10_000;
/** How far back a reorg is assumed to reach: positions read since then are read again. */
const REORG_DEPTH = 64;
/** How many of the best pool-disjoint estimates are sized exactly, with every lender, per trade. */
const SIZED_PER_TRADE = 8;

/** Everything the engine needs, resolved and validated by its caller. */
export interface EngineDeps {
  readonly provider: Provider;
  readonly operator: Signer;
  readonly executor: Address;
  readonly book: AddressBook;
  readonly pools: MarketPool[];
  /** Tokens the engine borrows and counts profit in. */
  readonly baseTokens: readonly Address[];
  /** Token address → symbol, for records and the summary. */
  readonly symbols: Readonly<Record<Address, string>>;
  /**
   * Tokens the lenders' balances and the oracle's prices are read for: the base tokens and, with
   * liquidations on, every debt asset. The base tokens when absent.
   */
  readonly loanTokens?: readonly Address[];
  /** The Aave V3 market whose positions are liquidated; absent when liquidations are off. */
  readonly liquidations?: {
    readonly source: AaveMarketSource;
    /** The block the Pool's events are read from. */
    readonly fromBlock: number;
    /** Blocks per log query. */
    readonly pageBlocks?: number;
    /** The market's Aave version ("3.0" when absent). */
    readonly rules?: AaveRules;
  };
  /** Aave reserve token → its aToken (where the reserve's liquidity is). */
  readonly aTokens: Readonly<Record<Address, Address | undefined>>;
  readonly config: EngineConfig;
  readonly records: Records;
  readonly log: Logger;
  /** The risk guard around sending (its state is the service's). */
  readonly risk: RiskGuard;
  /** Signs and broadcasts trades; absent in dry-run, where nothing is ever sent. */
  readonly sender?: Sender;
  /** Sends bundles to relays, when trades are submitted as bundles. */
  readonly bundles?: BundleClient;
  /** Pools of trades in flight: no cycle through them is traded until those are mined. */
  readonly busyPools?: () => ReadonlySet<string>;
  /** Told of each trade broadcast (or possibly broadcast), with its record id. */
  readonly onSent?: (id: number) => void;
  /**
   * Called when the last block handled is no longer on the chain, before every pool is read
   * again: the service checks the chain is still the same one (it may throw to stop).
   */
  readonly onReorg?: (info: { readonly block: number; readonly head: number }) => Promise<void>;
}

/**
 * What the strategy and execution stages did over a run. Outcomes (succeeded, reverted, profit,
 * gas) are not counted here: they come from the records, which follow the chain.
 */
export interface EngineStats {
  blocks: number;
  /** Liquidations priced and handed to execution (each is also counted in `opportunities`). */
  liquidations: number;
  opportunities: number;
  simulated: number;
  simulationFailed: number;
  sent: number;
  sendFailed: number;
  filtered: Record<string, number>;
}

/**
 * One block through the pipeline: collection (the pools that changed, re-read at the block;
 * reorg detection and periodic verification), strategy (the cycles through them, sized exactly
 * with each lender, the best pool-disjoint first), and execution (`TradeExecutor`). The service
 * around it runs the loop, follows trades in flight and owns the risk guard.
 */
export class Engine {
  readonly stats: EngineStats = {
    blocks: 0,
    liquidations: 0,
    opportunities: 0,
    simulated: 0,
    simulationFailed: 0,
    sent: 0,
    sendFailed: 0,
    filtered: {},
  };
  /** The collector's view of the pools (read-only outside the engine). */
  readonly market: Market;
  private readonly lenders: Lenders;
  private readonly usd: UsdPrices;
  private readonly trades: TradeExecutor;
  private readonly pricer: CandidatePricer;
  private readonly collector: BlockCollector;
  /** Milliseconds from a block's arrival to the first trade of it signed-ready (simulated, fees set). */
  readonly blockToTxMs: number[] = [];
  private blockSeenAt = 0;
  private tradedThisBlock = false;
  private graph = new RateGraph([]);
  private readonly routers: SwapRouters;
  /** The landing model, when configured: candidates are ranked by expected value. */
  private readonly model: LandingModel | undefined;
  private poolIndex = new PoolIndex([]);
  /** Pools of trades that were not mined: their cycles are priced again on the next block. */
  private readonly retry = new Set<Address>();
  /** The gas price trades of the last block handled were priced at. */
  private gasPrice: bigint | undefined;
  private head: number | undefined;
  /** The liquidation strategy, when the engine liquidates. */
  readonly liquidations: LiquidationStrategy | undefined;

  /** @throws ConfigError when the allowlist names a token the address book does not have. */
  constructor(private readonly deps: EngineDeps) {
    this.model =
      deps.config.landingModelPath === undefined ? undefined : loadLandingModel(deps.config.landingModelPath);
    const unknown = unknownSymbols(deps.config, deps.symbols);
    if (unknown.length > 0) {
      throw new ConfigError(`tokenAllowlist/tokenDenylist: unknown token(s) ${unknown.join(", ")}.`, {
        details: `Use the symbols of the address book: ${Object.values(deps.symbols).join(", ")}.`,
      });
    }
    const absent = lendersNotInBook(deps.config, deps.book);
    if (absent.length > 0) {
      throw new ConfigError(`lenders: the ${deps.book.name} address book has no ${absent.join(", ")}.`, {
        details: "Name only lenders the chain has, or leave the key out to borrow from every one it has.",
      });
    }
    this.routers = swapRoutersOf(deps.book);
    this.market = new Market(
      deps.provider,
      deps.book.multicall3,
      deps.pools,
      deps.book.balancerV2?.vault,
      deps.book.uniswapV4,
    );
    this.lenders = new Lenders(
      deps.provider,
      deps.book,
      deps.aTokens,
      deps.liquidations?.rules ?? deps.book.aaveV3?.liquidationRules ?? "3.0",
      deps.config,
    );
    this.usd = new UsdPrices(deps.provider, deps.book);
    this.collector = new BlockCollector({
      provider: deps.provider,
      market: this.market,
      lenders: this.lenders,
      usd: this.usd,
      baseTokens: deps.loanTokens ?? deps.baseTokens,
      weth: deps.book.tokens.WETH,
      verifyEveryBlocks: deps.config.verifyEveryBlocks,
      log: deps.log,
      ...(deps.onReorg === undefined ? {} : { onReorg: deps.onReorg }),
    });
    this.pricer = new CandidatePricer({
      market: this.market,
      lenders: this.lenders,
      usd: this.usd,
      book: deps.book,
      config: deps.config,
      records: deps.records,
      log: deps.log,
      symbols: deps.symbols,
      stats: this.stats,
    });
    this.liquidations =
      deps.liquidations === undefined
        ? undefined
        : new LiquidationStrategy({
            provider: deps.provider,
            book: deps.book,
            source: deps.liquidations.source,
            fromBlock: deps.liquidations.fromBlock,
            ...(deps.liquidations.pageBlocks === undefined ? {} : { pageBlocks: deps.liquidations.pageBlocks }),
            ...(deps.liquidations.rules === undefined ? {} : { rules: deps.liquidations.rules }),
            market: this.market,
            lenders: this.lenders,
            usd: this.usd,
            config: deps.config,
            via: deps.baseTokens,
          });
    this.trades = new TradeExecutor({
      provider: deps.provider,
      operator: deps.operator,
      executor: deps.executor,
      config: deps.config,
      records: deps.records,
      log: deps.log,
      risk: deps.risk,
      sender: deps.sender,
      symbols: deps.symbols,
      decimalsOf: (token) => this.usd.decimalsOf(token),
      usd6: (token, amount) => this.usd.toUsd6(token, amount),
      stats: this.stats,
      onSignedReady: () => this.markSignedReady(),
      onSent: deps.onSent,
      submission: submissionOf(deps.config, deps.book),
      weth: deps.book.tokens.WETH,
      model: this.model,
      bundles: deps.bundles,
    });
  }

  /** The landing model in use, if any, with its evaluation. */
  get landingModel(): LandingModelReport | undefined {
    const model = this.model as (LandingModel & { evaluation?: ModelEvaluation }) | undefined;
    if (model === undefined || this.deps.config.landingModelPath === undefined) return undefined;
    return {
      path: this.deps.config.landingModelPath,
      trainedOn: model.logistic.trainedOn,
      lambda: model.logistic.lambda,
      evaluation: model.evaluation ?? null,
    };
  }

  /** Reads every pool and lender and finds the cycles. */
  async start(): Promise<void> {
    const { config, log } = this.deps;
    await this.collector.start();
    // Every pool is in the graph: the token and pool lists can change while the engine runs, so
    // they are applied to the cycles found on each block instead.
    this.graph = new RateGraph(this.deps.pools);
    this.poolIndex = new PoolIndex(this.market.pools.values());
    const cycles = this.graph.scan(this.deps.baseTokens, () => {});
    const head = this.collector.lastHandled ?? (await this.deps.provider.getBlockNumber());
    await this.liquidations?.start(head);
    log.info("engine_started", {
      pools: this.deps.pools.length,
      cycles,
      live: config.live,
      ...(this.liquidations === undefined
        ? {}
        : { positions: this.liquidations.tracked, positionsNotModelled: this.liquidations.watcher.unmodelled }),
    });
  }

  /**
   * Prices the cycles through `pools` again on the next block although they did not change: a
   * trade through them was not mined (a bundle left out), so what it would have taken may still
   * be there.
   */
  retryPools(pools: readonly string[]): void {
    for (const pool of pools) this.retry.add(pool as Address);
  }

  /** Dollar values at the oracle's price (for the records), in micro-dollars. */
  usd6(token: Address, amount: bigint): bigint | undefined {
    return this.usd.toUsd6(token, amount);
  }

  /** The last block handled, if any. */
  get lastHandled(): number | undefined {
    return this.collector.lastHandled;
  }

  /**
   * Handles one new block: re-reads the pools that changed, re-evaluates only their cycles.
   * When the last block it handled is no longer on the chain (a reorg), the logs it read may be
   * gone or different, so every pool is read again instead.
   */
  async onBlock(blockNumber?: number): Promise<void> {
    try {
      await this.handleBlock(blockNumber);
    } catch (error) {
      // Part of the block's work may be done and part not (a pool read, a record written):
      // the next block reads every pool again rather than trust what this one left.
      this.collector.resyncNext();
      throw error;
    }
  }

  private async handleBlock(blockNumber?: number): Promise<void> {
    this.blockSeenAt = performance.now();
    this.tradedThisBlock = false;
    const collected = await this.collector.next(blockNumber);
    if (collected === undefined) return;
    this.stats.blocks += 1;
    const { head, baseFeePerGas } = collected;
    const changed = [...new Set([...collected.changed, ...this.retry])].filter((a) => this.market.pools.has(a));
    this.retry.clear();
    // A reorg may have dropped or changed the events the positions were read from.
    if (collected.reorgedFrom !== undefined) this.liquidations?.watcher.rewind(collected.reorgedFrom - REORG_DEPTH);
    const gasPrice = baseFeePerGas * 2n + toUnits(this.deps.config.priorityFeeGwei, 9);
    this.gasPrice = gasPrice;
    this.head = head;
    const traded = changed.length === 0 ? new Set<string>() : await this.arbitrage(changed, head, gasPrice);
    if (this.liquidations !== undefined) await this.liquidate(this.liquidations, head, gasPrice, traded);
  }

  /**
   * The cycles through the pools that changed, best first, up to `MAX_TRADES_PER_BLOCK` traded.
   * @returns The pools the trades sent (or in dry-run, would have sent) swap through.
   */
  private async arbitrage(changed: readonly Address[], head: number, gasPrice: bigint): Promise<Set<string>> {
    const traded = new Set<string>();
    // Only the cycles through a changed pool can have changed; each is sized in closed form and
    // the best pool-disjoint ones are then sized exactly with every lender. A cycle is dropped
    // only when even its upper bound (each hop on the most generous curve it can trade along:
    // V3 liquidity past the tick, weighted pools' curves) cannot pay the gas of the cheapest trade.
    const allPools = [...this.market.pools.values()];
    const floors = new Map<Address, number>();
    const floor = (base: Address) => {
      let least = floors.get(base);
      if (least === undefined) {
        const gas = convert(allPools, this.deps.book.tokens.WETH, base, cheapestTradeGas(this.deps.book) * gasPrice);
        least = gas === undefined ? 0 : Number(gas);
        floors.set(base, least);
      }
      return least;
    };
    const estimates = new Map<string, Estimate>();
    const rescan = (addresses: readonly Address[]) => {
      const pools = addresses.map((a) => this.market.pools.get(a)).filter((p) => p !== undefined);
      for (const pool of pools) this.graph.update(pool);
      for (const [id, e] of estimates)
        if (e.cycle.hops.some((h) => addresses.includes(h.pool.address))) estimates.delete(id);
      for (const pool of pools)
        this.graph.scanThrough(pool, this.deps.baseTokens, (found) => estimates.set(found.cycle.id, found), floor);
    };
    rescan(changed);
    for (const [id, e] of estimates)
      if (!cycleAllowed(e.cycle, this.deps.config, this.deps.symbols)) {
        estimates.delete(id);
        this.stats.filtered["not in the token or pool lists"] =
          (this.stats.filtered["not in the token or pool lists"] ?? 0) + 1;
      }
    // Cycles through a pool a trade in flight swaps through wait until that trade is mined.
    const busy = this.deps.busyPools?.() ?? new Set<string>();
    if (busy.size > 0)
      for (const [id, e] of estimates) if (e.cycle.hops.some((h) => busy.has(h.pool.address))) estimates.delete(id);
    let processed = 0;
    while (processed < MAX_TRADES_PER_BLOCK && estimates.size > 0) {
      const chosen = disjointBest([...estimates.values()], SIZED_PER_TRADE);
      const best = this.pricer.best(
        chosen.map((e) => e.cycle),
        gasPrice,
        head,
        this.score(gasPrice, false),
      );
      if (best === undefined) {
        // None of them is profitable once sized exactly with a lender's fee: try the next ones.
        for (const e of chosen) estimates.delete(e.cycle.id);
        continue;
      }
      processed += 1;
      estimates.delete(best.cycle.id);
      const outcome = await this.trades.execute(best, head, gasPrice);
      if (outcome === "sent" || outcome === "dry_run") {
        // A sent trade will move its pools, and in dry-run what would have been sent would have:
        // a cycle sharing one would not be there to take after it, so leave those out.
        const used = new Set(best.cycle.hops.map((h) => h.pool.address));
        for (const pool of used) traded.add(pool);
        for (const [id, e] of estimates) if (e.cycle.hops.some((h) => used.has(h.pool.address))) estimates.delete(id);
      }
    }
    return traded;
  }

  /**
   * The liquidations the block allows, most valuable first: each position newly under one, or
   * found earlier and still under one, sized and priced by the strategy, then executed like a
   * cycle. A sale through a pool a trade of this block (or one in flight) swaps through waits for
   * the next block, when that pool has been read again.
   */
  private async liquidate(
    strategy: LiquidationStrategy,
    head: number,
    gasPrice: bigint,
    traded: Set<string>,
  ): Promise<void> {
    const { records, log, symbols } = this.deps;
    const { candidates, dropped } = await strategy.onBlock(head, gasPrice, (id) => {
      const status = records.get(id)?.status;
      return status !== undefined && OPEN_STATUSES.includes(status);
    });
    for (const { opportunity, lender, reason } of dropped) {
      const name = (token: Address) => symbols[token] ?? token;
      const row = {
        block: head,
        strategy: "liquidation" as const,
        cycle: `Aave V3 liquidation of ${opportunity.user} (${name(opportunity.debtAsset)} debt, ${name(opportunity.collateralAsset)} collateral)`,
        route: "",
        token: name(opportunity.debtAsset),
        tokenAddress: opportunity.debtAsset,
        amountIn: 0n,
        lender,
        expectedProfit: 0n,
        gasCost: 0n,
      };
      this.stats.filtered[reason] = (this.stats.filtered[reason] ?? 0) + 1;
      records.add({ ...row, status: "filtered", reason });
      log.info("opportunity_filtered", { ...row, reason });
    }
    const busy = this.deps.busyPools?.() ?? new Set<string>();
    let processed = 0;
    for (const candidate of candidates) {
      if (processed >= MAX_TRADES_PER_BLOCK) break;
      if (candidate.sizing.path.some((h) => traded.has(h.pool.address) || busy.has(h.pool.address))) continue;
      processed += 1;
      this.stats.liquidations += 1;
      const { outcome, id } = await this.trades.executeLiquidation(candidate, head);
      if (outcome === "sent" || outcome === "dry_run") {
        strategy.sent(candidate.user, head, id);
        for (const hop of candidate.sizing.path) traded.add(hop.pool.address);
      } else if (this.deps.risk.state === undefined) {
        // Refused by the limits, the simulation or the node: not tried every block. (Held back by
        // a pause or a trip is no failure of the position: it is tried as soon as trading resumes.)
        strategy.failed(candidate.user, head);
      }
    }
  }

  /**
   * Backruns: for each pending transaction that is an exact-input swap through a known router,
   * the pools are moved as that swap will move them (each venue's exact math), the cycles through
   * them are sized as on a block, and the pools are put back. The best trade found, if any, is sent
   * as a bundle placed right after its trigger: never before it, by construction of the bundle.
   * One bundle per block: the trade's nonce must not wait on another bundle of ours.
   * @returns How many backruns were sent.
   */
  async backrun(pending: readonly PendingTransaction[]): Promise<number> {
    const { gasPrice, head } = this;
    const dryRun = !this.deps.config.live || this.deps.sender === undefined;
    if (gasPrice === undefined || head === undefined || (!dryRun && !this.trades.laneFree(head + 1))) return 0;
    let best: { candidate: Candidate; trigger: PendingTransaction } | undefined;
    const busy = this.deps.busyPools?.() ?? new Set<string>();
    for (const tx of pending) {
      const swap = decodePendingSwap(tx, this.routers, this.poolIndex);
      if (swap === undefined) continue;
      const candidate = this.withSwap(swap, () => {
        const estimates = new Map<string, Estimate>();
        for (const hop of swap.hops)
          this.graph.scanThrough(
            hop.pool,
            this.deps.baseTokens,
            (found) => estimates.set(found.cycle.id, found),
            () => 0,
          );
        const allowed = [...estimates.values()].filter(
          (e) =>
            cycleAllowed(e.cycle, this.deps.config, this.deps.symbols) &&
            !e.cycle.hops.some((h) => busy.has(h.pool.address)),
        );
        if (allowed.length === 0) return undefined;
        return this.pricer.best(
          disjointBest(allowed, SIZED_PER_TRADE).map((e) => e.cycle),
          gasPrice,
          head,
          this.score(gasPrice, true),
        );
      });
      if (candidate === undefined || candidate.net <= 0n) continue;
      // Dry-run measures every swap's backrun; live sends only the best (one bundle per block).
      if (dryRun) this.trades.recordBackrun(candidate, tx, head);
      else if (best === undefined || candidate.netUsd > best.candidate.netUsd) best = { candidate, trigger: tx };
    }
    if (best === undefined) return 0;
    const outcome = await this.trades.executeBackrun(best.candidate, best.trigger, head, gasPrice);
    return outcome === "sent" ? 1 : 0;
  }

  /** With a landing model, what ranks candidates: their expected value as they would be sent. */
  private score(gasPrice: bigint, backrun: boolean): ((c: Candidate) => number) | undefined {
    const model = this.model;
    if (model === undefined) return undefined;
    const plan = this.trades.plan(gasPrice, backrun);
    return (c) => expectedValueUsd(model, c, plan(c));
  }

  /**
   * Runs `find` with the pools as `swap` will leave them, then puts their states back (the
   * graph's rates too). Nothing awaits in between: no block's work can see the moved pools.
   */
  private withSwap<T>(swap: PendingSwap, find: () => T): T | undefined {
    // A swap that will revert moves nothing: one paying nothing on a hop (a Balancer swap past the
    // Vault's 30% limit, a pool without liquidity), or less than its own minimum.
    let amount = swap.amountIn;
    for (const hop of swap.hops) {
      amount = venueOf(hop.pool).amountOut(hop.pool, hop.tokenIn, hop.tokenOut, amount);
      if (amount === 0n) return undefined;
    }
    if (amount < swap.minAmountOut) return undefined;
    const saved = swap.hops.map((h) => [h.pool, h.pool.state] as const);
    try {
      amount = swap.amountIn;
      for (const hop of swap.hops) {
        const venue = venueOf(hop.pool);
        const out = venue.amountOut(hop.pool, hop.tokenIn, hop.tokenOut, amount);
        hop.pool.state = venue.afterSwap(hop.pool, hop.tokenIn, hop.tokenOut, amount) as never;
        this.graph.update(hop.pool);
        amount = out;
      }
      return find();
    } finally {
      for (const [pool, state] of saved.reverse()) {
        pool.state = state as never;
        this.graph.update(pool);
      }
    }
  }

  /** Notes the first trade of a block ready to sign: the block-to-trade latency. */
  private markSignedReady(): void {
    if (this.tradedThisBlock) return;
    this.tradedThisBlock = true;
    // A window of the latest samples: a service that runs for weeks must not grow with them.
    if (this.blockToTxMs.length >= LATENCY_SAMPLES) this.blockToTxMs.shift();
    this.blockToTxMs.push(performance.now() - this.blockSeenAt);
  }
}
