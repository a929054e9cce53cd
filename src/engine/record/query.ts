import type { SQLInputValue } from "node:sqlite";
import type { Strategy, TradeStatus } from "./records.js";

/** Columns a page of trades can be sorted by. */
export const SORT_COLUMNS = {
  id: "id",
  createdAt: "created_at",
  block: "block",
  expectedProfitUsd6: "expected_profit_usd6",
  realisedProfitUsd6: "realised_profit_usd6",
  gasPaidUsd6: "gas_paid_usd6",
} as const;
export type SortColumn = keyof typeof SORT_COLUMNS;

/** A filtered, sorted page of the records (the operator API's `GET /api/trades`). */
export interface TradeQuery {
  readonly chainId?: number;
  readonly status?: readonly TradeStatus[];
  /** `arbitrage` or `liquidation`. */
  readonly strategy?: Strategy;
  /** Token symbol, exactly. */
  readonly token?: string;
  /** Lender name (`AaveV3`, `BalancerV2`, `UniswapV3`, `MorphoBlue`, `UniswapV4`), exactly. */
  readonly lender?: string;
  /** A venue that appears in the route's pool names (`Uniswap V3`, `Balancer`), case-insensitive. */
  readonly venue?: string;
  /** Created at or after / before these record times (ISO 8601, UTC). */
  readonly since?: string;
  readonly until?: string;
  /** Only ids above this (for following new records). */
  readonly afterId?: number;
  readonly sort?: SortColumn;
  readonly order?: "asc" | "desc";
  readonly limit?: number;
  readonly offset?: number;
  /**
   * Count matches only up to this many (the total is then a lower bound): an exact count of a
   * broad filter over a long history reads every matching row. Exact when absent.
   */
  readonly countCap?: number;
}

/** The WHERE clause and its parameters for `query`. */
export function whereOf(query: TradeQuery): { sql: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  if (query.chainId !== undefined) {
    clauses.push("chain_id = ?");
    params.push(query.chainId);
  }
  if (query.status !== undefined && query.status.length > 0) {
    clauses.push(`status IN (${query.status.map(() => "?").join(", ")})`);
    params.push(...query.status);
  }
  if (query.strategy !== undefined) {
    clauses.push("strategy = ?");
    params.push(query.strategy);
  }
  if (query.token !== undefined) {
    clauses.push("token = ?");
    params.push(query.token);
  }
  if (query.lender !== undefined) {
    clauses.push("lender = ?");
    params.push(query.lender);
  }
  if (query.venue !== undefined) {
    // Pool names are "<Venue> <tokens> <fee>" joined by " > ": a venue is matched as written
    // there, never inside a token symbol, because the pattern starts the name.
    clauses.push("(cycle LIKE ? ESCAPE '\\' OR cycle LIKE ? ESCAPE '\\')");
    const v = query.venue.replace(/[\\%_]/g, (c) => `\\${c}`);
    params.push(`${v} %`, `% > ${v} %`);
  }
  if (query.since !== undefined) {
    clauses.push("created_at >= ?");
    params.push(query.since);
  }
  if (query.until !== undefined) {
    clauses.push("created_at < ?");
    params.push(query.until);
  }
  if (query.afterId !== undefined) {
    clauses.push("id > ?");
    params.push(query.afterId);
  }
  return { sql: clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`, params };
}

/** The ORDER BY, LIMIT and OFFSET of `query` (ties broken by id, so pages never overlap). */
export function orderOf(query: TradeQuery): string {
  return `${sortOf(query)} LIMIT ${Math.trunc(query.limit ?? 50)} OFFSET ${Math.trunc(query.offset ?? 0)}`;
}

/** The ORDER BY of `query` alone. */
export function sortOf(query: TradeQuery): string {
  const column = SORT_COLUMNS[query.sort ?? "id"];
  const order = query.order === "asc" ? "ASC" : "DESC";
  const tie = column === "id" ? "" : `, id ${order}`;
  // NULLs (not yet realised, not priced) last whichever the direction.
  const nulls = column === "id" ? "" : `${column} IS NULL, `;
  return `ORDER BY ${nulls}${column} ${order}${tie}`;
}

/** The periods profit is summed over. */
export type ProfitPeriod = "day" | "week" | "month";

/** The SQL expression giving a record's period (as its first day, `YYYY-MM-DD`, UTC). */
export function periodOf(period: ProfitPeriod): string {
  switch (period) {
    case "day":
      return "substr(created_at, 1, 10)";
    case "month":
      return "substr(created_at, 1, 7) || '-01'";
    case "week":
      // ISO weeks start on Monday: step back (weekday + 6) % 7 days.
      return "date(substr(created_at, 1, 10), '-' || ((CAST(strftime('%w', substr(created_at, 1, 10)) AS INTEGER) + 6) % 7) || ' days')";
  }
}
