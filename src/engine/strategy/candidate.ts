import type { Cycle } from "./cycles.js";
import type { LenderQuote } from "./lenders.js";
import type { Sizing } from "./size.js";

/** What the strategy hands to execution: a cycle, its lender, its exact size and its value net of gas. */
export interface Candidate {
  readonly cycle: Cycle;
  readonly quote: LenderQuote;
  readonly sizing: Sizing;
  /** The gas the trade is priced at, before simulation (from the snapshot, by lender and hops). */
  readonly gasUnits: bigint;
  /** That gas at the block's fees, in the cycle's token. */
  readonly gasCostInToken: bigint;
  readonly net: bigint;
  /** `net` in USDC base units: candidates in different tokens are ranked by this. */
  readonly netUsd: bigint;
}
