import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import { Pool } from "pg";
import { BaseError } from "../../../errors.js";
import { type Database, migrateToLatest } from "./schema.js";

/** The records database could not be opened: a bad URL, a server that does not answer, a refused login. */
export class PostgresConnectError extends BaseError {
  override readonly name = "PostgresConnectError";
}

/** Options of {@link openPostgres}. */
export interface OpenPostgresOptions {
  /** Connections kept open: the mirror uses one, the API's reads a few. */
  readonly poolSize?: number;
  /** How long to wait for a connection before giving up (each attempt). */
  readonly connectTimeoutMs?: number;
  /** How long one query may take before the client gives up on it. */
  readonly queryTimeoutMs?: number;
}

/** The redacted URL each open database was opened with, for logs and messages. */
const WHERE = new WeakMap<object, string>();

/** Where `db` is, as {@link openPostgres} was given it, without the password. */
export function describePostgres(db: object): string {
  return WHERE.get(db) ?? "postgres";
}

/**
 * `url` without its password, for messages and logs: `postgres://flash:***@db:5432/records`.
 * @example redactUrl("postgres://u:secret@h/db?password=x") // "postgres://u:***@h/db?password=***"
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    for (const key of [...parsed.searchParams.keys()]) if (/pass/i.test(key)) parsed.searchParams.set(key, "***");
    // `***` is percent-encoded neither in the userinfo nor in the query.
    return parsed.toString().replace(/%2A%2A%2A/gi, "***");
  } catch {
    // Not a URL: hide whatever could be a password (between the user's colon and the @, or a parameter).
    return url.replace(/(\/\/[^/:@]*:)[^@]*@/, "$1***@").replace(/(pass[^=&]*=)[^&]*/gi, "$1***");
  }
}

/**
 * A Kysely instance on a small `pg` pool, with the records' schema migrated to the newest.
 *
 * Every connection works in UTC. Idle connections the server drops (a restart) are replaced on
 * next use; a query that fails because the server is down fails its caller and nothing else.
 *
 * @example
 * const db = await openPostgres(process.env.DATABASE_URL);
 * const reader = new PostgresRecordsReader(db);
 *
 * @throws PostgresConnectError for a URL that is not PostgreSQL's, a server that cannot be
 *   reached, a refused login or a database that does not exist; the message names the URL
 *   without its password and says what to check.
 * @throws PostgresMigrationError when the schema cannot be brought up to date.
 */
export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<Kysely<Database>> {
  const where = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not chained: Node's URL error carries the whole input, password included.
    throw new PostgresConnectError(`The records database URL is not a URL: ${where}.`, {
      details:
        "Set DATABASE_URL to postgres://user:password@host:5432/database (percent-encode special characters of the password).",
    });
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")
    throw new PostgresConnectError(`The records database URL is not a PostgreSQL URL: ${where}.`, {
      details: `It starts with ${parsed.protocol}//; set DATABASE_URL to postgres://user:password@host:5432/database.`,
    });
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    query_timeout: options.queryTimeoutMs ?? 30_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    allowExitOnIdle: true,
    application_name: "flash-arb",
  });
  // An idle connection the server closed (a restart, a failover) is reported here; the pool
  // drops it and opens another on next use. Without a listener the process would crash.
  pool.on("error", () => {});
  // A connection that drops while in use fails its query (which the caller handles) and also
  // emits an error on the client, which the pool listens for only while the client is idle.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw("SET TIME ZONE 'UTC'"));
      },
    }),
  });
  WHERE.set(db, where);
  try {
    await sql`SELECT 1`.execute(db);
  } catch (cause) {
    await db.destroy().catch(() => {});
    throw connectError(cause, parsed, where);
  }
  try {
    await migrateToLatest(db, where);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw error;
  }
  return db;
}

/** What went wrong connecting, in words, with what to check. */
function connectError(cause: unknown, url: URL, where: string): PostgresConnectError {
  const error = cause as { code?: string; message?: string; errors?: Array<{ code?: string }> };
  const code = error.code ?? error.errors?.[0]?.code;
  const message = error.message ?? String(cause);
  const user = decodeURIComponent(url.username) || "(the default user)";
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || user;
  if (code === "28P01" || code === "28000")
    return new PostgresConnectError(`PostgreSQL refused the login of user "${user}" at ${where}: ${message}.`, {
      details:
        "Check the user and the password in DATABASE_URL (percent-encoded), and that the server's pg_hba.conf lets this user connect from this machine.",
      cause,
    });
  if (code === "3D000")
    return new PostgresConnectError(`The database "${database}" does not exist at ${where}.`, {
      details: `Create it (createdb ${database}, or CREATE DATABASE), or name an existing database in DATABASE_URL.`,
      cause,
    });
  if (
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"].includes(
      code ?? "",
    ) ||
    /timeout|terminated/i.test(message)
  )
    return new PostgresConnectError(`Cannot reach the PostgreSQL server at ${where}: ${code ?? message}.`, {
      details:
        "Check the host and port in DATABASE_URL, that the server runs, and that it accepts connections from this machine (listen_addresses, pg_hba.conf, a firewall).",
      cause,
    });
  return new PostgresConnectError(`Cannot open the records database at ${where}: ${message}.`, {
    details: "Check DATABASE_URL and the server's log.",
    cause,
  });
}
