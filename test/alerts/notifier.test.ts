import { EventEmitter, once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { expect } from "chai";
import { AlertConfigError } from "../../src/alerts/channels.js";
import { type AlertsConfig, isProfitMismatch, startAlerts } from "../../src/alerts/notifier.js";
import { parseEngineConfig } from "../../src/engine/config.js";
import { EventBus } from "../../src/engine/events.js";
import { formatAmount, formatUsd } from "../../src/engine/format.js";
import type { Logger } from "../../src/engine/log.js";
import type { TradeRecord } from "../../src/engine/record/records.js";
import { cheapenWethOnUniswapV2, serviceFor } from "../engine/support/service.js";
import { loadExecutor } from "../fixtures/executor.js";

/** One request the loopback server received, exactly as it arrived. */
interface Received {
  readonly method: string;
  /** The path with its query, as sent (`/bot123:abc/sendMessage`). */
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** How the server answers a request: 200, 500 (echoing the path), or not at all until released. */
type Answer = "ok" | "error" | "hang";

/**
 * A real HTTP server on loopback that records every request and answers as the test says, per
 * path: what an alert channel (Telegram's Bot API, a Discord webhook, any webhook) looks like from
 * the sender's side.
 */
class AlertServer {
  readonly requests: Received[] = [];
  /** How each path is answered; `ok` when no prefix matches. */
  readonly answers = new Map<string, Answer>();
  private readonly hung: ServerResponse[] = [];
  private readonly arrivals = new EventEmitter();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<AlertServer> {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const s = new AlertServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => s.handle(req, res));
    return s;
  }

  /** The requests to paths starting with `prefix`, in the order they arrived. */
  to(prefix: string): Received[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** Resolves with the requests to `prefix` once there are at least `n`; rejects after `timeoutMs`. */
  async received(prefix: string, n: number, timeoutMs = 10_000): Promise<Received[]> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.to(prefix).length < n) {
      try {
        await once(this.arrivals, "request", { signal: deadline });
      } catch {
        throw new Error(`${this.to(prefix).length} of ${n} requests to ${prefix} arrived within ${timeoutMs} ms`);
      }
    }
    return this.to(prefix);
  }

  /** How many requests are being held without an answer. */
  get held(): number {
    return this.hung.length;
  }

  /** Answers every held request with 200. */
  release(): void {
    for (const res of this.hung.splice(0)) if (!res.writableEnded) res.end('{"ok":true}');
  }

  async close(): Promise<void> {
    this.release();
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const path = req.url ?? "";
      this.requests.push({ method: req.method ?? "", path, contentType: req.headers["content-type"], body, json });
      const answer = [...this.answers].find(([prefix]) => path.startsWith(prefix))?.[1] ?? "ok";
      if (answer === "hang") this.hung.push(res);
      else if (answer === "error") {
        // Like a careless proxy, the error page repeats the URL: the sender must not log it as is.
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`internal error at ${path}`);
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"ok":true}');
      }
      this.arrivals.emit("request");
    });
  }
}

/** A loopback URL on which nothing listens (a port just freed). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** One logged line. */
interface LogLine {
  readonly level: "info" | "warn" | "error" | "debug";
  readonly event: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every line, for assertions. */
function recordingLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (event: string, fields: Record<string, unknown> = {}) =>
      lines.push({ level, event, fields });
  return { log: { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") }, lines };
}

const TX = `0x${"ab".repeat(32)}`;
const CYCLE = "Uniswap V2 WETH/DAI 0.3% → Uniswap V3 DAI/WETH 0.05%";

/** A landed DAI trade as the records hold it once its receipt is in; `overrides` for the case at hand. */
function tradeRecord(overrides: Partial<TradeRecord> = {}): TradeRecord {
  return {
    id: 12,
    createdAt: "2025-06-01T12:00:00.000Z",
    updatedAt: "2025-06-01T12:00:13.000Z",
    chainId: 31337,
    block: 21_000_000,
    strategy: "arbitrage",
    cycle: CYCLE,
    route: "0xA478c2975Ab1Ea89e8196811F51A7B7Ade33eB11,0x60594a405d53811d3BC4766596EFD80fd545A270",
    token: "DAI",
    tokenAddress: "0x6B175474E89094C44Da98b954EedeAC495271d0F",
    decimals: 18,
    amountIn: 38_707_421_337n * 10n ** 12n,
    lender: "BalancerV2",
    expectedProfit: 2_950n * 10n ** 18n,
    gasCost: 1_100n * 10n ** 15n,
    expectedProfitUsd6: 2_948_900_000n,
    status: "succeeded",
    reason: null,
    nonce: 7,
    txHash: TX,
    rawTx: "0x02f8b1827a6907843b9aca00",
    minedBlock: 21_000_001,
    minedBlockHash: `0x${"cd".repeat(32)}`,
    final: false,
    realisedProfit: 2_903_980_000_000_000_000_000n,
    realisedProfitUsd6: 2_903_980_000n,
    gasUsed: 312_456n,
    gasPaidWei: 1_234_567_000_000_000n,
    gasPaidUsd6: 940_000n,
    replacedHashes: [],
    riskCounted: "succeeded",
    ...overrides,
  };
}

/** The configuration's alerts as the engine's schema parses them (defaults filled in). */
function alertsConfig(alerts: readonly object[], alertProfitMismatchPct = 5): AlertsConfig {
  return parseEngineConfig({ alerts, alertProfitMismatchPct });
}

/** Short deadlines, so that retries and timeouts happen within a test. */
const FAST = { timeoutMs: 2_000, attempts: 3, backoffMs: 5, maxBackoffMs: 20 } as const;

interface Payload {
  readonly event: string;
  readonly chainId?: number;
  readonly at: string;
  readonly text: string;
  readonly data: Record<string, unknown>;
}

const payloads = (requests: readonly Received[]) => requests.map((r) => r.json as Payload);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected it to throw");
}

describe("alerts", () => {
  const servers: AlertServer[] = [];
  const notifiers: Array<{ close(graceMs?: number): Promise<void> }> = [];
  const server = async () => {
    const s = await AlertServer.start();
    servers.push(s);
    return s;
  };
  const start = (...args: Parameters<typeof startAlerts>) => {
    const n = startAlerts(...args);
    notifiers.push(n);
    return n;
  };

  afterEach(async () => {
    for (const n of notifiers.splice(0)) await n.close(0);
    for (const s of servers.splice(0)) await s.close();
  });

  it("sends Telegram, Discord and a webhook each its own body at its own path, and logs no secret", async () => {
    const s = await server();
    const env = {
      TG_TOKEN: "123456:AAE-secret-token",
      DISCORD_URL: `${s.url}/api/webhooks/987/discord-secret`,
      HOOK_URL: `${s.url}/hook/hook-secret`,
    };
    const config = alertsConfig([
      { type: "telegram", chatId: "-100123", tokenEnv: "TG_TOKEN", apiUrl: s.url },
      { type: "discord", urlEnv: "DISCORD_URL" },
      { type: "webhook", urlEnv: "HOOK_URL" },
    ]);
    const bus = new EventBus();
    const { log, lines } = recordingLog();
    const alerts = start(bus, config, log, env, FAST);
    bus.emit("trade", { kind: "succeeded", record: tradeRecord() });
    await alerts.idle();

    const text = [
      "Trade #12 landed in block 21000001: realised 2,903.98 DAI ($2,903.98), expected 2,950.00 DAI; gas 0.001235 ETH ($0.94)",
      CYCLE,
      "Borrowed 38,707.42 DAI from BalancerV2",
      `tx ${TX}`,
    ].join("\n");
    expect(s.requests).to.have.length(3);
    for (const r of s.requests) {
      expect(r.method).to.equal("POST");
      expect(r.contentType).to.equal("application/json");
    }
    const telegram = s.to("/bot");
    expect(telegram.map((r) => r.path)).to.deep.equal(["/bot123456:AAE-secret-token/sendMessage"]);
    expect(telegram[0]?.json).to.deep.equal({ chat_id: "-100123", text });
    const discord = s.to("/api/webhooks/987/discord-secret");
    expect(discord.map((r) => r.json)).to.deep.equal([{ content: text, allowed_mentions: { parse: [] } }]);
    const [hook] = payloads(s.to("/hook/hook-secret"));
    expect(hook).to.deep.include({ event: "trade_landed", chainId: 31337, text });
    expect(Math.abs(Date.parse(hook?.at ?? "") - Date.now())).to.be.below(60_000);
    expect(hook?.data).to.deep.include({
      id: 12,
      token: "DAI",
      decimals: 18,
      cycle: CYCLE,
      lender: "BalancerV2",
      amountIn: "38707421337000000000000",
      expectedProfit: "2950000000000000000000",
      realisedProfit: "2903980000000000000000",
      realisedProfitUsd6: "2903980000",
      gasPaidWei: "1234567000000000",
      gasPaidUsd6: "940000",
      txHash: TX,
      replacedHashes: [],
    });
    expect(hook?.data).to.not.have.property("rawTx");

    expect(alerts.stats().map((c) => [c.channel, c.sent, c.failed, c.retries, c.dropped, c.pending])).to.deep.equal([
      ["telegram#0", 1, 0, 0, 0, 0],
      ["discord#1", 1, 0, 0, 0, 0],
      ["webhook#2", 1, 0, 0, 0, 0],
    ]);
    const logged = JSON.stringify(lines);
    expect(logged).to.contain("alerts_started");
    for (const secret of ["AAE-secret-token", "discord-secret", "hook-secret"]) expect(logged).to.not.contain(secret);
  });

  it("sends each channel only the events in its list, in the order they happened", async () => {
    const s = await server();
    const config = alertsConfig([
      { type: "webhook", url: `${s.url}/reverts`, events: ["trade_reverted"] },
      { type: "webhook", url: `${s.url}/ops`, events: ["risk_trip", "risk_resumed", "control"] },
      { type: "webhook", url: `${s.url}/rpc`, events: ["rpc_lost", "rpc_back"] },
    ]);
    const bus = new EventBus();
    const alerts = start(bus, config, recordingLog().log, {}, FAST);
    const reverted = tradeRecord({
      id: 13,
      status: "reverted",
      realisedProfit: null,
      realisedProfitUsd6: null,
      riskCounted: "reverted",
    });
    bus.emit("trade", { kind: "succeeded", record: tradeRecord() });
    bus.emit("trade", { kind: "reverted", record: reverted });
    bus.emit("trade", { kind: "dropped", record: tradeRecord({ id: 14, status: "dropped", reason: "nonce used" }) });
    bus.emit("risk", {
      kind: "trip",
      reason: "consecutive_failures",
      detail: "3 failed transactions in a row; resuming in 15 minutes",
    });
    bus.emit("control", { action: "pause", from: "api 127.0.0.1", detail: {} });
    bus.emit("risk", { kind: "resume", reason: "gas_price_cap", detail: "resumed by base_fee" });
    bus.emit("rpc", { kind: "lost", reason: "RPC unreachable after 4 attempts" });
    bus.emit("rpc", { kind: "back", downForMs: 83_000 });
    bus.emit("runway", { low: true, balanceWei: 1n, runwayTrades: 0n });
    await alerts.idle();

    expect(payloads(s.to("/reverts")).map((p) => [p.event, p.text])).to.deep.equal([
      [
        "trade_reverted",
        `Trade #13 reverted in block 21000001: nothing realised, gas 0.001235 ETH ($0.94) paid (expected 2,950.00 DAI)\n${CYCLE}\ntx ${TX}`,
      ],
    ]);
    expect(payloads(s.to("/ops")).map((p) => [p.event, p.text])).to.deep.equal([
      [
        "risk_trip",
        "Trading stopped: too many failed trades in a row\n3 failed transactions in a row; resuming in 15 minutes",
      ],
      ["control", "Operator action: pause by api 127.0.0.1"],
      [
        "risk_resumed",
        "Trading resumed (it had stopped because the gas price is above the configured cap)\nresumed by base_fee",
      ],
    ]);
    expect(payloads(s.to("/rpc")).map((p) => [p.event, p.text, p.data])).to.deep.equal([
      [
        "rpc_lost",
        "The RPC does not answer: not trading until it does\nRPC unreachable after 4 attempts",
        { kind: "lost", reason: "RPC unreachable after 4 attempts" },
      ],
      ["rpc_back", "The RPC answers again after 1 min 23 s down; trading on", { kind: "back", downForMs: 83_000 }],
    ]);
    expect(s.requests).to.have.length(6);
    // Nobody takes balance_low: the notifier does not even listen for it.
    expect(bus.has("runway")).to.equal(false);
  });

  it("alerts balance_low once each time the runway falls low, not on every check while it stays low", async () => {
    const s = await server();
    const bus = new EventBus();
    const alerts = start(
      bus,
      alertsConfig([{ type: "webhook", url: `${s.url}/runway`, events: ["balance_low"] }]),
      recordingLog().log,
      {},
      FAST,
    );
    const runway = (low: boolean, balanceWei: bigint, runwayTrades: bigint) =>
      bus.emit("runway", { low, balanceWei, runwayTrades });
    runway(false, 10n ** 18n, 400n);
    runway(true, 12_345_000_000_000_000n, 3n);
    runway(true, 11_000_000_000_000_000n, 2n);
    runway(true, 10_000_000_000_000_000n, 2n);
    runway(false, 2n * 10n ** 18n, 800n);
    runway(false, 2n * 10n ** 18n, 800n);
    runway(true, 2_500_000_000_000_000n, 1n);
    await alerts.idle();
    expect(payloads(s.to("/runway")).map((p) => [p.event, p.text, p.data])).to.deep.equal([
      [
        "balance_low",
        "The operator's balance is low: 0.01235 ETH, gas for about 3 trades\nSend ETH to the operator's address before it runs out.",
        { low: true, balanceWei: "12345000000000000", runwayTrades: "3" },
      ],
      [
        "balance_low",
        "The operator's balance is low: 0.002500 ETH, gas for about 1 trade\nSend ETH to the operator's address before it runs out.",
        { low: true, balanceWei: "2500000000000000", runwayTrades: "1" },
      ],
    ]);
  });

  it("alerts profit_mismatch only when realised and expected differ by more than the configured percentage", async () => {
    const s = await server();
    const bus = new EventBus();
    const alerts = start(
      bus,
      alertsConfig([{ type: "webhook", url: `${s.url}/all` }], 5),
      recordingLog().log,
      {},
      FAST,
    );
    const E = 100n * 10n ** 18n;
    const landed = (id: number, realisedProfit: bigint) =>
      bus.emit("trade", {
        kind: "succeeded",
        record: tradeRecord({ id, expectedProfit: E, realisedProfit, realisedProfitUsd6: null }),
      });
    landed(1, 95n * 10n ** 18n); // exactly 5% short: not past the threshold
    landed(2, 95n * 10n ** 18n - 1n); // 1 wei past it
    landed(3, 105n * 10n ** 18n + 1n); // past it, above the expected
    landed(4, 105n * 10n ** 18n); // exactly 5% over
    await alerts.idle();
    const got = payloads(s.to("/all"));
    expect(got.map((p) => [p.event, p.data.id])).to.deep.equal([
      ["trade_landed", 1],
      ["trade_landed", 2],
      ["profit_mismatch", 2],
      ["trade_landed", 3],
      ["profit_mismatch", 3],
      ["trade_landed", 4],
    ]);
    const mismatch = got.find((p) => p.event === "profit_mismatch");
    expect(mismatch?.text).to.equal(
      `Trade #2 realised 95.00 DAI but 100.00 DAI was expected: -5.00 DAI off, more than the 5% alert threshold\n${CYCLE}\ntx ${TX}`,
    );
    expect(mismatch?.data).to.deep.include({ difference: "-5000000000000000001", thresholdPct: 5 });
  });

  it("compares profit exactly, with a fractional percentage", () => {
    const at = (expectedProfit: bigint, realisedProfit: bigint | null, pct: number) =>
      isProfitMismatch(tradeRecord({ expectedProfit, realisedProfit }), pct);
    expect(at(1_000n, 975n, 2.5)).to.equal(false);
    expect(at(1_000n, 974n, 2.5)).to.equal(true);
    expect(at(1_000n, 1_025n, 2.5)).to.equal(false);
    expect(at(1_000n, 1_026n, 2.5)).to.equal(true);
    expect(at(0n, 1n, 5)).to.equal(true);
    expect(at(0n, 0n, 5)).to.equal(false);
    expect(at(1_000n, null, 5)).to.equal(false);
  });

  it("never holds up emit for a channel that answers 500, hangs or does not listen; the others get theirs, the failures are retried and counted", async () => {
    const s = await server();
    s.answers.set("/bot", "error");
    s.answers.set("/hang", "hang");
    const refused = `${await deadUrl()}/refused`;
    const config = alertsConfig([
      { type: "telegram", chatId: "7", tokenEnv: "TG_TOKEN", apiUrl: s.url },
      { type: "webhook", url: `${s.url}/hang/x` },
      { type: "webhook", url: refused },
      { type: "discord", urlEnv: "DISCORD_URL" },
    ]);
    const env = { TG_TOKEN: "999:dead-token", DISCORD_URL: `${s.url}/api/webhooks/1/good` };
    const bus = new EventBus();
    const { log, lines } = recordingLog();
    const alerts = start(bus, config, log, env, { ...FAST, timeoutMs: 300 });

    const began = performance.now();
    bus.emit("trade", { kind: "succeeded", record: tradeRecord() });
    const emitMs = performance.now() - began;
    expect(emitMs).to.be.below(50);
    // Not even a request was started on the emitter's time.
    expect(s.requests).to.have.length(0);

    const [good] = await s.received("/api/webhooks/1/good", 1);
    expect((good?.json as { content: string } | undefined)?.content).to.contain("realised 2,903.98 DAI ($2,903.98)");
    // The good channel was served while the hanging one still waited for its answer.
    expect(alerts.stats().find((c) => c.channel === "webhook#1")?.pending).to.equal(1);

    await alerts.idle();
    expect(alerts.stats().map((c) => [c.channel, c.sent, c.failed, c.retries, c.dropped, c.pending])).to.deep.equal([
      ["telegram#0", 0, 1, 2, 0, 0],
      ["webhook#1", 0, 1, 2, 0, 0],
      ["webhook#2", 0, 1, 2, 0, 0],
      ["discord#3", 1, 0, 0, 0, 0],
    ]);
    // Every try reached the servers that listen: three each.
    expect(s.to("/bot")).to.have.length(3);
    expect(s.to("/hang")).to.have.length(3);
    const failed = lines.filter((l) => l.event === "alert_failed");
    expect(failed.map((l) => [l.level, l.fields.channel, l.fields.attempts]).sort()).to.deep.equal([
      ["warn", "telegram#0", 3],
      ["warn", "webhook#1", 3],
      ["warn", "webhook#2", 3],
    ]);
    const reason = (channel: string) => String(failed.find((l) => l.fields.channel === channel)?.fields.reason);
    expect(reason("telegram#0")).to.contain("HTTP 500").and.contain("/bot[redacted]/sendMessage");
    expect(reason("webhook#1")).to.contain("no answer within 300 ms");
    expect(reason("webhook#2")).to.contain("ECONNREFUSED");
    expect(JSON.stringify(lines)).to.not.contain("dead-token");
  });

  it("refuses a channel whose environment variable is missing, naming the variable, and listens to nothing", () => {
    const bus = new EventBus();
    const { log } = recordingLog();
    const missing = thrown(() =>
      startAlerts(bus, alertsConfig([{ type: "telegram", chatId: "1", tokenEnv: "ALERTS_TEST_TG" }]), log, {}),
    );
    expect(missing).to.be.instanceOf(AlertConfigError);
    expect((missing as AlertConfigError).shortMessage).to.equal(
      "Alert channel telegram#0 needs the environment variable ALERTS_TEST_TG, which is not set.",
    );
    expect(bus.has("trade")).to.equal(false);

    // Discord's default variable, and an empty value counts as missing.
    const discord = thrown(() =>
      startAlerts(bus, alertsConfig([{ type: "discord" }]), log, { DISCORD_WEBHOOK_URL: " " }),
    );
    expect((discord as AlertConfigError).shortMessage).to.contain("DISCORD_WEBHOOK_URL");

    // Two missing: both named at once.
    const both = thrown(() =>
      startAlerts(
        bus,
        alertsConfig([
          { type: "webhook", urlEnv: "ALERTS_HOOK" },
          { type: "telegram", chatId: "1" },
        ]),
        log,
        {},
      ),
    ) as AlertConfigError;
    expect(both).to.be.instanceOf(AlertConfigError);
    expect(both.message).to.contain("ALERTS_HOOK").and.contain("TELEGRAM_BOT_TOKEN");

    // A value that is no URL is refused without being repeated.
    const garbled = thrown(() =>
      startAlerts(bus, alertsConfig([{ type: "discord", urlEnv: "DISCORD_URL" }]), log, {
        DISCORD_URL: "discord-secret-value",
      }),
    ) as AlertConfigError;
    expect(garbled.shortMessage).to.contain("DISCORD_URL does not hold an http(s) URL");
    expect(garbled.message).to.not.contain("discord-secret-value");
    expect(bus.has("trade") || bus.has("risk") || bus.has("control")).to.equal(false);
  });

  it("bounds a stuck channel's queue: drops the oldest, counts and logs each drop, delivers the rest in order", async () => {
    const s = await server();
    s.answers.set("/slow", "hang");
    const bus = new EventBus();
    const { log, lines } = recordingLog();
    const alerts = start(
      bus,
      alertsConfig([{ type: "webhook", url: `${s.url}/slow`, events: ["trade_landed"] }]),
      log,
      {},
      { ...FAST, timeoutMs: 30_000, attempts: 1, maxQueue: 3 },
    );
    const landed = (id: number) => bus.emit("trade", { kind: "succeeded", record: tradeRecord({ id }) });
    landed(1);
    await s.received("/slow", 1);
    expect(s.held).to.equal(1);
    for (let id = 2; id <= 200; id++) landed(id);
    // Three waiting and one in flight, whatever was emitted.
    expect(alerts.stats()[0]).to.deep.include({ pending: 4, dropped: 196, sent: 0 });
    const drops = lines.filter((l) => l.event === "alert_dropped");
    expect(drops).to.have.length(196);
    expect(drops[0]?.fields).to.deep.include({ channel: "webhook#0", kind: "trade_landed", droppedSoFar: 1 });

    s.answers.set("/slow", "ok");
    s.release();
    await alerts.idle();
    expect(payloads(s.to("/slow")).map((p) => p.data.id)).to.deep.equal([1, 198, 199, 200]);
    expect(alerts.stats()[0]).to.deep.include({ pending: 0, dropped: 196, sent: 4, failed: 0 });
  });

  it("close stops listening and cuts a hung request; what was left is counted dropped", async () => {
    const s = await server();
    s.answers.set("/hang", "hang");
    const bus = new EventBus();
    const { log, lines } = recordingLog();
    const alerts = start(
      bus,
      alertsConfig([{ type: "webhook", url: `${s.url}/hang` }]),
      log,
      {},
      {
        ...FAST,
        timeoutMs: 30_000,
      },
    );
    bus.emit("control", { action: "pause", from: "cli", detail: {} });
    bus.emit("control", { action: "resume", from: "cli", detail: { note: 1n } });
    await s.received("/hang", 1);
    const began = performance.now();
    await alerts.close(20);
    expect(performance.now() - began).to.be.below(2_000);
    expect(alerts.stats()[0]).to.deep.include({ sent: 0, failed: 0, dropped: 2, pending: 0 });
    expect(lines.find((l) => l.event === "alerts_closed_undelivered")?.fields).to.deep.include({ dropped: 2 });
    expect(bus.has("control")).to.equal(false);
    bus.emit("control", { action: "pause", from: "cli", detail: {} });
    expect(s.requests).to.have.length(1);
  });
});

describe("alerts from a running service", () => {
  it("after a real trade on the local chain, a trade_landed alert arrives with the realised profit as the record has it", async () => {
    const s = await AlertServer.start();
    try {
      const f = await loadExecutor();
      const alertConfig = {
        alerts: [
          { type: "telegram", chatId: "42", tokenEnv: "E2E_TG_TOKEN", apiUrl: s.url, events: ["trade_landed"] },
          { type: "webhook", url: `${s.url}/hook` },
        ],
      };
      const { service, records } = await serviceFor(f, true, { config: alertConfig });
      await service.start();
      const chainId = service.chainIdentity?.chainId;
      const alerts = startAlerts(
        service.events,
        parseEngineConfig({ live: true, ...alertConfig }),
        recordingLog().log,
        { E2E_TG_TOKEN: "4242:e2e-token" },
        { ...FAST, ...(chainId === undefined ? {} : { chainId }) },
      );
      await cheapenWethOnUniswapV2(f);
      await service.settle();
      await alerts.idle();
      await alerts.close();
      await service.stop();

      const landed = records.all().filter((r) => r.status === "succeeded");
      expect(landed.length).to.be.greaterThan(0);
      const telegram = s.to("/bot4242:e2e-token/sendMessage").map((r) => r.json as { chat_id: string; text: string });
      expect(telegram).to.have.length(landed.length);
      const hooks = payloads(s.to("/hook")).filter((p) => p.event === "trade_landed");
      expect(hooks.map((p) => p.data.id)).to.deep.equal(landed.map((r) => r.id));
      landed.forEach((r, i) => {
        if (r.realisedProfit === null || r.decimals === null || r.realisedProfitUsd6 === null)
          throw new Error(`#${r.id} has no realised profit, decimals or dollar value`);
        const realised = `realised ${formatAmount(r.realisedProfit, r.decimals, r.token)} (${formatUsd(r.realisedProfitUsd6)})`;
        expect(telegram[i]?.chat_id).to.equal("42");
        expect(telegram[i]?.text).to.contain(`Trade #${r.id} landed in block ${r.minedBlock}: ${realised}`);
        expect(telegram[i]?.text).to.contain(`tx ${r.txHash}`);
        expect(hooks[i]?.chainId).to.equal(31337);
        expect(hooks[i]?.data).to.deep.include({
          realisedProfit: r.realisedProfit.toString(),
          realisedProfitUsd6: r.realisedProfitUsd6.toString(),
          txHash: r.txHash,
        });
      });
    } finally {
      await s.close();
    }
  });
});
