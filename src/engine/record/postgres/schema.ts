import { type ColumnType, type Kysely, sql } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";
import { BaseError } from "../../../errors.js";

/**
 * The records of every engine that mirrors into one PostgreSQL database, one process per chain.
 *
 * Rows are keyed by the chain's genesis hash and the engine's own SQLite id (`local_id`): a
 * restarted local chain has the same chain id but a new genesis, and its ids start again at 1.
 * Amounts are `numeric(78,0)` (any uint256, summed exactly by SQL), micro-dollars `bigint`, times
 * `timestamptz` to the millisecond, as the engine writes them.
 */

/** `bigint` and `numeric` come back from `pg` as decimal strings, and are written as bigints, numbers or strings. */
type Int8 = ColumnType<string, bigint | number | string, bigint | number | string>;
type NullableInt8 = ColumnType<string | null, bigint | number | string | null, bigint | number | string | null>;
/** `timestamptz` comes back from `pg` as a Date; it is written as the engine's ISO text. */
type Timestamp = ColumnType<Date, string | Date, string | Date>;
type NullableTimestamp = ColumnType<Date | null, string | Date | null, string | Date | null>;
/** Filled by the database when absent. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** Every column of a {@link TradeRecord}, the chain it belongs to, and the engine's own id. */
export interface OpportunitiesTable {
  genesis_hash: string;
  local_id: Int8;
  chain_id: Int8;
  created_at: Timestamp;
  updated_at: NullableTimestamp;
  block: Int8;
  cycle: string;
  route: string | null;
  token: string;
  token_address: string | null;
  decimals: number | null;
  amount_in: Int8;
  lender: string;
  expected_profit: Int8;
  gas_cost: Int8;
  expected_profit_usd6: NullableInt8;
  status: string;
  reason: string | null;
  nonce: NullableInt8;
  tx_hash: string | null;
  raw_tx: string | null;
  mined_block: NullableInt8;
  mined_block_hash: string | null;
  final: boolean;
  realised_profit: NullableInt8;
  realised_profit_usd6: NullableInt8;
  gas_used: NullableInt8;
  gas_paid_wei: NullableInt8;
  gas_paid_usd6: NullableInt8;
  replaced_hashes: string[];
  risk_counted: string | null;
  strategy: Defaulted<string>;
  /** When the mirror last wrote the row (PostgreSQL's clock). */
  mirrored_at: Defaulted<Date>;
}

/** The signed transactions of the trades, in the order they were signed (`position`). */
export interface TransactionsTable {
  genesis_hash: string;
  hash: string;
  chain_id: Int8;
  opportunity_local_id: Int8;
  position: number;
  nonce: Int8;
  raw_tx: string;
  max_fee_per_gas: Int8;
  max_priority_fee_per_gas: Int8;
}

/** The audit log of every engine. `detail` is the engine's JSON text, kept as written. */
export interface EventsTable {
  genesis_hash: string;
  local_id: Int8;
  chain_id: Int8;
  at: Timestamp;
  kind: string;
  detail: ColumnType<unknown, string, string>;
}

/**
 * One row per chain (genesis) a mirror writes: `synced_through` is the engine-clock time before
 * which every change of its records is known to be here, so a mirror that starts again catches
 * up from it.
 */
export interface ChainsTable {
  genesis_hash: string;
  chain_id: Int8;
  first_seen_at: Defaulted<Date>;
  synced_through: NullableTimestamp;
  /** The one records file that writes this chain (`Records.identity()`). */
  records_id: string | null;
}

/** The schema as Kysely sees it. */
export interface Database {
  opportunities: OpportunitiesTable;
  transactions: TransactionsTable;
  events: EventsTable;
  chains: ChainsTable;
}

/** uint256 has 78 decimal digits. */
const AMOUNT = "numeric(78, 0)";
const TIME = "timestamptz(3)";

/**
 * The migrations, named in the order they run. Each only adds, so an older engine's mirror can
 * still write to a database a newer one has migrated; a name, once released, never changes.
 */
const MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_records": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("opportunities")
        .addColumn("genesis_hash", "text", (c) => c.notNull())
        .addColumn("local_id", "bigint", (c) => c.notNull())
        .addColumn("chain_id", "bigint", (c) => c.notNull())
        .addColumn("created_at", TIME, (c) => c.notNull())
        .addColumn("updated_at", TIME)
        .addColumn("block", "bigint", (c) => c.notNull())
        .addColumn("cycle", "text", (c) => c.notNull())
        .addColumn("route", "text")
        .addColumn("token", "text", (c) => c.notNull())
        .addColumn("token_address", "text")
        .addColumn("decimals", "integer")
        .addColumn("amount_in", AMOUNT, (c) => c.notNull())
        .addColumn("lender", "text", (c) => c.notNull())
        .addColumn("expected_profit", AMOUNT, (c) => c.notNull())
        .addColumn("gas_cost", AMOUNT, (c) => c.notNull())
        .addColumn("expected_profit_usd6", "bigint")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("nonce", "bigint")
        .addColumn("tx_hash", "text")
        .addColumn("raw_tx", "text")
        .addColumn("mined_block", "bigint")
        .addColumn("mined_block_hash", "text")
        .addColumn("final", "boolean", (c) => c.notNull().defaultTo(false))
        .addColumn("realised_profit", AMOUNT)
        .addColumn("realised_profit_usd6", "bigint")
        .addColumn("gas_used", AMOUNT)
        .addColumn("gas_paid_wei", AMOUNT)
        .addColumn("gas_paid_usd6", "bigint")
        .addColumn("replaced_hashes", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
        .addColumn("risk_counted", "text")
        .addColumn("mirrored_at", TIME, (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint("opportunities_pkey", ["genesis_hash", "local_id"])
        .execute();
      // The operator API's filters: a chain's pages, by status, token, lender, and time.
      for (const [name, columns] of [
        ["opportunities_chain_id", ["chain_id", "local_id"]],
        ["opportunities_status", ["status", "local_id"]],
        ["opportunities_token", ["token", "local_id"]],
        ["opportunities_lender", ["lender", "local_id"]],
        ["opportunities_created_at", ["created_at"]],
        ["opportunities_local_id", ["local_id"]],
        // The mirror's catch-up: what it last wrote of its chain.
        ["opportunities_genesis_updated", ["genesis_hash", "updated_at"]],
      ] as const)
        await db.schema
          .createIndex(name)
          .on("opportunities")
          .columns([...columns])
          .execute();

      await db.schema
        .createTable("transactions")
        .addColumn("genesis_hash", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .addColumn("chain_id", "bigint", (c) => c.notNull())
        .addColumn("opportunity_local_id", "bigint", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("nonce", "bigint", (c) => c.notNull())
        .addColumn("raw_tx", "text", (c) => c.notNull())
        .addColumn("max_fee_per_gas", AMOUNT, (c) => c.notNull())
        .addColumn("max_priority_fee_per_gas", AMOUNT, (c) => c.notNull())
        .addPrimaryKeyConstraint("transactions_pkey", ["genesis_hash", "hash"])
        .addForeignKeyConstraint(
          "transactions_opportunity",
          ["genesis_hash", "opportunity_local_id"],
          "opportunities",
          ["genesis_hash", "local_id"],
        )
        .execute();
      await db.schema
        .createIndex("transactions_opportunity")
        .on("transactions")
        .columns(["genesis_hash", "opportunity_local_id", "position"])
        .execute();

      await db.schema
        .createTable("events")
        .addColumn("genesis_hash", "text", (c) => c.notNull())
        .addColumn("local_id", "bigint", (c) => c.notNull())
        .addColumn("chain_id", "bigint", (c) => c.notNull())
        .addColumn("at", TIME, (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        // json, not jsonb: the detail reads back exactly as the engine wrote it, keys in order.
        .addColumn("detail", "json", (c) => c.notNull())
        .addPrimaryKeyConstraint("events_pkey", ["genesis_hash", "local_id"])
        .execute();
      await db.schema.createIndex("events_at").on("events").columns(["at", "local_id"]).execute();
      await db.schema.createIndex("events_chain_id").on("events").columns(["chain_id", "at"]).execute();
      await db.schema.createIndex("events_kind").on("events").columns(["kind", "at"]).execute();

      await db.schema
        .createTable("chains")
        .addColumn("genesis_hash", "text", (c) => c.primaryKey())
        .addColumn("chain_id", "bigint", (c) => c.notNull())
        .addColumn("first_seen_at", TIME, (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("synced_through", TIME)
        .addColumn("records_id", "text")
        .execute();
      await db.schema.createIndex("chains_chain_id").on("chains").column("chain_id").execute();
    },
  },
  "0002_strategy": {
    async up(db: Kysely<unknown>) {
      // Liquidations beside arbitrage; every earlier record was an arbitrage.
      await db.schema
        .alterTable("opportunities")
        .addColumn("strategy", "text", (c) => c.notNull().defaultTo("arbitrage"))
        .execute();
      await db.schema
        .createIndex("opportunities_strategy")
        .on("opportunities")
        .columns(["strategy", "local_id"])
        .execute();
    },
  },
};

/** The migrations, in code: nothing is read from disk. */
const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** The name of the newest migration this engine knows. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1) as string;

/** The schema could not be brought up to date. */
export class PostgresMigrationError extends BaseError {
  override readonly name = "PostgresMigrationError";
}

/**
 * Brings the database to the newest schema, each migration in its own transaction, under
 * Kysely's advisory lock (several engines starting at once migrate once).
 * @returns The names of the migrations run now (none when it was up to date).
 * @throws PostgresMigrationError naming the migration that failed, or when the database was
 *   migrated by a newer engine (a migration this one does not know).
 */
export async function migrateToLatest(db: Kysely<Database>, where: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === "Error")?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new PostgresMigrationError(
      failed === undefined
        ? `Cannot migrate the records database ${where}: ${message}`
        : `Migration ${failed} of the records database ${where} failed: ${message}`,
      {
        details: /corrupted migrations|missing/i.test(message)
          ? "The database holds migrations this engine does not know: a newer engine wrote it. Run that version, or point DATABASE_URL at another database."
          : "The user in DATABASE_URL must be allowed to create tables in the database's default schema; nothing was changed by the migration that failed.",
        cause: error,
      },
    );
  }
  return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
}
