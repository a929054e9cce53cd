// `npm run trades`: the recorded trades, one line each and their totals, or NDJSON with --json.
// Only reads: a records file that does not exist is reported, never created.
import { existsSync, statSync } from "node:fs";
import { InvalidArgumentError, Option } from "commander";
import { createCommand, positiveInteger } from "../src/cli.js";
import { loadEngineConfig } from "../src/engine/config.js";
import { Records, type TradeRecord, type TradeStatus } from "../src/engine/record/records.js";
import { describeTrade } from "../src/engine/record/report.js";
import {
  describeTotals,
  parseSince,
  parseStatuses,
  TRADE_STATUSES,
  TradesQueryError,
  tradeJsonLine,
  tradeTotals,
} from "../src/engine/record/tradesView.js";
import { BaseError } from "../src/errors.js";

/** Where `npm start` keeps the demo's records (its `DEMO_DATABASE`). */
const DEMO_DATABASE = "deployments/demo.sqlite";

interface TradesOptions {
  config?: string;
  database?: string;
  demo?: boolean;
  status?: TradeStatus[];
  since?: string;
  limit?: number;
  json: boolean;
}

const command = createCommand("trades", "List the recorded trades and what they added up to.")
  .option("--config <file>", "JSON configuration file whose databasePath to read (see config/engine.example.json)")
  .addOption(new Option("--database <path>", "the records' SQLite file (default: the configured databasePath)"))
  .addOption(
    new Option("--demo", `the demo's records (${DEMO_DATABASE}), which npm start writes`).conflicts("database"),
  )
  .option(
    "--status <status>",
    `only these statuses; repeat or comma-separate (${TRADE_STATUSES.join(", ")})`,
    (value: string, all: TradeStatus[] = []) => [...all, ...usage(parseStatuses)(value)],
  )
  .option(
    "--since <time>",
    "only trades recorded since an ISO date/time (UTC unless it has a zone) or 30m/24h/7d ago",
    (value: string) => usage(parseSince)(value),
  )
  .option("--limit <n>", "only the newest n trades (after the filters)", positiveInteger)
  .option("--json", "one JSON object per trade and line (NDJSON): amounts as decimal strings, no totals", false)
  .addHelpText(
    "after",
    "\nExamples:\n  npm run trades -- --demo                             # what npm start did\n  npm run trades -- --status succeeded,reverted --since 24h\n  npm run trades -- --config config/engine.json --json | jq -r .realisedProfit",
  );
const options = command.parse().opts<TradesOptions>();

// `… | head` closes the pipe early: that is the reader being done, not an error to report.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

try {
  const rows = readTrades(options);
  if (options.json) {
    for (const row of rows) process.stdout.write(`${tradeJsonLine(row)}\n`);
  } else if (rows.length === 0) {
    process.stdout.write("No trades match.\n");
  } else {
    for (const row of rows) process.stdout.write(`${row.createdAt}  ${describeTrade(row)}\n`);
    process.stdout.write(`${describeTotals(tradeTotals(rows))}\n`);
  }
} catch (error) {
  if (!(error instanceof BaseError)) throw error;
  // One line, as for a usage error: the file's contents are not the problem, the command line is.
  const text = [error.shortMessage, error.details].filter((part) => part !== undefined).join(" ");
  process.stderr.write(`Error: ${text.replace(/\s*\n\s*/g, "; ")}\n`);
  process.exitCode = 1;
}

/** The trades `options` select, oldest first; the file is opened, read and closed. */
function readTrades(options: TradesOptions): TradeRecord[] {
  const database = options.demo === true ? DEMO_DATABASE : options.database;
  const config = loadEngineConfig(options.config, database === undefined ? {} : { databasePath: database });
  const path = config.databasePath;
  // Opening a missing file with Records would create it (and its directory): look first.
  if (!existsSync(path) || !statSync(path).isFile())
    throw new BaseError(`No records at ${path}.`, {
      details:
        "Run the engine first (npm run engine, or npm start for the demo), or name the records file with --database <path>, --demo or --config <file>.",
    });
  let records: Records | undefined;
  try {
    records = new Records(path, config.databaseBusyTimeoutMs);
    const filter = {
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.since === undefined ? {} : { since: options.since }),
    };
    const rows = records.list(filter);
    return options.limit === undefined ? rows : rows.slice(-options.limit);
  } catch (cause) {
    if (cause instanceof BaseError) throw cause;
    throw new BaseError(`Cannot read the records at ${path}.`, {
      details: `${cause instanceof Error ? cause.message : String(cause)}. Check that it is the engine's SQLite file.`,
      cause,
    });
  } finally {
    records?.close();
  }
}

/** `parse` as a commander option parser: its error becomes a one-line usage error (exit 2). */
function usage<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof TradesQueryError) throw new InvalidArgumentError(`${error.shortMessage} ${error.details}`);
      throw error;
    }
  };
}
