import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import { BaseError } from "../../../errors.js";
import type { Logger } from "../../log.js";
import type { ChainIdentity, Records, TradeRecord } from "../records.js";
import { describePostgres } from "./database.js";
import type { Database, OpportunitiesTable } from "./schema.js";

/** Options of {@link RecordsMirror}. */
export interface RecordsMirrorOptions {
  /** How long changes gather before they are written together. */
  readonly intervalMs?: number;
  /**
   * How many changed ids are remembered while the database cannot be written. Past it they are
   * forgotten and the next write scans the records for what changed instead: the rows themselves
   * are never held, they stay in SQLite.
   */
  readonly maxPendingIds?: number;
  /** Rows per INSERT statement (and per page read from SQLite while catching up). */
  readonly chunkSize?: number;
  /** The first retry's delay after a failed write; it doubles up to `maxBackoffMs`. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** What the mirror is doing, for a status line. */
export interface MirrorState {
  /** Whether the last write reached the database. */
  readonly connected: boolean;
  /** Changed records not yet written (ids; a pending catch-up scan counts as one). */
  readonly pending: number;
  /** Since when writes fail, if they do. */
  readonly lostSince: string | undefined;
}

/**
 * Changes before `now - CLOCK_SLACK_MS` are taken as written after a write: a little earlier
 * than the write's start, in case the system clock steps back between the engine's write and ours.
 */
const CLOCK_SLACK_MS = 5_000;

/** The mirror cannot start: the records do not say which chain they belong to. */
export class RecordsMirrorError extends BaseError {
  override readonly name = "RecordsMirrorError";
}

/** The columns an upsert rewrites: all but the key and the time the row was first mirrored. */
const UPDATED = [
  "chain_id",
  "created_at",
  "updated_at",
  "block",
  "cycle",
  "route",
  "token",
  "token_address",
  "decimals",
  "amount_in",
  "lender",
  "expected_profit",
  "gas_cost",
  "expected_profit_usd6",
  "status",
  "reason",
  "nonce",
  "tx_hash",
  "raw_tx",
  "mined_block",
  "mined_block_hash",
  "final",
  "realised_profit",
  "realised_profit_usd6",
  "gas_used",
  "gas_paid_wei",
  "gas_paid_usd6",
  "replaced_hashes",
  "risk_counted",
  "strategy",
] as const satisfies ReadonlyArray<keyof OpportunitiesTable>;

const str = (v: bigint | number | null): string | null => (v === null ? null : v.toString());

/**
 * Copies this engine's records (every trade row, its signed transactions, the audit log) from
 * its SQLite file into PostgreSQL, in the background, where the operator's API and the engines
 * of other chains share them.
 *
 * The engine never waits for it: `Records.onChange` / `onEvent` only note the id, and every
 * `intervalMs` the rows noted are read back from SQLite and upserted in one transaction. A
 * database that is down costs the engine nothing: the ids wait (a bounded number; past it a
 * scan finds them again), writes are retried with a growing delay, the loss and the return are
 * logged once each, and the mirror catches up when the server answers. On start it catches up
 * whatever the database lacks of this chain: records above its newest id, records changed since
 * it last caught up, and audit events above its newest.
 *
 * @example
 * const mirror = new RecordsMirror(await openPostgres(url), records, log);
 * mirror.start(); // after the service has bound the records to its chain
 * // …
 * await mirror.flush();
 * await mirror.close();
 */
export class RecordsMirror {
  private readonly intervalMs: number;
  private readonly maxPendingIds: number;
  private readonly chunkSize: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly where: string;
  private chain: ChainIdentity | undefined;
  private recordsId: string | null = null;
  /** Ids changed since the last write took its snapshot. */
  private readonly pending = new Set<number>();
  /** Whether the next write must scan the records for what the database lacks. */
  private scanNeeded = true;
  private eventsPending = true;
  private timer: NodeJS.Timeout | undefined;
  /** The write under way (writes run one at a time). */
  private running: Promise<void> | undefined;
  private failures = 0;
  private lostAt: number | undefined;
  private closed = false;
  private hooks: { change: (id: number) => void; event: (id: number) => void } | undefined;
  private previous: { change: Records["onChange"]; event: Records["onEvent"] } | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly records: Records,
    private readonly log: Logger,
    options: RecordsMirrorOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.maxPendingIds = options.maxPendingIds ?? 100_000;
    this.chunkSize = options.chunkSize ?? 500;
    this.minBackoffMs = options.minBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.where = describePostgres(db);
  }

  /**
   * Claims this chain in the database for this records file: one file writes each chain (local
   * ids are only unique within a file, so a second file's rows would overwrite the first's).
   * A chain first claimed now, or already claimed by this file, passes.
   * @throws RecordsMirrorError when another records file writes this chain here.
   */
  async claim(): Promise<void> {
    const chain = this.records.boundChain();
    if (chain === undefined) return;
    const mine = this.records.identity();
    await this.db
      .insertInto("chains")
      .values({ genesis_hash: chain.genesisHash, chain_id: String(chain.chainId), records_id: mine })
      .onConflict((oc) =>
        oc.column("genesis_hash").doUpdateSet({ records_id: sql`COALESCE(chains.records_id, ${mine})` }),
      )
      .execute();
    const row = await this.db
      .selectFrom("chains")
      .select("records_id")
      .where("genesis_hash", "=", chain.genesisHash)
      .executeTakeFirstOrThrow();
    if (row.records_id !== mine)
      throw new RecordsMirrorError(
        `Another records file already writes chain ${chain.chainId} (genesis ${chain.genesisHash}) into ${this.where}.`,
        {
          details:
            "One engine per chain writes to a shared database, always from the same records file: run that engine (its databasePath), or give this one another DATABASE_URL. Rows of two files would overwrite each other.",
        },
      );
  }

  /**
   * Subscribes to the records (keeping any handler already there) and starts catching up.
   * Returns at once; {@link flush} waits for the catch-up.
   * @throws RecordsMirrorError when the records are not bound to a chain yet.
   */
  start(): void {
    if (this.hooks !== undefined) return;
    const chain = this.records.boundChain();
    if (chain === undefined)
      throw new RecordsMirrorError(`The records at ${this.records.path} are not bound to a chain yet.`, {
        details:
          "The mirror writes each record under its chain's id and genesis hash: start it after the engine service has started (it binds the records to the RPC's chain).",
      });
    this.chain = chain;
    this.recordsId = this.records.identity();
    const previous = { change: this.records.onChange, event: this.records.onEvent };
    // Ours first: they never throw, so a handler before them that does cannot skip them.
    const hooks = {
      change: (id: number) => {
        this.changed(id);
        previous.change?.(id);
      },
      event: (id: number) => {
        this.evented();
        previous.event?.(id);
      },
    };
    this.previous = previous;
    this.hooks = hooks;
    this.records.onChange = hooks.change;
    this.records.onEvent = hooks.event;
    this.schedule(0);
  }

  /**
   * Writes everything recorded so far (and whatever the start's catch-up found).
   * @throws the database's error when it cannot be written: the changes stay queued, and the
   *   mirror keeps retrying in the background.
   */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.pass();
  }

  /**
   * Stops: no more writes are started (call {@link flush} first to write what is pending), and
   * the handlers it added to the records are removed where nothing was chained after them.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.hooks !== undefined && this.previous !== undefined) {
      if (this.records.onChange === this.hooks.change) this.records.onChange = this.previous.change;
      if (this.records.onEvent === this.hooks.event) this.records.onEvent = this.previous.event;
    }
    await this.running?.catch(() => {});
  }

  state(): MirrorState {
    return {
      connected: this.lostAt === undefined,
      pending: this.pending.size + (this.scanNeeded ? 1 : 0),
      lostSince: this.lostAt === undefined ? undefined : new Date(this.lostAt).toISOString(),
    };
  }

  /** Notes a changed record. Runs inside the engine's write: only remembers the id, and never throws. */
  private changed(id: number): void {
    if (this.closed) return;
    try {
      this.remember(id);
      this.scheduleSoon();
    } catch {
      // Nothing here may fail the engine's write; a scan finds the record again.
      this.scanNeeded = true;
    }
  }

  private evented(): void {
    if (this.closed) return;
    this.eventsPending = true;
    try {
      this.scheduleSoon();
    } catch {
      // As above: the next write takes every event the database lacks.
    }
  }

  /** Adds `id` to the pending ids; past the bound, forgets them all and scans instead. */
  private remember(id: number): void {
    if (this.pending.size >= this.maxPendingIds && !this.pending.has(id)) {
      this.pending.clear();
      this.scanNeeded = true;
      return;
    }
    this.pending.add(id);
  }

  /** A write in `intervalMs`, unless writes fail: then the retry already set waits out its delay. */
  private scheduleSoon(): void {
    if (this.lostAt === undefined) this.schedule(this.intervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pass().catch(() => {
        // Logged and rescheduled by the write itself.
      });
    }, delayMs);
    // A pending write never keeps the process alive: the rows are safe in SQLite.
    this.timer.unref();
  }

  /** Runs one write after the one under way, if any. */
  private pass(): Promise<void> {
    const run = (this.running ?? Promise.resolve()).catch(() => {}).then(() => this.write());
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  /**
   * One transaction: the chain's row, the catch-up scan if one is due, the rows of the pending
   * ids, the audit events the database lacks, and how far it is now caught up.
   */
  private async write(): Promise<void> {
    if (this.closed) return;
    const chain = this.chain as ChainIdentity;
    // Every change before this instant is either in the snapshot below, already written, or
    // found by the scan: once this write commits, the database has all of them.
    const through = new Date(Date.now() - CLOCK_SLACK_MS).toISOString();
    const ids = [...this.pending];
    this.pending.clear();
    const scan = this.scanNeeded;
    this.scanNeeded = false;
    const events = this.eventsPending;
    this.eventsPending = false;
    if (ids.length === 0 && !scan && !events) return;
    let written = { rows: 0, events: 0 };
    try {
      written = await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto("chains")
          .values({ genesis_hash: chain.genesisHash, chain_id: String(chain.chainId), records_id: this.recordsId })
          .onConflict((oc) => oc.column("genesis_hash").doNothing())
          .execute();
        // Locks the chain's row: two mirrors of one chain (which the records' claim forbids)
        // would wait for each other rather than interleave.
        const state = await trx
          .selectFrom("chains")
          .select("synced_through")
          .where("genesis_hash", "=", chain.genesisHash)
          .forUpdate()
          .executeTakeFirstOrThrow();
        let rows = scan ? await this.scan(trx, state.synced_through) : 0;
        for (let i = 0; i < ids.length; i += this.chunkSize) {
          const chunk = ids.slice(i, i + this.chunkSize).map((id) => this.records.get(id));
          rows += await this.upsert(
            trx,
            chunk.filter((r) => r !== undefined),
          );
        }
        const eventsWritten = events ? await this.writeEvents(trx) : 0;
        await trx
          .updateTable("chains")
          .set({ synced_through: through })
          .where("genesis_hash", "=", chain.genesisHash)
          .where((eb) => eb.or([eb("synced_through", "is", null), eb("synced_through", "<", new Date(through))]))
          .execute();
        return { rows, events: eventsWritten };
      });
    } catch (error) {
      if (scan) this.scanNeeded = true;
      if (events) this.eventsPending = true;
      for (const id of ids) this.remember(id);
      this.failed(error);
      throw error;
    }
    if (this.lostAt !== undefined) {
      this.log.info("records_mirror_back", {
        database: this.where,
        downForMs: Date.now() - this.lostAt,
        rows: written.rows,
        events: written.events,
      });
      this.lostAt = undefined;
    }
    this.failures = 0;
    if (this.pending.size > 0 || this.scanNeeded || this.eventsPending) this.schedule(this.intervalMs);
  }

  /** Logs the first failure of a run of them, and retries later, each time later. */
  private failed(error: unknown): void {
    this.failures += 1;
    if (this.lostAt === undefined) {
      this.lostAt = Date.now();
      this.log.warn("records_mirror_lost", {
        database: this.where,
        reason: error instanceof Error ? error.message : String(error),
        pending: this.pending.size,
        note: "The engine goes on; its records stay in SQLite and are copied when the database answers again.",
      });
    }
    if (this.closed) return;
    const delay = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(this.failures - 1, 20));
    this.schedule(delay);
  }

  /**
   * Upserts every record the database lacks: ids above its newest, and records changed at or
   * after `since` (all of them when it has never caught up). Reads SQLite a page at a time, and
   * lets the engine run between pages.
   */
  private async scan(trx: Transaction<Database>, since: Date | null): Promise<number> {
    const chain = this.chain as ChainIdentity;
    const newest = await trx
      .selectFrom("opportunities")
      .select((eb) => eb.fn.max("local_id").as("id"))
      .where("genesis_hash", "=", chain.genesisHash)
      .executeTakeFirst();
    const aboveId = Number(newest?.id ?? 0);
    const sinceText = since?.toISOString();
    let afterId = 0;
    let written = 0;
    for (;;) {
      const { rows } = this.records.page({ afterId, sort: "id", order: "asc", limit: this.chunkSize });
      const last = rows.at(-1);
      if (last === undefined) break;
      afterId = last.id;
      written += await this.upsert(
        trx,
        rows.filter(
          (r) => r.id > aboveId || sinceText === undefined || (r.updatedAt !== null && r.updatedAt >= sinceText),
        ),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    return written;
  }

  /** Inserts or rewrites `rows` under this chain, and inserts their signed transactions. */
  private async upsert(trx: Transaction<Database>, rows: readonly TradeRecord[]): Promise<number> {
    if (rows.length === 0) return 0;
    const chain = this.chain as ChainIdentity;
    await trx
      .insertInto("opportunities")
      .values(
        rows.map((r) => ({
          genesis_hash: chain.genesisHash,
          local_id: r.id,
          // A record written before the file was bound has no chain id: it is the bound chain's.
          chain_id: r.chainId ?? chain.chainId,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          block: r.block,
          cycle: r.cycle,
          route: r.route,
          token: r.token,
          token_address: r.tokenAddress,
          decimals: r.decimals,
          amount_in: r.amountIn.toString(),
          lender: r.lender,
          expected_profit: r.expectedProfit.toString(),
          gas_cost: r.gasCost.toString(),
          expected_profit_usd6: str(r.expectedProfitUsd6),
          status: r.status,
          reason: r.reason,
          nonce: r.nonce,
          tx_hash: r.txHash,
          raw_tx: r.rawTx,
          mined_block: r.minedBlock,
          mined_block_hash: r.minedBlockHash,
          final: r.final,
          realised_profit: str(r.realisedProfit),
          realised_profit_usd6: str(r.realisedProfitUsd6),
          gas_used: str(r.gasUsed),
          gas_paid_wei: str(r.gasPaidWei),
          gas_paid_usd6: str(r.gasPaidUsd6),
          replaced_hashes: [...r.replacedHashes],
          risk_counted: r.riskCounted,
          strategy: r.strategy,
        })),
      )
      .onConflict((oc) =>
        oc.columns(["genesis_hash", "local_id"]).doUpdateSet((eb) => {
          const set: Record<string, unknown> = { mirrored_at: eb.fn("now") };
          for (const column of UPDATED) set[column] = eb.ref(`excluded.${column}`);
          return set as never;
        }),
      )
      .execute();
    // Only a record that was signed has transactions; they never change once stored.
    const attempts = rows
      .filter((r) => r.txHash !== null)
      .flatMap((r) =>
        this.records.attempts(r.id).map((a, position) => ({
          genesis_hash: chain.genesisHash,
          hash: a.hash,
          chain_id: r.chainId ?? chain.chainId,
          opportunity_local_id: r.id,
          position,
          nonce: a.nonce,
          raw_tx: a.rawTx,
          max_fee_per_gas: a.maxFeePerGas.toString(),
          max_priority_fee_per_gas: a.maxPriorityFeePerGas.toString(),
        })),
      );
    for (let i = 0; i < attempts.length; i += this.chunkSize)
      await trx
        .insertInto("transactions")
        .values(attempts.slice(i, i + this.chunkSize))
        .onConflict((oc) => oc.columns(["genesis_hash", "hash"]).doNothing())
        .execute();
    return rows.length;
  }

  /** Inserts the audit events above the newest the database has of this chain, oldest first. */
  private async writeEvents(trx: Transaction<Database>): Promise<number> {
    const chain = this.chain as ChainIdentity;
    const newest = await trx
      .selectFrom("events")
      .select((eb) => eb.fn.max("local_id").as("id"))
      .where("genesis_hash", "=", chain.genesisHash)
      .executeTakeFirst();
    let afterId = Number(newest?.id ?? 0);
    let written = 0;
    for (;;) {
      // The audit page is newest first: the oldest `chunkSize` above `afterId` are its last ones.
      const { total } = this.records.auditPage({ afterId, limit: 0 });
      if (total === 0) break;
      const { rows } = this.records.auditPage({
        afterId,
        limit: this.chunkSize,
        offset: Math.max(0, total - this.chunkSize),
      });
      const oldestFirst = [...rows].reverse();
      await trx
        .insertInto("events")
        .values(
          oldestFirst.map((e) => ({
            genesis_hash: chain.genesisHash,
            local_id: e.id,
            chain_id: chain.chainId,
            at: e.at,
            kind: e.kind,
            detail: JSON.stringify(e.detail),
          })),
        )
        .onConflict((oc) => oc.columns(["genesis_hash", "local_id"]).doNothing())
        .execute();
      written += rows.length;
      afterId = (oldestFirst.at(-1) as { id: number }).id;
    }
    return written;
  }
}
