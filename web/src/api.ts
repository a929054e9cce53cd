// The engine API's responses as the dashboard reads them (the server's zod schemas in
// src/api/schemas.ts are the reference), and the few calls it makes.

export type EngineState = "starting" | "running" | "paused" | "tripped" | "rpc_down" | "stopping";

export interface Status {
  readonly version: string;
  readonly chainId?: number;
  readonly chain: string;
  readonly state: EngineState;
  readonly headBlock?: number;
  readonly headAgeMs?: number;
  readonly executor: string;
  readonly operator: string;
  readonly live: boolean;
  readonly operatorBalanceWei?: string;
  readonly runwayTrades?: string;
  readonly risk?: {
    /** Paused by an operator (apart from the guard's own trip, `state`). */
    readonly paused: boolean;
    readonly state: string | null;
    readonly detail: string | null;
    readonly since: string | null;
    readonly consecutiveFailures: number;
    readonly lossTodayWei: string;
    readonly skipped: Readonly<Record<string, number>>;
  };
  readonly rpc?: { readonly reachable: boolean; readonly downSince: string | null; readonly outages: number };
  /** The landing model candidates are ranked with (null: none), and its evaluation on other runs. */
  readonly landingModel?: {
    readonly path: string;
    readonly trainedOn: number;
    readonly lambda: number;
    readonly evaluation: {
      readonly trainSeeds: readonly number[];
      readonly testSeeds: readonly number[];
      readonly count: number;
      readonly baseRate: number;
      readonly brier: number;
      readonly baseRateBrier: number;
      readonly logLoss: number;
      readonly reliability: ReadonlyArray<{
        readonly lower: number;
        readonly upper: number;
        readonly count: number;
        readonly meanPredicted: number | null;
        readonly observedFrequency: number | null;
      }>;
    } | null;
  } | null;
  readonly summary?: {
    readonly blocks: number;
    readonly opportunities: number;
    readonly sent: number;
    readonly succeeded: number;
    readonly reverted: number;
    readonly dropped: number;
    readonly inFlight: number;
    readonly realisedProfitUsd6: string;
    readonly gasPaidUsd6: string;
  };
}

/** An amount in base units, and for a person when the token's decimals are known. */
export interface Amount {
  readonly raw: string;
  readonly text: string | null;
}

/** Dollars: exact micro-dollars, and to the cent. */
export interface Usd {
  readonly usd6: string;
  readonly text: string;
}

export const FUNNEL_STAGES = ["found", "sized", "simulated", "sent", "landed", "lost"] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
export type Funnel = Readonly<Record<FunnelStage, number>>;

/** Every status a record can have (the API's `status` filter accepts these). */
export const TRADE_STATUSES = [
  "filtered",
  "detected",
  "simulation_failed",
  "simulated",
  "dry_run",
  "signed",
  "sent",
  "send_failed",
  "succeeded",
  "reverted",
  "dropped",
] as const;

export interface Trade {
  readonly id: number;
  readonly createdAt: string;
  readonly chainId: number | null;
  readonly block: number;
  readonly strategy: "arbitrage" | "liquidation" | "backrun";
  readonly cycle: string;
  readonly token: string;
  readonly lender: string;
  readonly status: string;
  readonly reason: string | null;
  readonly stage: FunnelStage;
  readonly outcome: "pending" | "stopped" | "landed" | "lost";
  readonly amountIn: Amount;
  readonly expectedProfit: Amount;
  readonly expectedProfitUsd: Usd | null;
  readonly gasCost: Amount;
  readonly realisedProfit: Amount | null;
  readonly realisedProfitUsd: Usd | null;
  readonly gasUsed: string | null;
  readonly gasPaid: { readonly wei: string; readonly eth: string; readonly usd: Usd | null } | null;
  readonly txHash: string | null;
  readonly txUrl: string | null;
  readonly minedBlock: number | null;
  readonly final: boolean;
}

export interface TradesPage {
  readonly total: number;
  /** False when the API stopped counting at its cap: there are more than `total`. */
  readonly totalIsExact: boolean;
  readonly rows: readonly Trade[];
}

export interface OpportunitiesPage {
  readonly funnel: Funnel;
  readonly rows: readonly Trade[];
}

export interface ProfitBucket {
  /** The period's first day, `YYYY-MM-DD` (UTC). */
  readonly period: string;
  readonly succeeded: number;
  readonly reverted: number;
  readonly profit: ReadonlyArray<Amount & { readonly token: string }>;
  readonly realisedUsd: Usd;
  readonly gasPaidEth: string;
  readonly gasPaidUsd: Usd;
  readonly netUsd: Usd;
}

export type ProfitPeriod = "day" | "week" | "month";

export interface Profit {
  readonly period: ProfitPeriod;
  /** Newest first. */
  readonly buckets: readonly ProfitBucket[];
}

/** The chains the records hold, and the one this engine runs on. */
export interface Chains {
  readonly chains: readonly number[];
  readonly engine: number | null;
}

export interface ConfigView {
  readonly config: Readonly<Record<string, unknown>>;
  readonly liveKeys: readonly string[];
}

export interface ConfigChange {
  readonly changes: Readonly<Record<string, { readonly from: unknown; readonly to: unknown }>>;
  readonly config: Readonly<Record<string, unknown>>;
}

/** The server's answer to a refused request, or a network failure. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = "flash-arb.apiToken";

/**
 * Takes the token from the address's fragment (`#token=…`, as the engine prints it), keeps it
 * for this tab only, and removes it from the address bar (and so from the history).
 */
export function adoptTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1] === undefined) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(history.state, "", `${location.pathname}${location.search}`);
}

function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** The token for a write: the one kept, or asked for. */
function tokenForWrite(): string {
  const kept = storedToken();
  if (kept !== null) return kept;
  const given = window.prompt(
    "The API token (FLASH_ARB_API_TOKEN, or the one the demo prints with the dashboard's address):",
  );
  if (given === null || given.trim() === "") throw new ApiError("The controls need the API token.", 401);
  sessionStorage.setItem(TOKEN_KEY, given.trim());
  return given.trim();
}

/** Query parameters; undefined and empty values are left out. */
export type Params = Readonly<Record<string, string | number | undefined>>;

export function withQuery(path: string, params: Params = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== "") query.set(key, String(value));
  const text = query.toString();
  return text === "" ? path : `${path}?${text}`;
}

async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    // Relative: the API serves this page, wherever it is mounted.
    response = await fetch(path.replace(/^\//, ""), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(`The engine does not answer (${(error as Error).message}).`, 0);
  }
  const payload = (await response.json().catch(() => undefined)) as { message?: string; details?: string } | undefined;
  if (!response.ok) {
    if (response.status === 401 && method !== "GET") sessionStorage.removeItem(TOKEN_KEY);
    throw new ApiError(payload?.message ?? `HTTP ${response.status}`, response.status, payload?.details);
  }
  return payload as T;
}

/** A read (open on loopback; the kept token is sent when there is one, for an API elsewhere). */
export function get<T>(path: string, params?: Params): Promise<T> {
  return request<T>("GET", withQuery(path, params), storedToken());
}

/** A write: needs the token, asked for once when the address did not carry it. */
export function write<T>(method: "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
  return request<T>(method, path, tokenForWrite(), body);
}

/**
 * The live stream's address. EventSource cannot send headers, so off loopback (where reads need
 * the token) it goes in the query; on loopback it is not needed there and stays out of URLs.
 */
export function streamUrl(): string {
  const token = storedToken();
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(window.location.hostname);
  return withQuery("api/stream", token === null || loopback ? {} : { access_token: token });
}
