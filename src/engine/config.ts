import { readFileSync } from "node:fs";
import { parseUnits } from "ethers";
import { z } from "zod";
import { BaseError, type BaseErrorParameters } from "../errors.js";

/** A pool as the engine names it: its address, or a Uniswap V4 pool's PoolId (it has no address). */
const poolSchema = z
  .string()
  .regex(
    /^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/,
    "must be a pool's 0x-prefixed 20-byte address or a Uniswap V4 pool's 32-byte PoolId",
  );
/** The lenders the executor can borrow from, by the names the records use. */
export const LENDER_NAMES = ["UniswapV4", "MorphoBlue", "BalancerV2", "UniswapV3", "AaveV3"] as const;
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://");
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable's name (A-Z, 0-9, _)");

/** The events an alert channel can be sent. */
export const ALERT_EVENTS = [
  "trade_landed",
  "trade_reverted",
  "trade_dropped",
  "risk_trip",
  "risk_resumed",
  "rpc_lost",
  "rpc_back",
  "balance_low",
  "profit_mismatch",
  "control",
] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];
const alertEvents = z
  .array(z.enum(ALERT_EVENTS))
  .min(1)
  .default([...ALERT_EVENTS]);

/**
 * One alert channel. Secrets (a bot token, a Discord webhook URL) are named by the environment
 * variable that holds them, never written in the file.
 */
export const alertChannelSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("webhook"),
      /** Receives a JSON POST per event. */
      url: httpUrl.optional(),
      urlEnv: envName.optional(),
      events: alertEvents,
    })
    .strict(),
  z
    .object({
      type: z.literal("discord"),
      urlEnv: envName.default("DISCORD_WEBHOOK_URL"),
      events: alertEvents,
    })
    .strict(),
  z
    .object({
      type: z.literal("telegram"),
      chatId: z.string().min(1),
      tokenEnv: envName.default("TELEGRAM_BOT_TOKEN"),
      /** The Bot API's base URL. */
      apiUrl: httpUrl.default("https://api.telegram.org"),
      events: alertEvents,
    })
    .strict(),
]);
export type AlertChannelConfig = z.infer<typeof alertChannelSchema>;

/** The limits `PATCH /api/config` may change while the engine runs. */
export const LIVE_KEYS = [
  "minProfitUsd",
  "maxProfitUsd",
  "maxLoanUsd",
  "maxGasPriceGwei",
  "priorityFeeGwei",
  "tokenAllowlist",
  "tokenDenylist",
  "poolAllowlist",
  "poolDenylist",
  "lenders",
] as const;
export type LiveKey = (typeof LIVE_KEYS)[number];

/**
 * The engine's configuration. Unknown keys are errors (a typo must not silently fall back to a
 * default), and every amount has a unit in its name.
 */
export const engineConfigSchema = z
  .object({
    /** JSON-RPC endpoint; the local node by default. */
    rpcUrl: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")
      .default("http://127.0.0.1:8545"),
    /** Further endpoints of the same chain, tried in turn when the one in use fails. */
    rpcFallbackUrls: z
      .array(
        z
          .string()
          .url()
          .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://"),
      )
      .default([]),
    /** How long one RPC request may take before it counts as lost. */
    rpcTimeoutMs: z.number().finite().int().positive().default(10_000),
    /** Attempts per RPC request (across the URLs, with exponential backoff) before the RPC counts as down. */
    rpcAttempts: z.number().finite().int().positive().default(4),
    /** A WebSocket endpoint of the same chain: new heads by subscription wake the engine at once (it still polls). */
    wsUrl: z
      .string()
      .url()
      .refine((u) => /^wss?:\/\//.test(u), "must start with ws:// or wss://")
      .optional(),
    /** How often the head block is asked for. */
    pollIntervalMs: z.number().finite().int().positive().default(1_000),
    /** Network name whose address book and chain ID the RPC must match. */
    chain: z.string().min(1).default("localhost"),
    /** Send transactions; otherwise log exactly what would be sent. */
    live: z.boolean().default(false),
    /** SQLite file for the records of every opportunity. */
    databasePath: z.string().min(1).default("deployments/engine.sqlite"),
    /** Only trades whose net profit is at least / at most this many dollars. */
    minProfitUsd: z.number().finite().nonnegative().max(1e12).default(0),
    maxProfitUsd: z.number().finite().positive().max(1e12).optional(),
    /** No trade when the base fee is above this. */
    maxGasPriceGwei: z.number().finite().positive().max(1e6).default(500),
    /** The largest loan, in dollars. */
    maxLoanUsd: z.number().finite().positive().max(1e12).default(2_000_000),
    /** Trade only cycles whose tokens are all in this list (symbols); all tokens when absent. */
    tokenAllowlist: z
      .array(z.string().min(1))
      .min(1, "an empty allowlist would trade nothing: leave the key out")
      .optional(),
    /** Never trade a cycle through any of these tokens (symbols). */
    tokenDenylist: z.array(z.string().min(1)).default([]),
    /** Trade only cycles whose pools are all in this list (addresses; PoolIds for V4); all pools when absent. */
    poolAllowlist: z.array(poolSchema).min(1, "an empty allowlist would trade nothing: leave the key out").optional(),
    /** Never trade a cycle through any of these pools (addresses; PoolIds for V4). */
    poolDenylist: z.array(poolSchema).default([]),
    /** Borrow only from these lenders; from every lender the address book names when absent. */
    lenders: z
      .array(z.enum(LENDER_NAMES))
      .min(1, "an empty list would borrow from no one: leave the key out (null over the API)")
      .refine((list) => new Set(list).size === list.length, "names a lender twice")
      .optional(),
    /**
     * How trades are sent: `bundle` (privately to `relays`, signed by the reputation key; a bundle
     * that is not included costs nothing), `direct` (to the node, with the on-chain floor and every
     * hop's minimum set from the simulation less `toleranceBps`), or `public` (to the node, the
     * floor at the gas cost). The address book's choice when absent: `bundle` where the chain has
     * builders, `direct` elsewhere.
     */
    submission: z.enum(["bundle", "direct", "public"]).optional(),
    /** With `direct`: how far below the simulated profit and hop outputs the on-chain minimums are. */
    toleranceBps: z.number().int().min(0).max(5_000).default(50),
    /** With `bundle`: the relays and builders every bundle goes to at once; the address book's when absent. */
    relays: z
      .array(z.object({ name: z.string().min(1), url: httpUrl }).strict())
      .min(1, "an empty list would send bundles nowhere: leave the key out")
      .refine((list) => new Set(list.map((r) => r.name)).size === list.length, "names a relay twice")
      .optional(),
    /** With `bundle`: the environment variable holding the reputation key that signs requests to relays. */
    reputationKeyEnv: envName.default("FLASH_ARB_REPUTATION_KEY"),
    /**
     * Backrun swaps waiting in the mempool (through the routers the address book names): each is
     * read exactly, and a trade on the pools it leaves is sent in a bundle right after it. Needs
     * `bundle` submission; never places anything before another's transaction.
     */
    backruns: z.boolean().default(false),
    /**
     * With `bundle`: the share of a trade's profit above its floor bid to the block's builder, in
     * basis points, paid in ETH to `block.coinbase` by the executor (`executeWithBidToBuilder`)
     * instead of a priority fee, for trades whose profit is in WETH. 0: the priority fee pays.
     */
    bidShareBps: z.number().int().min(0).max(10_000).default(0),
    /**
     * A landing model (`npm run arena:model` writes one): candidates are ranked by expected value
     * (the probability of landing times the net value, less the probability of failing times its
     * cost) and one whose expected value is not positive is not sent. Never overrides the
     * simulation or the on-chain floor.
     */
    landingModelPath: z.string().min(1).optional(),
    /** Tip paid to the block producer. */
    priorityFeeGwei: z.number().finite().nonnegative().max(1e6).default(1),
    /** Risk guard: stop after this many failed transactions in a row. */
    maxConsecutiveFailures: z.number().finite().int().positive().default(3),
    /** Risk guard: after that many failures, resume trading after this many minutes. */
    cooldownMinutes: z.number().finite().positive().default(15),
    /** Risk guard: stop once gas spent on reverted transactions today (UTC) exceeds this (ETH); resume the next day. */
    dailyLossLimitEth: z.number().finite().positive().max(1e6).default(0.5),
    /** Every this many blocks, re-read every pool and compare with the engine's view. */
    verifyEveryBlocks: z.number().finite().int().positive().default(50),
    /** How long to wait for a receipt before replacing the transaction with higher fees. */
    transactionTimeoutMs: z.number().finite().int().positive().default(60_000),
    /** Blocks (counting its own) after which a mined trade is final; until then a reorg can undo it. */
    confirmations: z.number().finite().int().positive().default(3),
    /** Refuse to start (live) unless the operator's ETH pays for this many trades; warn when it falls below. */
    minRunwayTrades: z.number().finite().int().nonnegative().default(10),
    /** On SIGINT/SIGTERM, wait this long for trades in flight to be mined before exiting. */
    shutdownTimeoutMs: z.number().finite().int().nonnegative().default(30_000),
    /** How long a records write waits for a lock another process holds (it blocks the engine meanwhile). */
    databaseBusyTimeoutMs: z.number().finite().int().nonnegative().default(2_000),
    /** Serve the operator's API, live stream, dashboard and metrics. */
    apiEnabled: z.boolean().default(true),
    /** Where the API listens; anything but loopback requires the token for reads too. */
    apiHost: z.string().min(1).default("127.0.0.1"),
    /** The API's port; 0 takes any free port (logged at start). */
    apiPort: z.number().int().min(0).max(65_535).default(8081),
    /** Watch the Aave V3 market's borrowers and liquidate positions under a health factor of one. */
    liquidations: z.boolean().default(true),
    /**
     * The block the Aave Pool's events are read from to find every borrower: its deployment block
     * (or a later one, missing the borrowers who have not acted since). 0 on the local chain.
     */
    liquidationsFromBlock: z.number().int().nonnegative().optional(),
    /** Where alerts go, and which events each channel is sent. */
    alerts: z.array(alertChannelSchema).default([]),
    /** Alert `profit_mismatch` when a trade's realised profit differs from the expected by more than this percentage. */
    alertProfitMismatchPct: z.number().positive().max(100).default(5),
  })
  .strict();

/** The schema with the checks that span several keys. */
const validatedConfig = engineConfigSchema
  .refine((c) => c.maxProfitUsd === undefined || c.maxProfitUsd >= c.minProfitUsd, {
    message: "must not be below minProfitUsd",
    path: ["maxProfitUsd"],
  })
  .refine((c) => c.alerts.every((a) => a.type !== "webhook" || (a.url === undefined) !== (a.urlEnv === undefined)), {
    message: "a webhook needs exactly one of url and urlEnv",
    path: ["alerts"],
  });

export type EngineConfig = z.infer<typeof engineConfigSchema>;

/**
 * A configured decimal amount in base units, exactly as written: `0.3` ETH is
 * 300000000000000000 wei (going through `toFixed(18)` would give ...989). Digits past
 * `decimals` are rounded away; small values never go through exponent notation.
 */
export function toUnits(value: number, decimals: number): bigint {
  const text = value.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: Math.min(decimals, 20) });
  return parseUnits(text, decimals);
}

/** Thrown for a configuration that cannot be used; names every bad key. */
export class ConfigError extends BaseError {
  override readonly name = "ConfigError";
  /** Each problem as `key: message`. */
  readonly problems: readonly string[];

  constructor(shortMessage: string, parameters: BaseErrorParameters & { problems?: readonly string[] } = {}) {
    super(shortMessage, parameters);
    this.problems = parameters.problems ?? [];
  }
}

/**
 * Validates a configuration object (from a file, merged with command-line options).
 * @throws ConfigError listing each problem as `key: message`.
 */
export function parseEngineConfig(input: unknown): EngineConfig {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new ConfigError("The engine configuration is invalid.", {
      details: "It must be one JSON object of settings (see config/engine.example.json).",
    });
  const result = validatedConfig.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join(".") || "(config)";
    return issue.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.join(", ")}` : `${key}: ${issue.message}`;
  });
  throw new ConfigError("The engine configuration is invalid.", {
    details: `${problems.join("\n")}\nFix the configuration file or the option and run again.`,
    problems,
  });
}

/**
 * Reads and validates a JSON configuration file: `defaults` (a command's own) under the file's
 * values, and `overrides` (the options given on the command line) on top.
 */
export function loadEngineConfig(
  path: string | undefined,
  overrides: Record<string, unknown>,
  defaults: Record<string, unknown> = {},
): EngineConfig {
  let fromFile: unknown = {};
  if (path !== undefined) {
    try {
      fromFile = JSON.parse(readFileSync(path, "utf8"));
    } catch (cause) {
      throw new ConfigError(`Cannot read the configuration file ${path}.`, {
        details: `It must exist and hold one JSON object (${cause instanceof Error ? cause.message : String(cause)}).`,
        cause,
      });
    }
  }
  return parseEngineConfig({ ...defaults, ...(fromFile as object), ...overrides });
}
