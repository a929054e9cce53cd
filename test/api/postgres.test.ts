import { expect } from "chai";
import { symbolsOf } from "../../src/addressBook.js";
import { startApi } from "../../src/api/server.js";
import { createLogger } from "../../src/engine/log.js";
import { openRecordsStore, type RecordsStore } from "../../src/engine/record/postgres/index.js";
import { type RecordsReader, SqliteRecordsReader } from "../../src/engine/record/reader.js";
import type { Records } from "../../src/engine/record/records.js";
import type { EngineService } from "../../src/engine/service.js";
import { EngineMetrics } from "../../src/metrics/metrics.js";
import { freshDatabase, requirePostgres } from "../engine/support/postgres.js";
import { afterOneDislocation, cheapenWethOnUniswapV2 } from "../engine/support/service.js";
import type { ExecutorFixture } from "../fixtures/executor.js";

describe("the operator's API over the records in PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  let f: ExecutorFixture;
  let service: EngineService;
  let records: Records;
  let store: RecordsStore | undefined;
  const apis: Array<{ url: string; close(): Promise<void>; metrics: EngineMetrics }> = [];

  async function serve(reader: RecordsReader) {
    const metrics = new EngineMetrics(service);
    const api = await startApi(
      {
        service,
        records: reader,
        book: f.replica.book,
        symbols: symbolsOf(f.replica.book),
        metrics,
        log: createLogger(true),
        token: undefined,
        host: "127.0.0.1",
      },
      0,
    );
    apis.push({ ...api, metrics });
    return api.url;
  }

  let sqliteUrl: string;
  let postgresUrl: string;

  before(async function () {
    requirePostgres.call(this);
    this.timeout(120_000);
    database = await freshDatabase();
    ({ f, service, records } = await afterOneDislocation(true));
    store = await openRecordsStore(database.url, records, createLogger(true));
    // Another price move while the mirror runs: these records reach PostgreSQL as they are written.
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    await store.mirror.flush();
    sqliteUrl = await serve(new SqliteRecordsReader(records));
    postgresUrl = await serve(store.reader);
  });

  after(async () => {
    for (const api of apis) {
      await api.close();
      api.metrics.close();
    }
    await service?.stop();
    await store?.close();
    await database?.drop();
  });

  /** The body of `path` from both APIs. */
  async function both(path: string): Promise<{ sqlite: unknown; postgres: unknown }> {
    const get = async (base: string) => {
      const response = await fetch(`${base}${path}`);
      expect(response.status, `${base}${path}`).to.equal(200);
      return response.json();
    };
    return { sqlite: await get(sqliteUrl), postgres: await get(postgresUrl) };
  }

  const PATHS = [
    "/api/trades",
    "/api/trades?limit=500",
    "/api/trades?status=succeeded&limit=500",
    "/api/trades?status=filtered,dry_run,simulation_failed&limit=500",
    "/api/trades?token=WETH&limit=500",
    "/api/trades?lender=BalancerV2&limit=500",
    "/api/trades?venue=Uniswap%20V2&limit=500",
    "/api/trades?venue=balancer&limit=500",
    "/api/trades?since=2000-01-01&until=2999-01-01&limit=500",
    "/api/trades?since=2999-01-01",
    "/api/trades?chainId=31337&sort=realisedProfitUsd6&order=desc&limit=500",
    "/api/trades?sort=expectedProfitUsd6&order=asc&limit=7&offset=3",
    "/api/trades?sort=gasPaidUsd6&limit=500",
    "/api/trades?sort=createdAt&order=asc&limit=5&offset=5",
    "/api/trades?chainId=1",
    "/api/opportunities?limit=500",
    "/api/opportunities?limit=3",
    "/api/opportunities?chainId=31337&afterId=5&limit=500",
    "/api/profit?period=day",
    "/api/profit?period=week",
    "/api/profit?period=month",
    "/api/profit?period=day&chainId=31337",
    "/api/profit?period=day&chainId=1",
    "/api/chains",
    "/api/audit?limit=500",
  ];

  it("answers /api/trades, /api/opportunities, /api/profit, /api/chains and /api/audit exactly as over the engine's SQLite records", async () => {
    for (const path of PATHS) {
      const { sqlite, postgres } = await both(path);
      expect(postgres, path).to.deep.equal(sqlite);
    }
    // Something to compare: trades that landed, profit, the chain.
    const { postgres: trades } = await both("/api/trades?status=succeeded&limit=500");
    expect((trades as { total: number }).total).to.equal(records.list({ status: ["succeeded"] }).length);
    expect((trades as { total: number }).total).to.be.greaterThan(1);
    const { postgres: chains } = await both("/api/chains");
    expect(chains).to.deep.equal({ chains: [31337], engine: 31337 });
    const { postgres: profit } = await both("/api/profit?period=day");
    expect((profit as { buckets: unknown[] }).buckets).to.have.length(1);
  });

  it("answers /api/trades/:id with the same trade and signed attempts for every record", async () => {
    for (const { id } of records.all()) {
      const { sqlite, postgres } = await both(`/api/trades/${id}`);
      expect(postgres, `#${id}`).to.deep.equal(sqlite);
    }
    expect((await fetch(`${postgresUrl}/api/trades/999999`)).status).to.equal(404);
  });
});
