import type { AlertEvent, EngineConfig } from "../engine/config.js";
import type { EventBus, ServiceEventName, ServiceEvents } from "../engine/events.js";
import { childLogger, type Logger } from "../engine/log.js";
import type { TradeRecord } from "../engine/record/records.js";
import { BaseError } from "../errors.js";
import { AlertConfigError, type AlertEnv, type AlertSendError, type AlertSender, senderFor } from "./channels.js";
import { type Alert, type AlertSource, makeAlert } from "./messages.js";

/** The part of the engine's configuration alerts read. */
export type AlertsConfig = Pick<EngineConfig, "alerts" | "alertProfitMismatchPct">;

/** How alerts are delivered; the defaults suit a live engine, tests shorten them. */
export interface AlertOptions {
  /** The chain's ID, put on alerts whose event does not carry one. */
  readonly chainId?: number;
  /** How long one HTTP request may take. Default 10 s. */
  readonly timeoutMs?: number;
  /** Tries per alert before it is given up (counted `failed`). Default 4. */
  readonly attempts?: number;
  /** The wait before the first retry; it doubles with each further one. Default 1 s. */
  readonly backoffMs?: number;
  /** The longest wait between tries, also for a channel's `Retry-After`. Default 30 s. */
  readonly maxBackoffMs?: number;
  /** Alerts one channel holds while it is slow or down; past it the oldest is dropped (counted `dropped`). Default 100. */
  readonly maxQueue?: number;
}

/** One channel's delivery counters. */
export interface AlertChannelStats {
  /** `telegram#0`: the channel's type and its place in `alerts`. */
  readonly channel: string;
  readonly type: string;
  /** Where it sends, without secrets. */
  readonly describe: string;
  readonly events: readonly AlertEvent[];
  /** Alerts the channel accepted. */
  readonly sent: number;
  /** Alerts given up after every try failed. */
  readonly failed: number;
  /** Tries repeated after a failure. */
  readonly retries: number;
  /** Alerts never tried to the end: pushed out of a full queue, or still queued at close. */
  readonly dropped: number;
  /** Alerts waiting, and the one being sent. */
  readonly pending: number;
}

const DEFAULTS = {
  timeoutMs: 10_000,
  attempts: 4,
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
  maxQueue: 100,
} as const;

/** How long {@link AlertNotifier.close} waits for queued alerts by default. */
const CLOSE_GRACE_MS = 5_000;

/** `alertProfitMismatchPct` is compared exactly, in millionths of a percent. */
const PCT_SCALE = 1_000_000;

/**
 * Sends the service's events to the configured alert channels (Telegram, Discord, webhooks).
 *
 * A listener only makes the alert and queues it: nothing the channels do (fail, hang, refuse)
 * can block or throw into the engine that emits. Each channel has its own queue, delivered in
 * order in the background, with retries and backoff, and bounded: a dead channel drops its
 * oldest alerts (counted and logged) rather than holding ever more memory.
 */
export class AlertNotifier {
  private readonly queues: ChannelQueue[];
  private readonly unsubscribe: Array<() => void> = [];
  private readonly log: Logger;
  private runwayLow = false;
  private closed: Promise<void> | undefined;

  /**
   * Reads every channel's secret from `env` and subscribes to `bus`.
   * @throws AlertConfigError naming the environment variable a channel needs and does not find.
   * @throws BaseError when an option is not a whole number from 1 up.
   */
  constructor(
    private readonly bus: EventBus,
    private readonly config: AlertsConfig,
    log: Logger,
    env: AlertEnv = process.env,
    private readonly options: AlertOptions = {},
  ) {
    this.log = childLogger(log, { stage: "alerts" });
    const limits = { ...DEFAULTS, ...options };
    for (const key of ["timeoutMs", "attempts", "maxQueue"] as const)
      if (!Number.isSafeInteger(limits[key]) || limits[key] < 1)
        throw new BaseError(`Alert option ${key} is ${limits[key]}.`, { details: "Give it a whole number from 1 up." });
    const problems: AlertConfigError[] = [];
    const senders: AlertSender[] = [];
    config.alerts.forEach((channel, index) => {
      try {
        senders.push(senderFor(channel, index, env, limits));
      } catch (error) {
        if (error instanceof AlertConfigError) problems.push(error);
        else throw error;
      }
    });
    const [first, ...more] = problems;
    if (first !== undefined && more.length === 0) throw first;
    if (first !== undefined)
      throw new AlertConfigError(`${problems.length} alert channels cannot be used.`, {
        details: problems.map((p) => p.shortMessage).join("\n"),
      });
    this.queues = senders.map(
      (sender, i) => new ChannelQueue(sender, config.alerts[i]?.events ?? [], this.log, limits),
    );
    const wanted = new Set(this.queues.flatMap((q) => [...q.kinds]));
    const wants = (...kinds: AlertEvent[]) => kinds.some((k) => wanted.has(k));
    if (wants("trade_landed", "trade_reverted", "trade_dropped", "profit_mismatch"))
      this.listen("trade", (e) => this.onTrade(e));
    if (wants("risk_trip", "risk_resumed"))
      this.listen("risk", (e) => this.publish({ kind: e.kind === "trip" ? "risk_trip" : "risk_resumed", risk: e }));
    if (wants("rpc_lost", "rpc_back"))
      this.listen("rpc", (e) => this.publish({ kind: e.kind === "lost" ? "rpc_lost" : "rpc_back", rpc: e }));
    if (wants("balance_low"))
      this.listen("runway", (e) => {
        const wasLow = this.runwayLow;
        this.runwayLow = e.low;
        // Once per fall below the runway, not on every check while it stays low.
        if (e.low && !wasLow) this.publish({ kind: "balance_low", runway: e });
      });
    if (wants("control")) this.listen("control", (e) => this.publish({ kind: "control", control: e }));
    if (this.queues.length > 0)
      this.log.info("alerts_started", {
        channels: this.queues.map((q) => ({ channel: q.sender.name, to: q.sender.describe, events: [...q.kinds] })),
      });
  }

  /** Each channel's counters, now. */
  stats(): AlertChannelStats[] {
    return this.queues.map((q) => q.stats());
  }

  /** Resolves once every channel has nothing queued and nothing in flight. */
  async idle(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.idle()));
  }

  /**
   * Stops listening, gives queued alerts up to `graceMs` to go out, then cuts what is still in
   * flight; alerts left are counted `dropped`. Never throws.
   */
  close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.closed ??= this.shutDown(graceMs);
    return this.closed;
  }

  private async shutDown(graceMs: number): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    const undelivered = await Promise.all(this.queues.map((q) => q.abort()));
    const total = undelivered.reduce((a, b) => a + b, 0);
    if (total > 0) this.log.warn("alerts_closed_undelivered", { dropped: total, graceMs });
  }

  private listen<K extends ServiceEventName>(name: K, handle: (event: ServiceEvents[K]) => void): void {
    this.unsubscribe.push(
      this.bus.on(name, (event) => {
        // The emitter must never see an alert's problem.
        try {
          handle(event);
        } catch (error) {
          this.log.error("alert_not_made", { event: name, reason: (error as Error).message ?? String(error) });
        }
      }),
    );
  }

  private onTrade(e: ServiceEvents["trade"]): void {
    const record = e.record;
    switch (e.kind) {
      case "succeeded":
        this.publish({ kind: "trade_landed", record });
        if (isProfitMismatch(record, this.config.alertProfitMismatchPct))
          this.publish({ kind: "profit_mismatch", record, thresholdPct: this.config.alertProfitMismatchPct });
        break;
      case "reverted":
        this.publish({ kind: "trade_reverted", record });
        break;
      case "dropped":
        this.publish({ kind: "trade_dropped", record });
        break;
      case "reorged":
        // The trade goes back to `sent` and is followed again: its new outcome is alerted then.
        break;
    }
  }

  /** Makes the alert once and queues it on every channel that takes its kind. */
  private publish(source: AlertSource): void {
    const queues = this.queues.filter((q) => q.kinds.has(source.kind));
    if (queues.length === 0) return;
    const alert = makeAlert(source, this.options.chainId === undefined ? {} : { chainId: this.options.chainId });
    for (const q of queues) q.push(alert);
  }
}

/**
 * Starts alerts for the service's `events`: see {@link AlertNotifier}.
 *
 * @example
 * const alerts = startAlerts(service.events, config, log);
 * // … on shutdown
 * await alerts.close();
 *
 * @throws AlertConfigError naming the environment variable a channel needs and does not find.
 */
export function startAlerts(
  events: EventBus,
  config: AlertsConfig,
  log: Logger,
  env: AlertEnv = process.env,
  options: AlertOptions = {},
): AlertNotifier {
  return new AlertNotifier(events, config, log, env, options);
}

/**
 * Whether a landed trade's realised profit is off its expected profit by more than `pct`
 * percent of the expected: |realised − expected| × 100 > pct × |expected|, exactly.
 */
export function isProfitMismatch(record: TradeRecord, pct: number): boolean {
  if (record.realisedProfit === null) return false;
  const difference = abs(record.realisedProfit - record.expectedProfit);
  const limit = BigInt(Math.round(pct * PCT_SCALE)) * abs(record.expectedProfit);
  return difference * 100n * BigInt(PCT_SCALE) > limit;
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** One channel's queue: delivers in order, one alert at a time, in the background. */
class ChannelQueue {
  readonly kinds: ReadonlySet<AlertEvent>;
  private readonly waiting: Alert[] = [];
  private inFlight: Alert | undefined;
  private busy = false;
  private readonly stop = new AbortController();
  private idleWaiters: Array<() => void> = [];
  private drained: Promise<void> = Promise.resolve();
  private sent = 0;
  private failed = 0;
  private retries = 0;
  private dropped = 0;

  constructor(
    readonly sender: AlertSender,
    events: readonly AlertEvent[],
    private readonly log: Logger,
    private readonly limits: Required<Omit<AlertOptions, "chainId">>,
  ) {
    this.kinds = new Set(events);
  }

  /** Queues `alert`; never blocks, never throws. A full queue drops its oldest alert. */
  push(alert: Alert): void {
    if (this.stop.signal.aborted) {
      this.dropped += 1;
      return;
    }
    if (this.waiting.length >= this.limits.maxQueue) {
      const oldest = this.waiting.shift();
      this.dropped += 1;
      this.log.warn("alert_dropped", {
        channel: this.sender.name,
        kind: oldest?.kind,
        madeAt: oldest?.at,
        reason: `the channel's queue is full (${this.limits.maxQueue} alerts)`,
        droppedSoFar: this.dropped,
      });
    }
    this.waiting.push(alert);
    if (!this.busy) {
      this.busy = true;
      // Sent after the emitter's own code has run: not even the request's start is on its time.
      this.drained = new Promise<void>((resolve) => queueMicrotask(() => this.drain().then(resolve)));
    }
  }

  stats(): AlertChannelStats {
    return {
      channel: this.sender.name,
      type: this.sender.type,
      describe: this.sender.describe,
      events: [...this.kinds],
      sent: this.sent,
      failed: this.failed,
      retries: this.retries,
      dropped: this.dropped,
      pending: this.waiting.length + (this.inFlight === undefined ? 0 : 1),
    };
  }

  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cuts the request in flight and any backoff; returns how many alerts were left undelivered. */
  async abort(): Promise<number> {
    const before = this.dropped;
    this.stop.abort();
    await this.drained;
    this.dropped += this.waiting.splice(0).length;
    return this.dropped - before;
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stop.signal.aborted) {
        const alert = this.waiting.shift();
        if (alert === undefined) break;
        this.inFlight = alert;
        await this.deliver(alert);
        this.inFlight = undefined;
      }
    } catch (error) {
      // `deliver` catches what a send throws; this is for a bug, which must not become an unhandled rejection.
      this.log.error("alert_queue_failed", { channel: this.sender.name, reason: (error as Error).message });
    } finally {
      this.inFlight = undefined;
      this.busy = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async deliver(alert: Alert): Promise<void> {
    const { attempts, backoffMs, maxBackoffMs } = this.limits;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sender.send(alert, this.stop.signal);
        this.sent += 1;
        if (attempt > 1) this.log.info("alert_sent", { channel: this.sender.name, kind: alert.kind, attempt });
        return;
      } catch (error) {
        const reason = error instanceof BaseError ? error.shortMessage : String(error);
        if (this.stop.signal.aborted) {
          this.dropped += 1;
          this.log.warn("alert_dropped", {
            channel: this.sender.name,
            kind: alert.kind,
            reason: "the alerts were closed",
          });
          return;
        }
        if (attempt >= attempts) {
          this.failed += 1;
          this.log.warn("alert_failed", { channel: this.sender.name, kind: alert.kind, attempts: attempt, reason });
          return;
        }
        const asked = (error as Partial<AlertSendError>).retryAfterMs ?? 0;
        const wait = Math.min(maxBackoffMs, Math.max(backoffMs * 2 ** (attempt - 1), asked));
        this.retries += 1;
        this.log.debug?.("alert_retry", {
          channel: this.sender.name,
          kind: alert.kind,
          attempt,
          retryInMs: wait,
          reason,
        });
        await pause(wait, this.stop.signal);
      }
    }
  }
}

/** Waits `ms`, or less if `signal` aborts; never rejects. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener("abort", done, { once: true });
  });
}
