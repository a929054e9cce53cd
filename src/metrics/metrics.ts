import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { EventBus } from "../engine/events.js";
import { funnelPosition } from "../engine/record/funnel.js";
import type { TradeStatus } from "../engine/record/records.js";
import type { ServiceStatus } from "../engine/service.js";

/** What the metrics read besides events: the service's state at scrape time. */
export interface MetricsSource {
  readonly events: EventBus;
  status(): ServiceStatus;
}

/** Whole units of `amount` base units with `decimals` decimals, as a float for Prometheus. */
function units(amount: bigint, decimals: number): number {
  return Number(amount) / 10 ** decimals;
}

/**
 * The engine's Prometheus metrics (prom-client), every one labelled by chain: opportunities by
 * status reached, trades by outcome, realised profit per token and in dollars, gas paid,
 * block-handling and block→trade latency, RPC latency and failures, the operator's balance and
 * runway, the risk state. Counters grow from events as they happen; gauges are read from the
 * service's status when scraped.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly unsubscribe: Array<() => void> = [];
  private chain = "unknown";
  private readonly seenStatus = new Map<number, TradeStatus>();

  constructor(private readonly source: MetricsSource) {
    const r = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "flasharb_" });
    const opportunities = new Counter({
      name: "flasharb_opportunities_total",
      help: "Opportunities entering each status (filtered, detected, simulated, dry_run, sent, succeeded…); a trade a reorg sends back to sent enters its outcome again",
      labelNames: ["chain", "status"],
      registers: r,
    });
    const ended = new Counter({
      name: "flasharb_opportunity_outcomes_total",
      help: "Opportunities by the funnel stage they ended at (found, sized, simulated, sent, landed, lost) and how (stopped, landed, lost)",
      labelNames: ["chain", "stage", "outcome"],
      registers: r,
    });
    const trades = new Counter({
      name: "flasharb_trades_total",
      help: "Sent trades' outcomes on chain: succeeded, reverted, dropped, reorged",
      labelNames: ["chain", "strategy", "outcome"],
      registers: r,
    });
    const profit = new Counter({
      name: "flasharb_realised_profit_tokens_total",
      help: "Realised profit of succeeded trades, in whole units of each token (from the executor's ArbitrageExecuted and LiquidationExecuted events)",
      labelNames: ["chain", "token"],
      registers: r,
    });
    const profitUsd = new Counter({
      name: "flasharb_realised_profit_usd_total",
      help: "Realised profit of succeeded trades in dollars, at the chain's oracle price when mined",
      labelNames: ["chain", "strategy"],
      registers: r,
    });
    const gas = new Counter({
      name: "flasharb_gas_paid_eth_total",
      help: "Gas paid by mined trades (succeeded or reverted), in ETH, from receipts",
      labelNames: ["chain"],
      registers: r,
    });
    const handled = new Histogram({
      name: "flasharb_block_handle_seconds",
      help: "Time to handle one head: follow trades in flight, read changed pools, scan, size, simulate, send",
      labelNames: ["chain"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    });
    const toTrade = new Histogram({
      name: "flasharb_block_to_trade_seconds",
      help: "From a block's arrival to its first trade ready to sign (simulated, fees set)",
      labelNames: ["chain"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    });
    const rpc = new Histogram({
      name: "flasharb_rpc_request_seconds",
      help: "JSON-RPC request latency by method (each attempt)",
      labelNames: ["chain", "method"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: r,
    });
    const rpcErrors = new Counter({
      name: "flasharb_rpc_errors_total",
      help: "JSON-RPC attempts lost, refused, timed out or garbled, by method",
      labelNames: ["chain", "method"],
      registers: r,
    });
    const outages = new Counter({
      name: "flasharb_rpc_outages_total",
      help: "Times every RPC attempt failed and the engine stopped trading until one answered",
      labelNames: ["chain"],
      registers: r,
    });
    const controls = new Counter({
      name: "flasharb_control_actions_total",
      help: "Operator actions: pause, resume, config_change",
      labelNames: ["chain", "action"],
      registers: r,
    });
    const riskTrips = new Counter({
      name: "flasharb_risk_trips_total",
      help: "Risk guard trips by reason",
      labelNames: ["chain", "reason"],
      registers: r,
    });
    // One status per scrape, however many gauges read it.
    let cached: { at: number; value: ServiceStatus } | undefined;
    const status = () => {
      const now = performance.now();
      if (cached === undefined || now - cached.at > 100) cached = { at: now, value: this.source.status() };
      return cached.value;
    };
    new Gauge({
      name: "flasharb_head_block",
      help: "The last head the engine handled",
      labelNames: ["chain"],
      registers: r,
      collect() {
        const s = status();
        if (s.headBlock !== undefined) this.set({ chain: String(s.chainId ?? "unknown") }, s.headBlock);
      },
    });
    new Gauge({
      name: "flasharb_operator_balance_eth",
      help: "The operator's ETH balance at its last check",
      labelNames: ["chain"],
      registers: r,
      collect() {
        const s = status();
        if (s.operatorBalanceWei !== undefined)
          this.set({ chain: String(s.chainId ?? "unknown") }, units(s.operatorBalanceWei, 18));
      },
    });
    new Gauge({
      name: "flasharb_operator_runway_trades",
      help: "How many trades the operator's ETH pays for at the base fee of its last check",
      labelNames: ["chain"],
      registers: r,
      collect() {
        const s = status();
        if (s.runwayTrades !== undefined)
          this.set(
            { chain: String(s.chainId ?? "unknown") },
            Number(s.runwayTrades > 2n ** 52n ? 2n ** 52n : s.runwayTrades),
          );
      },
    });
    new Gauge({
      name: "flasharb_state",
      help: "1 for the engine's current state (running, paused, tripped, rpc_down, starting, stopping), 0 for the others",
      labelNames: ["chain", "state"],
      registers: r,
      collect() {
        const s = status();
        const chain = String(s.chainId ?? "unknown");
        for (const state of ["starting", "running", "paused", "tripped", "rpc_down", "stopping"])
          this.set({ chain, state }, s.state === state ? 1 : 0);
      },
    });
    const events = this.source.events;
    const chain = () => this.chain;
    this.unsubscribe.push(
      events.on("block", (e) => {
        this.chain = String(status().chainId ?? "unknown");
        handled.observe({ chain: chain() }, e.handledMs / 1000);
        if (e.blockToTradeMs !== undefined) toTrade.observe({ chain: chain() }, e.blockToTradeMs / 1000);
      }),
      events.on("opportunity", (row) => {
        // Each status a record reaches is counted once, however often the record is rewritten.
        if (this.seenStatus.get(row.id) === row.status) return;
        // Most recently changed last: the oldest-changed record is the one forgotten.
        this.seenStatus.delete(row.id);
        this.seenStatus.set(row.id, row.status);
        if (this.seenStatus.size > 10_000) this.seenStatus.delete(this.seenStatus.keys().next().value as number);
        const c = String(row.chainId ?? chain());
        opportunities.inc({ chain: c, status: row.status });
        const { stage, outcome } = funnelPosition(row);
        if (outcome !== "pending") ended.inc({ chain: c, stage, outcome });
      }),
      events.on("trade", (e) => {
        const c = String(e.record.chainId ?? chain());
        const strategy = e.record.strategy;
        trades.inc({ chain: c, strategy, outcome: e.kind });
        if (e.kind === "succeeded" || e.kind === "reverted") {
          if (e.record.gasPaidWei !== null) gas.inc({ chain: c }, units(e.record.gasPaidWei, 18));
        }
        if (e.kind === "succeeded") {
          if (e.record.realisedProfit !== null && e.record.decimals !== null)
            profit.inc({ chain: c, token: e.record.token }, units(e.record.realisedProfit, e.record.decimals));
          if (e.record.realisedProfitUsd6 !== null)
            profitUsd.inc({ chain: c, strategy }, units(e.record.realisedProfitUsd6, 6));
        }
      }),
      events.on("rpcCall", (e) => {
        rpc.observe({ chain: chain(), method: e.method }, e.ms / 1000);
        if (!e.ok) rpcErrors.inc({ chain: chain(), method: e.method });
      }),
      events.on("rpc", (e) => {
        if (e.kind === "lost") outages.inc({ chain: chain() });
      }),
      events.on("control", (e) => controls.inc({ chain: chain(), action: e.action })),
      events.on("risk", (e) => {
        if (e.kind === "trip") riskTrips.inc({ chain: chain(), reason: e.reason });
      }),
    );
  }

  /** The metrics in Prometheus's text format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    for (const off of this.unsubscribe) off();
    this.registry.clear();
  }
}
