import { FUNNEL_STAGES, type Funnel as FunnelCounts } from "./api";
import { countText } from "./format";

/** How far the opportunities got: found → sized → simulated → sent → landed / lost, as bars. */
export function Funnel(props: { funnel: FunnelCounts | undefined }) {
  const { funnel } = props;
  if (funnel === undefined) return <p class="muted">Loading…</p>;
  const widest = Math.max(funnel.found, 1);
  return (
    <ol class="funnel" data-testid="funnel">
      {FUNNEL_STAGES.map((stage) => (
        <li key={stage} class={`stage-${stage}`}>
          <span class="label">{stage}</span>
          <span class="bar">
            <span style={{ width: `${(100 * funnel[stage]) / widest}%` }} />
          </span>
          <span class="count" data-testid={`funnel-${stage}`}>
            {countText(funnel[stage])}
          </span>
        </li>
      ))}
    </ol>
  );
}
