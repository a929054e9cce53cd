import type { Address, AddressBook } from "../../addressBook.js";
import type { LenderName } from "../../executor/route.js";
import type { EngineConfig } from "../config.js";
import type { Cycle } from "./cycles.js";

/** The operator's token and pool lists, as the engine reads them on every block (they can change live). */
export type TradeLists = Pick<EngineConfig, "tokenAllowlist" | "tokenDenylist" | "poolAllowlist" | "poolDenylist">;

/**
 * Whether the lists allow trading `cycle`: every token in the allowlist (when there is one) and
 * none in the denylist, by symbol; every pool likewise, by address (any case).
 */
export function cycleAllowed(cycle: Cycle, lists: TradeLists, symbols: Readonly<Record<Address, string>>): boolean {
  const tokens = cycle.hops.map((h) => symbols[h.tokenOut] ?? h.tokenOut);
  if (lists.tokenAllowlist !== undefined && !tokens.every((t) => lists.tokenAllowlist?.includes(t))) return false;
  if (tokens.some((t) => lists.tokenDenylist.includes(t))) return false;
  const pools = cycle.hops.map((h) => h.pool.address.toLowerCase());
  if (lists.poolAllowlist !== undefined) {
    const allowed = lists.poolAllowlist.map((a) => a.toLowerCase());
    if (!pools.every((p) => allowed.includes(p))) return false;
  }
  if (lists.poolDenylist.length > 0) {
    const denied = lists.poolDenylist.map((a) => a.toLowerCase());
    if (pools.some((p) => denied.includes(p))) return false;
  }
  return true;
}

/** Symbols the token lists name that the address book lacks (a typo must not pass silently). */
export function unknownSymbols(lists: TradeLists, symbols: Readonly<Record<Address, string>>): string[] {
  const known = Object.values(symbols);
  return [...(lists.tokenAllowlist ?? []), ...lists.tokenDenylist].filter((s) => !known.includes(s));
}

/** Lenders the `lenders` list names that the address book lacks (they could never lend). */
export function lendersNotInBook(config: Pick<EngineConfig, "lenders">, book: AddressBook): LenderName[] {
  const present: Record<LenderName, boolean> = {
    UniswapV4: book.uniswapV4 !== undefined,
    MorphoBlue: book.morphoBlue !== undefined,
    BalancerV2: book.balancerV2 !== undefined,
    UniswapV3: true,
    AaveV3: book.aaveV3 !== undefined,
  };
  return (config.lenders ?? []).filter((lender) => !present[lender]);
}
