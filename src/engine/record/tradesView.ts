import { BaseError } from "../../errors.js";
import { formatAmount, formatUsd } from "../format.js";
import type { TradeRecord, TradeStatus } from "./records.js";

// `satisfies` makes a status added to (or removed from) `TradeStatus` a type error here, so the
// values the command line accepts cannot drift from the ones the records hold.
const STATUS_ORDER = {
  filtered: 0,
  detected: 1,
  simulation_failed: 2,
  simulated: 3,
  dry_run: 4,
  signed: 5,
  sent: 6,
  send_failed: 7,
  succeeded: 8,
  reverted: 9,
  dropped: 10,
} as const satisfies Record<TradeStatus, number>;

/** Every trade status, in the order a trade can pass through them. */
export const TRADE_STATUSES: readonly TradeStatus[] = Object.keys(STATUS_ORDER) as TradeStatus[];

/** Milliseconds in one unit of a relative `--since` (`30m`, `24h`, `7d`). */
const RELATIVE_UNITS_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A filter for the trades list that cannot be read: an unknown status, a malformed time. */
export class TradesQueryError extends BaseError {
  override readonly name = "TradesQueryError";
}

/**
 * Trade statuses from a comma-separated list (`succeeded,reverted`), each checked against
 * {@link TRADE_STATUSES}.
 *
 * @example
 * parseStatuses("succeeded, reverted"); // ["succeeded", "reverted"]
 *
 * @throws {TradesQueryError} for an empty list or an unknown status, naming the valid ones.
 */
export function parseStatuses(text: string): TradeStatus[] {
  const parts = text.split(",").map((part) => part.trim());
  const valid = `Expected one or more of ${TRADE_STATUSES.join(", ")}, comma-separated.`;
  if (parts.some((part) => part === "")) throw new TradesQueryError(`Empty status in '${text}'.`, { details: valid });
  for (const part of parts)
    if (!Object.hasOwn(STATUS_ORDER, part)) throw new TradesQueryError(`Unknown status '${part}'.`, { details: valid });
  return parts as TradeStatus[];
}

/**
 * The start of a `--since` window as the records write their times (`2025-01-02T03:04:05.678Z`,
 * which compares as text in time order): an ISO date (`2025-01-02`), date and time
 * (`2025-01-02T03:04`, `…:05.678`, with `Z` or `±hh:mm`; without a zone it is UTC, as the records
 * are), or a time before `now` (`30m`, `24h`, `7d`).
 *
 * @example
 * parseSince("24h", new Date("2025-01-02T12:00:00Z")); // "2025-01-01T12:00:00.000Z"
 * parseSince("2025-01-02T05:00+02:00"); // "2025-01-02T03:00:00.000Z"
 *
 * @throws {TradesQueryError} for anything else, including dates that do not exist (`2025-02-30`).
 */
export function parseSince(text: string, now: Date = new Date()): string {
  const bad = (problem: string) =>
    new TradesQueryError(`Cannot read the time '${text}': ${problem}.`, {
      details: "Give an ISO date or time (2025-01-02, 2025-01-02T15:30Z) or a time ago (30m, 24h, 7d).",
    });
  const relative = /^([0-9]+)([mhd])$/.exec(text);
  if (relative !== null) {
    const count = Number(relative[1]);
    const unit = RELATIVE_UNITS_MS[relative[2] as string] as number;
    if (count === 0) throw bad("a time ago must be above zero");
    const at = new Date(now.getTime() - count * unit);
    // Records carry years 0001–9999 (ISO 8601 without an extended year); so does PostgreSQL's text form.
    if (Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1) throw bad("that is further back than a date can go");
    return at.toISOString();
  }
  const iso =
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,3}))?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/i.exec(
      text,
    );
  if (iso === null) throw bad("expected an ISO date or time, or a number followed by m, h or d");
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "0", zone = "Z"] = iso;
  const fields = [Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)];
  const [y, mo, d, h, mi, s] = fields as [number, number, number, number, number, number];
  // Date itself would roll 2025-02-30 over to March 2nd and 24:00 to the next day: check by hand.
  const at = new Date(0);
  at.setUTCFullYear(y, mo - 1, d);
  if (mo < 1 || mo > 12 || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) throw bad("no such date");
  if (h > 23 || mi > 59 || s > 59) throw bad("no such time of day");
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== "Z") {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(-2))];
    if (zh > 23 || zm > 59) throw bad("no such time zone offset");
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (zh * 60 + zm);
  }
  at.setUTCHours(h, mi - offsetMinutes, s, Number(fraction.padEnd(3, "0")));
  return at.toISOString();
}

/** A trade as JSON can carry it: every bigint of {@link TradeRecord} as its decimal string. */
export type TradeJson = { readonly [K in keyof TradeRecord]: Jsonable<TradeRecord[K]> };

/** `bigint` → `string`, distributed over a union, so `bigint | null` becomes `string | null`. */
type Jsonable<T> = T extends bigint ? string : T;

/**
 * A trade for `--json`: every field of {@link TradeRecord} under its own name, amounts in base
 * units and dollar values in micro-dollars as decimal strings (no JSON number holds them
 * exactly), `null` where the record has none.
 */
export function tradeJson(row: TradeRecord): TradeJson {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, typeof value === "bigint" ? value.toString() : value]),
  ) as TradeJson;
}

/** One NDJSON line (without its newline) for `row`: see {@link tradeJson}. */
export function tradeJsonLine(row: TradeRecord): string {
  return JSON.stringify(tradeJson(row));
}

/** Realised profit in one token, in its base units. */
export interface TokenProfit {
  readonly token: string;
  /** The token's decimals, when any of its trades recorded them. */
  readonly decimals: number | null;
  readonly amount: bigint;
}

/** What a set of trades added up to. Dollar values are micro-dollars at the oracle's price then. */
export interface TradeTotals {
  readonly trades: number;
  /** Trades per status, in {@link TRADE_STATUSES} order, statuses without trades left out. */
  readonly byStatus: ReadonlyArray<readonly [TradeStatus, number]>;
  /** Realised profit of succeeded trades per token, in order of first appearance. */
  readonly realisedProfit: readonly TokenProfit[];
  readonly realisedProfitUsd6: bigint;
  /** Gas paid by every mined trade, succeeded or reverted. */
  readonly gasPaidWei: bigint;
  readonly gasPaidUsd6: bigint;
  /** Dollars realised minus dollars of gas paid. */
  readonly netUsd6: bigint;
  /** Succeeded trades whose profit had no dollar price: their dollars are missing from the sums. */
  readonly unpricedProfits: number;
  /** Trades whose gas had no dollar price: their dollars are missing from the sums. */
  readonly unpricedGas: number;
}

/**
 * Adds up `rows` exactly, in bigint, as the service's own summary does: profit counts only for
 * succeeded trades (a reorganised trade's profit is cleared with its status), gas for every trade
 * that paid any.
 */
export function tradeTotals(rows: readonly TradeRecord[]): TradeTotals {
  const counts = new Map<TradeStatus, number>();
  const profits = new Map<string, { decimals: number | null; amount: bigint }>();
  let realisedProfitUsd6 = 0n;
  let gasPaidWei = 0n;
  let gasPaidUsd6 = 0n;
  let unpricedProfits = 0;
  let unpricedGas = 0;
  for (const row of rows) {
    counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
    if (row.status === "succeeded" && row.realisedProfit !== null) {
      const sum = profits.get(row.token) ?? { decimals: null, amount: 0n };
      profits.set(row.token, { decimals: sum.decimals ?? row.decimals, amount: sum.amount + row.realisedProfit });
      if (row.realisedProfitUsd6 === null) unpricedProfits += 1;
      else realisedProfitUsd6 += row.realisedProfitUsd6;
    }
    if (row.gasPaidWei !== null) gasPaidWei += row.gasPaidWei;
    if (row.gasPaidUsd6 !== null) gasPaidUsd6 += row.gasPaidUsd6;
    else if (row.gasPaidWei !== null) unpricedGas += 1;
  }
  return {
    trades: rows.length,
    byStatus: TRADE_STATUSES.flatMap((status) => {
      const n = counts.get(status);
      return n === undefined ? [] : [[status, n] as const];
    }),
    realisedProfit: [...profits].map(([token, { decimals, amount }]) => ({ token, decimals, amount })),
    realisedProfitUsd6,
    gasPaidWei,
    gasPaidUsd6,
    netUsd6: realisedProfitUsd6 - gasPaidUsd6,
    unpricedProfits,
    unpricedGas,
  };
}

/**
 * The totals on one line, for a person: profit per token in its units where its decimals are
 * known (base units otherwise), dollars realised, gas and net, and the count per status.
 *
 * @example
 * describeTotals(tradeTotals(rows));
 * // "3 records: realised 1.50 WETH; $3,000.00 realised, $12.00 gas, $2,988.00 net; succeeded 2, reverted 1"
 */
export function describeTotals(totals: TradeTotals): string {
  const profit =
    totals.realisedProfit
      .map(({ token, decimals, amount }) =>
        decimals === null ? `${amount} ${token} (base units)` : formatAmount(amount, decimals, token),
      )
      .join(", ") || "nothing";
  const unpriced = [
    totals.unpricedProfits === 0 ? "" : `profit of ${totals.unpricedProfits} trade(s)`,
    totals.unpricedGas === 0 ? "" : `gas of ${totals.unpricedGas} trade(s)`,
  ].filter((part) => part !== "");
  const dollars = `${formatUsd(totals.realisedProfitUsd6)} realised, ${formatUsd(totals.gasPaidUsd6)} gas, ${formatUsd(totals.netUsd6)} net${unpriced.length === 0 ? "" : ` (without the ${unpriced.join(" and the ")}, which had no dollar price)`}`;
  const statuses = totals.byStatus.map(([status, n]) => `${status} ${n}`).join(", ");
  return `${totals.trades} record${totals.trades === 1 ? "" : "s"}: realised ${profit}; ${dollars}; ${statuses || "no trades"}`;
}
