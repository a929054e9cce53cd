// What `npm run engine` and `npm start` share: the options that pick the chain and who trades,
// the configuration they override, the signal handling and the printed summary.
import { type Command, InvalidArgumentError } from "commander";
import { LIVE_BOOKS } from "../../src/addressBooks/networks.js";
import { startAlerts } from "../../src/alerts/notifier.js";
import { API_TOKEN_NAME } from "../../src/api/auth.js";
import { startApi } from "../../src/api/server.js";
import { address, urlWith } from "../../src/cli.js";
import { chainIdentity } from "../../src/engine/collect/chain.js";
import { publicUrl } from "../../src/engine/collect/publicUrl.js";
import { type EngineConfig, loadEngineConfig } from "../../src/engine/config.js";
import { childLogger, createLogger, type Logger } from "../../src/engine/log.js";
import { openRecordsStore, type RecordsStore } from "../../src/engine/record/postgres/index.js";
import { SqliteRecordsReader } from "../../src/engine/record/reader.js";
import { describeSummary, summaryJson } from "../../src/engine/record/report.js";
import { EngineService, type ServiceDeps, type ServiceSummary } from "../../src/engine/service.js";
import { BaseError } from "../../src/errors.js";
import { EngineMetrics } from "../../src/metrics/metrics.js";
import { readSecret } from "../../src/ops/secrets.js";

/** The address books a run can take: the local node's record, or a live chain's. */
const CHAINS = ["localhost", ...Object.keys(LIVE_BOOKS)];

/** The options both commands take. */
export interface EngineOptions {
  config?: string;
  rpc?: string[];
  ws?: string;
  chain?: string;
  live?: boolean;
  executor?: string;
  operator?: string;
  database?: string;
  apiPort?: number;
  json: boolean;
}

/** Adds the shared options to `command`. */
export function engineOptions(command: Command): Command {
  return command
    .option(
      "--config <file>",
      "JSON configuration file (see config/engine.example.json); the options below override it",
    )
    .option("--rpc <url>", "JSON-RPC URL; repeat for fallbacks tried in turn", (v: string, all: string[] = []) => [
      ...all,
      urlWith("http", "https")(v),
    ])
    .option(
      "--ws <url>",
      "WebSocket URL of the same chain: new heads by subscription (polling stays as the fallback)",
      urlWith("ws", "wss"),
    )
    .option("--chain <name>", `address book: ${CHAINS.join(", ")}`, (v: string) => {
      if (!CHAINS.includes(v)) throw new InvalidArgumentError(`Expected one of ${CHAINS.join(", ")}.`);
      return v;
    })
    .option("--live", "send transactions (otherwise dry-run: simulate and record what would be sent)")
    .option(
      "--executor <address>",
      "the executor's address (default: the local record or the chain's Ignition deployment)",
      address,
    )
    .option("--operator <address>", "dry-run: the operator address to simulate from", address)
    .option("--database <path>", "the records' SQLite file")
    .option("--api-port <port>", "the operator API's and dashboard's port on apiHost (0: any free port)", port)
    .option("--json", "print the summary as one JSON line on stdout (logs stay on stderr)", false);
}

/** The configuration: the command's `defaults`, the file's values, then only the options given on the command line. */
export function configFrom(options: EngineOptions, defaults: Record<string, unknown> = {}): EngineConfig {
  const overrides: Record<string, unknown> = {};
  if (options.rpc !== undefined && options.rpc.length > 0) {
    overrides.rpcUrl = options.rpc[0];
    overrides.rpcFallbackUrls = options.rpc.slice(1);
  }
  if (options.ws !== undefined) overrides.wsUrl = options.ws;
  if (options.chain !== undefined) overrides.chain = options.chain;
  if (options.live !== undefined) overrides.live = options.live;
  if (options.database !== undefined) overrides.databasePath = options.database;
  if (options.apiPort !== undefined) overrides.apiPort = options.apiPort;
  return loadEngineConfig(options.config, overrides, defaults);
}

/** A TCP port number (0 to 65535) from the command line. */
export function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65_535)
    throw new InvalidArgumentError("Expected a port number from 0 to 65535.");
  return Number(value);
}

/** The logger: pretty on a terminal, JSON lines otherwise, always on stderr. */
export function engineLogger(): Logger {
  return createLogger();
}

/**
 * Stops the service on SIGINT or SIGTERM (a second signal exits at once, with 130): it stops
 * taking work, waits for trades in flight up to the configured bound, and the caller prints
 * the summary.
 */
export function stopOnSignal(service: EngineService, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn("forced_exit", {
        signal,
        note: "trades in flight stay recorded as sent; the next start reconciles them",
      });
      process.exit(130);
    }
    stopping = true;
    log.info("stopping", { signal, note: "waiting for trades in flight; send the signal again to exit now" });
    void service.stop(signal).catch(() => {});
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/** Prints the summary: one JSON line with --json, else lines for a person. */
export function printSummary(
  service: EngineService,
  summary: ServiceSummary,
  options: { json: boolean; live: boolean; pools: number; databasePath: string },
): void {
  if (options.json) {
    process.stdout.write(`${summaryJson(summary)}\n`);
    return;
  }
  for (const line of describeSummary(summary, service.runRecords(), options)) process.stdout.write(`${line}\n`);
}

/**
 * Runs the service on `deps` the way both commands do: start (preflight, reconciliation), stop
 * on SIGINT/SIGTERM, and either run until stopped or, with `drive`, let the caller drive it (the
 * demo's price moves) and stop when `drive` resolves with the reason. Then the summary; the
 * records and the RPC are closed whatever happened.
 */
export async function serve(
  deps: ServiceDeps & { readonly provider: { readonly urls?: readonly string[]; destroy(): void } },
  log: Logger,
  json: boolean,
  drive?: (service: EngineService, ended: () => boolean) => Promise<string>,
  surface: SurfaceOptions = {},
): Promise<void> {
  const { config } = deps;
  const service = new EngineService(deps);
  let closeSurface: (() => Promise<void>) | undefined;
  try {
    // The surface comes up first: /health answers and /ready says why not while the service starts.
    closeSurface = await openSurface(service, deps, log, surface);
    await service.start();
    stopOnSignal(service, log);
    log.info("running", {
      live: config.live,
      rpc: deps.provider.urls?.map(publicUrl),
      database: config.databasePath,
      stop: "Ctrl+C or SIGTERM",
    });
    let ended = false;
    const running = service.run().then(() => {
      ended = true;
    });
    const reason = drive === undefined ? undefined : await drive(service, () => ended);
    if (reason === undefined) await running;
    const summary = await service.stop(reason);
    printSummary(service, summary, {
      json,
      live: config.live,
      pools: deps.pools.length,
      databasePath: config.databasePath,
    });
  } finally {
    await closeSurface?.().catch((error: unknown) =>
      log.warn("surface_close_failed", { reason: (error as Error).message }),
    );
    deps.records.close();
    deps.provider.destroy();
  }
}

/**
 * The API's token: the environment's `FLASH_ARB_API_TOKEN`, or on a live chain the keystore's
 * entry of that name (`npx hardhat keystore set FLASH_ARB_API_TOKEN`).
 */
async function apiToken(chain: string): Promise<string | undefined> {
  const fromEnv = process.env[API_TOKEN_NAME];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (chain === "localhost") return undefined;
  const { hooks } = (await import("hardhat")).default;
  return readSecret(hooks, API_TOKEN_NAME);
}

/** How `serve` opens the operator's surface. */
export interface SurfaceOptions {
  /** The token for the API's writes when the environment has none (the demo makes one up). */
  readonly fallbackToken?: string;
}

/**
 * The operator's surface around a service: metrics, alerts, and the HTTP API with the live
 * stream and the dashboard (unless `apiEnabled` is false). Returns what closes them.
 */
async function openSurface(
  service: EngineService,
  deps: ServiceDeps,
  log: Logger,
  options: SurfaceOptions,
): Promise<() => Promise<void>> {
  const { config } = deps;
  const metrics = new EngineMetrics(service);
  // Before the service starts: a channel whose secret is missing stops the start with its name.
  const alerts = startAlerts(service.events, config, childLogger(log, { stage: "alerts" }), process.env, {
    chainId: deps.book.chainId,
  });
  // With DATABASE_URL, the records are mirrored into PostgreSQL (the engine still writes each
  // step to its own file first, never waiting on the network) and the API reads them there,
  // beside other engines' chains. The mirror needs the chain the file is bound to.
  let store: RecordsStore | undefined;
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== "") {
    deps.records.bindChain(await chainIdentity(deps.provider));
    store = await openRecordsStore(url, deps.records, childLogger(log, { stage: "records_mirror" })).catch(
      async (error: unknown) => {
        await alerts.close();
        metrics.close();
        throw error;
      },
    );
  }
  if (!config.apiEnabled)
    return async () => {
      await store?.close();
      await alerts.close();
      metrics.close();
    };
  const reader = store?.reader ?? new SqliteRecordsReader(deps.records);
  const token = (await apiToken(config.chain)) || options.fallbackToken;
  const api = await startApi(
    {
      service,
      records: reader,
      book: deps.book,
      symbols: deps.symbols,
      metrics,
      log: childLogger(log, { stage: "api" }),
      token,
      host: config.apiHost,
    },
    config.apiPort,
  ).catch(async (error: unknown) => {
    await store?.close();
    await alerts.close();
    metrics.close();
    throw error;
  });
  const shown = token !== undefined && token === options.fallbackToken ? `${api.url}/#token=${token}` : `${api.url}/`;
  log.info("dashboard", {
    url: shown,
    api: `${api.url}/api/status`,
    openapi: `${api.url}/openapi.json`,
    metrics: `${api.url}/metrics`,
    controls: token === undefined ? `off: set ${API_TOKEN_NAME} to pause, resume and change limits` : "need the token",
  });
  // Plain on stderr too, whatever the log format: the line a person looks for.
  process.stderr.write(`Dashboard: ${shown}\n`);
  return async () => {
    await api.close();
    // Before the records file closes: the mirror's last write reads from it.
    await store?.close();
    await alerts.close();
    metrics.close();
  };
}

/** Runs `main`; a BaseError is printed as its message (with what to do) and exits 1, no stack trace. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof BaseError)) throw error;
    process.stderr.write(`Error: ${error.message}\n`);
    process.exitCode = 1;
  }
}
