import { formatUnits } from "ethers";
import { transactionUrl } from "../addressBooks/explorers.js";
import { publicUrl } from "../engine/collect/publicUrl.js";
import { formatAmount, formatUsd } from "../engine/format.js";
import { funnelPosition } from "../engine/record/funnel.js";
import type { AuditEvent, ProfitBucket, TradeRecord } from "../engine/record/records.js";
import type { ServiceStatus } from "../engine/service.js";

/** An amount as the API shows it: exact base units, and for a person when the decimals are known. */
export interface AmountView {
  readonly raw: string;
  readonly text: string | null;
}

/** Dollars as the API shows it: exact micro-dollars, and to the cent for a person. */
export interface UsdView {
  readonly usd6: string;
  readonly text: string;
}

export function amountView(amount: bigint, decimals: number | null, symbol: string): AmountView {
  return { raw: amount.toString(), text: decimals === null ? null : formatAmount(amount, decimals, symbol) };
}

export function usdView(usd6: bigint | null): UsdView | null {
  return usd6 === null ? null : { usd6: usd6.toString(), text: formatUsd(usd6) };
}

/** A trade for the API: every amount exact and for a person, its funnel stage, its explorer link. */
export function tradeView(row: TradeRecord) {
  const { stage, outcome } = funnelPosition(row);
  return {
    id: row.id,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    chainId: row.chainId,
    block: row.block,
    strategy: row.strategy,
    cycle: row.cycle,
    route: row.route,
    token: row.token,
    tokenAddress: row.tokenAddress,
    lender: row.lender,
    status: row.status,
    reason: row.reason,
    stage,
    outcome,
    amountIn: amountView(row.amountIn, row.decimals, row.token),
    expectedProfit: amountView(row.expectedProfit, row.decimals, row.token),
    expectedProfitUsd: usdView(row.expectedProfitUsd6),
    gasCost: amountView(row.gasCost, row.decimals, row.token),
    realisedProfit: row.realisedProfit === null ? null : amountView(row.realisedProfit, row.decimals, row.token),
    realisedProfitUsd: usdView(row.realisedProfitUsd6),
    gasUsed: row.gasUsed?.toString() ?? null,
    gasPaid:
      row.gasPaidWei === null
        ? null
        : { wei: row.gasPaidWei.toString(), eth: formatUnits(row.gasPaidWei, 18), usd: usdView(row.gasPaidUsd6) },
    nonce: row.nonce,
    txHash: row.txHash,
    txUrl: transactionUrl(row.chainId, row.txHash),
    minedBlock: row.minedBlock,
    final: row.final,
    replacedHashes: [...row.replacedHashes],
  };
}
export type TradeView = ReturnType<typeof tradeView>;

/** One period of mined trades for the API. */
export function profitView(b: ProfitBucket) {
  return {
    period: b.period,
    succeeded: b.succeeded,
    reverted: b.reverted,
    profit: b.profit.map((p) => ({ token: p.token, ...amountView(p.amount, p.decimals, p.token) })),
    realisedUsd: usdView(b.realisedProfitUsd6) as UsdView,
    gasPaidWei: b.gasPaidWei.toString(),
    gasPaidEth: formatUnits(b.gasPaidWei, 18),
    gasPaidUsd: usdView(b.gasPaidUsd6) as UsdView,
    netUsd: usdView(b.netUsd6) as UsdView,
  };
}

export function auditView(e: AuditEvent) {
  return { id: e.id, at: e.at, kind: e.kind, detail: jsonSafe(e.detail) as Record<string, unknown> };
}

/** The service's status for the API (bigints as decimal strings). */
export function statusView(s: ServiceStatus, version: string) {
  return { version, ...(jsonSafe(s) as Record<string, unknown>) };
}

/** `value` with every bigint as its decimal string, ready for JSON. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

/**
 * The configuration as the API shows it: every endpoint URL without its path, query or user
 * part (where providers put API keys), as logs show them.
 */
export function publicConfig(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = jsonSafe(config) as Record<string, unknown>;
  for (const key of ["rpcUrl", "wsUrl"]) if (typeof out[key] === "string") out[key] = publicUrl(out[key] as string);
  if (Array.isArray(out.rpcFallbackUrls)) out.rpcFallbackUrls = (out.rpcFallbackUrls as string[]).map(publicUrl);
  if (Array.isArray(out.alerts))
    out.alerts = (out.alerts as Array<Record<string, unknown>>).map((a) =>
      typeof a.url === "string" ? { ...a, url: publicUrl(a.url) } : a,
    );
  return out;
}
