import { useEffect, useMemo, useState } from "preact/hooks";
import type { Chains, OpportunitiesPage, Profit, ProfitPeriod, Status } from "./api";
import { describe, FEED_LENGTH, Feed, type FeedEntry } from "./Feed";
import { Funnel } from "./Funnel";
import { throttle } from "./format";
import { Header } from "./Header";
import { type StreamEventName, useApi, useStream } from "./hooks";
import { LandingModel } from "./LandingModel";
import { Limits } from "./Limits";
import { ProfitChart } from "./ProfitChart";
import { Risk } from "./Risk";
import { Trades } from "./Trades";

/** How often the status is read when the stream is quiet (the head's age moves on). */
const STATUS_EVERY_MS = 2_000;
/** New records refresh the table, the funnel and the profit at most this often. */
const RECORDS_EVERY_MS = 1_000;

/** The operator's dashboard: every number on it is read from the engine's API or its stream. */
export function App() {
  const [statusVersion, setStatusVersion] = useState(0);
  const [recordsVersion, setRecordsVersion] = useState(0);
  const [configVersion, setConfigVersion] = useState(0);
  const [feed, setFeed] = useState<readonly FeedEntry[]>([]);
  const [chainId, setChainId] = useState<number | undefined>(undefined);
  const [period, setPeriod] = useState<ProfitPeriod>("day");

  const refresh = useMemo(
    () => ({
      status: throttle(() => setStatusVersion((v) => v + 1), 500),
      records: throttle(() => setRecordsVersion((v) => v + 1), RECORDS_EVERY_MS),
    }),
    [],
  );

  const live = useStream((name: StreamEventName, data: unknown) => {
    setFeed((entries) => [
      { seq: (entries[0]?.seq ?? 0) + 1, at: new Date().toISOString(), name, text: describe(name, data) },
      ...entries.slice(0, FEED_LENGTH - 1),
    ]);
    if (name === "opportunity" || name === "trade") refresh.records();
    if (name === "control" && (data as { action?: string }).action === "config_change") setConfigVersion((v) => v + 1);
    refresh.status();
  });

  useEffect(() => {
    const timer = setInterval(() => setStatusVersion((v) => v + 1), STATUS_EVERY_MS);
    return () => clearInterval(timer);
  }, []);

  const status = useApi<Status>("api/status", {}, statusVersion);
  const opportunities = useApi<OpportunitiesPage>("api/opportunities", { limit: 1, chainId }, recordsVersion);
  const profit = useApi<Profit>("api/profit", { period, chainId }, recordsVersion);
  const chains = useApi<Chains>("api/chains", {}, recordsVersion);
  const chainIds = chains.data?.chains ?? [];

  return (
    <>
      <Header status={status.data} error={status.error} live={live} onControl={refresh.status} />
      {chainIds.length > 1 ? (
        <nav class="chains">
          <label>
            Chain
            <select
              data-testid="chain-select"
              value={chainId === undefined ? "" : String(chainId)}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLSelectElement).value;
                setChainId(v === "" ? undefined : Number(v));
              }}
            >
              <option value="">all chains</option>
              {[...chainIds]
                .sort((a, b) => a - b)
                .map((id) => (
                  <option key={id} value={String(id)}>
                    {id}
                  </option>
                ))}
            </select>
          </label>
        </nav>
      ) : null}
      <main class="grid">
        <div class="column">
          <section class="panel">
            <h2>
              Profit
              <select
                data-testid="profit-period"
                value={period}
                onChange={(e) => setPeriod((e.currentTarget as HTMLSelectElement).value as ProfitPeriod)}
              >
                <option value="day">per day</option>
                <option value="week">per week</option>
                <option value="month">per month</option>
              </select>
            </h2>
            <ProfitChart profit={profit.data} />
            {profit.error === undefined ? null : <p class="error">{profit.error}</p>}
          </section>
          <section class="panel">
            <h2>Trades</h2>
            <Trades chainId={chainId} version={recordsVersion} />
          </section>
        </div>
        <aside class="column">
          <section class="panel">
            <h2>Opportunity funnel</h2>
            <Funnel funnel={opportunities.data?.funnel} />
          </section>
          <section class="panel">
            <h2>Risk</h2>
            <Risk status={status.data} />
          </section>
          <section class="panel">
            <h2>Landing model</h2>
            <LandingModel status={status.data} />
          </section>
          <section class="panel">
            <h2>Live limits</h2>
            <Limits version={configVersion} onSaved={refresh.status} />
          </section>
          <section class="panel">
            <h2>Live feed</h2>
            <Feed entries={feed} />
          </section>
        </aside>
      </main>
    </>
  );
}
