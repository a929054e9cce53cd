import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server the tests create their databases on; without it they are skipped (and fail in CI). */
export const SERVER_URL = process.env.FLASH_ARB_TEST_DATABASE_URL ?? "";

/** Skips the suite, saying why, when no server is given; in CI a missing server is a failure. */
export function requirePostgres(this: Mocha.Context): void {
  if (SERVER_URL !== "") return;
  if (process.env.CI === "true")
    throw new Error(
      "FLASH_ARB_TEST_DATABASE_URL is not set: CI must run the PostgreSQL records tests against a server.",
    );
  console.log(
    "      skipped: set FLASH_ARB_TEST_DATABASE_URL (postgres://user@127.0.0.1:5432/postgres) to test the records in PostgreSQL",
  );
  this.skip();
}

/** A new, empty database on the test server, and how to drop it. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `flasharb_test_${randomBytes(6).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
