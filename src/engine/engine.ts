import type { Provider, Signer } from "ethers";
import type { Address, AddressBook } from "../addressBook.js";
import { Market, type Unreadable } from "./collect/market.js";
import { UsdPrices } from "./collect/oraclePrices.js";
import { ConfigError, type EngineConfig, toUnits } from "./config.js";
import { TradeExecutor } from "./execute/executor.js";
import type { RiskGuard } from "./execute/risk.js";
import type { Sender } from "./execute/sender.js";
import type { Logger } from "./log.js";
import type { Records } from "./record/records.js";
import type { Candidate } from "./strategy/candidate.js";
import type { Cycle } from "./strategy/cycles.js";
import { Lenders } from "./strategy/lenders.js";
import { convert, valueIn } from "./strategy/poolPrices.js";
import { type Estimate, RateGraph } from "./strategy/scan.js";
import { disjointBest } from "./strategy/select.js";
import { sizeCycle } from "./strategy/size.js";
import { type MarketPool, poolName, poolTokens } from "./venues/pools.js";

/** Gas a trade costs, by lender, plus per hop: only to price candidates before simulation. */
const GAS_BASE: Record<string, bigint> = { BalancerV2: 130_000n, UniswapV3: 155_000n, AaveV3: 220_000n };
const GAS_PER_HOP = 55_000n;
/** The cheapest trade there is: a Balancer loan and two hops. */
const CHEAPEST_TRADE_GAS = (GAS_BASE.BalancerV2 as bigint) + 2n * GAS_PER_HOP;
/** At most this many trades per block: after each, the pools it touched are read again. */
const MAX_TRADES_PER_BLOCK = 4;
/** How many block-to-trade latencies are kept (the latest). */
const LATENCY_SAMPLES = 10_000;
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
  /** Aave reserve token → its aToken (where the reserve's liquidity is). */
  readonly aTokens: Readonly<Record<Address, Address | undefined>>;
  readonly config: EngineConfig;
  readonly records: Records;
  readonly log: Logger;
  /** The risk guard around sending (its state is the service's). */
  readonly risk: RiskGuard;
  /** Signs and broadcasts trades; absent in dry-run, where nothing is ever sent. */
  readonly sender?: Sender;
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
    opportunities: 0,
    simulated: 0,
    simulationFailed: 0,
    sent: 0,
    sendFailed: 0,
    filtered: {},
  };
  /** The collector's view of the pools (read-only outside the engine). */
  readonly market: Market;
  private lastVerified: number | undefined;
  private readonly lenders: Lenders;
  private readonly usd: UsdPrices;
  private readonly trades: TradeExecutor;
  /** Milliseconds from a block's arrival to the first trade of it signed-ready (simulated, fees set). */
  readonly blockToTxMs: number[] = [];
  private blockSeenAt = 0;
  private tradedThisBlock = false;
  private graph = new RateGraph([]);
  private lastBlock: number | undefined;
  private lastHash: string | undefined;
  /** The last block's handling failed part-way: read every pool again. */
  private resync = false;

  /** @throws ConfigError when the allowlist names a token the address book does not have. */
  constructor(private readonly deps: EngineDeps) {
    const known = Object.values(deps.symbols);
    const unknown = (deps.config.tokenAllowlist ?? []).filter((symbol) => !known.includes(symbol));
    if (unknown.length > 0) {
      throw new ConfigError(`tokenAllowlist: unknown token(s) ${unknown.join(", ")}.`, {
        details: `Use the symbols of the address book: ${known.join(", ")}.`,
      });
    }
    this.market = new Market(deps.provider, deps.book.multicall3, deps.pools, deps.book.balancerV2?.vault);
    this.lenders = new Lenders(deps.provider, deps.book, deps.aTokens);
    this.usd = new UsdPrices(deps.provider, deps.book);
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
    });
  }

  /** Reads every pool and lender and finds the cycles. */
  async start(): Promise<void> {
    const { config, symbols, log } = this.deps;
    // The first full read is the long one on a real chain (every V3 pool's ticks): say so.
    const reading = performance.now();
    log.info("reading_pools", { pools: this.deps.pools.length, note: "every pool in full, once" });
    this.reportUnreadable(await this.market.loadAll());
    log.info("pools_read", { pools: this.deps.pools.length, ms: Math.round(performance.now() - reading) });
    const allowed = (token: Address) =>
      config.tokenAllowlist === undefined || config.tokenAllowlist.includes(symbols[token] ?? "");
    this.graph = new RateGraph(this.deps.pools.filter((p) => poolTokens(p).every(allowed)));
    const cycles = this.graph.scan(this.deps.baseTokens, () => {});
    await this.lenders.refresh(this.deps.baseTokens, this.v3Pools());
    await this.usd.refresh([...new Set([...this.deps.baseTokens, this.deps.book.tokens.WETH])]);
    log.info("engine_started", { pools: this.deps.pools.length, cycles, live: config.live });
  }

  /** Dollar values at the oracle's price (for the records), in micro-dollars. */
  usd6(token: Address, amount: bigint): bigint | undefined {
    return this.usd.toUsd6(token, amount);
  }

  /** The last block handled, if any. */
  get lastHandled(): number | undefined {
    return this.lastBlock;
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
      this.resync = true;
      throw error;
    }
  }

  private async handleBlock(blockNumber?: number): Promise<void> {
    const { provider, log } = this.deps;
    const resync = this.resync;
    this.resync = false;
    const block = await provider.getBlock(blockNumber ?? "latest");
    if (block === null || block.hash === null) return;
    const head = block.number;
    this.blockSeenAt = performance.now();
    this.tradedThisBlock = false;
    let reorged = false;
    if (this.lastBlock !== undefined) {
      // Asked twice when missing: one lost answer must not look like a reorg.
      let ours = head === this.lastBlock ? block : await provider.getBlock(this.lastBlock);
      if (ours === null) ours = await provider.getBlock(this.lastBlock);
      if (ours?.hash !== this.lastHash) {
        reorged = true;
        log.warn("reorg_detected", { block: this.lastBlock, had: this.lastHash, now: ours?.hash ?? null, head });
        await this.deps.onReorg?.({ block: this.lastBlock, head });
      } else if (head === this.lastBlock && !resync) {
        return;
      }
    }
    this.stats.blocks += 1;
    const { changed, priceOnly } =
      this.lastBlock === undefined || reorged || resync
        ? { changed: [...this.market.pools.keys()], priceOnly: new Set<Address>() }
        : await this.market.changedBetween(this.lastBlock + 1, head);
    this.lastBlock = head;
    this.lastHash = block.hash;
    this.lastVerified ??= head;
    if (head - this.lastVerified >= this.deps.config.verifyEveryBlocks) {
      this.lastVerified = head;
      // Pools with logs since the last block handled changed for a known reason; only a
      // difference in any other pool means the view had drifted.
      const drifted = (await this.market.verify(head)).filter((a) => !changed.includes(a));
      if (drifted.length > 0) {
        this.deps.log.warn("state_resynced", { block: head, pools: drifted });
        changed.push(...drifted);
      }
    }
    if (changed.length === 0) return;
    this.reportUnreadable(await this.market.refresh(changed, head, priceOnly));
    await this.lenders.refresh(this.deps.baseTokens, this.v3Pools());
    await this.usd.refresh([...new Set([...this.deps.baseTokens, this.deps.book.tokens.WETH])]);
    // Only the cycles through a changed pool can have changed; each is sized in closed form and
    // the best pool-disjoint ones are then sized exactly with every lender. Estimates below half
    // the gas of the cheapest trade are not worth sizing (half: the closed form can be off where
    // a V3 hop crosses into deeper liquidity).
    const gasPrice = (block.baseFeePerGas ?? 0n) * 2n + toUnits(this.deps.config.priorityFeeGwei, 9);
    const allPools = [...this.market.pools.values()];
    const floors = new Map<Address, number>();
    const floor = (base: Address) => {
      let least = floors.get(base);
      if (least === undefined) {
        const gas = convert(allPools, this.deps.book.tokens.WETH, base, CHEAPEST_TRADE_GAS * gasPrice);
        least = gas === undefined ? 0 : Number(gas) / 2;
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
    // Cycles through a pool a trade in flight swaps through wait until that trade is mined.
    const busy = this.deps.busyPools?.() ?? new Set<string>();
    if (busy.size > 0)
      for (const [id, e] of estimates) if (e.cycle.hops.some((h) => busy.has(h.pool.address))) estimates.delete(id);
    let processed = 0;
    while (processed < MAX_TRADES_PER_BLOCK && estimates.size > 0) {
      const chosen = disjointBest([...estimates.values()], SIZED_PER_TRADE);
      const best = this.bestCandidate(
        chosen.map((e) => e.cycle),
        gasPrice,
        head,
      );
      if (best === undefined) {
        // None of them is profitable once sized exactly with a lender's fee: try the next ones.
        for (const e of chosen) estimates.delete(e.cycle.id);
        continue;
      }
      processed += 1;
      estimates.delete(best.cycle.id);
      const outcome = await this.trades.execute(best, head);
      if (outcome === "sent" || outcome === "dry_run") {
        // A sent trade will move its pools, and in dry-run what would have been sent would have:
        // a cycle sharing one would not be there to take after it, so leave those out.
        const used = new Set(best.cycle.hops.map((h) => h.pool.address));
        for (const [id, e] of estimates) if (e.cycle.hops.some((h) => used.has(h.pool.address))) estimates.delete(id);
      }
    }
  }

  /** Logs the pools that could not be read: they are left out until a later read succeeds. */
  private reportUnreadable(unreadable: readonly Unreadable[]): void {
    for (const { address, reason } of unreadable)
      this.deps.log.warn("pool_unreadable", { pool: address, reason, action: "left out until it reads again" });
  }

  private v3Pools(): MarketPool[] {
    return this.deps.pools.filter((p) => p.kind === "uniswapV3");
  }

  /**
   * Sizes every cycle with each lender that can fund it and returns the most profitable net of
   * gas; a cycle that no lender can fund, or that no size makes profitable once the lender's fee
   * is paid, is recorded as dropped with the reason.
   */
  private bestCandidate(cycles: readonly Cycle[], gasPrice: bigint, block: number): Candidate | undefined {
    const { book, config } = this.deps;
    const pools = [...this.market.pools.values()];
    let best: Candidate | undefined;
    for (const cycle of cycles) {
      const maxLoanUsd6 = toUnits(config.maxLoanUsd, 6);
      const maxLoan =
        this.usd.fromUsd6(cycle.token, maxLoanUsd6) ??
        valueIn(pools, book.tokens.USDC, cycle.token, book.tokens.WETH, maxLoanUsd6);
      const quotes = this.lenders.quotes(cycle, this.v3Pools());
      if (maxLoan === undefined || maxLoan <= 0n) {
        const why =
          maxLoan === undefined ? "cannot value maxLoanUsd in this token" : "maxLoanUsd is under one base unit";
        this.drop(cycle, block, "none", why);
        continue;
      }
      if (quotes.length === 0) {
        this.drop(cycle, block, "none", "no lender holds this token or may fund this cycle");
        continue;
      }
      let sized = false;
      for (const quote of quotes) {
        // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints.
        const cap = quote.available < maxLoan ? quote.available : maxLoan;
        const sizing = sizeCycle(cycle, cap, quote.fee);
        if (sizing === undefined) continue;
        sized = true;
        const gasUnits = (GAS_BASE[quote.lender] ?? 200_000n) + GAS_PER_HOP * BigInt(cycle.hops.length);
        const gasCostInToken = convert(pools, book.tokens.WETH, cycle.token, gasUnits * gasPrice) ?? 0n;
        const net = sizing.profit - gasCostInToken;
        const netUsd =
          this.usd.toUsd6(cycle.token, net) ??
          valueIn(pools, cycle.token, book.tokens.USDC, book.tokens.WETH, net) ??
          net;
        if (best === undefined || netUsd > best.netUsd) best = { cycle, quote, sizing, gasCostInToken, net, netUsd };
      }
      if (!sized)
        this.drop(
          cycle,
          block,
          quotes.map((q) => q.lender).join("/"),
          "no size up to the loan cap is profitable after the lender's fee",
        );
    }
    return best;
  }

  /** Records a cycle dropped before it had a size. */
  private drop(cycle: Cycle, block: number, lender: string, reason: string): void {
    const { records, log, symbols } = this.deps;
    const row = {
      block,
      cycle: cycle.hops.map((h) => poolName(h.pool, this.deps.symbols)).join(" > "),
      route: cycle.hops.map((h) => h.pool.address).join(","),
      token: symbols[cycle.token] ?? cycle.token,
      tokenAddress: cycle.token,
      amountIn: 0n,
      lender,
      expectedProfit: 0n,
      gasCost: 0n,
    };
    this.stats.filtered[reason] = (this.stats.filtered[reason] ?? 0) + 1;
    records.add({ ...row, status: "filtered", reason });
    log.info("opportunity_filtered", { ...row, reason });
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
