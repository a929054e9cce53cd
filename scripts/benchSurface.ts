// `npm run bench:surface`: what the operator's surface costs. (1) The engine's block→trade
// latency on a local node with the API, an open live stream, the metrics and the dashboard's
// polling attached, against the same engine without them, in alternating phases. (2) `GET
// /api/trades` with filters over 100,000 records: latency per request over HTTP on loopback.
// Prints a table, or one JSON line with --json; writes snapshots/surface.json with --out.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { startApi } from "../src/api/server.js";
import { createCommand, positiveInteger } from "../src/cli.js";
import { createLogger } from "../src/engine/log.js";
import { type RecordsReader, SqliteRecordsReader } from "../src/engine/record/reader.js";
import { Records, type TradeStatus } from "../src/engine/record/records.js";
import { EngineMetrics } from "../src/metrics/metrics.js";
import { startLocalEngine } from "./lib/localEngine.js";

const options = createCommand("bench:surface", "Measure the operator surface's cost to the engine and its API's speed.")
  .option("--records <n>", "records in the API benchmark's file", positiveInteger, 100_000)
  .option("--requests <n>", "requests per query", positiveInteger, 200)
  .option("--moves <n>", "price moves per latency phase", positiveInteger, 12)
  .option("--phases <n>", "alternating phases with and without the surface", positiveInteger, 4)
  .option("--postgres <url>", "also measure the API over the same records in PostgreSQL (a database it may fill)")
  .option("--out <file>", "write the report here (e.g. snapshots/surface.json)")
  .option("--json", "print one JSON line", false)
  .parse()
  .opts<{
    records: number;
    requests: number;
    moves: number;
    phases: number;
    postgres?: string;
    out?: string;
    json: boolean;
  }>();

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number);
};
const round = (x: number) => Math.round(x * 100) / 100;

// ---- (1) block→trade latency with and without the surface, on one engine
const log = createLogger({ level: "warn" });
const local = await startLocalEngine({ port: 8548, name: "bench-surface", confirmations: 1, pollIntervalMs: 100, log });
const { deps, service } = local;
async function phase(): Promise<number[]> {
  const from = service.engine.blockToTxMs.length;
  for (let i = 0; i < options.moves; i++) {
    await local.move();
    await service.idle();
  }
  return service.engine.blockToTxMs.slice(from);
}

/** The surface as an operator has it open: API, one live-stream client, metrics scraped and the dashboard's polls. */
async function attachSurface(reader: RecordsReader) {
  const metrics = new EngineMetrics(service);
  const api = await startApi(
    {
      service,
      records: reader,
      book: deps.book,
      symbols: deps.symbols,
      metrics,
      log,
      token: "bench",
      host: "127.0.0.1",
    },
    0,
  );
  const controller = new AbortController();
  const stream = await fetch(`${api.url}/api/stream`, { signal: controller.signal });
  const reader$ = (stream.body as ReadableStream<Uint8Array>).getReader();
  const draining = (async () => {
    for (;;) if ((await reader$.read().catch(() => ({ done: true }))).done) return;
  })();
  const poll = setInterval(() => {
    for (const path of ["/metrics", "/api/status", "/api/trades?limit=50", "/api/opportunities?limit=50"])
      void fetch(`${api.url}${path}`).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
  }, 1_000);
  return {
    api,
    async close() {
      clearInterval(poll);
      controller.abort();
      await draining;
      await api.close();
      metrics.close();
    },
  };
}

await phase(); // warm-up
const without: number[] = [];
const withSurface: number[] = [];
for (let p = 0; p < options.phases; p++) {
  if (p % 2 === 0) without.push(...(await phase()));
  else {
    const surface = await attachSurface(new SqliteRecordsReader(deps.records));
    withSurface.push(...(await phase()));
    await surface.close();
  }
}
const latency = {
  without: { samples: without.length, p50Ms: round(quantile(without, 0.5)), p99Ms: round(quantile(without, 0.99)) },
  withSurface: {
    samples: withSurface.length,
    p50Ms: round(quantile(withSurface, 0.5)),
    p99Ms: round(quantile(withSurface, 0.99)),
  },
};

// ---- (2) GET /api/trades with filters over many records
const bigFile = `cache/bench-surface-records-${Date.now()}.sqlite`;
const big = new Records(bigFile);
big.bindChain({ chainId: 31337, genesisHash: `0x${"ab".repeat(32)}` });
let seed = 0x5eedn;
const random = () => {
  seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
  return Number(seed >> 11n) / 2 ** 53;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
const STATUSES: TradeStatus[] = [
  "filtered",
  "filtered",
  "filtered",
  "simulation_failed",
  "dry_run",
  "succeeded",
  "reverted",
];
const TOKENS = ["WETH", "USDC", "DAI"];
const LENDERS = ["BalancerV2", "AaveV3", "UniswapV3"];
const POOLS = [
  "Uniswap V2 WETH/USDC 0.3%",
  "Sushiswap WETH/USDC 0.3%",
  "Uniswap V3 WETH/USDC 0.05%",
  "Balancer weighted WETH/DAI/USDC 40/30/30 0.3%",
];
for (let done = 0; done < options.records; done += 5_000)
  big.atomically(() => {
    for (let i = done; i < Math.min(options.records, done + 5_000); i++) {
      const status = pick(STATUSES);
      const id = big.add({
        block: 1_000 + i,
        cycle: `${pick(POOLS)} > ${pick(POOLS)}`,
        token: pick(TOKENS),
        decimals: 18,
        amountIn: BigInt(Math.floor(random() * 1e18)),
        lender: pick(LENDERS),
        expectedProfit: BigInt(Math.floor(random() * 1e16)),
        gasCost: 10n ** 14n,
        expectedProfitUsd6: BigInt(Math.floor(random() * 5e7)),
        status: status === "succeeded" || status === "reverted" ? "detected" : status,
        reason: status === "filtered" ? "below minProfitUsd" : null,
      });
      if (status === "succeeded" || status === "reverted")
        big.update(id, {
          status,
          realisedProfit: status === "succeeded" ? BigInt(Math.floor(random() * 1e16)) : null,
          realisedProfitUsd6: status === "succeeded" ? BigInt(Math.floor(random() * 5e7)) : null,
          gasPaidWei: 3n * 10n ** 14n,
          gasPaidUsd6: 900_000n,
        });
    }
  });
// Spread over 90 days, as a long run leaves them.
const raw = new DatabaseSync(bigFile);
raw.exec(
  "UPDATE opportunities SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (abs(random()) % 7776000) || ' seconds')",
);
raw.close();
const QUERIES = [
  "/api/trades?limit=50",
  "/api/trades?status=succeeded&limit=50",
  "/api/trades?token=WETH&lender=BalancerV2&limit=50",
  "/api/trades?venue=Uniswap%20V3&status=succeeded,reverted&limit=50",
  "/api/trades?since=7d&sort=realisedProfitUsd6&order=desc&limit=50",
  "/api/trades?status=reverted&offset=5000&limit=50",
];
/** Latency of each query through the API over `reader`: p50 and p99 per query, and p99 over all. */
async function measureApi(reader: RecordsReader) {
  const surface = await attachSurface(reader);
  const perQuery: Record<string, { p50Ms: number; p99Ms: number }> = {};
  const all: number[] = [];
  for (const query of QUERIES) {
    const times: number[] = [];
    for (let i = 0; i < options.requests; i++) {
      const began = performance.now();
      const response = await fetch(`${surface.api.url}${query}`);
      if (response.status !== 200) throw new Error(`${query}: HTTP ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      times.push(performance.now() - began);
    }
    all.push(...times);
    perQuery[query] = { p50Ms: round(quantile(times, 0.5)), p99Ms: round(quantile(times, 0.99)) };
  }
  await surface.close();
  return { p99Ms: round(quantile(all, 0.99)), perQuery };
}
const sqlite = await measureApi(new SqliteRecordsReader(big));
let postgres: Awaited<ReturnType<typeof measureApi>> | undefined;
if (options.postgres !== undefined) {
  const { openRecordsStore } = await import("../src/engine/record/postgres/index.js");
  const store = await openRecordsStore(options.postgres, big, log);
  await store.mirror.flush();
  // Statistics as autovacuum keeps them on a running database (a bulk load has none yet).
  const { Client } = (await import("pg")).default;
  const client = new Client({ connectionString: options.postgres });
  await client.connect();
  await client.query("ANALYZE");
  await client.end();
  postgres = await measureApi(store.reader);
  await store.close();
}
big.close();
await local.close("the end of the benchmark");
for (const file of [bigFile, local.databasePath]) rmSync(file, { force: true });

const report = {
  latency,
  latencyChangeP50Pct: round((latency.withSurface.p50Ms / latency.without.p50Ms - 1) * 100),
  api: {
    records: options.records,
    requestsPerQuery: options.requests,
    sqlite,
    ...(postgres === undefined ? {} : { postgres }),
  },
  measuredOn: new Date().toISOString().slice(0, 10),
};
if (options.out !== undefined) {
  mkdirSync("snapshots", { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
}
if (options.json) console.log(JSON.stringify(report));
else {
  const line = (name: string, l: { p50Ms: number; p99Ms: number; samples: number }) =>
    console.log(`block→trade ${name}: p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (${l.samples} trades)`);
  line("without the surface", latency.without);
  line("with the surface   ", latency.withSurface);
  for (const [store, result] of Object.entries({ sqlite, ...(postgres === undefined ? {} : { postgres }) })) {
    console.log(`GET /api/trades over ${options.records} records (${store}): p99 ${result.p99Ms} ms`);
    for (const [q, v] of Object.entries(result.perQuery)) console.log(`  ${q}: p50 ${v.p50Ms} ms, p99 ${v.p99Ms} ms`);
  }
}
process.exit(0);
