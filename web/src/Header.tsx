import { useState } from "preact/hooks";
import { type EngineState, type Status, write } from "./api";
import { agoText, countText, ethText, shortHex } from "./format";
import { errorText } from "./hooks";

/** What each state means, in words. */
const STATES: Record<EngineState, { label: string; words: (s: Status) => string }> = {
  running: { label: "Running", words: (s) => (s.live ? "trading live" : "dry run: simulating, not sending") },
  paused: {
    label: "Paused",
    words: (s) =>
      `paused by an operator: watching and simulating, not sending${s.risk?.state ? `; the risk guard is also tripped (${s.risk.state})` : ""}`,
  },
  tripped: { label: "Tripped", words: (s) => `stopped by the risk guard: ${s.risk?.detail ?? s.risk?.state ?? ""}` },
  rpc_down: {
    label: "RPC down",
    words: (s) =>
      `the chain does not answer${s.rpc?.downSince ? ` since ${new Date(s.rpc.downSince).toLocaleTimeString()}` : ""}; not trading`,
  },
  starting: { label: "Starting", words: () => "preflight and first read of the pools" },
  stopping: { label: "Stopping", words: () => "waiting for trades in flight" },
};

/** The engine's state, chain, head, operator and runway, and the pause / resume controls. */
export function Header(props: {
  status: Status | undefined;
  error: string | undefined;
  live: boolean;
  onControl: () => void;
}) {
  const { status } = props;
  const [busy, setBusy] = useState(false);
  const [controlError, setControlError] = useState<string | undefined>(undefined);
  const control = async (action: "pause" | "resume" | "risk/reset") => {
    setBusy(true);
    setControlError(undefined);
    try {
      await write("POST", `api/${action}`);
    } catch (error) {
      setControlError(errorText(error));
    } finally {
      setBusy(false);
      props.onControl();
    }
  };
  const state = status?.state;
  return (
    <header class="header">
      <div class="brand">
        <h1>flash-arb</h1>
        <span class={`stream ${props.live ? "on" : "off"}`} data-testid="stream-state">
          {props.live ? "live" : "reconnecting…"}
        </span>
      </div>
      <div class={`state state-${state ?? "unknown"}`} data-testid="state" data-state={state ?? ""}>
        <strong>{state === undefined ? "Unknown" : STATES[state].label}</strong>
        <span>
          {status === undefined ? (props.error ?? "connecting to the engine…") : STATES[status.state].words(status)}
        </span>
      </div>
      <dl class="facts">
        <div>
          <dt>Chain</dt>
          <dd data-testid="chain">{status === undefined ? "—" : `${status.chain} · ${status.chainId ?? "?"}`}</dd>
        </div>
        <div>
          <dt>Head</dt>
          <dd data-testid="head">
            {status?.headBlock === undefined
              ? "—"
              : `#${countText(status.headBlock)}${status.headAgeMs === undefined ? "" : ` · ${agoText(status.headAgeMs)}`}`}
          </dd>
        </div>
        <div>
          <dt>Operator</dt>
          <dd title={status?.operator} data-testid="operator-balance">
            {status?.operatorBalanceWei === undefined ? "—" : ethText(status.operatorBalanceWei)}
          </dd>
        </div>
        <div>
          <dt>Runway</dt>
          <dd data-testid="runway">
            {status?.runwayTrades === undefined ? "—" : `${countText(status.runwayTrades)} trades`}
          </dd>
        </div>
        <div>
          <dt>Executor</dt>
          <dd title={status?.executor}>{status === undefined ? "—" : shortHex(status.executor)}</dd>
        </div>
      </dl>
      <div class="controls">
        <button
          type="button"
          data-testid="pause"
          disabled={busy || state === "paused"}
          onClick={() => void control("pause")}
        >
          Pause
        </button>
        <button
          type="button"
          data-testid="resume"
          disabled={busy || status?.risk?.paused !== true}
          onClick={() => void control("resume")}
        >
          Resume
        </button>
        {status?.risk?.state ? (
          <button
            type="button"
            data-testid="reset-risk"
            disabled={busy}
            title="Clear the risk guard's trip now instead of waiting for it to clear itself"
            onClick={() => void control("risk/reset")}
          >
            Clear trip
          </button>
        ) : null}
        {controlError === undefined ? null : (
          <p class="error" data-testid="control-error">
            {controlError}
          </p>
        )}
      </div>
    </header>
  );
}
