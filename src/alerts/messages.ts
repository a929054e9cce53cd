import type { AlertEvent } from "../engine/config.js";
import type { ServiceEvents } from "../engine/events.js";
import type { TripReason } from "../engine/execute/risk.js";
import { formatAmount, formatUsd } from "../engine/format.js";
import type { TradeRecord } from "../engine/record/records.js";

/**
 * What an alert is about: its kind and the event it was made from. Every number an alert shows
 * comes from here, never from anywhere else.
 */
export type AlertSource =
  | { readonly kind: "trade_landed" | "trade_reverted" | "trade_dropped"; readonly record: TradeRecord }
  | {
      readonly kind: "profit_mismatch";
      readonly record: TradeRecord;
      /** The configured `alertProfitMismatchPct` the difference went past. */
      readonly thresholdPct: number;
    }
  | { readonly kind: "risk_trip" | "risk_resumed"; readonly risk: ServiceEvents["risk"] }
  | { readonly kind: "rpc_lost" | "rpc_back"; readonly rpc: ServiceEvents["rpc"] }
  | { readonly kind: "balance_low"; readonly runway: ServiceEvents["runway"] }
  | { readonly kind: "control"; readonly control: ServiceEvents["control"] };

/** One alert, made once from an event and sent to every channel that takes its kind. */
export interface Alert {
  readonly kind: AlertEvent;
  /** When the alert was made (ISO 8601). */
  readonly at: string;
  readonly chainId?: number;
  /** The alert for a person: plain text, several lines. */
  readonly text: string;
  /** The event's facts, JSON-safe: bigints as decimal strings. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** The body a webhook channel receives, as JSON. */
export interface AlertPayload {
  readonly event: AlertEvent;
  readonly chainId?: number;
  readonly at: string;
  readonly text: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Why the risk guard stops trading, for a person. */
const TRIP_REASONS: Readonly<Record<TripReason, string>> = {
  consecutive_failures: "too many failed trades in a row",
  daily_loss_limit: "the daily loss limit on reverted trades was reached",
  gas_price_cap: "the gas price is above the configured cap",
};

/**
 * The alert for `source`: its text for a person and its facts for a machine.
 *
 * @example
 * const alert = makeAlert({ kind: "trade_landed", record }, { chainId: 1 });
 * alert.text; // "Trade #12 landed in block 21000000: realised 2,903.98 DAI ($2,903.98) …"
 */
export function makeAlert(source: AlertSource, options: { chainId?: number; at?: Date } = {}): Alert {
  const chainId = ("record" in source ? source.record.chainId : null) ?? options.chainId;
  return {
    kind: source.kind,
    at: (options.at ?? new Date()).toISOString(),
    ...(chainId === undefined ? {} : { chainId }),
    text: alertText(source),
    data: alertData(source),
  };
}

/** The JSON body of a webhook for `alert`. */
export function alertPayload(alert: Alert): AlertPayload {
  return {
    event: alert.kind,
    ...(alert.chainId === undefined ? {} : { chainId: alert.chainId }),
    at: alert.at,
    text: alert.text,
    data: alert.data,
  };
}

/** The text of an alert, for a person: amounts in the token's units and in dollars where the record has them. */
export function alertText(source: AlertSource): string {
  switch (source.kind) {
    case "trade_landed": {
      const r = source.record;
      const realised =
        r.realisedProfit === null
          ? "no realised profit recorded"
          : `realised ${amount(r.realisedProfit, r)}${usd(r.realisedProfitUsd6)}`;
      return lines(
        `Trade #${r.id} landed${mined(r)}: ${realised}, expected ${amount(r.expectedProfit, r)}; gas ${gas(r)}`,
        r.cycle,
        `Borrowed ${amount(r.amountIn, r)} from ${r.lender}`,
        tx(r),
      );
    }
    case "trade_reverted": {
      const r = source.record;
      return lines(
        `Trade #${r.id} reverted${mined(r)}: nothing realised, gas ${gas(r)} paid (expected ${amount(r.expectedProfit, r)})`,
        r.cycle,
        r.reason === null ? undefined : `Reason: ${r.reason}`,
        tx(r),
      );
    }
    case "trade_dropped": {
      const r = source.record;
      return lines(
        `Trade #${r.id} dropped: never mined${r.reason === null ? "" : ` (${r.reason})`}; expected ${amount(r.expectedProfit, r)}`,
        r.cycle,
        tx(r),
      );
    }
    case "profit_mismatch": {
      const r = source.record;
      const realised = r.realisedProfit ?? 0n;
      const difference = realised - r.expectedProfit;
      return lines(
        `Trade #${r.id} realised ${amount(realised, r)}${usd(r.realisedProfitUsd6)} but ${amount(r.expectedProfit, r)} was expected: ${difference < 0n ? "" : "+"}${amount(difference, r)} off, more than the ${source.thresholdPct}% alert threshold`,
        r.cycle,
        tx(r),
      );
    }
    case "risk_trip":
      return lines(
        `Trading stopped: ${TRIP_REASONS[source.risk.reason] ?? source.risk.reason}`,
        source.risk.detail === "" ? undefined : source.risk.detail,
      );
    case "risk_resumed":
      return lines(
        `Trading resumed (it had stopped because ${TRIP_REASONS[source.risk.reason] ?? source.risk.reason})`,
        source.risk.detail === "" ? undefined : source.risk.detail,
      );
    case "rpc_lost":
      return lines(
        "The RPC does not answer: not trading until it does",
        source.rpc.reason === undefined ? undefined : source.rpc.reason,
      );
    case "rpc_back":
      return `The RPC answers again${source.rpc.downForMs === undefined ? "" : ` after ${duration(source.rpc.downForMs)} down`}; trading on`;
    case "balance_low":
      return lines(
        `The operator's balance is low: ${formatAmount(source.runway.balanceWei, 18, "ETH")}, gas for about ${source.runway.runwayTrades} trade${source.runway.runwayTrades === 1n ? "" : "s"}`,
        "Send ETH to the operator's address before it runs out.",
      );
    case "control": {
      const detail = JSON.stringify(jsonSafe(source.control.detail));
      return `Operator action: ${source.control.action} by ${source.control.from}${detail === "{}" ? "" : ` ${detail}`}`;
    }
  }
}

/** The facts of an alert, JSON-safe. A trade's record goes whole but for its signed bytes. */
function alertData(source: AlertSource): Readonly<Record<string, unknown>> {
  switch (source.kind) {
    case "trade_landed":
    case "trade_reverted":
    case "trade_dropped":
      return tradeData(source.record);
    case "profit_mismatch": {
      const r = source.record;
      return {
        ...tradeData(r),
        difference: ((r.realisedProfit ?? 0n) - r.expectedProfit).toString(),
        thresholdPct: source.thresholdPct,
      };
    }
    case "risk_trip":
    case "risk_resumed":
      return jsonSafe(source.risk) as Record<string, unknown>;
    case "rpc_lost":
    case "rpc_back":
      return jsonSafe(source.rpc) as Record<string, unknown>;
    case "balance_low":
      return jsonSafe(source.runway) as Record<string, unknown>;
    case "control":
      return jsonSafe(source.control) as Record<string, unknown>;
  }
}

function tradeData(record: TradeRecord): Record<string, unknown> {
  const { rawTx: _signed, ...rest } = record;
  return jsonSafe(rest) as Record<string, unknown>;
}

/** `value` with every bigint as its decimal string, so that `JSON.stringify` takes it whole. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

/** An amount of the record's token: in its units when the record knows its decimals, else in base units. */
function amount(value: bigint, r: TradeRecord): string {
  return r.decimals === null ? `${value} ${r.token} (base units)` : formatAmount(value, r.decimals, r.token);
}

function usd(usd6: bigint | null): string {
  return usd6 === null ? "" : ` (${formatUsd(usd6)})`;
}

function gas(r: TradeRecord): string {
  if (r.gasPaidWei === null) return r.gasPaidUsd6 === null ? "not recorded" : formatUsd(r.gasPaidUsd6);
  return `${formatAmount(r.gasPaidWei, 18, "ETH")}${usd(r.gasPaidUsd6)}`;
}

function mined(r: TradeRecord): string {
  return r.minedBlock === null ? "" : ` in block ${r.minedBlock}`;
}

function tx(r: TradeRecord): string | undefined {
  return r.txHash === null ? undefined : `tx ${r.txHash}`;
}

function lines(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p !== undefined).join("\n");
}

/** `ms` for a person: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`. */
function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3_600)} h ${Math.floor((s % 3_600) / 60)} min`;
}
