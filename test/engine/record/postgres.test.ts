import { mkdirSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { DatabaseSync } from "node:sqlite";
import { inspect } from "node:util";
import { expect } from "chai";
import type { Kysely } from "kysely";
import pg from "pg";
import type { Logger } from "../../../src/engine/log.js";
import { createLogger } from "../../../src/engine/log.js";
import { openPostgres, PostgresConnectError, redactUrl } from "../../../src/engine/record/postgres/database.js";
import { openRecordsStore } from "../../../src/engine/record/postgres/index.js";
import { RecordsMirror, RecordsMirrorError } from "../../../src/engine/record/postgres/mirror.js";
import { PostgresRecordsReader } from "../../../src/engine/record/postgres/reader.js";
import { type Database, LATEST_MIGRATION, migrateToLatest } from "../../../src/engine/record/postgres/schema.js";
import type { ProfitPeriod, TradeQuery } from "../../../src/engine/record/query.js";
import { type AuditQuery, type RecordsReader, SqliteRecordsReader } from "../../../src/engine/record/reader.js";
import { type ChainIdentity, Records, type TradeStatus } from "../../../src/engine/record/records.js";
import { TRADE_STATUSES } from "../../../src/engine/record/tradesView.js";
import { loadExecutor } from "../../fixtures/executor.js";
import { freshDatabase, requirePostgres, SERVER_URL } from "../support/postgres.js";
import { cheapenWethOnUniswapV2, serviceFor } from "../support/service.js";

const dir = `${process.cwd()}/cache/postgres-test-${process.pid}`;
let files = 0;
/** A new SQLite records file. */
function freshRecords(chain?: ChainIdentity): Records {
  mkdirSync(dir, { recursive: true });
  files += 1;
  const records = new Records(`${dir}/records-${files}.sqlite`);
  if (chain !== undefined) records.bindChain(chain);
  return records;
}

const GENESIS_A = `0x${"a1".repeat(32)}`;
const GENESIS_B = `0x${"b2".repeat(32)}`;
const GENESIS_C = `0x${"c3".repeat(32)}`;

const TOKENS = [
  { token: "WETH", decimals: 18 },
  { token: "USDC", decimals: 6 },
  { token: "DAI", decimals: 18 },
  { token: "WBTC", decimals: undefined },
] as const;
const LENDERS = ["BalancerV2", "AaveV3", "UniswapV3", "none"] as const;
const CYCLES = [
  "Uniswap V2 WETH/USDC 0.3% > Sushiswap WETH/USDC 0.3%",
  "Uniswap V3 WETH/USDC 0.05% > Balancer WETH/DAI/USDC 50/25/25 > Uniswap V2 DAI/WETH 0.3%",
  "Balancer WETH/DAI 80/20 > Uniswap V3 DAI/WETH 0.3%",
  "Sushiswap USDC/DAI 0.3% > Uniswap V2 DAI/USDC 0.3%",
  "Curve_100% USDC/DAI 0.04% > Uniswap V3 DAI/USDC 0.01%",
] as const;
/** Across a year's end (ISO week 1 of 2025 starts on Monday 2024-12-30), months, and equal times. */
const TIMES = [
  "2024-12-29T23:59:59.999Z",
  "2024-12-30T00:00:00.000Z",
  "2025-01-01T12:00:00.000Z",
  "2025-01-31T23:00:00.000Z",
  "2025-02-01T00:00:00.000Z",
  "2025-03-02T10:00:00.000Z",
  "2025-03-03T10:00:00.000Z",
  "2025-03-03T10:00:00.000Z",
  "2025-06-15T08:30:00.123Z",
] as const;

const HUGE = 2n ** 255n;
const BIG_USD6 = 9_007_199_254_740_993n;

/**
 * Writes `count` records through the records' own API, every status by turn, over several
 * tokens, lenders and venues, amounts past 2^255 and micro-dollars past 2^53, signed
 * transactions and replacements, and audit events; returns the time each should carry.
 */
function writeSynthetic(records: Records, count: number, seed = 0): Map<number, string> {
  const times = new Map<number, string>();
  for (let n = 0; n < count; n++) {
    const i = n + seed;
    const status = TRADE_STATUSES[i % TRADE_STATUSES.length] as TradeStatus;
    const { token, decimals } = TOKENS[i % TOKENS.length] as (typeof TOKENS)[number];
    const lender = LENDERS[i % 3 === 0 ? 3 : (i * 7) % 3] as string;
    const early = ["filtered", "detected", "simulation_failed", "simulated", "dry_run"].includes(status);
    const id = records.add({
      block: 1_000 + i,
      cycle: CYCLES[i % CYCLES.length] as string,
      route: `0x${(i + 1).toString(16).padStart(40, "0")}`,
      token,
      ...(i % 5 === 0 ? {} : { tokenAddress: `0x${(i % 4).toString(16).padStart(40, "0")}` }),
      ...(decimals === undefined ? {} : { decimals }),
      amountIn: i % 6 === 0 ? 0n : HUGE + BigInt(i),
      lender,
      expectedProfit: 10n ** 20n + BigInt(i),
      gasCost: BigInt(i * 1_000),
      ...(i % 4 === 1 ? {} : { expectedProfitUsd6: i % 3 === 0 ? BIG_USD6 + BigInt(i) : BigInt(i * 1_000_000) }),
      status: early ? status : "simulated",
      reason: status === "filtered" ? (i % 2 === 0 ? "risk guard: paused" : "below minProfitUsd") : null,
    });
    times.set(id, TIMES[(i * 5) % TIMES.length] as string);
    if (early) continue;
    const sign = (k: number) =>
      records.addSigned(id, {
        hash: `0x${i.toString(16).padStart(4, "0")}${k.toString().padStart(60, "0")}`,
        nonce: i,
        rawTx: `0x02f8${i.toString(16)}${k}`,
        maxFeePerGas: 10n ** 10n + BigInt(k),
        maxPriorityFeePerGas: 10n ** 9n + BigInt(k),
      });
    if (status === "send_failed") {
      records.update(id, { status, reason: "nonce too low" });
      continue;
    }
    sign(0);
    if (status === "signed") continue;
    records.update(id, { status: "sent" });
    if (i % 2 === 0) sign(1); // a replacement at the same nonce
    if (status === "sent") continue;
    const mined = {
      minedBlock: 2_000 + i,
      minedBlockHash: `0x${i.toString(16).padStart(64, "0")}`,
      final: i % 3 !== 0,
      gasUsed: 226_778n + BigInt(i),
      gasPaidWei: 10n ** 30n + BigInt(i),
      gasPaidUsd6: i % 2 === 0 ? BIG_USD6 + BigInt(i) : BigInt(i * 10_000),
    };
    if (status === "succeeded")
      records.update(id, {
        status,
        ...mined,
        realisedProfit: HUGE - BigInt(i),
        realisedProfitUsd6: i % 2 === 0 ? BIG_USD6 * 2n + BigInt(i) : BigInt(i * 1_000_000),
        riskCounted: "succeeded",
      });
    else if (status === "reverted") records.update(id, { status, ...mined, reason: "InsufficientProfit(5, 3)" });
    else records.update(id, { status, reason: "dropped by the node" });
  }
  records.event("pause", { from: "api 127.0.0.1", seed });
  records.event("config_change", {
    changes: { minProfitUsd: { from: 0, to: 5 } },
    amount: HUGE + BigInt(seed),
    from: "api",
  });
  records.event("risk_trip", { reason: "3 consecutive failures", nested: { list: [1, "two", null] } });
  return times;
}

/** Sets `created_at` of records directly in the file (Records always writes "now"). */
function setCreatedAt(records: Records, times: ReadonlyMap<number, string>): void {
  const db = new DatabaseSync(records.path);
  const statement = db.prepare("UPDATE opportunities SET created_at = ? WHERE id = ?");
  for (const [id, at] of times) statement.run(at, id);
  db.close();
}

/** The records of a real engine that traded one dislocation on the local chain, in a file. */
async function engineRecords(): Promise<Records> {
  const f = await loadExecutor();
  const records = freshRecords();
  const { service } = await serviceFor(f, true, { records });
  await service.start();
  await cheapenWethOnUniswapV2(f);
  await service.settle();
  await service.stop();
  return records;
}

/** A logger that keeps what it is told. */
function recordingLog(): { log: Logger; lines: Array<{ level: string; event: string }> } {
  const lines: Array<{ level: string; event: string }> = [];
  const at = (level: string) => (event: string) => {
    lines.push({ level, event });
  };
  return { log: { info: at("info"), warn: at("warn"), error: at("error") }, lines };
}

/** Waits until `check` holds (a background write), failing after `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A TCP relay to the test server that can be shut (every connection cut, new ones refused
 * at once) and opened again: the database going down and coming back, from the mirror's side.
 */
class Relay {
  private readonly sockets = new Set<Socket>();
  private open = true;
  refused = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async to(url: string): Promise<Relay> {
    const target = new URL(url);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const via = new URL(url);
    via.hostname = "127.0.0.1";
    via.port = String(port);
    const relay = new Relay(server, via.toString());
    server.on("connection", (client) => {
      if (!relay.open) {
        relay.refused += 1;
        client.destroy();
        return;
      }
      const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        relay.sockets.add(s);
        s.on("error", () => {});
        s.on("close", () => {
          relay.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    return relay;
  }

  shut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  reopen(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.shut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Every page, funnel, profit and audit answer of `reader` for the queries given. */
async function answers(reader: RecordsReader, queries: readonly TradeQuery[]) {
  return Promise.all(queries.map(async (q) => ({ page: await reader.page(q), funnel: await reader.funnel(q) })));
}

describe("the records in PostgreSQL", () => {
  before(requirePostgres);
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("the schema", () => {
    it("migrates an empty database to the newest migration, and a second open or migration changes nothing", async () => {
      const { url, drop } = await freshDatabase();
      try {
        const raw = new pg.Client({ connectionString: url });
        await raw.connect();
        const tables = async () =>
          (
            await raw.query(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
            )
          ).rows.map((r) => r.table_name);
        expect(await tables()).to.deep.equal([]);
        const db = await openPostgres(url);
        expect(await tables()).to.deep.equal([
          "chains",
          "events",
          "kysely_migration",
          "kysely_migration_lock",
          "opportunities",
          "transactions",
        ]);
        expect(
          (await raw.query("SELECT name FROM kysely_migration ORDER BY name")).rows.map((r) => r.name),
        ).to.deep.equal(["0001_records", LATEST_MIGRATION]);
        expect(LATEST_MIGRATION).to.equal("0002_strategy");
        // Again, on the open database and from a second engine: nothing to do.
        expect(await migrateToLatest(db, "test")).to.deep.equal([]);
        const second = await openPostgres(url);
        await second.destroy();
        expect((await raw.query("SELECT count(*)::int AS n FROM kysely_migration")).rows[0].n).to.equal(2);
        // Amounts are exact decimals of up to 78 digits, micro-dollars 64-bit integers.
        const columns = (
          await raw.query(
            `SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns
             WHERE table_name = 'opportunities' AND column_name IN ('amount_in', 'realised_profit', 'gas_paid_wei', 'realised_profit_usd6', 'created_at')
             ORDER BY column_name`,
          )
        ).rows;
        expect(columns).to.deep.equal([
          { column_name: "amount_in", data_type: "numeric", numeric_precision: 78, numeric_scale: 0 },
          {
            column_name: "created_at",
            data_type: "timestamp with time zone",
            numeric_precision: null,
            numeric_scale: null,
          },
          { column_name: "gas_paid_wei", data_type: "numeric", numeric_precision: 78, numeric_scale: 0 },
          { column_name: "realised_profit", data_type: "numeric", numeric_precision: 78, numeric_scale: 0 },
          { column_name: "realised_profit_usd6", data_type: "bigint", numeric_precision: 64, numeric_scale: 0 },
        ]);
        const key = (
          await raw.query(
            `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
             WHERE i.indrelid = 'opportunities'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
          )
        ).rows.map((r) => r.attname);
        expect(key).to.deep.equal(["genesis_hash", "local_id"]);
        await raw.end();
        await db.destroy();
      } finally {
        await drop();
      }
    });
  });

  describe("read through PostgresRecordsReader, the records answer exactly as through SqliteRecordsReader", () => {
    let drop: () => Promise<void>;
    let records: Records;
    let db: Kysely<Database>;
    let mirror: RecordsMirror;
    let sqlite: SqliteRecordsReader;
    let postgres: PostgresRecordsReader;

    before(async function () {
      this.timeout(120_000);
      const fresh = await freshDatabase();
      drop = fresh.drop;
      records = await engineRecords();
      const chain = records.boundChain();
      expect(chain?.chainId).to.equal(31337);
      const engineRows = records.all().length;
      expect(records.all().filter((r) => r.status === "succeeded").length).to.be.greaterThan(0);
      // Synthetic records after the engine's, on the same chain, dated across days, weeks and months.
      setCreatedAt(records, writeSynthetic(records, 66));
      expect(records.all().length).to.equal(engineRows + 66);
      db = await openPostgres(fresh.url);
      mirror = new RecordsMirror(db, records, createLogger(true));
      mirror.start();
      await mirror.flush();
      sqlite = new SqliteRecordsReader(records);
      postgres = new PostgresRecordsReader(db);
    });

    after(async () => {
      await mirror?.close();
      await db?.destroy();
      records?.close();
      await drop?.();
    });

    const QUERIES: TradeQuery[] = [
      {},
      { limit: 500 },
      { status: ["succeeded"] },
      { status: ["filtered", "dry_run", "simulation_failed"], limit: 500 },
      { status: ["signed", "sent"] },
      { token: "WETH", limit: 500 },
      { token: "weth" },
      { token: "WBTC", limit: 500 },
      { lender: "AaveV3", limit: 500 },
      { lender: "none", limit: 500 },
      { venue: "Uniswap V3", limit: 500 },
      { venue: "uniswap v2", limit: 500 },
      { venue: "Balancer", limit: 500 },
      { venue: "Sushiswap", limit: 500 },
      { venue: "WETH/USDC" },
      { venue: "Curve_100%" },
      { venue: "Curve_1" },
      { venue: "%" },
      { venue: "_" },
      { since: "2025-01-01T00:00:00.000Z", limit: 500 },
      { until: "2025-01-01T00:00:00.000Z", limit: 500 },
      { since: "2024-12-30T00:00:00.000Z", until: "2025-03-03T10:00:00.000Z", limit: 500 },
      { since: "2025-03-03T10:00:00.000Z", until: "2025-03-03T10:00:00.001Z" },
      { afterId: 10, limit: 500 },
      { chainId: 31337, limit: 3 },
      { chainId: 1 },
      { limit: 5, offset: 0 },
      { limit: 5, offset: 5 },
      { limit: 5, offset: 1_000 },
      {
        token: "WETH",
        lender: "BalancerV2",
        status: ["succeeded", "reverted"],
        venue: "Uniswap V2",
        sort: "createdAt",
      },
      { status: ["succeeded", "reverted"], sort: "realisedProfitUsd6", order: "desc", limit: 500 },
      // Counted up to a cap: the same lower bound from both.
      { countCap: 3 },
      { status: ["filtered"], countCap: 2 },
      { countCap: 1_000_000 },
    ];
    for (const sort of ["id", "createdAt", "block", "expectedProfitUsd6", "realisedProfitUsd6", "gasPaidUsd6"] as const)
      for (const order of ["asc", "desc"] as const)
        for (const offset of [0, 7]) QUERIES.push({ sort, order, limit: 9, offset }, { sort, order, limit: 500 });

    it("gives the same pages and funnels for every filter, sort and page", async () => {
      const expected = await answers(sqlite, QUERIES);
      const actual = await answers(postgres, QUERIES);
      for (const [i, query] of QUERIES.entries()) expect(actual[i], JSON.stringify(query)).to.deep.equal(expected[i]);
      // The table has teeth: the filters select something, and something different.
      const totals = expected.map((e) => e.page.total);
      expect(totals[0]).to.equal(records.all().length);
      expect(new Set(totals).size).to.be.greaterThan(10);
      const total = async (q: TradeQuery) => (await postgres.page(q)).total;
      expect(await total({ venue: "Uniswap V3" })).to.be.greaterThan(0);
      expect(await total({ venue: "uniswap v2" })).to.equal(await total({ venue: "Uniswap V2" }));
      expect(await total({ venue: "uniswap v2" })).to.be.greaterThan(0);
      expect(await total({ venue: "Curve_100%" })).to.be.greaterThan(0);
      expect(await total({ venue: "Curve_1" })).to.equal(0); // _ and % are not wildcards
      expect(await total({ venue: "WETH/USDC" })).to.equal(0); // a venue starts a pool's name
      expect(expected[0]?.funnel.landed).to.be.greaterThan(0);
    });

    it("gives the same profit per day, ISO week (from Monday) and month, summed exactly, for every chain filter", async () => {
      for (const period of ["day", "week", "month"] as ProfitPeriod[])
        for (const chainId of [undefined, 31337, 5]) {
          const expected = await sqlite.profit(period, chainId);
          expect(await postgres.profit(period, chainId), `${period} ${chainId}`).to.deep.equal(expected);
        }
      const weeks = (await postgres.profit("week")).map((b) => b.period);
      // Sunday 2024-12-29 is in the week of Monday 2024-12-23; Monday 2024-12-30 starts the next.
      expect(weeks).to.include.members(["2024-12-23", "2024-12-30", "2025-02-24", "2025-03-03"]);
      for (const week of weeks) expect(new Date(`${week}T00:00:00Z`).getUTCDay(), week).to.equal(1);
      // Exact beyond 2^255 and 2^53: the sums equal the records', added as bigints.
      const mined = records.all().filter((r) => r.status === "succeeded");
      const weth = mined.filter((r) => r.token === "WETH").reduce((s, r) => s + (r.realisedProfit ?? 0n), 0n);
      const summed = (await postgres.profit("month"))
        .flatMap((b) => b.profit)
        .filter((p) => p.token === "WETH")
        .reduce((s, p) => s + p.amount, 0n);
      expect(summed).to.equal(weth);
      expect(weth).to.be.greaterThan(HUGE);
      const usd6 = mined.reduce((s, r) => s + (r.realisedProfitUsd6 ?? 0n), 0n);
      expect((await postgres.profit("month")).reduce((s, b) => s + b.realisedProfitUsd6, 0n)).to.equal(usd6);
      // And in SQL itself.
      const [sum] = await db
        .selectFrom("opportunities")
        .select((eb) => eb.fn.sum<string>("realised_profit").as("n"))
        .where("status", "=", "succeeded")
        .where("token", "=", "WETH")
        .execute();
      expect(sum?.n).to.equal(weth.toString());
    });

    it("gives the same audit pages, newest first", async () => {
      const queries: AuditQuery[] = [
        {},
        { kind: "pause" },
        { kind: "config_change" },
        { kind: "nothing" },
        { limit: 2 },
        { limit: 2, offset: 1 },
        { chainId: 31337, limit: 500 },
      ];
      for (const q of queries)
        expect(await postgres.auditPage(q), JSON.stringify(q)).to.deep.equal(await sqlite.auditPage(q));
      const all = await postgres.auditPage({ limit: 500 });
      expect(all.total).to.be.greaterThan(3);
      // The detail reads back as it was written, keys in order.
      expect(JSON.stringify(all.rows.map((r) => r.detail))).to.equal(
        JSON.stringify((await sqlite.auditPage({ limit: 500 })).rows.map((r) => r.detail)),
      );
    });

    it("gives the same record and signed transactions for every id, and the same chains", async () => {
      for (const { id } of records.all()) {
        expect(await postgres.get(id), `#${id}`).to.deep.equal(await sqlite.get(id));
        expect(await postgres.get(id, 31337), `#${id}`).to.deep.equal(await sqlite.get(id));
        expect(await postgres.attempts(id), `#${id}`).to.deep.equal(await sqlite.attempts(id));
      }
      expect(records.all().some((r) => r.replacedHashes.length > 0)).to.equal(true);
      expect(await postgres.get(999_999)).to.equal(undefined);
      expect(await postgres.get(1, 5)).to.equal(undefined);
      expect(await postgres.attempts(999_999)).to.deep.equal([]);
      expect(await postgres.chains()).to.deep.equal(await sqlite.chains());
      expect(await postgres.chains()).to.deep.equal([31337]);
      expect(postgres.where).to.match(/^postgres(ql)?:\/\//);
    });

    it("follows the records as they change: updates, new records, signatures and events", async () => {
      const [first] = records.list({ status: ["signed", "sent"] });
      if (first === undefined) throw new Error("no open record");
      records.update(first.id, {
        status: "succeeded",
        minedBlock: 9,
        final: true,
        realisedProfit: 5n,
        realisedProfitUsd6: 7n,
        gasPaidWei: 1n,
        gasPaidUsd6: 1n,
      });
      const added = writeSynthetic(records, 12, 1_000);
      records.atomically(() => {
        const id = records.add({ ...baseTrade, status: "detected", reason: null });
        records.update(id, { status: "dry_run", reason: "dry run" });
      });
      await mirror.flush();
      const everything: TradeQuery = { limit: 500 };
      expect(await postgres.page(everything)).to.deep.equal(await sqlite.page(everything));
      expect(await postgres.auditPage({ limit: 500 })).to.deep.equal(await sqlite.auditPage({ limit: 500 }));
      expect((await postgres.get(first.id))?.status).to.equal("succeeded");
      expect(added.size).to.equal(12);
    });
  });

  describe("the mirror", () => {
    it("refuses to start on records not yet bound to a chain, saying when to start it", async () => {
      const { url, drop } = await freshDatabase();
      const db = await openPostgres(url);
      try {
        const records = freshRecords();
        expect(() => new RecordsMirror(db, records, createLogger(true)).start())
          .to.throw(RecordsMirrorError)
          .with.property("details")
          .that.matches(/after the engine service has started/);
        records.close();
      } finally {
        await db.destroy();
        await drop();
      }
    });

    it("keeps the handlers already on the records, and gives them back on close", async () => {
      const { url, drop } = await freshDatabase();
      const db = await openPostgres(url);
      try {
        const records = freshRecords({ chainId: 31337, genesisHash: GENESIS_A });
        const seen: string[] = [];
        const change = (id: number) => seen.push(`change ${id}`);
        const event = (id: number) => seen.push(`event ${id}`);
        records.onChange = change;
        records.onEvent = event;
        const mirror = new RecordsMirror(db, records, createLogger(true));
        mirror.start();
        const id = records.add({ ...baseTrade, status: "detected", reason: null });
        records.event("start", {});
        expect(seen).to.deep.equal([`change ${id}`, "event 1"]);
        await mirror.flush();
        expect((await new PostgresRecordsReader(db).page({})).total).to.equal(1);
        await mirror.close();
        expect(records.onChange).to.equal(change);
        expect(records.onEvent).to.equal(event);
        records.close();
      } finally {
        await db.destroy();
        await drop();
      }
    });

    it("catches up on start with what was recorded and changed while no mirror ran", async () => {
      const { url, drop } = await freshDatabase();
      const db = await openPostgres(url);
      try {
        const records = freshRecords({ chainId: 31337, genesisHash: GENESIS_A });
        writeSynthetic(records, 20);
        const first = new RecordsMirror(db, records, createLogger(true));
        first.start();
        await first.flush();
        await first.close();
        // The engine goes on without a mirror: new records, old ones moved on, events.
        const open = records.list({ status: ["sent"] });
        expect(open.length).to.be.greaterThan(0);
        for (const row of open) records.update(row.id, { status: "dropped", reason: "gone" });
        writeSynthetic(records, 15, 20);
        const sqlite = new SqliteRecordsReader(records);
        const postgres = new PostgresRecordsReader(db);
        expect((await postgres.page({})).total).to.equal(20);
        const second = new RecordsMirror(db, records, createLogger(true));
        second.start();
        await second.flush();
        const all: TradeQuery = { limit: 500 };
        expect(await postgres.page(all)).to.deep.equal(await sqlite.page(all));
        expect(await postgres.auditPage({ limit: 500 })).to.deep.equal(await sqlite.auditPage({ limit: 500 }));
        for (const row of open) expect((await postgres.get(row.id))?.status).to.equal("dropped");
        for (const { id } of records.all())
          expect(await postgres.attempts(id), `#${id}`).to.deep.equal(await sqlite.attempts(id));
        await second.close();
        records.close();
      } finally {
        await db.destroy();
        await drop();
      }
    });

    for (const maxPendingIds of [100_000, 5])
      it(`loses nothing while the database is down, never failing the engine, and logs the loss and the return once each (${maxPendingIds} ids remembered)`, async () => {
        const { url, drop } = await freshDatabase();
        const relay = await Relay.to(url);
        const direct = await openPostgres(url);
        const db = await openPostgres(relay.url, { connectTimeoutMs: 1_000 });
        const { log, lines } = recordingLog();
        const records = freshRecords({ chainId: 31337, genesisHash: GENESIS_A });
        const mirror = new RecordsMirror(db, records, log, {
          intervalMs: 10,
          minBackoffMs: 10,
          maxBackoffMs: 50,
          maxPendingIds,
        });
        try {
          writeSynthetic(records, 10);
          mirror.start();
          await mirror.flush();
          const postgres = new PostgresRecordsReader(direct);
          expect((await postgres.page({})).total).to.equal(10);

          relay.shut();
          // The engine writes on: every write returns at once, nothing throws.
          const open = records.list({ status: ["sent"] });
          for (const row of open) records.update(row.id, { status: "dropped", reason: "gone while down" });
          writeSynthetic(records, 30, 10);
          records.event("stop", { reason: "test" });
          await until("the mirror to retry a few times", () => relay.refused >= 3);
          let failed: unknown;
          await mirror.flush().catch((error: unknown) => {
            failed = error;
          });
          expect(failed).to.be.instanceOf(Error);
          expect(mirror.state().connected).to.equal(false);
          expect((await postgres.page({})).total).to.equal(10);

          relay.reopen();
          // No flush: the background retries reach the server and catch up.
          const everything: TradeQuery = { limit: 500 };
          const sqlite = new SqliteRecordsReader(records);
          await until(
            "the mirror to catch up",
            async () => (await postgres.page({})).total === 40 && mirror.state().connected,
          );
          await mirror.flush();
          expect(await postgres.page(everything)).to.deep.equal(await sqlite.page(everything));
          expect(await postgres.auditPage({ limit: 500 })).to.deep.equal(await sqlite.auditPage({ limit: 500 }));
          for (const row of open) expect((await postgres.get(row.id))?.status).to.equal("dropped");
          for (const { id } of records.all())
            expect(await postgres.attempts(id), `#${id}`).to.deep.equal(await sqlite.attempts(id));
          expect(lines.filter((l) => l.event === "records_mirror_lost")).to.deep.equal([
            { level: "warn", event: "records_mirror_lost" },
          ]);
          expect(lines.filter((l) => l.event === "records_mirror_back")).to.deep.equal([
            { level: "info", event: "records_mirror_back" },
          ]);
        } finally {
          await mirror.close();
          records.close();
          await db.destroy();
          await direct.destroy();
          await relay.close();
          await drop();
        }
      });

    it("keeps the records of two chains (and of a restarted local chain) apart in one database", async () => {
      const { url, drop } = await freshDatabase();
      const db = await openPostgres(url);
      const a = freshRecords({ chainId: 31337, genesisHash: GENESIS_A });
      const b = freshRecords({ chainId: 31338, genesisHash: GENESIS_B });
      // The local chain restarted: the same chain id, a new genesis, ids from 1 again.
      const c = freshRecords({ chainId: 31337, genesisHash: GENESIS_C });
      const stamp = (records: Records, count: number, seed: number, day: string) => {
        const times = writeSynthetic(records, count, seed);
        setCreatedAt(
          records,
          new Map([...times.keys()].map((id) => [id, `${day}T${String(id % 24).padStart(2, "0")}:00:00.000Z`])),
        );
      };
      stamp(a, 22, 0, "2025-01-10");
      stamp(b, 17, 3, "2025-01-05");
      stamp(c, 8, 5, "2025-02-01");
      const mirrors = [a, b, c].map((records) => new RecordsMirror(db, records, createLogger(true)));
      try {
        for (const m of mirrors) m.start();
        await Promise.all(mirrors.map((m) => m.flush()));
        const postgres = new PostgresRecordsReader(db);
        expect(await postgres.chains()).to.deep.equal([31337, 31338]);
        const [ra, rb, rc] = [a, b, c].map((r) => new SqliteRecordsReader(r)) as [
          SqliteRecordsReader,
          SqliteRecordsReader,
          SqliteRecordsReader,
        ];
        // One chain id, one chain: equal to that engine's own file.
        const all: TradeQuery = { limit: 500 };
        expect(await postgres.page({ ...all, chainId: 31338 })).to.deep.equal(await rb.page(all));
        expect(await postgres.funnel({ chainId: 31338 })).to.deep.equal(await rb.funnel({}));
        for (const period of ["day", "week", "month"] as const)
          expect(await postgres.profit(period, 31338)).to.deep.equal(await rb.profit(period));
        // Chain 31337 holds both genesis; nothing of 31338 leaks in.
        const local = await postgres.page({ ...all, chainId: 31337 });
        expect(local.total).to.equal(22 + 8);
        expect(local.rows.every((r) => r.chainId === 31337)).to.equal(true);
        expect((await postgres.page({})).total).to.equal(22 + 17 + 8);
        // An id on several chains: the chain named, or else the newest record with it.
        expect(await postgres.get(3, 31338)).to.deep.equal(await rb.get(3));
        const signed = (records: Records, above: number) =>
          records.all().find((r) => r.id > above && records.attempts(r.id).length > 0)?.id ?? 0;
        const inB = signed(b, 0);
        expect(await postgres.attempts(inB, 31338)).to.deep.equal(await rb.attempts(inB));
        expect(await postgres.get(3, 31337)).to.deep.equal(await rc.get(3));
        expect(await postgres.get(3)).to.deep.equal(await rc.get(3));
        expect(await postgres.get(20, 31337)).to.deep.equal(await ra.get(20));
        const inA = signed(a, 8);
        expect(await postgres.get(inA)).to.deep.equal(await ra.get(inA));
        expect(await postgres.attempts(inA)).to.deep.equal(await ra.attempts(inA));
        expect((await ra.attempts(inA)).length).to.be.greaterThan(0);
        // The audit log per chain.
        const audit = await postgres.auditPage({ chainId: 31338, limit: 500 });
        expect(audit.total).to.equal((await rb.auditPage({ limit: 500 })).total);
        expect((await postgres.auditPage({ limit: 500 })).total).to.equal(9);
      } finally {
        for (const m of mirrors) await m.close();
        for (const r of [a, b, c]) r.close();
        await db.destroy();
        await drop();
      }
    });
  });

  describe("opening the database", () => {
    const PASSWORD = "s3cret-Pa55word";
    const refused = async (url: string): Promise<PostgresConnectError> => {
      let error: unknown;
      await openPostgres(url, { connectTimeoutMs: 5_000 }).then(
        async (db) => db.destroy(),
        (e: unknown) => {
          error = e;
        },
      );
      expect(error).to.be.instanceOf(PostgresConnectError);
      const text = `${String(error)}\n${(error as Error).stack}\n${inspect(error, { depth: 10 })}`;
      expect(text).to.not.include(PASSWORD);
      return error as PostgresConnectError;
    };

    it("says a closed port cannot be reached, naming the URL without its password", async () => {
      const error = await refused(`postgres://flash:${PASSWORD}@127.0.0.1:1/records`);
      expect(error.shortMessage).to.equal(
        "Cannot reach the PostgreSQL server at postgres://flash:***@127.0.0.1:1/records: ECONNREFUSED.",
      );
      expect(error.details).to.match(/host and port/);
    });

    it("says a URL is not PostgreSQL's, or not a URL, without its password", async () => {
      expect((await refused(`mysql://flash:${PASSWORD}@127.0.0.1/records`)).shortMessage).to.equal(
        "The records database URL is not a PostgreSQL URL: mysql://flash:***@127.0.0.1/records.",
      );
      expect((await refused(`postgres//flash:${PASSWORD}@127.0.0.1/records`)).shortMessage).to.equal(
        "The records database URL is not a URL: postgres//flash:***@127.0.0.1/records.",
      );
      expect(redactUrl(`postgres://flash@h/db?password=${PASSWORD}&sslmode=disable`)).to.equal(
        "postgres://flash@h/db?password=***&sslmode=disable",
      );
    });

    it("says the server refused the login, or that the database does not exist", async () => {
      const login = new URL(SERVER_URL);
      login.username = "flasharb_nobody";
      login.password = PASSWORD;
      const error = await refused(login.toString());
      expect(error.shortMessage).to.match(
        /^PostgreSQL refused the login of user "flasharb_nobody" at postgres:\/\/flasharb_nobody:\*\*\*@/,
      );
      const missing = new URL(SERVER_URL);
      missing.pathname = "/flasharb_missing_database";
      expect((await refused(missing.toString())).shortMessage).to.match(
        /^The database "flasharb_missing_database" does not exist at /,
      );
    });

    it("opens through openRecordsStore: the mirror running, the reader on it, and a close that flushes", async () => {
      const { url, drop } = await freshDatabase();
      try {
        const records = freshRecords({ chainId: 31337, genesisHash: GENESIS_A });
        const { log, lines } = recordingLog();
        const store = await openRecordsStore(url, records, log);
        writeSynthetic(records, 6);
        await store.close();
        expect(lines.map((l) => l.event)).to.deep.equal(["records_mirror_started"]);
        const db = await openPostgres(url);
        const all: TradeQuery = { limit: 500 };
        expect(await new PostgresRecordsReader(db).page(all)).to.deep.equal(
          await new SqliteRecordsReader(records).page(all),
        );
        await db.destroy();
        records.close();
      } finally {
        await drop();
      }
    });

    it("refuses a second records file of the same chain, which would overwrite the first's rows", async () => {
      const { url, drop } = await freshDatabase();
      try {
        const first = freshRecords({ chainId: 1, genesisHash: GENESIS_A });
        const { log } = recordingLog();
        const store = await openRecordsStore(url, first, log);
        writeSynthetic(first, 4);
        await store.mirror.flush();
        // Another engine's file on the same chain (a dry-run beside the live one, a new machine).
        const second = freshRecords({ chainId: 1, genesisHash: GENESIS_A });
        writeSynthetic(second, 2);
        let refused: unknown;
        await openRecordsStore(url, second, log).catch((error: unknown) => {
          refused = error;
        });
        expect(refused).to.be.instanceOf(RecordsMirrorError);
        expect((refused as Error).message).to.match(/Another records file already writes chain 1/);
        // The first file's rows are intact, and it may reopen.
        await store.close();
        const again = await openRecordsStore(url, first, log);
        const all: TradeQuery = { limit: 500 };
        expect(await again.reader.page(all)).to.deep.equal(await new SqliteRecordsReader(first).page(all));
        await again.close();
        first.close();
        second.close();
      } finally {
        await drop();
      }
    });
  });
});

const baseTrade = {
  block: 7,
  cycle: "Uniswap V2 WETH/USDC 0.3% > Sushiswap WETH/USDC 0.3%",
  token: "WETH",
  amountIn: 1n,
  lender: "BalancerV2",
  expectedProfit: 2n,
  gasCost: 3n,
};
