import { type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool, sql } from "kysely";
import { type FunnelCounts, funnelCounts } from "../funnel.js";
import { type ProfitPeriod, SORT_COLUMNS, type TradeQuery } from "../query.js";
import type { AuditQuery, RecordsReader } from "../reader.js";
import {
  type AuditEvent,
  emptyBucket,
  type ProfitBucket,
  type SignedAttempt,
  type Strategy,
  type TradeRecord,
  type TradeStatus,
} from "../records.js";
import { describePostgres } from "./database.js";
import type { Database, OpportunitiesTable } from "./schema.js";

type Filter = (eb: ExpressionBuilder<Database, "opportunities">) => Expression<SqlBool>;

/**
 * The WHERE of `query`, matching as the SQLite records do (`whereOf` in query.ts): exact token
 * and lender, a venue as a pool name starts (case-insensitive, `%` and `_` taken literally),
 * times compared as instants, `afterId` on the engine's own ids.
 */
function filterOf(query: TradeQuery): Filter {
  return (eb) => {
    const clauses: Expression<SqlBool>[] = [];
    if (query.chainId !== undefined) clauses.push(eb("chain_id", "=", String(query.chainId)));
    if (query.status !== undefined && query.status.length > 0) clauses.push(eb("status", "in", [...query.status]));
    if (query.token !== undefined) clauses.push(eb("token", "=", query.token));
    if (query.lender !== undefined) clauses.push(eb("lender", "=", query.lender));
    if (query.strategy !== undefined) clauses.push(eb("strategy", "=", query.strategy));
    if (query.venue !== undefined) {
      const v = query.venue.replace(/[\\%_]/g, (c) => `\\${c}`);
      clauses.push(
        eb.or([
          sql<SqlBool>`cycle ILIKE ${`${v} %`} ESCAPE '\\'`,
          sql<SqlBool>`cycle ILIKE ${`% > ${v} %`} ESCAPE '\\'`,
        ]),
      );
    }
    if (query.since !== undefined) clauses.push(eb("created_at", ">=", sql<Date>`${query.since}::timestamptz`));
    if (query.until !== undefined) clauses.push(eb("created_at", "<", sql<Date>`${query.until}::timestamptz`));
    if (query.afterId !== undefined) clauses.push(eb("local_id", ">", String(query.afterId)));
    return eb.and(clauses);
  };
}

/** The period's first day, `YYYY-MM-DD` (UTC), as `periodOf` in query.ts gives it for SQLite. */
function periodOf(period: ProfitPeriod) {
  const at = sql`created_at AT TIME ZONE 'UTC'`;
  switch (period) {
    case "day":
      return sql<string>`to_char(${at}, 'YYYY-MM-DD')`;
    case "week":
      // date_trunc's weeks are ISO weeks: they start on Monday.
      return sql<string>`to_char(date_trunc('week', ${at}), 'YYYY-MM-DD')`;
    case "month":
      return sql<string>`to_char(date_trunc('month', ${at}), 'YYYY-MM-DD')`;
  }
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));
const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v));

/** A row as the SQLite records give it: `id` is the engine's own id, the keys in the same order. */
function toRecord(r: Selectable<OpportunitiesTable>): TradeRecord {
  return {
    id: Number(r.local_id),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at === null ? null : r.updated_at.toISOString(),
    chainId: Number(r.chain_id),
    block: Number(r.block),
    strategy: r.strategy as Strategy,
    cycle: r.cycle,
    route: r.route,
    token: r.token,
    tokenAddress: r.token_address,
    decimals: r.decimals,
    amountIn: BigInt(r.amount_in),
    lender: r.lender,
    expectedProfit: BigInt(r.expected_profit),
    gasCost: BigInt(r.gas_cost),
    expectedProfitUsd6: big(r.expected_profit_usd6),
    status: r.status as TradeStatus,
    reason: r.reason,
    nonce: num(r.nonce),
    txHash: r.tx_hash,
    rawTx: r.raw_tx,
    minedBlock: num(r.mined_block),
    minedBlockHash: r.mined_block_hash,
    final: r.final,
    realisedProfit: big(r.realised_profit),
    realisedProfitUsd6: big(r.realised_profit_usd6),
    gasUsed: big(r.gas_used),
    gasPaidWei: big(r.gas_paid_wei),
    gasPaidUsd6: big(r.gas_paid_usd6),
    replacedHashes: r.replaced_hashes,
    riskCounted: r.risk_counted,
  };
}

/**
 * The records of every engine that mirrors into one PostgreSQL database (see `RecordsMirror`),
 * read for the operator's surface. For the rows of one chain every answer equals what
 * `SqliteRecordsReader` gives over the engine's own file.
 *
 * Several chains share the database: filter by `chainId`. A trade's `id` is its engine's own
 * id; where an id exists on several chains (or on several restarts of a local chain, each a new
 * genesis with the same chain id) and no chain is named, the newest record with that id wins.
 *
 * @example
 * const reader = new PostgresRecordsReader(await openPostgres(process.env.DATABASE_URL));
 * const { total, rows } = await reader.page({ chainId: 1, status: ["succeeded"], limit: 20 });
 */
export class PostgresRecordsReader implements RecordsReader {
  readonly where: string;

  /** @param where How to name the database in logs (default: the URL it was opened with, without the password). */
  constructor(
    private readonly db: Kysely<Database>,
    where?: string,
  ) {
    this.where = where ?? describePostgres(db);
  }

  async page(query: TradeQuery): Promise<{ total: number; rows: TradeRecord[] }> {
    const filtered = this.db.selectFrom("opportunities").where(filterOf(query));
    const column = SORT_COLUMNS[query.sort ?? "id"];
    const order = query.order === "asc" ? "asc" : "desc";
    let rows = filtered.selectAll();
    // NULLs (not yet realised, not priced) last whichever the direction; ties by id, then by
    // time and genesis where several chains share an id.
    if (column !== "id") rows = rows.orderBy(column, (o) => (order === "asc" ? o.asc() : o.desc()).nullsLast());
    rows = rows.orderBy("local_id", order).orderBy("created_at", order).orderBy("genesis_hash", order);
    const [count, page] = await Promise.all([
      query.countCap === undefined
        ? filtered.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()
        : this.db
            .selectFrom(
              filtered
                .select(sql<number>`1`.as("one"))
                .limit(Math.trunc(query.countCap) + 1)
                .as("capped"),
            )
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .executeTakeFirstOrThrow(),
      rows
        .limit(Math.trunc(query.limit ?? 50))
        .offset(Math.trunc(query.offset ?? 0))
        .execute(),
    ]);
    return { total: Number(count.n), rows: page.map(toRecord) };
  }

  async funnel(query: TradeQuery = {}): Promise<FunnelCounts> {
    const unsized = sql<boolean>`amount_in = 0`;
    // SQLite's LIKE ignores the case of ASCII letters.
    const guarded = sql<boolean>`COALESCE(reason ILIKE 'risk guard%', false)`;
    const groups = await this.db
      .selectFrom("opportunities")
      .where(filterOf(query))
      .select((eb) => ["status", unsized.as("unsized"), guarded.as("guarded"), eb.fn.countAll<string>().as("n")])
      .groupBy(["status", unsized, guarded])
      .execute();
    return funnelCounts(
      groups.map((g) => ({
        status: g.status as TradeStatus,
        unsized: g.unsized,
        guarded: g.guarded,
        count: Number(g.n),
      })),
    );
  }

  /**
   * Mined trades per period, summed by PostgreSQL exactly (`numeric`): newest period first, each
   * token's profit listed in the order of its first succeeded trade, as the SQLite records do.
   */
  async profit(period: ProfitPeriod, chainId?: number): Promise<ProfitBucket[]> {
    const succeeded = sql<SqlBool>`status = 'succeeded'`;
    const rows = await this.db
      .selectFrom("opportunities")
      .where("status", "in", ["succeeded", "reverted"])
      .$if(chainId !== undefined, (q) => q.where("chain_id", "=", String(chainId)))
      .select([
        periodOf(period).as("period"),
        "token",
        sql<string>`count(*) FILTER (WHERE ${succeeded})`.as("succeeded"),
        sql<string>`count(*) FILTER (WHERE status = 'reverted')`.as("reverted"),
        sql<string>`COALESCE(sum(realised_profit) FILTER (WHERE ${succeeded}), 0)`.as("amount"),
        sql<string>`COALESCE(sum(realised_profit_usd6) FILTER (WHERE ${succeeded}), 0)`.as("usd6"),
        sql<string>`COALESCE(sum(gas_paid_wei), 0)`.as("gasWei"),
        sql<string>`COALESCE(sum(gas_paid_usd6), 0)`.as("gasUsd6"),
        sql<string | null>`min(local_id) FILTER (WHERE ${succeeded})`.as("firstId"),
        sql<number | null>`(array_agg(decimals ORDER BY local_id) FILTER (WHERE ${succeeded}))[1]`.as("decimals"),
      ])
      .groupBy([sql`1`, "token"])
      .orderBy(sql`1`, "desc")
      .orderBy(sql`min(local_id) FILTER (WHERE ${succeeded})`, (o) => o.asc().nullsLast())
      .orderBy("token")
      .execute();
    const buckets = new Map<string, ProfitBucket>();
    for (const r of rows) {
      let b = buckets.get(r.period);
      if (b === undefined) {
        b = emptyBucket(r.period);
        buckets.set(r.period, b);
      }
      const usd6 = BigInt(r.usd6);
      const gasUsd6 = BigInt(r.gasUsd6);
      b.succeeded += Number(r.succeeded);
      b.reverted += Number(r.reverted);
      if (Number(r.succeeded) > 0) b.profit.push({ token: r.token, decimals: r.decimals, amount: BigInt(r.amount) });
      b.realisedProfitUsd6 += usd6;
      b.gasPaidWei += BigInt(r.gasWei);
      b.gasPaidUsd6 += gasUsd6;
      b.netUsd6 += usd6 - gasUsd6;
    }
    return [...buckets.values()];
  }

  /** The audit log, newest first; `chainId` keeps one chain's events. */
  async auditPage(query: AuditQuery): Promise<{ total: number; rows: AuditEvent[] }> {
    const filtered = this.db
      .selectFrom("events")
      .$if(query.kind !== undefined, (q) => q.where("kind", "=", query.kind as string))
      .$if(query.chainId !== undefined, (q) => q.where("chain_id", "=", String(query.chainId)));
    const [count, rows] = await Promise.all([
      filtered.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
      filtered
        .select(["local_id", "at", "kind", "detail"])
        .orderBy("at", "desc")
        .orderBy("local_id", "desc")
        .orderBy("genesis_hash", "desc")
        .limit(Math.trunc(query.limit ?? 50))
        .offset(Math.trunc(query.offset ?? 0))
        .execute(),
    ]);
    return {
      total: Number(count.n),
      rows: rows.map((r) => ({
        id: Number(r.local_id),
        at: r.at.toISOString(),
        kind: r.kind,
        detail: r.detail as Record<string, unknown>,
      })),
    };
  }

  async get(id: number, chainId?: number): Promise<TradeRecord | undefined> {
    const row = await this.newest(id, chainId).selectAll().executeTakeFirst();
    return row === undefined ? undefined : toRecord(row);
  }

  /** The transactions signed for trade `id` (of the record {@link get} gives), oldest first. */
  async attempts(id: number, chainId?: number): Promise<SignedAttempt[]> {
    const rows = await this.db
      .selectFrom("transactions")
      .select(["hash", "nonce", "raw_tx", "max_fee_per_gas", "max_priority_fee_per_gas"])
      .where("opportunity_local_id", "=", String(id))
      .where("genesis_hash", "=", this.newest(id, chainId).select("genesis_hash"))
      .orderBy("position")
      .execute();
    return rows.map((r) => ({
      hash: r.hash,
      nonce: Number(r.nonce),
      rawTx: r.raw_tx,
      maxFeePerGas: BigInt(r.max_fee_per_gas),
      maxPriorityFeePerGas: BigInt(r.max_priority_fee_per_gas),
    }));
  }

  /** The chains with records, by id. */
  async chains(): Promise<number[]> {
    const rows = await this.db
      .selectFrom("chains")
      .select("chain_id")
      .distinct()
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("opportunities")
            .select(sql`1`.as("one"))
            .whereRef("opportunities.genesis_hash", "=", "chains.genesis_hash"),
        ),
      )
      .orderBy("chain_id")
      .execute();
    return rows.map((r) => Number(r.chain_id));
  }

  /** The record with engine id `id` (of `chainId`): the newest where several genesis have one. */
  private newest(id: number, chainId: number | undefined) {
    return this.db
      .selectFrom("opportunities")
      .where("local_id", "=", String(id))
      .$if(chainId !== undefined, (q) => q.where("chain_id", "=", String(chainId)))
      .orderBy("created_at", "desc")
      .orderBy("genesis_hash", "desc")
      .limit(1);
  }
}
