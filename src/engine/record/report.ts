import { formatAmount, formatUsd } from "../format.js";
import type { ServiceSummary } from "../service.js";
import type { TradeRecord } from "./records.js";

/** An amount of a recorded trade's token, in its units when its decimals are known. */
function amount(value: bigint, row: TradeRecord): string {
  return row.decimals === null ? `${value} ${row.token} (base units)` : formatAmount(value, row.decimals, row.token);
}

/** One line per trade, for a person: what was borrowed, what the chain says it earned, what gas cost. */
export function describeTrade(row: TradeRecord): string {
  const head = `#${row.id} block ${row.block}: ${row.cycle}`;
  const loan = `${amount(row.amountIn, row)} from ${row.lender}`;
  const usd = (v: bigint | null) => (v === null ? "" : ` (${formatUsd(v)})`);
  switch (row.status) {
    case "succeeded":
      return `${head}: borrowed ${loan}, realised ${amount(row.realisedProfit ?? 0n, row)}${usd(row.realisedProfitUsd6)}, gas ${row.gasPaidUsd6 === null ? `${row.gasPaidWei} wei` : formatUsd(row.gasPaidUsd6)}${row.final ? "" : " (not final yet)"} [${row.txHash}]`;
    case "reverted":
      return `${head}: REVERTED on chain, gas ${row.gasPaidUsd6 === null ? `${row.gasPaidWei} wei` : formatUsd(row.gasPaidUsd6)} [${row.txHash}]`;
    case "dry_run":
      // Expected, not realised: nothing was sent, so nothing was measured on chain.
      return `${head}: would borrow ${loan}; simulated to clear its floor; expected ${amount(row.expectedProfit, row)}${usd(row.expectedProfitUsd6)} before ${amount(row.gasCost, row)} of gas (not sent)`;
    case "signed":
    case "sent":
      return `${head}: ${row.status}, not mined yet [${row.txHash}]`;
    default:
      return `${head}: ${row.status}${row.reason === null ? "" : ` (${row.reason})`}`;
  }
}

/** The run's summary for a person. */
export function describeSummary(
  s: ServiceSummary,
  rows: readonly TradeRecord[],
  options: { live: boolean; pools: number; databasePath: string },
): string[] {
  const lines = [
    `Blocks handled: ${s.blocks} (${options.live ? "live" : "dry-run"}, ${options.pools} pools); stopped by ${s.stoppedBy}`,
    `Opportunities:  ${s.opportunities} (filtered: ${
      Object.entries(s.filtered)
        .map(([reason, n]) => `${n} × ${reason}`)
        .join("; ") || "none"
    })`,
    `Simulated:      ${s.simulated} (failed ${s.simulationFailed})`,
    `Sent:           ${s.sent} (succeeded ${s.succeeded}, reverted ${s.reverted}, dropped ${s.dropped}, in flight ${s.inFlight}, refused ${s.sendFailed})`,
  ];
  if (!options.live) lines.push(`Would send:     ${s.dryRun} (dry-run: nothing was sent)`);
  for (const row of rows)
    if (["succeeded", "reverted", "dry_run", "signed", "sent", "dropped"].includes(row.status))
      lines.push(`  ${describeTrade(row)}`);
  const byToken = rows.filter((r) => r.status === "succeeded" && r.realisedProfit !== null);
  const profit = Object.entries(s.realisedProfit).map(([symbol, value]) => {
    const row = byToken.find((r) => r.token === symbol);
    return row === undefined ? `${value} ${symbol}` : amount(value, row);
  });
  lines.push(
    `Realised profit (from the executor's events): ${profit.join(", ") || "none"}; ${formatUsd(s.realisedProfitUsd6)} at the oracle price, ${formatUsd(s.realisedProfitUsd6 - s.gasPaidUsd6)} net of ${formatUsd(s.gasPaidUsd6)} gas`,
  );
  const l = s.liquidations;
  if (l.attempted > 0 || l.count > 0) {
    const liquidated = Object.entries(l.realisedProfit).map(([symbol, value]) => {
      const row = byToken.find((r) => r.token === symbol);
      return row === undefined ? `${value} ${symbol}` : amount(value, row);
    });
    lines.push(
      `Liquidations:   ${l.count} landed of ${l.attempted} priced; realised ${liquidated.join(", ") || "nothing"} (${formatUsd(l.realisedProfitUsd6)}), included above`,
    );
  }
  if (s.reconciled > 0) lines.push(`Reconciled from an earlier run: ${s.reconciled} trade(s)`);
  if (Object.keys(s.riskSkipped).length > 0 || s.riskState !== null)
    lines.push(
      `Risk guard: ${s.riskState === null ? "trading" : `stopped (${s.riskState})`}; kept from sending: ${
        Object.entries(s.riskSkipped)
          .map(([reason, n]) => `${n} × ${reason}`)
          .join("; ") || "nothing"
      }`,
    );
  if (s.rpcOutages > 0 || s.blockErrors > 0 || s.rpcRetries > 0)
    lines.push(
      `RPC: ${s.rpcRetries} request(s) retried, ${s.rpcOutages} outage(s); blocks retried after an error: ${s.blockErrors}`,
    );
  lines.push(`Gas used: ${s.gasUsed.toLocaleString("en-US")}. Records: ${options.databasePath}`);
  return lines;
}

/** The summary as one JSON object: amounts in base units as strings, dollar values in micro-dollars. */
export function summaryJson(s: ServiceSummary): string {
  return JSON.stringify(s, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}
