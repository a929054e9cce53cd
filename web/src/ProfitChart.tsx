import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Profit } from "./api";
import { usd6Number } from "./format";

const HEIGHT = 180;

/** Each period's length, for the room around the bars. */
const PERIOD_S = { day: 86_400, week: 7 * 86_400, month: 30 * 86_400 } as const;

/** The chart's columns, oldest period first: realised and net dollars per period, and net dollars so far. */
function columns(profit: Profit): uPlot.AlignedData {
  const buckets = [...profit.buckets].reverse();
  let cumulative = 0;
  return [
    buckets.map((b) => Date.parse(`${b.period}T00:00:00Z`) / 1000),
    buckets.map((b) => usd6Number(b.realisedUsd.usd6)),
    buckets.map((b) => usd6Number(b.netUsd.usd6)),
    buckets.map((b) => {
      cumulative += usd6Number(b.netUsd.usd6);
      return cumulative;
    }),
  ];
}

const dateLabel = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

const money = (_u: uPlot, values: number[]) =>
  values.map((v) => (Math.abs(v) >= 1000 ? `$${(v / 1000).toLocaleString("en-US")}k` : `$${v}`));

function options(width: number): uPlot.Options {
  const bars = uPlot.paths.bars;
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: true },
      // Bars stand on zero.
      y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(0, max ?? 0) * 1.15 || 1] },
    },
    legend: { live: false },
    axes: [
      // Periods are UTC dates: ticks on whole days, labelled as dates.
      {
        space: 70,
        incrs: [1, 2, 7, 14, 30, 91, 182, 365].map((days) => days * 86_400),
        values: (_u, splits) => splits.map((s) => dateLabel.format(new Date(s * 1000))),
      },
      { values: money, size: 70 },
    ],
    series: [
      { label: "Period" },
      {
        label: "Realised",
        stroke: "#2f7d4f",
        fill: "rgba(47,125,79,0.25)",
        width: 1,
        ...(bars === undefined ? {} : { paths: bars({ size: [0.5, 60] }) }),
        points: { show: false },
        value: (_u, v) => (v === null ? "—" : `$${v.toLocaleString("en-US", { minimumFractionDigits: 2 })}`),
      },
      {
        label: "Net of gas",
        stroke: "#1f5fa8",
        fill: "rgba(31,95,168,0.45)",
        width: 1,
        ...(bars === undefined ? {} : { paths: bars({ size: [0.25, 30] }) }),
        points: { show: false },
        value: (_u, v) => (v === null ? "—" : `$${v.toLocaleString("en-US", { minimumFractionDigits: 2 })}`),
      },
      {
        label: "Cumulative net",
        stroke: "#c2561a",
        width: 2,
        points: { show: true, size: 6 },
        value: (_u, v) => (v === null ? "—" : `$${v.toLocaleString("en-US", { minimumFractionDigits: 2 })}`),
      },
    ],
  };
}

/** Realised and net dollars per period (bars) and net dollars so far (line), from `/api/profit`. */
export function ProfitChart(props: { profit: Profit | undefined }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const plot = new uPlot(options(Math.max(el.clientWidth, 300)), [[], [], [], []], el);
    chart.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 300), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    const plot = chart.current;
    if (plot === null || props.profit === undefined) return;
    const data = columns(props.profit);
    plot.setData(data);
    // Half a period of room on each side, so that a single period is a bar, not the whole axis.
    const x = data[0];
    const first = x[0];
    const last = x[x.length - 1];
    const room = PERIOD_S[props.profit.period] / 2;
    if (first !== undefined && last !== undefined) plot.setScale("x", { min: first - room, max: last + room });
  }, [props.profit]);
  const latest = props.profit?.buckets[0];
  return (
    <div>
      <div ref={box} class="chart" data-testid="profit-chart" />
      {props.profit === undefined ? null : latest === undefined ? (
        <p class="muted">No mined trades yet.</p>
      ) : (
        <p class="muted" data-testid="profit-latest">
          Latest {props.profit.period} ({latest.period}): realised {latest.realisedUsd.text}, gas{" "}
          {latest.gasPaidUsd.text}, net {latest.netUsd.text} · {latest.succeeded} succeeded, {latest.reverted} reverted
        </p>
      )}
    </div>
  );
}
