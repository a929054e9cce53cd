import { z } from "zod";
import { engineConfigSchema, LIVE_KEYS } from "../engine/config.js";
import { FUNNEL_STAGES } from "../engine/record/funnel.js";
import { SORT_COLUMNS } from "../engine/record/query.js";
import { parseSince, TRADE_STATUSES, TradesQueryError } from "../engine/record/tradesView.js";

// The schemas that validate requests are the ones the OpenAPI description is generated from.

/** A time filter: ISO date or date-time (UTC unless it says otherwise), or `30m` / `24h` / `7d` ago. */
const time = z.string().transform((text, ctx) => {
  try {
    return parseSince(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: error instanceof TradesQueryError ? error.shortMessage : String(error) });
    return z.NEVER;
  }
});

const statuses = z
  .string()
  .transform((text) => text.split(",").map((s) => s.trim()))
  .pipe(z.array(z.enum(TRADE_STATUSES as [string, ...string[]])).min(1));

/** `GET /api/trades` counts matches up to this many unless asked for an exact count. */
export const TOTAL_CAP = 5_000;

const page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
};

/** The trade filters the API and the MCP server's `trades` tool share, as each one takes them. */
export const tradeFilterFields = {
  strategy: z
    .enum(["arbitrage", "liquidation", "backrun"])
    .optional()
    .describe("arbitrage (cycles between pools) or liquidation (Aave V3 positions)"),
  token: z.string().min(1).max(32).optional().describe("token symbol, as the address book writes it (WETH, USDC)"),
  lender: z
    .string()
    .min(1)
    .max(32)
    .optional()
    .describe("AaveV3, BalancerV2, UniswapV3, MorphoBlue or UniswapV4, as written"),
  venue: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("a venue as pool names start, any case: Uniswap V2, Uniswap V3, Uniswap V4, Sushiswap, Balancer"),
};

export const tradesQuery = z
  .object({
    chainId: z.coerce.number().int().positive().optional(),
    status: statuses.optional().describe("comma-separated statuses"),
    ...tradeFilterFields,
    since: time.optional().describe("ISO date or date-time, or 30m / 24h / 7d ago"),
    until: time.optional(),
    sort: z.enum(Object.keys(SORT_COLUMNS) as [keyof typeof SORT_COLUMNS]).default("id"),
    count: z
      .enum(["capped", "exact"])
      .default("capped")
      .describe(
        `capped: count matches up to ${TOTAL_CAP.toLocaleString("en-US")} (totalIsExact says whether it reached them all); exact: count all, slower over a long history`,
      ),
    order: z.enum(["asc", "desc"]).default("desc"),
    ...page,
  })
  .strict();

export const opportunitiesQuery = z
  .object({
    chainId: z.coerce.number().int().positive().optional(),
    since: time.optional(),
    afterId: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .describe("only opportunities above this id, oldest first: poll with the last id seen"),
    limit: page.limit,
  })
  .strict();

export const profitQuery = z
  .object({
    period: z.enum(["day", "week", "month"]).default("day"),
    chainId: z.coerce.number().int().positive().optional(),
  })
  .strict();

export const auditQuery = z
  .object({
    kind: z.string().min(1).max(64).optional(),
    chainId: z.coerce.number().int().positive().optional(),
    ...page,
  })
  .strict();

/**
 * `PATCH /api/config`: the live keys only, each with the engine's own schema for it; `null`
 * returns a key to its default (unsets an optional one). The merged result is checked again as
 * a whole (cross-key rules).
 */
export const configPatch = z
  .object(
    Object.fromEntries(
      LIVE_KEYS.map((key) => [key, liveValue(engineConfigSchema.shape[key]).nullable().optional()]),
    ) as {
      [K in (typeof LIVE_KEYS)[number]]: z.ZodOptional<
        z.ZodNullable<z.ZodType<z.output<(typeof engineConfigSchema.shape)[K]>>>
      >;
    },
  )
  .strict()
  .refine((p) => Object.keys(p).length > 0, {
    message: `name at least one key to change: ${LIVE_KEYS.join(", ")}`,
    // Not on top of an unknown key's own message.
    when: (payload) => payload.issues.length === 0,
  });

/** A key's own schema without its default or optionality: an absent key must stay absent, not become its default. */
function liveValue(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

const amount = z.object({ raw: z.string(), text: z.string().nullable() });
const usd = z.object({ usd6: z.string(), text: z.string() });

export const tradeSchema = z.object({
  id: z.number(),
  createdAt: z.string(),
  updatedAt: z.string().nullable(),
  chainId: z.number().nullable(),
  block: z.number(),
  strategy: z.enum(["arbitrage", "liquidation", "backrun"]),
  cycle: z.string(),
  route: z.string().nullable(),
  token: z.string(),
  tokenAddress: z.string().nullable(),
  lender: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  stage: z.enum(FUNNEL_STAGES),
  outcome: z.enum(["pending", "stopped", "landed", "lost"]),
  amountIn: amount,
  expectedProfit: amount,
  expectedProfitUsd: usd.nullable(),
  gasCost: amount,
  realisedProfit: amount.nullable(),
  realisedProfitUsd: usd.nullable(),
  gasUsed: z.string().nullable(),
  gasPaid: z.object({ wei: z.string(), eth: z.string(), usd: usd.nullable() }).nullable(),
  nonce: z.number().nullable(),
  txHash: z.string().nullable(),
  txUrl: z.string().nullable(),
  minedBlock: z.number().nullable(),
  final: z.boolean(),
  replacedHashes: z.array(z.string()),
});

export const funnelSchema = z.object(
  Object.fromEntries(FUNNEL_STAGES.map((s) => [s, z.number()])) as {
    [K in (typeof FUNNEL_STAGES)[number]]: z.ZodNumber;
  },
);

export const tradesPage = z.object({ total: z.number(), totalIsExact: z.boolean(), rows: z.array(tradeSchema) });
export const opportunitiesPage = z.object({ funnel: funnelSchema, rows: z.array(tradeSchema) });

export const profitSchema = z.object({
  period: z.enum(["day", "week", "month"]),
  buckets: z.array(
    z.object({
      period: z.string(),
      succeeded: z.number(),
      reverted: z.number(),
      profit: z.array(amount.extend({ token: z.string() })),
      realisedUsd: usd,
      gasPaidWei: z.string(),
      gasPaidEth: z.string(),
      gasPaidUsd: usd,
      netUsd: usd,
    }),
  ),
});

export const auditPage = z.object({
  total: z.number(),
  rows: z.array(
    z.object({ id: z.number(), at: z.string(), kind: z.string(), detail: z.record(z.string(), z.unknown()) }),
  ),
});

export const statusSchema = z
  .object({
    version: z.string(),
    chainId: z.number().optional(),
    chain: z.string(),
    state: z.enum(["starting", "running", "paused", "tripped", "rpc_down", "stopping"]),
    headBlock: z.number().optional(),
    headAgeMs: z.number().optional(),
    executor: z.string(),
    operator: z.string(),
    live: z.boolean(),
    operatorBalanceWei: z.string().optional(),
    operatorBalanceBlock: z.number().optional(),
    runwayTrades: z.string().optional(),
  })
  .passthrough();

export const controlResult = z.object({ changed: z.boolean(), state: z.string() });

export const errorSchema = z.object({ error: z.string(), message: z.string(), details: z.string().optional() });

export const ownerActionsSchema = z.object({
  owner: z.string().nullable(),
  executor: z.string(),
  chainId: z.number(),
  actions: z.array(
    z.object({
      action: z.string(),
      description: z.string(),
      to: z.string(),
      data: z.string(),
      value: z.string(),
    }),
  ),
  note: z.string(),
});
