import type { Status } from "./api";

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

/**
 * The landing model from `/api/status`: what it learnt from, and how well its probabilities
 * matched what happened on runs it did not learn from (Brier score against always predicting the
 * base rate, and the reliability table).
 */
export function LandingModel(props: { status: Status | undefined }) {
  const { status } = props;
  if (status === undefined) return <p class="muted">Loading…</p>;
  const model = status.landingModel;
  if (model === undefined || model === null)
    return (
      <p class="muted" data-testid="landing-model">
        No landing model (landingModelPath unset): candidates are ranked by net value.
      </p>
    );
  const e = model.evaluation;
  return (
    <div data-testid="landing-model">
      <p>
        {model.path}: trained on {model.trainedOn} attempts (λ {model.lambda}).
      </p>
      {e === null ? (
        <p class="muted">No evaluation beside it: write one with npm run arena:model.</p>
      ) : (
        <>
          <p data-testid="landing-model-brier">
            Brier {e.brier.toFixed(4)} (base rate {e.baseRateBrier.toFixed(4)}) · log loss {e.logLoss.toFixed(4)} · on{" "}
            {e.count} attempts of seeds {e.testSeeds.join(", ")} ({pct(e.baseRate)} landed)
          </p>
          <table class="reliability">
            <thead>
              <tr>
                <th>predicted</th>
                <th>attempts</th>
                <th>mean predicted</th>
                <th>landed</th>
              </tr>
            </thead>
            <tbody>
              {e.reliability.map((b) => (
                <tr key={b.lower}>
                  <td>
                    {b.lower.toFixed(1)}–{b.upper.toFixed(1)}
                  </td>
                  <td>{b.count}</td>
                  <td>{pct(b.meanPredicted)}</td>
                  <td>{pct(b.observedFrequency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
