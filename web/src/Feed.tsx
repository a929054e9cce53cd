import type { Trade } from "./api";
import { ethText } from "./format";
import type { StreamEventName } from "./hooks";

/** One line of the live feed. */
export interface FeedEntry {
  readonly seq: number;
  readonly at: string;
  readonly name: StreamEventName;
  readonly text: string;
}

/** The most lines the feed keeps. */
export const FEED_LENGTH = 60;

/** A stream event in one line, from the event's own fields. */
export function describe(name: StreamEventName, data: unknown): string {
  const e = data as Record<string, unknown>;
  switch (name) {
    case "block":
      return `block ${e.number} handled in ${Math.round(Number(e.handledMs))} ms${
        e.blockToTradeMs === undefined ? "" : `, first trade ready ${Math.round(Number(e.blockToTradeMs))} ms after it`
      }`;
    case "opportunity": {
      const t = data as Trade;
      const profit = t.expectedProfitUsd?.text ?? t.expectedProfit.text ?? "";
      return `#${t.id} ${t.token} via ${t.lender}: ${t.status}${profit === "" ? "" : ` (expected ${profit})`}${
        t.reason ? ` — ${t.reason}` : ""
      }`;
    }
    case "trade": {
      const { kind, trade: t } = data as { kind: string; trade: Trade };
      const realised =
        t.realisedProfit === null
          ? ""
          : `, realised ${t.realisedProfit.text ?? t.realisedProfit.raw}${t.realisedProfitUsd === null ? "" : ` (${t.realisedProfitUsd.text})`}`;
      return `trade #${t.id} ${kind}${realised}${t.gasPaid?.usd ? `, gas ${t.gasPaid.usd.text}` : ""}`;
    }
    case "risk":
      return `risk guard ${e.kind === "trip" ? "tripped" : "resumed"}: ${e.reason} — ${e.detail}`;
    case "control":
      return `${e.action} from ${e.from}${
        e.detail !== undefined && Object.keys(e.detail as object).length > 0 ? ` ${JSON.stringify(e.detail)}` : ""
      }`;
    case "rpc":
      return e.kind === "lost"
        ? `RPC lost: ${e.reason ?? "no answer"}`
        : `RPC back after ${Math.round(Number(e.downForMs ?? 0) / 1000)} s`;
    case "runway":
      return `operator ${ethText(String(e.balanceWei))}, runway ${e.runwayTrades} trades${e.low ? " — LOW" : ""}`;
  }
}

/** The live stream, newest first. */
export function Feed(props: { entries: readonly FeedEntry[] }) {
  if (props.entries.length === 0) return <p class="muted">Waiting for events…</p>;
  return (
    <ol class="feed" data-testid="feed">
      {props.entries.map((entry) => (
        <li key={entry.seq} class={`event-${entry.name}`} data-event={entry.name}>
          <time>{new Date(entry.at).toLocaleTimeString()}</time>
          <span class="kind">{entry.name}</span>
          <span>{entry.text}</span>
        </li>
      ))}
    </ol>
  );
}
