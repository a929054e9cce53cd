import { Interface, type Provider, VoidSigner } from "ethers";
import type { Address, AddressBook } from "../addressBook.js";
import { BaseError } from "../errors.js";
import { executorAbi } from "../executor/abi.js";
import { assertSameChain, ChainReplacedError, chainIdentity } from "./collect/chain.js";
import { HeadSubscription } from "./collect/heads.js";
import { PendingTransactions } from "./collect/pending.js";
import { RpcUnavailableError } from "./collect/rpc.js";
import { ConfigError, type EngineConfig, LIVE_KEYS, type LiveKey, parseEngineConfig, toUnits } from "./config.js";
import { Engine, type EngineDeps, type EngineStats, type LandingModelReport, submissionOf } from "./engine.js";
import { EventBus } from "./events.js";
import { BundleClient, type ReputationKey } from "./execute/bundleClient.js";
import { GAS_PER_TRADE, type PreflightReport, preflight } from "./execute/preflight.js";
import { RiskGuard, type RiskState } from "./execute/risk.js";
import { type LocalSigner, Sender } from "./execute/sender.js";
import { Tracker, type TradeOutcome } from "./execute/tracker.js";
import { childLogger, type Logger } from "./log.js";
import type { ChainIdentity, Records, TradeRecord } from "./record/records.js";
import { lendersNotInBook, unknownSymbols } from "./strategy/lists.js";
import type { MarketPool } from "./venues/pools.js";

/** How often (in handled blocks) the operator's ETH is checked against the runway. */
const RUNWAY_EVERY_BLOCKS = 20;

/** Provider with raw JSON-RPC access (for the chain ID and the genesis block). */
export type RpcProvider = Provider & { send(method: string, params: unknown[]): Promise<unknown> };

/** Everything the service needs, resolved by its caller. */
export interface ServiceDeps {
  readonly provider: RpcProvider;
  readonly book: AddressBook;
  readonly executor: Address;
  /** Who trades: the address, and (live) the key that signs locally. */
  readonly operator: { readonly address: Address; readonly signer?: LocalSigner };
  readonly pools: MarketPool[];
  readonly baseTokens: readonly Address[];
  readonly symbols: Readonly<Record<Address, string>>;
  readonly aTokens: Readonly<Record<Address, Address | undefined>>;
  /** Tokens lenders and prices are read for; the base tokens when absent. */
  readonly loanTokens?: readonly Address[];
  /** The Aave V3 market to liquidate in; absent when liquidations are off. */
  readonly liquidations?: EngineDeps["liquidations"];
  readonly config: EngineConfig;
  readonly records: Records;
  readonly log: Logger;
  /** Signs requests to relays when trades go as bundles (never the operator's or owner's key). */
  readonly reputation?: ReputationKey;
}

/** What a run did, from the records of this run (outcomes) and the stages' counters. */
export interface ServiceSummary {
  readonly blocks: number;
  readonly opportunities: number;
  readonly simulated: number;
  readonly simulationFailed: number;
  readonly sent: number;
  readonly sendFailed: number;
  readonly succeeded: number;
  readonly reverted: number;
  readonly dropped: number;
  /** Still signed or sent when the run ended: the next start reconciles them. */
  readonly inFlight: number;
  readonly dryRun: number;
  readonly filtered: Readonly<Record<string, number>>;
  /** From the executor's `ArbitrageExecuted` and `LiquidationExecuted` events, by token symbol, in base units. */
  readonly realisedProfit: Readonly<Record<string, bigint>>;
  readonly realisedProfitUsd6: bigint;
  readonly gasUsed: bigint;
  readonly gasPaidWei: bigint;
  readonly gasPaidUsd6: bigint;
  /** Liquidations this run: how many were priced and sent to execution, how many landed, and what they realised. */
  readonly liquidations: {
    readonly attempted: number;
    readonly count: number;
    readonly realisedProfit: Readonly<Record<string, bigint>>;
    readonly realisedProfitUsd6: bigint;
  };
  /** Trades of earlier runs settled by this run's start. */
  readonly reconciled: number;
  /** What the risk guard kept from being sent, by reason. */
  readonly riskSkipped: Readonly<Record<string, number>>;
  readonly riskState: string | null;
  readonly rpcOutages: number;
  /** RPC requests retried after a lost, late, failed or garbled answer. */
  readonly rpcRetries: number;
  readonly blockErrors: number;
  /** Why the run stopped: a signal, the caller, or a fatal error's message. */
  readonly stoppedBy: string;
}

/** The service's state as the operator's surface shows it (`GET /api/status`). */
export interface ServiceStatus {
  readonly chainId: number | undefined;
  readonly chain: string;
  readonly genesisHash: string | undefined;
  readonly executor: Address;
  readonly operator: Address;
  readonly live: boolean;
  /** `running`, `paused` (by an operator), `tripped` (by the risk guard), `rpc_down`, `starting` or `stopping`. */
  readonly state: "starting" | "running" | "paused" | "tripped" | "rpc_down" | "stopping";
  readonly headBlock: number | undefined;
  /** Milliseconds since the engine last handled a new head. */
  readonly headAgeMs: number | undefined;
  /** The operator's ETH as read at block {@link operatorBalanceBlock} (at start, then every 20 blocks when live). */
  readonly operatorBalanceWei: bigint | undefined;
  readonly operatorBalanceBlock: number | undefined;
  readonly runwayTrades: bigint | undefined;
  readonly risk: {
    /** Paused by an operator (apart from the guard's own trips). */
    readonly paused: boolean;
    /** The guard's own trip, if any. */
    readonly state: string | null;
    readonly detail: string | null;
    readonly since: string | null;
    readonly consecutiveFailures: number;
    readonly lossTodayWei: string;
    readonly skipped: Readonly<Record<string, number>>;
  };
  readonly rpc: { readonly reachable: boolean; readonly downSince: string | null; readonly outages: number };
  readonly preflightPassed: boolean;
  readonly startedAt: string | undefined;
  readonly summary: ServiceSummary;
  /** The landing model candidates are ranked with, and how it did on other runs; null without one. */
  readonly landingModel: LandingModelReport | null;
}

/** What an operator's control was, and from where, for the audit log. */
export interface ControlOrigin {
  /** Where the request came from: `api 127.0.0.1`. */
  readonly from: string;
  /** What sent it, as it says (an HTTP user agent: the dashboard's browser, `flash-arb-mcp/…`). */
  readonly client?: string;
}

/**
 * The relays' client for a service sending bundles.
 * @throws ConfigError without a reputation key, with the operator's key as one, or without relays.
 */
function bundleClientFor(
  config: EngineConfig,
  book: AddressBook,
  reputation: ReputationKey | undefined,
  operator: string,
): BundleClient {
  if (reputation === undefined)
    throw new ConfigError("submission is bundle, but no reputation key signs the requests to relays.", {
      details: `Set ${config.reputationKeyEnv} to a key that holds nothing (relays know the searcher by it), or choose another submission.`,
    });
  if (reputation.address.toLowerCase() === operator.toLowerCase())
    throw new ConfigError("The reputation key is the operator's key.", {
      details: "Relays see the key that signs bundles: use a separate key that holds nothing.",
    });
  const relays = config.relays ?? book.relays ?? [];
  try {
    return new BundleClient(reputation, relays);
  } catch (cause) {
    throw new ConfigError(`relays: ${(cause as Error).message}`, {
      details: `The ${book.name} address book lists none: set relays in the configuration.`,
      cause,
    });
  }
}

/** A configuration change an operator asked for that cannot be made. */
export class LiveConfigError extends BaseError {
  override readonly name = "LiveConfigError";
}

/**
 * The engine as a service: start (chain identity, preflight, reconciliation of every trade a
 * previous run left open, the first full read), then a loop over new heads — follow trades in
 * flight, then let the engine handle the block — until stopped. RPC faults never end the loop:
 * while the chain is unreachable it does not trade, logs the outage once, and resumes by itself;
 * a node that comes back as another chain stops it with a message saying so.
 */
export class EngineService {
  readonly engine: Engine;
  readonly risk: RiskGuard;
  readonly tracker: Tracker | undefined;
  private readonly sender: Sender | undefined;
  private chain: ChainIdentity | undefined;
  private firstId = 0;
  private reconciled = 0;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private handledHead: number | undefined;
  private unreachableSince: number | undefined;
  private rpcOutages = 0;
  private blockErrors = 0;
  private lastBlockError: string | undefined;
  private runwayLow = false;
  private fatal: Error | undefined;
  /** Why the run stopped; empty while it runs. */
  private stoppedBy = "";
  private idleWaiters: Array<() => void> = [];
  private heads: HeadSubscription | undefined;
  /** The mempool's new transactions, when backrunning. */
  private pending: PendingTransactions | undefined;
  private wake: (() => void) | undefined;
  private stopped: Promise<ServiceSummary> | undefined;
  /** What the service tells its watchers: the API's stream, metrics and alerts subscribe here. */
  readonly events: EventBus;
  private preflightReport: PreflightReport | undefined;
  private startedAt: Date | undefined;
  private headSeenAt: number | undefined;
  private lastRunway: { balanceWei: bigint; runwayTrades: bigint; block: number } | undefined;

  constructor(private readonly deps: ServiceDeps) {
    const { config, records, log } = deps;
    // Before start, too, "this run" is what comes after the records as they are now.
    this.firstId = records.lastId();
    this.events = new EventBus((name, error) =>
      log.error("watcher_failed", { event: name, reason: (error as Error).message ?? String(error) }),
    );
    const observed = deps.provider as { onRequest?: (method: string, ms: number, ok: boolean) => void };
    if ("onRequest" in observed)
      observed.onRequest = (method, ms, ok) => {
        if (this.events.has("rpcCall")) this.events.emit("rpcCall", { method, ms, ok });
      };
    records.onChange = (id) => {
      if (!this.events.has("opportunity")) return;
      const row = records.get(id);
      if (row !== undefined) this.events.emit("opportunity", row);
    };
    const saved = records.getMeta("risk");
    this.risk = new RiskGuard({
      maxConsecutiveFailures: config.maxConsecutiveFailures,
      dailyLossLimitWei: toUnits(config.dailyLossLimitEth, 18),
      maxGasPriceWei: toUnits(config.maxGasPriceGwei, 9),
      cooldownMs: config.cooldownMinutes * 60_000,
      ...(saved === undefined ? {} : { restore: JSON.parse(saved) as RiskState }),
      onTrip: (reason, detail) => {
        log.warn("risk_trip", { reason, detail });
        this.audit("risk_trip", { reason, detail });
        this.events.emit("risk", { kind: "trip", reason, detail });
      },
      onResume: (reason, by) => {
        log.info("risk_resumed", { after: reason, by });
        this.audit("risk_resume", { after: reason, by });
        this.events.emit("risk", { kind: "resume", reason, detail: `resumed by ${by}` });
      },
      onChange: (state) => {
        try {
          records.setMeta("risk", JSON.stringify(state));
        } catch (error) {
          log.error("records_write_failed", { what: "risk state", reason: (error as Error).message });
        }
      },
    });
    if (config.live && deps.operator.signer === undefined)
      throw new Error("A live service needs the operator's signing key.");
    const chainId = deps.book.chainId;
    this.sender =
      config.live && deps.operator.signer !== undefined
        ? new Sender(deps.operator.signer, deps.provider, chainId, records)
        : undefined;
    const bundles =
      this.sender !== undefined && submissionOf(config, deps.book) === "bundle"
        ? bundleClientFor(config, deps.book, deps.reputation, deps.operator.address)
        : undefined;
    if (config.backruns && config.live && bundles === undefined)
      throw new ConfigError("backruns needs submission bundle: a backrun is a bundle placed after its trigger.", {
        details: 'Set submission to "bundle" (with relays), or set backruns to false.',
      });
    // In dry-run, backruns are found and recorded, never sent.
    if (config.backruns && (bundles !== undefined || !config.live))
      this.pending = new PendingTransactions(deps.provider);
    this.engine = new Engine({
      provider: deps.provider,
      // Simulation calls come from the operator's address; only the sender signs.
      operator: new VoidSigner(deps.operator.address, deps.provider),
      executor: deps.executor,
      book: deps.book,
      pools: deps.pools,
      baseTokens: deps.baseTokens,
      symbols: deps.symbols,
      aTokens: deps.aTokens,
      ...(deps.loanTokens === undefined ? {} : { loanTokens: deps.loanTokens }),
      ...(deps.liquidations === undefined ? {} : { liquidations: deps.liquidations }),
      config,
      records,
      log: childLogger(log, { stage: "engine" }),
      risk: this.risk,
      ...(this.sender === undefined ? {} : { sender: this.sender }),
      ...(bundles === undefined ? {} : { bundles }),
      busyPools: () => this.tracker?.busyPools() ?? new Set(),
      onSent: (id) => this.tracker?.sent(id),
      onReorg: async () => {
        this.sender?.resetNonce();
        await this.assertSameChain();
      },
    });
    this.tracker =
      this.sender === undefined
        ? undefined
        : new Tracker(deps.provider, records, this.sender, {
            confirmations: config.confirmations,
            replaceAfterMs: config.transactionTimeoutMs,
            executor: deps.executor,
            executorInterface: new Interface(executorAbi()),
            valuer: {
              usd6: (token, amount) => this.engine.usd6(token, amount),
              ethUsd6: (wei) =>
                deps.book.tokens.WETH === undefined ? undefined : this.engine.usd6(deps.book.tokens.WETH, wei),
            },
            log: childLogger(log, { stage: "tracker" }),
            onMined: (_trade, succeeded, gasPaidWei) => this.risk.record(succeeded, gasPaidWei),
          });
  }

  /** The identity of the chain the service runs on (after start). */
  get chainIdentity(): ChainIdentity | undefined {
    return this.chain;
  }

  /** The engine's counters. */
  get stats(): EngineStats {
    return this.engine.stats;
  }

  /**
   * Checks and prepares everything before the first block: the chain's identity (and that the
   * records belong to it), preflight, the reconciliation of every trade a previous run left
   * signed or sent — before anything new is sent — and the first full read of every pool.
   * @throws PreflightError, RecordsChainMismatchError, or an RPC error if the node cannot be reached.
   */
  async start(): Promise<PreflightReport> {
    const { provider, records, log, config, executor, operator } = this.deps;
    this.chain = await chainIdentity(provider);
    records.bindChain(this.chain);
    records.claim();
    this.firstId = records.lastId();
    this.startedAt = new Date();
    const report = await preflight({
      provider,
      expectedChainId: this.deps.book.chainId,
      executor,
      operator: operator.address,
      live: config.live,
      minRunwayTrades: config.minRunwayTrades,
      priorityFeeWei: toUnits(config.priorityFeeGwei, 9),
      lenders: {
        "Aave V3 Pool": this.deps.book.aaveV3?.pool,
        "Balancer V2 Vault": this.deps.book.balancerV2?.vault,
        "Morpho Blue": this.deps.book.morphoBlue?.morpho,
        "Uniswap V4 PoolManager": this.deps.book.uniswapV4?.poolManager,
      },
    });
    this.preflightReport = report;
    this.lastRunway = {
      balanceWei: report.operatorBalanceWei,
      runwayTrades: BigInt(report.runwayTrades),
      block: await provider.getBlockNumber(),
    };
    log.info("preflight_passed", {
      chainId: report.chainId,
      executor,
      operator: operator.address,
      operatorBalanceWei: report.operatorBalanceWei,
      runwayTrades: report.runwayTrades,
      live: config.live,
    });
    if (this.risk.state !== undefined)
      log.warn("risk_still_tripped", { reason: this.risk.state, detail: this.risk.snapshot().trippedDetail });
    // Pools, lenders and oracle prices first (reads only): reconciled trades get their dollar values.
    await this.engine.start();
    // From here on the mempool's new transactions are reported.
    await this.pending?.start();
    if (this.tracker !== undefined) {
      const open = records.open();
      if (open.length > 0) {
        const head = await provider.getBlockNumber();
        const outcomes = await this.tracker.check(head);
        this.reconciled = outcomes.filter((o) => o.kind === "mined" || o.kind === "dropped").length;
        this.onOutcomes(outcomes);
        log.info("reconciled", {
          open: open.length,
          minedOrDropped: this.reconciled,
          stillInFlight: this.tracker.inFlight().length,
        });
      }
    }
    this.audit("start", { chainId: this.chain.chainId, live: config.live, executor, operator: operator.address });
    return report;
  }

  /** Runs the block loop until {@link stop}; resolves when the loop has ended. */
  run(): Promise<void> {
    this.loop ??= this.loopUntilStopped();
    return this.loop;
  }

  /**
   * Reads the mempool's new transactions and backruns the best swap among them (see
   * `Engine.backrun`); nothing without backruns on. For callers that drive the service block by
   * block; the loop calls it between heads.
   * @returns How many backruns were sent.
   */
  async backrunPending(): Promise<number> {
    if (this.pending === undefined || this.risk.state !== undefined) return 0;
    const pending = await this.pending.poll();
    return pending.length === 0 ? 0 : this.engine.backrun(pending);
  }

  /**
   * Handles the current head once, outside the loop: for callers that drive the service block
   * by block (tests, benchmarks). Do not mix with {@link run}.
   */
  async step(): Promise<void> {
    await this.handle(await this.deps.provider.getBlockNumber());
  }

  /**
   * Steps until the head is handled and nothing is in flight (on a chain that mines each
   * transaction at once, a trade's own block is handled too). For tests and benchmarks.
   * @throws Error when it has not settled after `maxSteps`.
   */
  async settle(maxSteps = 50): Promise<void> {
    for (let i = 0; i < maxSteps; i++) {
      const head = await this.deps.provider.getBlockNumber();
      if (this.handledHead === head && (this.tracker?.inFlight().length ?? 0) === 0) return;
      await this.handle(head);
    }
    throw new Error(`The service did not settle within ${maxSteps} steps.`);
  }

  /** Resolves once every head up to now has been handled and no trade is in flight. */
  async idle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const head = await this.deps.provider.getBlockNumber();
      const inFlight = this.tracker?.inFlight().length ?? 0;
      if (this.handledHead !== undefined && this.handledHead >= head && inFlight === 0) return;
      if (this.fatal !== undefined || this.stopping) return;
      if (Date.now() > deadline)
        throw new Error(
          `The service was not idle within ${timeoutMs} ms (head ${head}, handled ${this.handledHead}, in flight ${inFlight}).`,
        );
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        setTimeout(resolve, this.deps.config.pollIntervalMs).unref();
      });
    }
  }

  /**
   * Stops taking new work, waits up to `shutdownTimeoutMs` for trades in flight to be mined,
   * and returns the summary. Trades still in flight stay `sent` for the next start.
   * @throws The fatal error that stopped the loop, if one did.
   */
  stop(by = "caller"): Promise<ServiceSummary> {
    if (!this.stopping) this.stoppedBy = by;
    this.stopping = true;
    this.wake?.();
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<ServiceSummary> {
    await this.loop;
    const { provider, config, log } = this.deps;
    if (this.tracker !== undefined && this.fatal === undefined) {
      const deadline = Date.now() + config.shutdownTimeoutMs;
      while (this.tracker.inFlight().length > 0 && Date.now() < deadline) {
        try {
          this.onOutcomes(await this.tracker.check(await provider.getBlockNumber()));
        } catch (error) {
          log.warn("shutdown_check_failed", { reason: (error as Error).message });
        }
        if (this.tracker.inFlight().length > 0) await sleep(Math.min(config.pollIntervalMs, 500));
      }
    }
    const summary = this.summary();
    try {
      this.deps.records.release();
    } catch (error) {
      log.error("records_write_failed", { what: "release", reason: (error as Error).message });
    }
    this.audit("stop", { by: summary.stoppedBy, inFlight: summary.inFlight, sent: summary.sent });
    log.info("engine_stopped", { by: summary.stoppedBy, inFlight: summary.inFlight });
    if (this.fatal !== undefined) throw this.fatal;
    return summary;
  }

  /** This run's summary so far. */
  summary(): ServiceSummary {
    const totals = this.deps.records.totals(this.firstId);
    const count = (status: TradeRecord["status"]) => totals.byStatus[status] ?? 0;
    const { realisedProfit, realisedProfitUsd6, gasUsed, gasPaidWei, gasPaidUsd6 } = totals;
    const s = this.engine.stats;
    return {
      blocks: s.blocks,
      opportunities: s.opportunities,
      simulated: s.simulated,
      simulationFailed: s.simulationFailed,
      sent: s.sent,
      sendFailed: s.sendFailed,
      succeeded: count("succeeded"),
      reverted: count("reverted"),
      dropped: count("dropped"),
      // Every trade still signed or sent, this run's and any an earlier run left.
      inFlight: this.tracker?.inFlight().length ?? 0,
      dryRun: count("dry_run"),
      filtered: { ...s.filtered },
      realisedProfit,
      realisedProfitUsd6,
      gasUsed,
      gasPaidWei,
      gasPaidUsd6,
      liquidations: { attempted: s.liquidations, ...totals.liquidations },
      reconciled: this.reconciled,
      riskSkipped: this.risk.snapshot().skipped,
      riskState: this.risk.state ?? null,
      rpcOutages: this.rpcOutages,
      rpcRetries: (this.deps.provider as { retries?: number }).retries ?? 0,
      blockErrors: this.blockErrors,
      stoppedBy: this.fatal?.message.split("\n")[0] ?? this.stoppedBy,
    };
  }

  /** This run's records (ids above the ones that existed at start). */
  runRecords(): TradeRecord[] {
    return this.deps.records.list({ afterId: this.firstId });
  }

  /** The RPC the service reads the chain through. */
  get provider(): RpcProvider {
    return this.deps.provider;
  }

  /** The configuration in force (live changes included). */
  get config(): Readonly<EngineConfig> {
    return this.deps.config;
  }

  /** Whether an operator paused sending. */
  get paused(): boolean {
    return this.risk.isPaused;
  }

  /**
   * Stops sending (the engine keeps watching, sizing and simulating; what it would send is
   * recorded as filtered by the risk guard) until {@link resume}. Survives a restart.
   * @returns false when it was paused already.
   */
  pause(origin: ControlOrigin): boolean {
    if (!this.risk.pause()) return false;
    this.control("pause", origin, {});
    return true;
  }

  /**
   * Ends an operator's pause. A trip of the risk guard is not cleared by it: see {@link resetRisk}.
   * @returns false when it was not paused.
   */
  resume(origin: ControlOrigin): boolean {
    if (!this.risk.resume()) return false;
    this.control("resume", origin, { stillTripped: this.risk.trippedBy ?? null });
    return true;
  }

  /**
   * Clears a trip of the risk guard (consecutive failures, the daily loss limit) before it
   * clears itself: the operator has looked at why it tripped. An operator's pause stays.
   * @returns false when the guard was not tripped.
   */
  resetRisk(origin: ControlOrigin): boolean {
    const was = this.risk.trippedBy;
    if (was === undefined) return false;
    this.risk.reset();
    this.control("risk_reset", origin, { was });
    return true;
  }

  /**
   * Changes limits while the engine runs: only {@link LIVE_KEYS}; `null` returns a key to its default.
   * The result is checked by the engine's own schema (and the token lists against the address
   * book) before anything changes; the change, with each key's old and new value, goes to the
   * audit log. It lasts until the engine stops: put it in the configuration file to keep it.
   * @throws LiveConfigError naming each key that cannot change or each value refused.
   */
  updateConfig(
    patch: Readonly<Record<string, unknown>>,
    origin: ControlOrigin,
  ): Record<string, { from: unknown; to: unknown }> {
    const config = this.deps.config as Record<string, unknown>;
    const fixed = Object.keys(patch).filter((k) => !(LIVE_KEYS as readonly string[]).includes(k));
    if (fixed.length > 0)
      throw new LiveConfigError(`These keys cannot change while the engine runs: ${fixed.join(", ")}.`, {
        details: `Live keys: ${LIVE_KEYS.join(", ")}. Change the others in the configuration file and restart.`,
      });
    const merged: Record<string, unknown> = { ...config };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    let next: EngineConfig;
    try {
      next = parseEngineConfig(merged);
    } catch (error) {
      if (error instanceof ConfigError)
        throw new LiveConfigError(error.problems.join("; ") || error.shortMessage, {
          details: "Nothing was changed.",
        });
      throw error;
    }
    const unknown = unknownSymbols(next, this.deps.symbols);
    if (unknown.length > 0)
      throw new LiveConfigError(`Unknown token(s) ${unknown.join(", ")}.`, {
        details: `Use the symbols of the address book: ${Object.values(this.deps.symbols).join(", ")}.`,
      });
    const absent = lendersNotInBook(next, this.deps.book);
    if (absent.length > 0)
      throw new LiveConfigError(`lenders: the ${this.deps.book.name} address book has no ${absent.join(", ")}.`, {
        details: "Nothing was changed.",
      });
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of LIVE_KEYS as readonly LiveKey[]) {
      const before = config[key];
      const after = next[key];
      if (JSON.stringify(before) === JSON.stringify(after)) continue;
      changes[key] = { from: before ?? null, to: after ?? null };
      if (after === undefined) delete config[key];
      else config[key] = after;
    }
    if ("maxGasPriceGwei" in changes) this.risk.setMaxGasPrice(toUnits(this.deps.config.maxGasPriceGwei, 9));
    if (Object.keys(changes).length > 0) this.control("config_change", origin, { changes });
    return changes;
  }

  /** The service's state now: see {@link ServiceStatus}. */
  status(): ServiceStatus {
    const risk = this.risk.snapshot();
    const state = this.stopping
      ? "stopping"
      : this.startedAt === undefined || this.preflightReport === undefined
        ? "starting"
        : this.unreachableSince !== undefined
          ? "rpc_down"
          : risk.paused === true
            ? "paused"
            : risk.tripped !== null
              ? "tripped"
              : "running";
    return {
      chainId: this.chain?.chainId,
      chain: this.deps.config.chain,
      genesisHash: this.chain?.genesisHash,
      executor: this.deps.executor,
      operator: this.deps.operator.address,
      live: this.deps.config.live,
      state,
      landingModel: this.engine.landingModel ?? null,
      headBlock: this.handledHead,
      headAgeMs: this.headSeenAt === undefined ? undefined : Date.now() - this.headSeenAt,
      operatorBalanceWei: this.lastRunway?.balanceWei,
      operatorBalanceBlock: this.lastRunway?.block,
      runwayTrades: this.lastRunway?.runwayTrades,
      risk: {
        paused: risk.paused === true,
        state: risk.tripped,
        detail: risk.trippedDetail,
        since: risk.tripped === null ? null : new Date(risk.trippedAt).toISOString(),
        consecutiveFailures: risk.consecutiveFailures,
        lossTodayWei: risk.lossTodayWei,
        skipped: risk.skipped,
      },
      rpc: {
        reachable: this.unreachableSince === undefined,
        downSince: this.unreachableSince === undefined ? null : new Date(this.unreachableSince).toISOString(),
        outages: this.rpcOutages,
      },
      preflightPassed: this.preflightReport !== undefined,
      startedAt: this.startedAt?.toISOString(),
      summary: this.summary(),
    };
  }

  private control(action: string, origin: ControlOrigin, detail: Record<string, unknown>): void {
    this.deps.log.info("operator_control", { action, from: origin.from, ...detail });
    this.audit(action, {
      from: origin.from,
      ...(origin.client === undefined ? {} : { client: origin.client }),
      ...detail,
    });
    this.events.emit("control", { action, from: origin.from, detail });
  }

  private async loopUntilStopped(): Promise<void> {
    const { provider, log, config } = this.deps;
    if (config.wsUrl !== undefined) {
      this.heads = new HeadSubscription(config.wsUrl, () => this.wake?.(), childLogger(log, { stage: "heads" }));
      this.heads.start();
    }
    while (!this.stopping) {
      try {
        const head = await provider.getBlockNumber();
        if (this.unreachableSince !== undefined) {
          await this.assertSameChain();
          log.info("rpc_recovered", { downForMs: Date.now() - this.unreachableSince, head });
          this.audit("rpc_recovered", { downForMs: Date.now() - this.unreachableSince });
          this.events.emit("rpc", { kind: "back", downForMs: Date.now() - this.unreachableSince });
          this.unreachableSince = undefined;
          this.sender?.resetNonce();
        }
        if (this.handledHead === undefined || head !== this.handledHead) {
          await this.handle(head);
          continue;
        }
        await this.backrunPending();
      } catch (error) {
        if (error instanceof ChainReplacedError) {
          this.fatal = error;
          this.stopping = true;
          log.error("chain_replaced", { reason: error.shortMessage });
          this.audit("chain_replaced", { reason: error.shortMessage });
          break;
        }
        if (error instanceof RpcUnavailableError) {
          if (this.unreachableSince === undefined) {
            this.unreachableSince = Date.now();
            this.rpcOutages += 1;
            log.error("rpc_unreachable", {
              reason: error.shortMessage,
              action: "not trading; retrying until it answers",
            });
            this.audit("rpc_unreachable", { reason: error.shortMessage });
            this.events.emit("rpc", { kind: "lost", reason: error.shortMessage });
          }
        } else {
          this.blockErrors += 1;
          const reason = (error as Error).message?.split("\n")[0] ?? String(error);
          // The same failure on every block is logged once, not every block.
          if (reason !== this.lastBlockError)
            log.error("block_failed", { reason, action: "retrying on the next poll" });
          this.lastBlockError = reason;
        }
      }
      for (const wake of this.idleWaiters.splice(0)) wake();
      await this.nap(config.pollIntervalMs);
    }
    this.heads?.close();
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Waits for the poll interval, or less when a new head is announced. */
  private nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** One head: follow the trades in flight, then let the engine handle the block. */
  private async handle(head: number): Promise<void> {
    // Before anything acts on what the node says (the tracker rebroadcasts what it does not
    // have): a node swapped for another chain, or a failover to one, must not get our trades.
    await this.assertSameChain();
    const began = performance.now();
    if (this.tracker !== undefined) this.onOutcomes(await this.tracker.check(head));
    const latencies = this.engine.blockToTxMs;
    const before = latencies.length;
    const last = latencies[before - 1];
    await this.engine.onBlock(head);
    if (this.handledHead !== head) this.headSeenAt = Date.now();
    this.handledHead = head;
    // The window of samples drops its oldest when full: a new sample shows as a new last one.
    const sample = latencies[latencies.length - 1];
    const traded = latencies.length > before || (sample !== undefined && sample !== last);
    this.events.emit("block", {
      number: head,
      at: new Date().toISOString(),
      handledMs: performance.now() - began,
      ...(traded && sample !== undefined ? { blockToTradeMs: sample } : {}),
    });
    this.lastBlockError = undefined;
    if (this.deps.config.live && this.engine.stats.blocks % RUNWAY_EVERY_BLOCKS === 1) await this.checkRunway();
  }

  private async assertSameChain(): Promise<void> {
    if (this.chain !== undefined) await assertSameChain(this.deps.provider, this.chain, this.deps.executor);
  }

  /** Warns once when the operator's ETH falls below the configured runway, and once when it recovers. */
  private async checkRunway(): Promise<void> {
    const { provider, config, operator, log } = this.deps;
    const balance = await provider.getBalance(operator.address);
    const block = await provider.getBlock("latest");
    const perTrade = GAS_PER_TRADE * ((block?.baseFeePerGas ?? 0n) * 2n + toUnits(config.priorityFeeGwei, 9));
    const runway = perTrade === 0n ? 2n ** 64n : balance / perTrade;
    const low = runway < BigInt(config.minRunwayTrades);
    this.lastRunway = { balanceWei: balance, runwayTrades: runway, block: block?.number ?? this.handledHead ?? 0 };
    this.events.emit("runway", { low, balanceWei: balance, runwayTrades: runway });
    if (low && !this.runwayLow)
      log.warn("operator_runway_low", {
        balanceWei: balance,
        runwayTrades: runway,
        minRunwayTrades: config.minRunwayTrades,
      });
    if (!low && this.runwayLow) log.info("operator_runway_ok", { balanceWei: balance, runwayTrades: runway });
    this.runwayLow = low;
  }

  private onOutcomes(outcomes: readonly TradeOutcome[]): void {
    const log = this.deps.log;
    for (const o of outcomes) {
      const t = o.trade;
      const fields = { id: t.id, cycle: t.cycle, token: t.token, tx: t.txHash };
      if (o.kind === "mined" || o.kind === "dropped" || o.kind === "reorged")
        this.events.emit("trade", {
          kind: o.kind === "mined" ? (o.succeeded ? "succeeded" : "reverted") : o.kind,
          record: this.deps.records.get(t.id) ?? t,
        });
      switch (o.kind) {
        case "mined":
          // The risk guard counted it already, in the same records transaction.
          if (o.succeeded)
            log.info("trade_succeeded", {
              ...fields,
              block: t.minedBlock,
              expectedProfit: t.expectedProfit,
              realisedProfit: o.profit,
              realisedProfitUsd6: t.realisedProfitUsd6,
              gasUsed: t.gasUsed,
              gasPaidUsd6: t.gasPaidUsd6,
            });
          else
            log.warn("trade_reverted", {
              ...fields,
              block: t.minedBlock,
              gasUsed: t.gasUsed,
              gasPaidWei: o.gasPaidWei,
            });
          break;
        case "final":
          log.debug?.("trade_final", { ...fields, block: t.minedBlock });
          break;
        case "reorged":
          this.sender?.resetNonce();
          log.warn("trade_reorged", { ...fields, block: o.block, action: "back to sent; following it again" });
          break;
        case "dropped":
          log.warn("trade_dropped", { ...fields, reason: o.reason });
          // What it would have taken may still be there: its cycles are priced again.
          this.engine.retryPools((o.trade.route ?? "").split(",").filter((p) => p !== ""));
          break;
        case "replaced":
          log.warn("trade_replaced", { ...fields, replacement: o.hash, action: "fees raised by 12.5%" });
          break;
        case "rebroadcast":
          log.warn("trade_rebroadcast", { ...fields, reason: "the node did not have it" });
          break;
      }
    }
  }

  private audit(kind: string, detail: Record<string, unknown>): void {
    try {
      this.deps.records.event(kind, detail);
    } catch (error) {
      this.deps.log.error("records_write_failed", { what: kind, reason: (error as Error).message });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
