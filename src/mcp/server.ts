import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { formatUnits } from "ethers";
import { z } from "zod";
import type {
  controlResult,
  funnelSchema,
  opportunitiesPage,
  profitSchema,
  statusSchema,
  tradeSchema,
  tradesPage,
} from "../api/schemas.js";
import { tradeFilterFields } from "../api/schemas.js";
import { formatUsd } from "../engine/format.js";
import type { Logger } from "../engine/log.js";
import { SORT_COLUMNS } from "../engine/record/query.js";
import { TRADE_STATUSES } from "../engine/record/tradesView.js";
import { BaseError } from "../errors.js";

// The MCP server is a separate process and a client of the engine's HTTP API, nothing more: it
// never opens the records and holds no key. Every number it shows is one the API sent, in the
// API's own words (`text` of an amount, dollars to the cent); it adds none of its own.

const VERSION = (
  JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as {
    version: string;
  }
).version;

/** How long one request to the engine's API may take before the tool gives up. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Page size when `explain_trade` has to look a trade up in the list (an engine without `GET /api/trades/:id`). */
const LOOKUP_PAGE = 500;

/** The environment variable the controls' token comes from (the engine's own, see `src/api/auth.ts`). */
const TOKEN_NAME = "FLASH_ARB_API_TOKEN";

type Trade = z.infer<typeof tradeSchema>;
type TradeWithAttempts = Trade & {
  readonly attempts?: ReadonlyArray<{
    hash: string;
    nonce: number;
    maxFeePerGas: string;
    maxPriorityFeePerGas: string;
  }>;
};
type Amount = Trade["amountIn"];
type Usd = NonNullable<Trade["expectedProfitUsd"]>;

/** The parts of `GET /api/status` this server reads beyond its schema's named fields (which pass through). */
type Status = z.infer<typeof statusSchema> & {
  readonly risk?: {
    readonly state: string | null;
    readonly detail: string | null;
    readonly since: string | null;
    readonly consecutiveFailures: number;
    readonly lossTodayWei: string;
    readonly skipped: Readonly<Record<string, number>>;
  };
  readonly rpc?: { readonly reachable: boolean; readonly downSince: string | null; readonly outages: number };
  readonly preflightPassed?: boolean;
  readonly startedAt?: string;
  readonly summary?: Readonly<Record<string, unknown>>;
};

/** What {@link createMcpServer} needs: where the engine's API is, and the token for its controls. */
export interface McpServerOptions {
  /** The engine's API, e.g. `http://127.0.0.1:8081` (its `apiHost` and `apiPort`). */
  readonly apiUrl: string;
  /** The engine's `FLASH_ARB_API_TOKEN`: needed by `pause` and `resume`, and by reads off loopback. */
  readonly token?: string | undefined;
  /** The `fetch` to call the API with (a test's); the global one by default. */
  readonly fetch?: typeof fetch;
  /** Where to note the API's failures; nothing by default. The token is never logged. */
  readonly log?: Logger;
}

/** The engine's API could not be reached, or answered with an error. */
export class EngineApiError extends BaseError {
  override readonly name = "EngineApiError";
  /** The HTTP status, when the API answered. */
  readonly status: number | undefined;
  /** The API's `error` code (`bad_request`, `unauthorized`, `not_found`…), when it sent one. */
  readonly code: string | undefined;

  constructor(
    shortMessage: string,
    parameters: { details?: string; cause?: unknown; status?: number; code?: string | undefined } = {},
  ) {
    super(shortMessage, {
      ...(parameters.details === undefined ? {} : { details: parameters.details }),
      ...(parameters.cause === undefined ? {} : { cause: parameters.cause }),
    });
    this.status = parameters.status;
    this.code = parameters.code;
  }
}

type Query = Readonly<Record<string, string | number | undefined>>;

/** A small client of the engine's API: JSON in, JSON out, every failure an {@link EngineApiError}. */
class EngineApi {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: McpServerOptions) {
    this.base = options.apiUrl.replace(/\/+$/, "");
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  get hasToken(): boolean {
    return this.options.token !== undefined && this.options.token !== "";
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>("GET", path, query);
  }

  post<T>(path: string): Promise<T> {
    return this.request<T>("POST", path, {});
  }

  private async request<T>(method: "GET" | "POST", path: string, query: Query): Promise<T> {
    const url = new URL(`${this.base}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: "application/json", "user-agent": `flash-arb-mcp/${VERSION}` };
    // Sent with reads too: an API that listens off loopback wants it for everything.
    if (this.hasToken) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      text = await response.text();
    } catch (cause) {
      const error = new EngineApiError(`Cannot reach the engine's API at ${this.base}: ${reasonOf(cause)}.`, {
        details:
          "Start the engine with its API enabled (npm run engine; apiEnabled is on by default), or point this MCP server at its URL with --api (the engine logs it as `dashboard`).",
        cause,
      });
      this.options.log?.warn("mcp_api_unreachable", { method, path, reason: reasonOf(cause) });
      throw error;
    }
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const e = (typeof body === "object" && body !== null ? body : {}) as {
        error?: unknown;
        message?: unknown;
        details?: unknown;
      };
      const message = typeof e.message === "string" ? e.message : text.slice(0, 300) || response.statusText;
      this.options.log?.warn("mcp_api_error", { method, path, status: response.status, message });
      throw new EngineApiError(`The engine's API refused ${method} ${path} (${response.status}): ${message}`, {
        ...(typeof e.details === "string" ? { details: e.details } : {}),
        status: response.status,
        code: typeof e.error === "string" ? e.error : undefined,
      });
    }
    if (body === undefined)
      throw new EngineApiError(`The engine's API answered ${method} ${path} with something other than JSON.`, {
        details: `Check that ${this.base} is the engine's API (npm run engine logs its URL), not another server.`,
      });
    return body as T;
  }
}

/** Why a `fetch` failed, as specifically as Node says it (`connect ECONNREFUSED 127.0.0.1:8081`). */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = error.cause;
  if (cause instanceof Error && cause.message !== "") return cause.message;
  return error.message;
}

/** A tool's answer: text for a person, and the API's JSON for a program. */
interface Answer {
  readonly text: string;
  readonly data?: Record<string, unknown>;
}

/**
 * A tool callback from `run`: its answer as text content (and structured content), any failure
 * as an error result with the API's message, never a thrown error that would end the session.
 */
function handler<A>(name: string, log: Logger | undefined, run: (args: A) => Promise<Answer>) {
  return async (args: A): Promise<CallToolResult> => {
    try {
      const { text, data } = await run(args);
      return { content: [{ type: "text", text }], ...(data === undefined ? {} : { structuredContent: data }) };
    } catch (error) {
      if (!(error instanceof BaseError))
        log?.error("mcp_tool_failed", { tool: name, reason: error instanceof Error ? error.message : String(error) });
      const text = error instanceof Error ? error.message : String(error);
      return { content: [{ type: "text", text }], isError: true };
    }
  };
}

/** The read tools' hints: they change nothing, and talk only to the one engine. */
const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;
/** The controls' hints: they change the engine's state, reversibly, and repeating one changes nothing more. */
const CONTROL = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

const statusEnum = z.enum(TRADE_STATUSES as [string, ...string[]]);
const since = z
  .string()
  .min(1)
  .max(64)
  .describe("an ISO date or date-time (UTC unless it has a zone), or 30m / 24h / 7d ago");
const chainId = z.number().int().positive().describe("only this chain's records");

/**
 * An MCP server for AI assistants over the engine's operator API: `status`, `opportunities`,
 * `trades`, `profit`, `explain_trade`, and the controls `pause` and `resume` (which need the
 * engine's token, given here by whoever starts the server, never by the assistant).
 *
 * @example
 * const server = createMcpServer({ apiUrl: "http://127.0.0.1:8081", token: process.env.FLASH_ARB_API_TOKEN });
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: McpServerOptions): McpServer {
  const api = new EngineApi(options);
  const log = options.log;
  const server = new McpServer(
    { name: "flash-arb", title: "flash-arb engine", version: VERSION },
    {
      instructions:
        "Tools over one running flash-arb engine's operator API. Amounts and dollars are the engine's own, measured on chain for realised profit; quote them as given. `pause` and `resume` change whether the engine sends trades.",
    },
  );

  server.registerTool(
    "status",
    {
      title: "Engine status",
      description:
        "The engine's state (running, paused, tripped by the risk guard, RPC down), its chain and head block, the executor and operator, the risk guard, and what it has counted since it started.",
      inputSchema: {},
      annotations: READ_ONLY,
    },
    handler("status", log, async (): Promise<Answer> => {
      const status = await api.get<Status>("/api/status");
      return { text: describeStatus(status), data: status };
    }),
  );

  server.registerTool(
    "opportunities",
    {
      title: "Recent opportunities",
      description:
        "The newest opportunities, each with the funnel stage it reached (found, sized, simulated, sent, landed, lost) and why it stopped, and the funnel's counts.",
      inputSchema: {
        limit: z.number().int().min(1).max(500).optional().describe("how many, newest first (default 50)"),
        since: since.optional(),
        afterId: z.number().int().min(0).optional().describe("only opportunities with a higher id"),
        chainId: chainId.optional(),
      },
      annotations: READ_ONLY,
    },
    handler("opportunities", log, async (args) => {
      const page = await api.get<z.infer<typeof opportunitiesPage>>("/api/opportunities", args);
      return { text: describeOpportunities(page), data: page };
    }),
  );

  server.registerTool(
    "trades",
    {
      title: "Trade history",
      description:
        "Recorded trades with filters, sorting and pages: each with its cycle, lender, size, expected and realised profit (token units and dollars), gas, status and transaction.",
      inputSchema: {
        status: z
          .union([statusEnum, z.array(statusEnum).min(1)])
          .optional()
          .describe("one status or several (succeeded, reverted, dry_run, filtered…)"),
        ...tradeFilterFields,
        since: since.optional(),
        until: since.optional(),
        sort: z
          .enum(Object.keys(SORT_COLUMNS) as [keyof typeof SORT_COLUMNS])
          .optional()
          .describe("default id"),
        order: z.enum(["asc", "desc"]).optional().describe("default desc"),
        limit: z.number().int().min(1).max(500).optional().describe("default 50"),
        offset: z.number().int().min(0).optional(),
        chainId: chainId.optional(),
      },
      annotations: READ_ONLY,
    },
    handler("trades", log, async (args) => {
      const { status, ...rest } = args;
      const query = { ...rest, status: Array.isArray(status) ? status.join(",") : status };
      const page = await api.get<z.infer<typeof tradesPage>>("/api/trades", query);
      return { text: describeTrades(page, args.offset ?? 0), data: page };
    }),
  );

  server.registerTool(
    "profit",
    {
      title: "Profit per period",
      description:
        "Realised profit of mined trades per day, week or month: per token, in dollars, gas paid, and net of gas.",
      inputSchema: {
        period: z.enum(["day", "week", "month"]).optional().describe("default day"),
        chainId: chainId.optional(),
      },
      annotations: READ_ONLY,
    },
    handler("profit", log, async (args) => {
      const profit = await api.get<z.infer<typeof profitSchema>>("/api/profit", args);
      return { text: describeProfit(profit), data: profit };
    }),
  );

  server.registerTool(
    "explain_trade",
    {
      title: "Explain one trade",
      description:
        "Everything recorded about one trade by id: its cycle and pools, size and lender, expected against realised profit (units and dollars), gas used and paid, status and why, and its transaction.",
      inputSchema: {
        id: z.number().int().positive().describe("the trade's id (as trades and opportunities show it)"),
        chainId: chainId.optional().describe("the trade's chain, where the records hold several chains"),
      },
      annotations: READ_ONLY,
    },
    handler("explain_trade", log, async (args) => {
      const trade = await findTrade(api, args.id, args.chainId);
      return { text: explainTrade(trade), data: trade };
    }),
  );

  for (const action of ["pause", "resume"] as const)
    server.registerTool(
      action,
      {
        title: action === "pause" ? "Pause sending" : "Resume sending",
        description:
          action === "pause"
            ? "Stop the engine sending trades (it keeps watching, sizing and simulating). Needs the engine's token, configured when this server was started."
            : "Let the engine send trades again, whatever stopped it (a pause or a risk-guard trip). Needs the engine's token, configured when this server was started.",
        inputSchema: {},
        annotations: CONTROL,
      },
      handler(action, log, async (): Promise<Answer> => {
        if (!api.hasToken)
          throw new BaseError(
            `Cannot ${action}: this MCP server has no API token, and the engine's controls need one. Nothing was changed.`,
            {
              details: `Whoever runs the server sets ${TOKEN_NAME} in its environment to the engine's token (the one the engine was started with), then restarts it.`,
            },
          );
        const result = await api.post<z.infer<typeof controlResult>>(`/api/${action}`);
        return { text: describeControl(action, result), data: result };
      }),
    );

  return server;
}

/**
 * One trade by id: `GET /api/trades/:id`, or, from an engine without that route, the trade
 * list paged newest first until the id is passed.
 */
async function findTrade(api: EngineApi, id: number, chainId: number | undefined): Promise<TradeWithAttempts> {
  try {
    return await api.get<TradeWithAttempts>(`/api/trades/${id}`, { chainId });
  } catch (error) {
    // `not_found` is the route's own answer (no such trade); any other 404 is a missing route.
    if (!(error instanceof EngineApiError) || error.status !== 404 || error.code === "not_found") throw error;
  }
  for (let offset = 0; ; offset += LOOKUP_PAGE) {
    const page = await api.get<z.infer<typeof tradesPage>>("/api/trades", {
      sort: "id",
      order: "desc",
      limit: LOOKUP_PAGE,
      offset,
      chainId,
    });
    const row = page.rows.find((r) => r.id === id);
    if (row !== undefined) return row;
    const last = page.rows.at(-1);
    if (last === undefined || last.id < id || offset + LOOKUP_PAGE >= page.total) break;
  }
  throw new EngineApiError(`No trade ${id}.`, {
    details: "Use the trades or opportunities tool to see the ids there are.",
    status: 404,
    code: "not_found",
  });
}

/** An amount as the API wrote it for a person, or its base units when the token's decimals are unknown. */
function amount(a: Amount, token: string): string {
  return a.text ?? `${a.raw} ${token} (base units)`;
}

/** ` ($1.23)`, or nothing when there is no price. */
function dollars(u: Usd | null): string {
  return u === null ? "" : ` (${u.text})`;
}

/** Dollars to the cent from a status count in micro-dollars, with the formatter the API's `text` fields use. */
function usd6(value: unknown): string {
  return typeof value === "string" && /^-?\d+$/.test(value) ? formatUsd(BigInt(value)) : "unknown";
}

/** Ether from a status count in wei, with every decimal (as the API's `gasPaidEth`). */
function eth(wei: unknown): string {
  return typeof wei === "string" && /^-?\d+$/.test(wei) ? `${formatUnits(BigInt(wei), 18)} ETH` : "unknown";
}

function describeStatus(s: Status): string {
  const lines: string[] = [];
  const chain = s.chainId === undefined ? s.chain : `${s.chain} (chain ${s.chainId})`;
  const mode = s.live ? "in live mode" : "in dry-run mode (it simulates and sends nothing)";
  lines.push(`The engine is ${s.state} on ${chain}, ${mode}. Version ${s.version}.`);
  lines.push(
    s.headBlock === undefined
      ? "Head: none handled yet."
      : `Head: block ${s.headBlock}${s.headAgeMs === undefined ? "" : `, handled ${(s.headAgeMs / 1000).toFixed(1)} s ago`}.`,
  );
  const balance = s.operatorBalanceWei === undefined ? "" : `, balance ${eth(s.operatorBalanceWei)}`;
  const runway = s.runwayTrades === undefined ? "" : `, gas for about ${s.runwayTrades} more trades`;
  lines.push(`Executor ${s.executor}; operator ${s.operator}${balance}${runway}.`);
  if (s.risk !== undefined) {
    const r = s.risk;
    const stopped =
      r.state === null
        ? "letting trades through"
        : `stopped (${r.state}${r.since === null ? "" : ` since ${r.since}`}${r.detail === null ? "" : `: ${r.detail}`})`;
    const skipped = Object.entries(r.skipped).map(([reason, n]) => `${n} × ${reason}`);
    lines.push(
      `Risk guard: ${stopped}; ${r.consecutiveFailures} consecutive failures; loss today ${eth(r.lossTodayWei)}; kept from sending: ${skipped.join(", ") || "nothing"}.`,
    );
  }
  if (s.rpc !== undefined)
    lines.push(
      `RPC: ${s.rpc.reachable ? "reachable" : `unreachable since ${s.rpc.downSince ?? "?"}`}; ${s.rpc.outages} outages.${
        s.preflightPassed === undefined ? "" : ` Preflight ${s.preflightPassed ? "passed" : "not passed"}.`
      }`,
    );
  const c = s.summary;
  if (c !== undefined) {
    const n = (key: string) => (typeof c[key] === "number" ? String(c[key]) : "?");
    lines.push(
      `Since the start${s.startedAt === undefined ? "" : ` at ${s.startedAt}`}: ${n("blocks")} blocks, ${n("opportunities")} opportunities, ${n("simulated")} simulated (${n("simulationFailed")} failed), ${n("sent")} sent, ${n("succeeded")} succeeded, ${n("reverted")} reverted, ${n("dropped")} dropped, ${n("inFlight")} in flight, ${n("dryRun")} dry-run.`,
    );
    const byToken = Object.entries((c.realisedProfit ?? {}) as Record<string, string>).map(
      ([symbol, raw]) => `${raw} ${symbol}`,
    );
    lines.push(
      `Realised since the start: ${usd6(c.realisedProfitUsd6)} (${byToken.join(", ") || "nothing"} in base units); gas paid ${usd6(c.gasPaidUsd6)}. The profit tool has it per period in token units.`,
    );
  }
  return lines.join("\n");
}

function describeFunnel(f: z.infer<typeof funnelSchema>): string {
  return `Funnel: found ${f.found} → sized ${f.sized} → simulated ${f.simulated} → sent ${f.sent} → landed ${f.landed}, lost ${f.lost}.`;
}

/** Whether the records say why a trade stopped where it did (a trade that landed has an empty reason). */
function hasReason(t: Trade): t is Trade & { reason: string } {
  return t.reason !== null && t.reason.trim() !== "";
}

/** One trade on one line: what, how much, from whom, where it got to and why. */
function tradeLine(t: Trade): string {
  const head = `#${t.id} block ${t.block} (${t.createdAt}): ${t.cycle}, ${amount(t.amountIn, t.token)} from ${t.lender}`;
  const expected = `expected ${amount(t.expectedProfit, t.token)}${dollars(t.expectedProfitUsd)}`;
  const realised =
    t.realisedProfit === null ? "" : `, realised ${amount(t.realisedProfit, t.token)}${dollars(t.realisedProfitUsd)}`;
  const gas = t.gasPaid === null ? "" : `, gas ${t.gasPaid.usd?.text ?? `${t.gasPaid.eth} ETH`}`;
  const why = hasReason(t) ? ` (${t.reason})` : "";
  const where = t.outcome === "stopped" ? `stopped at ${t.stage}` : t.stage;
  const tx = t.txHash === null ? "" : ` [${t.txHash}]`;
  return `${head}; ${expected}${realised}${gas} — ${where}: ${t.status}${why}${tx}`;
}

function describeOpportunities(page: z.infer<typeof opportunitiesPage>): string {
  const lines = [describeFunnel(page.funnel)];
  if (page.rows.length === 0) lines.push("No opportunities recorded (for these filters).");
  else lines.push(`Newest ${page.rows.length}:`, ...page.rows.map(tradeLine));
  return lines.join("\n");
}

function describeTrades(page: z.infer<typeof tradesPage>, offset: number): string {
  const total = page.totalIsExact ? `${page.total}` : `${page.total} or more`;
  if (page.rows.length === 0)
    return page.total === 0 ? "No trades match." : `No trades on this page; ${total} match in all.`;
  const range = `${offset + 1}–${offset + page.rows.length} of ${total}`;
  return [`Trades ${range} matching:`, ...page.rows.map(tradeLine)].join("\n");
}

function describeProfit(p: z.infer<typeof profitSchema>): string {
  if (p.buckets.length === 0) return `No mined trades yet, so no profit per ${p.period}.`;
  const lines = [`Realised profit per ${p.period} (mined trades; dollars at the oracle price when recorded):`];
  for (const b of p.buckets) {
    const tokens = b.profit.map((a) => amount(a, a.token)).join(", ") || "none";
    lines.push(
      `${b.period}: ${b.succeeded} succeeded, ${b.reverted} reverted; profit ${tokens}, ${b.realisedUsd.text}; gas ${b.gasPaidEth} ETH (${b.gasPaidUsd.text}); net ${b.netUsd.text}.`,
    );
  }
  return lines.join("\n");
}

function explainTrade(t: TradeWithAttempts): string {
  const lines = [
    `Trade #${t.id}: ${t.status}, ${t.outcome === "stopped" ? `stopped at the ${t.stage} stage` : `stage ${t.stage}`}${t.final ? ", final" : ""}.`,
    `Found in block ${t.block} at ${t.createdAt}${t.chainId === null ? "" : ` on chain ${t.chainId}`}${t.minedBlock === null ? "" : `; mined in block ${t.minedBlock}`}${t.updatedAt === null ? "" : `; last updated ${t.updatedAt}`}.`,
    `Cycle: ${t.cycle}.`,
    `Pools (route): ${t.route === null ? "not recorded" : t.route.split(",").join(" → ")}.`,
    `Loan: ${amount(t.amountIn, t.token)} from ${t.lender}${t.tokenAddress === null ? "" : ` (token ${t.tokenAddress})`}.`,
    `Expected profit: ${amount(t.expectedProfit, t.token)}${dollars(t.expectedProfitUsd)}, before an estimated gas cost of ${amount(t.gasCost, t.token)}.`,
    `Realised profit: ${
      t.realisedProfit === null
        ? "none measured (only a mined, successful trade has one)"
        : `${amount(t.realisedProfit, t.token)}${dollars(t.realisedProfitUsd)}, from the executor's ArbitrageExecuted or LiquidationExecuted event`
    }.`,
    `Gas: ${t.gasUsed === null ? "none used (not mined)" : `${t.gasUsed} used`}${
      t.gasPaid === null ? "" : `, paid ${t.gasPaid.eth} ETH${dollars(t.gasPaid.usd)}`
    }.`,
  ];
  if (hasReason(t)) lines.push(`Reason: ${t.reason}.`);
  if (t.txHash !== null)
    lines.push(
      `Transaction: ${t.txHash}${t.txUrl === null ? "" : ` (${t.txUrl})`}${t.nonce === null ? "" : `, nonce ${t.nonce}`}.`,
    );
  else lines.push("Transaction: none (never sent).");
  if (t.replacedHashes.length > 0) lines.push(`Replaced transactions: ${t.replacedHashes.join(", ")}.`);
  if (t.attempts !== undefined && t.attempts.length > 1)
    lines.push(`Signed attempts: ${t.attempts.map((a) => `${a.hash} (nonce ${a.nonce})`).join(", ")}.`);
  return lines.join("\n");
}

function describeControl(action: "pause" | "resume", r: z.infer<typeof controlResult>): string {
  if (action === "pause")
    return r.changed
      ? `Paused: the engine sends no trades until resumed (it keeps watching, sizing and simulating). State: ${r.state}.`
      : `It was paused already; nothing changed. State: ${r.state}.`;
  return r.changed
    ? `Resumed: the engine sends trades again. State: ${r.state}.`
    : `Nothing had stopped it; nothing changed. State: ${r.state}.`;
}
