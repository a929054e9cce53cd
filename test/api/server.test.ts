import { request } from "node:http";
import { expect } from "chai";
import { Interface } from "ethers";
import { symbolsOf } from "../../src/addressBook.js";
import { API_TOKEN_NAME } from "../../src/api/auth.js";
import { buildApi, startApi } from "../../src/api/server.js";
import { MAX_STREAM_CLIENTS } from "../../src/api/stream.js";
import { formatAmount, formatUsd } from "../../src/engine/format.js";
import { createLogger } from "../../src/engine/log.js";
import { SqliteRecordsReader } from "../../src/engine/record/reader.js";
import type { Records } from "../../src/engine/record/records.js";
import type { EngineService } from "../../src/engine/service.js";
import { executorAbi } from "../../src/executor/abi.js";
import { EngineMetrics } from "../../src/metrics/metrics.js";
import { cheapenWethOnUniswapV2, serviceFor } from "../engine/support/service.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../fixtures/executor.js";

const TOKEN = "test-token-0123456789";
const executorInterface = new Interface(executorAbi());

/** A started service with one settled dislocation, its metrics, and its API listening on loopback. */
async function running(options: { token?: string } = { token: TOKEN }) {
  const f = await loadExecutor();
  const { service, records } = await serviceFor(f, true);
  const metrics = new EngineMetrics(service);
  const api = await startApi(
    {
      service,
      records: new SqliteRecordsReader(records),
      book: f.replica.book,
      symbols: symbolsOf(f.replica.book),
      metrics,
      log: createLogger(true),
      token: options.token,
      host: "127.0.0.1",
    },
    0,
  );
  await service.start();
  await cheapenWethOnUniswapV2(f);
  await service.settle();
  const get = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${api.url}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : text };
  };
  const send = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
    get(path, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { f, service, records, metrics, api, get, send };
}

type Running = Awaited<ReturnType<typeof running>>;

/** Polls `check` until it is true (a closed stream is noticed by the server a moment later). */
async function eventuallyTrue(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("not within the time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the operator's API", () => {
  let r: Running;
  before(async () => {
    r = await running();
  });
  after(async () => {
    await r.api.close();
    await r.service.stop();
    r.metrics.close();
  });

  it("answers /health, and /ready with each check once the service runs", async () => {
    expect(await r.get("/health")).to.deep.equal({ status: 200, body: { ok: true } });
    const ready = await r.get("/ready");
    expect(ready.status).to.equal(200);
    expect(ready.body.checks).to.deep.equal({ preflightPassed: true, rpcReachable: true, headRecent: true });
  });

  it("/api/status gives the chain, the head handled, the operator's balance from the chain, and the run's counts", async () => {
    const { body } = await r.get("/api/status");
    expect(body.state).to.equal("running");
    expect(body.chainId).to.equal(31337);
    expect(body.headBlock).to.equal(await ethers.provider.getBlockNumber());
    const operator = await r.f.operator.getAddress();
    expect(body.operator).to.equal(operator);
    expect(BigInt(body.operatorBalanceWei)).to.be.greaterThan(0n);
    const succeeded = r.records.all().filter((row) => row.status === "succeeded").length;
    expect(succeeded).to.be.greaterThan(0);
    expect(body.summary.succeeded).to.equal(succeeded);
    expect(body.version).to.match(/^\d+\.\d+\.\d+/);
  });

  it("/api/trades shows each trade's amounts exactly and for a person, equal to the records and the chain's event", async () => {
    const { body } = await r.get("/api/trades?status=succeeded");
    const rows = r.records.all().filter((row) => row.status === "succeeded");
    expect(body.total).to.equal(rows.length);
    for (const view of body.rows) {
      const row = rows.find((x) => x.id === view.id);
      if (row === undefined) throw new Error(`no record ${view.id}`);
      const receipt = await ethers.provider.getTransactionReceipt(view.txHash);
      const event = receipt?.logs
        .map((l) => executorInterface.parseLog(l))
        .find((p) => p?.name === "ArbitrageExecuted");
      expect(view.realisedProfit.raw).to.equal(String(event?.args.profit));
      expect(view.realisedProfit.text).to.equal(formatAmount(row.realisedProfit ?? 0n, row.decimals ?? 18, row.token));
      expect(view.realisedProfitUsd.text).to.equal(formatUsd(row.realisedProfitUsd6 ?? 0n));
      expect(view.gasPaid.wei).to.equal(String((receipt?.gasUsed ?? 0n) * (receipt?.gasPrice ?? 0n)));
      expect(view.stage).to.equal("landed");
      expect(view.txUrl).to.equal(null); // the local chain has no explorer
    }
  });

  it("/api/trades filters by status, token, lender, venue and time, sorts, and pages without overlap", async () => {
    const all = r.records.all();
    const total = (await r.get("/api/trades")).body.total;
    expect(total).to.equal(all.length);
    const weth = await r.get("/api/trades?token=WETH&limit=500");
    expect(weth.body.total).to.equal(all.filter((x) => x.token === "WETH").length);
    for (const row of weth.body.rows) expect(row.token).to.equal("WETH");
    const lender = all.find((x) => x.lender !== "none")?.lender ?? "";
    expect((await r.get(`/api/trades?lender=${lender}`)).body.total).to.equal(
      all.filter((x) => x.lender === lender).length,
    );
    const venue = await r.get("/api/trades?venue=Uniswap%20V2&limit=500");
    expect(venue.body.total).to.equal(all.filter((x) => /(^| > )Uniswap V2 /.test(x.cycle)).length);
    expect(venue.body.total).to.be.greaterThan(0);
    expect((await r.get("/api/trades?since=2999-01-01")).body.total).to.equal(0);
    expect((await r.get("/api/trades?until=2000-01-01")).body.total).to.equal(0);
    const first = await r.get("/api/trades?limit=1&offset=0");
    const second = await r.get("/api/trades?limit=1&offset=1");
    expect(first.body.rows[0].id).to.be.greaterThan(second.body.rows[0].id);
    const asc = await r.get("/api/trades?sort=realisedProfitUsd6&order=desc&status=succeeded&limit=500");
    const values = asc.body.rows.map((x: { realisedProfitUsd: { usd6: string } }) => BigInt(x.realisedProfitUsd.usd6));
    expect(values).to.deep.equal([...values].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  });

  it("counts matches up to its cap unless asked for an exact count, and says which it gave", async () => {
    const capped = await r.get("/api/trades?limit=1");
    const exact = await r.get("/api/trades?limit=1&count=exact");
    expect(capped.body.totalIsExact).to.equal(true);
    expect(exact.body.total).to.equal(capped.body.total);
    // Over the cap (a records file far longer than this run's), the capped count stops there.
    expect(r.records.page({ countCap: 3 }).total).to.equal(4);
    expect(r.records.page({}).total).to.equal(r.records.all().length);
    expect((await r.get("/api/trades?count=some")).status).to.equal(400);
  });

  it("refuses a bad filter with 400 and a message naming it", async () => {
    const bad = await r.get("/api/trades?status=won");
    expect(bad.status).to.equal(400);
    expect(bad.body.message).to.match(/status.*expected one of/);
    expect((await r.get("/api/trades?sort=luck")).body.message).to.match(/^sort:/);
    expect((await r.get("/api/trades?limit=100000")).status).to.equal(400);
    expect((await r.get("/api/trades?since=yesterday")).body.message).to.match(/since/);
    expect((await r.get("/api/trades?since=3000000d")).body.message).to.match(/further back than a date can go/);
    expect((await r.get("/api/trades?colour=red")).body.message).to.match(/colour/);
    expect((await r.get("/api/trades/999999")).status).to.equal(404);
  });

  it("/api/opportunities gives the funnel, each stage counting every opportunity that reached it", async () => {
    const { body } = await r.get("/api/opportunities?limit=500");
    const all = r.records.all();
    expect(body.funnel.found).to.equal(all.length);
    expect(body.funnel.landed).to.equal(all.filter((x) => x.status === "succeeded").length);
    expect(body.funnel.sent).to.be.at.least(body.funnel.landed);
    expect(body.funnel.sized).to.be.at.least(body.funnel.simulated);
    for (const row of body.rows) if (row.status === "filtered") expect(row.outcome).to.equal("stopped");
  });

  it("/api/profit sums the mined trades of the day exactly, net of gas", async () => {
    const { body } = await r.get("/api/profit?period=day");
    expect(body.buckets).to.have.length(1);
    const bucket = body.buckets[0];
    const mined = r.records.all().filter((x) => x.status === "succeeded" || x.status === "reverted");
    const realised = mined.reduce((s, x) => s + (x.status === "succeeded" ? (x.realisedProfitUsd6 ?? 0n) : 0n), 0n);
    const gas = mined.reduce((s, x) => s + (x.gasPaidUsd6 ?? 0n), 0n);
    expect(bucket.realisedUsd.usd6).to.equal(String(realised));
    expect(bucket.gasPaidUsd.usd6).to.equal(String(gas));
    expect(bucket.netUsd.usd6).to.equal(String(realised - gas));
    expect(bucket.period).to.equal(new Date().toISOString().slice(0, 10));
    const month = await r.get("/api/profit?period=month");
    expect(month.body.buckets[0].period).to.equal(`${new Date().toISOString().slice(0, 7)}-01`);
    expect((await r.get("/api/profit?period=year")).status).to.equal(400);
  });

  it("pause needs the token; paused, the engine sends nothing (checked on chain) and says why in the records", async () => {
    expect((await r.send("POST", "/api/pause", undefined, null)).status).to.equal(401);
    expect((await r.send("POST", "/api/pause", undefined, "wrong")).status).to.equal(401);
    expect(r.service.paused).to.equal(false);
    const paused = await r.send("POST", "/api/pause");
    expect(paused.body).to.deep.equal({ changed: true, state: "paused" });
    expect((await r.send("POST", "/api/pause")).body.changed).to.equal(false);
    const operator = await r.f.operator.getAddress();
    const nonce = await ethers.provider.getTransactionCount(operator);
    const lastId = r.records.lastId();
    await cheapenWethOnUniswapV2(r.f);
    await r.service.settle();
    expect(await ethers.provider.getTransactionCount(operator)).to.equal(nonce);
    const held = r.records.list({ afterId: lastId }).filter((x) => x.reason === "risk guard: paused");
    expect(held.length).to.be.greaterThan(0);
    const audit = await r.get("/api/audit?kind=pause");
    expect(audit.body.rows[0].detail.from).to.equal("api 127.0.0.1");
    expect((await r.send("POST", "/api/resume")).body).to.deep.equal({ changed: true, state: "running" });
    await cheapenWethOnUniswapV2(r.f);
    await r.service.settle();
    expect(await ethers.provider.getTransactionCount(operator)).to.be.greaterThan(nonce);
  });

  it("resume ends only a pause; a trip of the risk guard is cleared by POST /api/risk/reset, with the token, audited", async () => {
    for (let i = 0; i < 3; i++) r.service.risk.fail("send_failed");
    expect((await r.get("/api/status")).body.state).to.equal("tripped");
    expect((await r.send("POST", "/api/resume")).body).to.deep.equal({ changed: false, state: "tripped" });
    await r.send("POST", "/api/pause");
    const both = (await r.get("/api/status")).body;
    expect([both.state, both.risk.paused, both.risk.state]).to.deep.equal(["paused", true, "consecutive_failures"]);
    expect((await r.send("POST", "/api/resume")).body).to.deep.equal({ changed: true, state: "tripped" });
    expect((await r.send("POST", "/api/risk/reset", undefined, null)).status).to.equal(401);
    expect((await r.send("POST", "/api/risk/reset")).body).to.deep.equal({ changed: true, state: "running" });
    expect((await r.send("POST", "/api/risk/reset")).body.changed).to.equal(false);
    const audit = await r.get("/api/audit?kind=risk_reset");
    expect(audit.body.rows[0].detail).to.include({ from: "api 127.0.0.1", was: "consecutive_failures" });
  });

  it("PATCH /api/config changes only the keys named, checked by the engine's schema, and audits old and new", async () => {
    const before = { ...r.service.config };
    const ok = await r.send("PATCH", "/api/config", { minProfitUsd: 1_000_000, tokenDenylist: ["DAI"] });
    expect(ok.status).to.equal(200);
    expect(ok.body.changes).to.deep.equal({
      minProfitUsd: { from: before.minProfitUsd, to: 1_000_000 },
      tokenDenylist: { from: [], to: ["DAI"] },
    });
    expect(r.service.config.minProfitUsd).to.equal(1_000_000);
    expect(r.service.config.maxLoanUsd).to.equal(before.maxLoanUsd);
    // In force on the next block: nothing clears a million dollars.
    const lastId = r.records.lastId();
    await cheapenWethOnUniswapV2(r.f);
    await r.service.settle();
    const rows = r.records.list({ afterId: lastId });
    expect(rows.length).to.be.greaterThan(0);
    for (const row of rows) expect(row.status).to.equal("filtered");
    expect(rows.some((row) => row.reason?.startsWith("below minProfitUsd"))).to.equal(true);
    for (const row of rows) expect(row.cycle).to.not.match(/DAI/);
    const audit = await r.get("/api/audit?kind=config_change");
    expect(audit.body.rows[0].detail.changes.minProfitUsd).to.deep.equal({ from: before.minProfitUsd, to: 1_000_000 });
    // null returns a key to its default.
    const reset = await r.send("PATCH", "/api/config", { minProfitUsd: null, tokenDenylist: null });
    expect(reset.body.changes.minProfitUsd.to).to.equal(0);
    expect(r.service.config.tokenDenylist).to.deep.equal([]);
  });

  it("PATCH /api/config refuses what it cannot take, by name, and changes nothing", async () => {
    const before = JSON.stringify(r.service.config);
    const cases: Array<[unknown, RegExp]> = [
      [{ rpcUrl: "http://127.0.0.1:1" }, /rpcUrl/],
      [{ minProfitUsd: -1 }, /minProfitUsd/],
      [{ minProfitUsd: "lots" }, /minProfitUsd/],
      [{ minProfitUsd: 10, maxProfitUsd: 5 }, /maxProfitUsd: must not be below minProfitUsd/],
      [{ tokenDenylist: ["PEPE"] }, /PEPE/],
      [{ poolDenylist: ["0x1234"] }, /poolDenylist/],
      [{ tokenAllowlist: [] }, /tokenAllowlist: an empty allowlist would trade nothing/],
      [{ lenders: [] }, /lenders: an empty list would borrow from no one/],
      [{ lenders: ["Compound"] }, /lenders/],
      [{}, /at least one key/],
    ];
    for (const [body, message] of cases) {
      const answer = await r.send("PATCH", "/api/config", body);
      expect(answer.status, JSON.stringify(body)).to.equal(400);
      expect(answer.body.message, JSON.stringify(body)).to.match(message);
    }
    const notJson = await fetch(`${r.api.url}/api/config`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "{minProfitUsd: 3",
    });
    expect(notJson.status).to.equal(400);
    expect(JSON.stringify(r.service.config)).to.equal(before);
  });

  it("refuses a request that names a host other than loopback (DNS rebinding)", async () => {
    // fetch sets Host itself; a raw request can name any.
    const url = new URL(r.api.url);
    const status = await new Promise<number>((resolve, reject) => {
      request(
        { host: url.hostname, port: url.port, path: "/api/status", headers: { host: "attacker.example:8081" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on("error", reject)
        .end();
    });
    expect(status).to.equal(403);
  });

  it("/api/owner-actions gives exact unsigned transactions that the owner's wallet can send as they are", async () => {
    const { body } = await r.get("/api/owner-actions");
    expect(body.owner).to.equal(await r.f.owner.getAddress());
    const sweeps = body.actions.filter((a: { action: string }) => a.action === "sweep");
    expect(sweeps.length).to.be.greaterThan(0);
    const sweep = sweeps[0];
    const [token] = executorInterface.decodeFunctionData("sweep", sweep.data);
    const erc20 = new ethers.Contract(token, ["function balanceOf(address) view returns (uint256)"], ethers.provider);
    const held = (await erc20.getFunction("balanceOf")(r.f.executorAddress)) as bigint;
    expect(held).to.be.greaterThan(0n);
    // A stranger cannot; the owner can, with the transaction exactly as given.
    let strangerFailed = false;
    await r.f.stranger.sendTransaction({ to: sweep.to, data: sweep.data }).catch(() => {
      strangerFailed = true;
    });
    expect(strangerFailed).to.equal(true);
    await (await r.f.owner.sendTransaction({ to: sweep.to, data: sweep.data, value: BigInt(sweep.value) })).wait();
    expect(await erc20.getFunction("balanceOf")(r.f.executorAddress)).to.equal(0n);
  });

  it("/metrics counts the trades and profit the records hold, labelled by chain", async () => {
    const text = (await r.get("/metrics")).body as string;
    const succeeded = r.records.all().filter((x) => x.status === "succeeded").length;
    expect(text).to.include(
      `flasharb_trades_total{chain="31337",strategy="arbitrage",outcome="succeeded"} ${succeeded}`,
    );
    expect(text).to.include(
      `flasharb_opportunity_outcomes_total{chain="31337",stage="landed",outcome="landed"} ${succeeded}`,
    );
    expect(text).to.match(/flasharb_state\{chain="31337",state="running"\} 1/);
    expect(text).to.match(/flasharb_block_to_trade_seconds_count\{chain="31337"\} [1-9]/);
  });

  it("/openapi.json describes the endpoints from the schemas that validate them", async () => {
    const { body } = await r.get("/openapi.json");
    const trades = body.paths["/api/trades"].get;
    const names = trades.parameters.map((p: { name: string }) => p.name);
    expect(names).to.include.members([
      "status",
      "token",
      "lender",
      "venue",
      "since",
      "until",
      "sort",
      "limit",
      "offset",
    ]);
    const patch = body.paths["/api/config"].patch;
    const schema = patch.requestBody.content["application/json"].schema;
    expect(Object.keys(schema.properties)).to.include.members(["minProfitUsd", "tokenDenylist", "poolAllowlist"]);
    expect(schema.properties).to.not.have.property("rpcUrl");
  });

  it("serves at most MAX_STREAM_CLIENTS live streams at once, and a closed one frees its place", async () => {
    const controllers: AbortController[] = [];
    const open = async () => {
      const controller = new AbortController();
      controllers.push(controller);
      return fetch(`${r.api.url}/api/stream`, { signal: controller.signal });
    };
    for (let i = 0; i < MAX_STREAM_CLIENTS; i++) expect((await open()).status).to.equal(200);
    const refused = await open();
    expect(refused.status).to.equal(503);
    expect(((await refused.json()) as { error: string }).error).to.equal("too_many_streams");
    (controllers[0] as AbortController).abort();
    await eventuallyTrue(async () => (await open()).status === 200);
    for (const c of controllers) c.abort();
  });

  it("streams opportunities and trades as server-sent events while they happen", async () => {
    const controller = new AbortController();
    const response = await fetch(`${r.api.url}/api/stream`, { signal: controller.signal });
    expect(response.headers.get("content-type")).to.match(/text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const seen: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value);
        for (const match of buffer.matchAll(/event: (\w+)\ndata: (.*)\n/g)) seen.push(`${match[1]} ${match[2]}`);
        buffer = buffer.slice(buffer.lastIndexOf("\n\n") + 2);
        if (seen.some((s) => s.startsWith("trade "))) return;
      }
    })();
    await cheapenWethOnUniswapV2(r.f);
    await r.service.settle();
    await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    controller.abort();
    const trade = seen.find((s) => s.startsWith("trade "));
    expect(trade, seen.map((s) => s.slice(0, 40)).join("\n")).to.not.equal(undefined);
    const event = JSON.parse((trade as string).slice(6));
    expect(event.kind).to.equal("succeeded");
    expect(r.records.get(event.trade.id)?.realisedProfit?.toString()).to.equal(event.trade.realisedProfit.raw);
    expect(seen.some((s) => s.startsWith("opportunity "))).to.equal(true);
    expect(seen.some((s) => s.startsWith("block "))).to.equal(true);
  });
});

describe("the operator's API without a token, or off loopback", () => {
  async function built(f: ExecutorFixture, service: EngineService, records: Records, host: string, token?: string) {
    return buildApi({
      service,
      records: new SqliteRecordsReader(records),
      book: f.replica.book,
      symbols: symbolsOf(f.replica.book),
      metrics: new EngineMetrics(service),
      log: createLogger(true),
      token,
      host,
    });
  }

  it("refuses every write when no token is configured, saying which variable to set", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, false);
    const { app } = await built(f, service, records, "127.0.0.1");
    const answer = await app.inject({ method: "POST", url: "/api/pause", headers: { host: "127.0.0.1" } });
    expect(answer.statusCode).to.equal(401);
    expect(answer.json().message).to.include(API_TOKEN_NAME);
    expect(service.paused).to.equal(false);
    // Reads stay open on loopback; /ready says the service has not started.
    const ready = await app.inject({ method: "GET", url: "/ready", headers: { host: "127.0.0.1" } });
    expect(ready.statusCode).to.equal(503);
    expect(ready.json().checks.preflightPassed).to.equal(false);
    await app.close();
  });

  it("shows the configuration's endpoints without the path, query or user part where API keys live", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, false, {
      config: {
        rpcUrl: "https://eth.example.invalid/v2/SECRET_KEY",
        rpcFallbackUrls: ["https://user:SECRET_PASS@fallback.example.invalid"],
        alerts: [{ type: "webhook", url: "https://hooks.example.invalid/services/SECRET_HOOK" }],
      },
    });
    const { app } = await built(f, service, records, "127.0.0.1");
    const answer = await app.inject({ method: "GET", url: "/api/config", headers: { host: "127.0.0.1" } });
    expect(answer.body).to.not.match(/SECRET/);
    const config = answer.json().config;
    expect(config.rpcUrl).to.equal("https://eth.example.invalid/…");
    expect(config.rpcFallbackUrls).to.deep.equal(["https://fallback.example.invalid/…"]);
    expect(config.alerts[0].url).to.equal("https://hooks.example.invalid/…");
    await app.close();
  });

  it("will not listen off loopback without a token, and there reads need it too", async () => {
    const f = await loadExecutor();
    const { service, records } = await serviceFor(f, false);
    let refused: unknown;
    await built(f, service, records, "0.0.0.0").catch((error: unknown) => {
      refused = error;
    });
    expect(String(refused)).to.match(/without a token/);
    const { app } = await built(f, service, records, "0.0.0.0", TOKEN);
    const open = await app.inject({ method: "GET", url: "/api/status", headers: { host: "engine.internal" } });
    expect(open.statusCode).to.equal(401);
    const authorised = await app.inject({
      method: "GET",
      url: "/api/status",
      headers: { host: "engine.internal", authorization: `Bearer ${TOKEN}` },
    });
    expect(authorised.statusCode).to.equal(200);
    await app.close();
  });
});
