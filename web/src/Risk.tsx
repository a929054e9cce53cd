import type { Status } from "./api";
import { countText, ethText, timeText, usd6Text } from "./format";

/** The risk guard's state and this run's counts, from `/api/status`. */
export function Risk(props: { status: Status | undefined }) {
  const { status } = props;
  if (status === undefined) return <p class="muted">Loading…</p>;
  const { risk, rpc, summary } = status;
  const skipped = Object.entries(risk?.skipped ?? {});
  return (
    <dl class="pairs" data-testid="risk">
      <dt>Paused by operator</dt>
      <dd data-testid="risk-paused" class={risk?.paused ? "bad" : "good"}>
        {risk === undefined ? "—" : risk.paused ? "paused" : "not paused"}
      </dd>
      <dt>Guard</dt>
      <dd data-testid="risk-state" class={risk?.state ? "bad" : "good"}>
        {risk?.state ? `${risk.state}: ${risk.detail ?? ""}` : "clear"}
        {risk?.since ? <small> since {timeText(risk.since)}</small> : null}
      </dd>
      <dt>Failures in a row</dt>
      <dd>{risk?.consecutiveFailures ?? "—"}</dd>
      <dt>Gas lost today</dt>
      <dd>{risk === undefined ? "—" : ethText(risk.lossTodayWei, 6)}</dd>
      <dt>Kept from sending</dt>
      <dd>{skipped.length === 0 ? "none" : skipped.map(([k, n]) => `${k} ${n}`).join(", ")}</dd>
      <dt>RPC</dt>
      <dd class={rpc?.reachable === false ? "bad" : ""}>
        {rpc === undefined ? "—" : `${rpc.reachable ? "answering" : "down"} · ${rpc.outages} outages`}
      </dd>
      {summary === undefined ? null : (
        <>
          <dt>This run</dt>
          <dd>
            {countText(summary.blocks)} blocks · {countText(summary.opportunities)} opportunities ·{" "}
            {countText(summary.sent)} sent · {countText(summary.succeeded)} succeeded · {countText(summary.reverted)}{" "}
            reverted
          </dd>
          <dt>Realised · gas</dt>
          <dd>
            {usd6Text(summary.realisedProfitUsd6)} · {usd6Text(summary.gasPaidUsd6)}
          </dd>
        </>
      )}
    </dl>
  );
}
