import type { TradeRecord, TradeStatus } from "./records.js";

/** The stages an opportunity passes, in order: the last one it reached is its stage. */
export const FUNNEL_STAGES = ["found", "sized", "simulated", "sent", "landed", "lost"] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

/** Where an opportunity got to, and whether it is still moving, stopped there, or ended on chain. */
export interface FunnelPosition {
  readonly stage: FunnelStage;
  readonly outcome: "pending" | "stopped" | "landed" | "lost";
}

/**
 * The funnel position of a record: found (dropped before it had a size: no lender, no
 * profitable size), sized (filtered by the profit limits, or its simulation failed), simulated
 * (dry-run, refused by the risk guard or by the node, or waiting to be signed), sent (signed or
 * broadcast, not mined), landed (succeeded) or lost (reverted or dropped).
 */
export function funnelPosition(row: Pick<TradeRecord, "status" | "amountIn" | "reason">): FunnelPosition {
  return positionOf(row.status, row.amountIn === 0n, row.reason?.startsWith("risk guard") ?? false);
}

function positionOf(status: TradeStatus, unsized: boolean, guarded: boolean): FunnelPosition {
  switch (status) {
    case "filtered":
      // The risk guard is asked after the simulation; the profit limits before it.
      return { stage: unsized ? "found" : guarded ? "simulated" : "sized", outcome: "stopped" };
    case "detected":
      return { stage: "sized", outcome: "pending" };
    case "simulation_failed":
      return { stage: "sized", outcome: "stopped" };
    case "simulated":
      return { stage: "simulated", outcome: "pending" };
    case "dry_run":
    case "send_failed":
      return { stage: "simulated", outcome: "stopped" };
    case "signed":
    case "sent":
      return { stage: "sent", outcome: "pending" };
    case "succeeded":
      return { stage: "landed", outcome: "landed" };
    case "reverted":
    case "dropped":
      return { stage: "lost", outcome: "lost" };
  }
}

/** How many opportunities reached each stage (a landed one counts as found, sized, simulated and sent too). */
export type FunnelCounts = Record<FunnelStage, number>;

/**
 * Funnel counts from counts per (status, unsized, guarded), as {@link Records.funnel} reads them.
 */
export function funnelCounts(
  groups: ReadonlyArray<{ status: TradeStatus; unsized: boolean; guarded: boolean; count: number }>,
): FunnelCounts {
  const counts: FunnelCounts = { found: 0, sized: 0, simulated: 0, sent: 0, landed: 0, lost: 0 };
  const order: Record<FunnelStage, number> = { found: 0, sized: 1, simulated: 2, sent: 3, landed: 4, lost: 4 };
  for (const g of groups) {
    const { stage } = positionOf(g.status, g.unsized, g.guarded);
    const reached = order[stage];
    counts.found += g.count;
    if (reached >= 1) counts.sized += g.count;
    if (reached >= 2) counts.simulated += g.count;
    if (reached >= 3) counts.sent += g.count;
    if (stage === "landed") counts.landed += g.count;
    if (stage === "lost") counts.lost += g.count;
  }
  return counts;
}
