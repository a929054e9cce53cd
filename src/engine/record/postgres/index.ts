import type { Logger } from "../../log.js";
import type { RecordsReader } from "../reader.js";
import type { Records } from "../records.js";
import { describePostgres, type OpenPostgresOptions, openPostgres } from "./database.js";
import { RecordsMirror, type RecordsMirrorOptions } from "./mirror.js";
import { PostgresRecordsReader } from "./reader.js";

/** The records in PostgreSQL: what the API reads, the mirror that fills it, and how to close both. */
export interface RecordsStore {
  readonly reader: RecordsReader;
  readonly mirror: RecordsMirror;
  /** Writes what is pending (waiting at most `closeTimeoutMs`), stops the mirror, closes the pool. */
  close(): Promise<void>;
}

/** Options of {@link openRecordsStore}. */
export interface RecordsStoreOptions extends OpenPostgresOptions, RecordsMirrorOptions {
  /** How long `close()` waits for the last write (the rows stay in SQLite either way). */
  readonly closeTimeoutMs?: number;
}

/**
 * Opens the PostgreSQL database at `url` (migrating it), starts mirroring `records` into it,
 * and gives the reader the operator's API should use. Call it once the service has bound the
 * records to its chain (after `service.start()`).
 *
 * @example
 * const store = process.env.DATABASE_URL === undefined ? undefined : await openRecordsStore(process.env.DATABASE_URL, records, log);
 * const reader = store?.reader ?? new SqliteRecordsReader(records);
 * // … at shutdown
 * await store?.close();
 *
 * @throws PostgresConnectError for a bad URL, a server that cannot be reached or a refused
 *   login (the URL shown without its password); PostgresMigrationError when the schema cannot
 *   be migrated; RecordsMirrorError when the records are not bound to a chain yet.
 */
export async function openRecordsStore(
  url: string,
  records: Records,
  log: Logger,
  options: RecordsStoreOptions = {},
): Promise<RecordsStore> {
  const db = await openPostgres(url, options);
  const mirror = new RecordsMirror(db, records, log, options);
  try {
    await mirror.claim();
    mirror.start();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const where = describePostgres(db);
  log.info("records_mirror_started", { database: where, chain: records.boundChain() });
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  return {
    reader: new PostgresRecordsReader(db),
    mirror,
    async close() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), closeTimeoutMs);
      });
      try {
        const outcome = await Promise.race([mirror.flush().then(() => "flushed" as const), timeout]);
        if (outcome === "timeout")
          log.warn("records_mirror_unflushed", {
            database: where,
            reason: `the last write took longer than ${closeTimeoutMs} ms`,
            note: "The records stay in SQLite; the next start copies what the database lacks.",
          });
      } catch (error) {
        log.warn("records_mirror_unflushed", {
          database: where,
          reason: error instanceof Error ? error.message : String(error),
          note: "The records stay in SQLite; the next start copies what the database lacks.",
        });
      } finally {
        clearTimeout(timer);
      }
      await mirror.close();
      await db.destroy();
    },
  };
}
