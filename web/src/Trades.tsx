import { useState } from "preact/hooks";
import { TRADE_STATUSES, type Trade, type TradesPage } from "./api";
import { countText, shortHex, timeText } from "./format";
import { useApi } from "./hooks";

const PAGE_SIZE = 15;

interface Filters {
  readonly strategy: string;
  readonly status: string;
  readonly token: string;
  readonly lender: string;
  readonly venue: string;
  readonly since: string;
}

const NO_FILTERS: Filters = { strategy: "", status: "", token: "", lender: "", venue: "", since: "" };

/** The trade history from `/api/trades`: the API's filters, pages of {@link PAGE_SIZE}, newest first. */
export function Trades(props: { chainId: number | undefined; version: number }) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const { data, error } = useApi<TradesPage>(
    "api/trades",
    { ...filters, chainId: props.chainId, limit: PAGE_SIZE, offset },
    props.version,
  );
  // The text fields are not controlled: a reload while someone types must not reset what they typed.
  // A filter applies on Enter or when the field loses focus.
  const set = (key: keyof Filters) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value.trim();
    // From the state as it is, not as this render saw it: two changes may come before the next render.
    setFilters((f) => ({ ...f, [key]: value }));
    setOffset(0);
  };
  const total = data?.total ?? 0;
  return (
    <div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Strategy
          <select data-testid="filter-strategy" value={filters.strategy} onChange={set("strategy")}>
            <option value="">any</option>
            <option value="arbitrage">arbitrage</option>
            <option value="liquidation">liquidation</option>
            <option value="backrun">backrun</option>
          </select>
        </label>
        <label>
          Status
          <select data-testid="filter-status" value={filters.status} onChange={set("status")}>
            <option value="">any</option>
            <option value="succeeded,reverted,dropped">mined or dropped</option>
            {TRADE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        <label>
          Token
          <input data-testid="filter-token" placeholder="WETH" defaultValue={filters.token} onChange={set("token")} />
        </label>
        <label>
          Lender
          <input
            data-testid="filter-lender"
            placeholder="AaveV3"
            defaultValue={filters.lender}
            onChange={set("lender")}
          />
        </label>
        <label>
          Venue
          <input
            data-testid="filter-venue"
            placeholder="Uniswap V3"
            defaultValue={filters.venue}
            onChange={set("venue")}
          />
        </label>
        <label>
          Since
          <input
            data-testid="filter-since"
            placeholder="24h, 2025-01-02"
            defaultValue={filters.since}
            onChange={set("since")}
          />
        </label>
      </form>
      {error === undefined ? null : (
        <p class="error" data-testid="trades-error">
          {error}
        </p>
      )}
      <div class="table-wrap">
        <table class="trades" data-testid="trades-table">
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Status</th>
              <th>Loan</th>
              <th class="num">Expected</th>
              <th class="num">Realised</th>
              <th class="num">Gas paid</th>
              <th>Tx</th>
            </tr>
          </thead>
          <tbody>
            {data?.rows.map((t) => (
              <Row key={t.id} trade={t} />
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">
        <span class="summary">
          {total === 0 ? "No records" : `${countText(offset + 1)}–${countText(offset + (data?.rows.length ?? 0))} of `}
          {total === 0 ? null : <strong data-testid="trades-total">{total}</strong>}
          {total === 0 ? null : data?.totalIsExact === false ? " records or more" : " records"}
        </span>
        <button
          type="button"
          data-testid="page-prev"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(offset - PAGE_SIZE, 0))}
        >
          ← Newer
        </button>
        <button
          type="button"
          data-testid="page-next"
          disabled={offset + PAGE_SIZE >= total && data?.totalIsExact !== false}
          onClick={() => setOffset(offset + PAGE_SIZE)}
        >
          Older →
        </button>
      </div>
    </div>
  );
}

function Row(props: { trade: Trade }) {
  const t = props.trade;
  return (
    <tr data-testid="trade-row" data-id={t.id} data-status={t.status} data-token={t.token} data-strategy={t.strategy}>
      <td class="num">{t.id}</td>
      <td class="when">
        {timeText(t.createdAt)}
        <small>block {t.block}</small>
      </td>
      <td>
        <span class={`badge outcome-${t.outcome}`}>{t.status.replace("_", " ")}</span>
        {t.reason ? <small class="reason">{t.reason}</small> : null}
      </td>
      <td class="loan" title={t.cycle}>
        {t.amountIn.text ?? `${t.amountIn.raw} ${t.token}`}
        <small class="cycle">
          {t.strategy === "arbitrage" ? null : <span class="badge strategy">{t.strategy}</span>} {t.lender} · {t.cycle}
        </small>
      </td>
      <td class="num" data-testid="expected">
        {t.expectedProfit.text ?? t.expectedProfit.raw}
        <small>{t.expectedProfitUsd?.text ?? ""}</small>
      </td>
      <td class="num" data-testid="realised">
        {t.realisedProfit === null ? "—" : (t.realisedProfit.text ?? t.realisedProfit.raw)}
        <small>{t.realisedProfitUsd?.text ?? ""}</small>
      </td>
      <td class="num" data-testid="gas">
        {t.gasPaid === null ? "—" : (t.gasPaid.usd?.text ?? `${t.gasPaid.eth} ETH`)}
        <small>{t.gasUsed === null ? "" : `${countText(t.gasUsed)} gas`}</small>
      </td>
      <td class="tx" data-testid="tx">
        {t.txHash === null ? (
          "—"
        ) : t.txUrl === null ? (
          <code title={t.txHash}>{shortHex(t.txHash)}</code>
        ) : (
          <a href={t.txUrl} target="_blank" rel="noreferrer" title={t.txHash}>
            {shortHex(t.txHash)}
          </a>
        )}
      </td>
    </tr>
  );
}
