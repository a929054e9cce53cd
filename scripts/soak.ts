// `npm run soak`: the engine service on a fresh local node for a long run, with a price move every
// few blocks, sampling the process's memory (after a full garbage collection) as it goes. Reports
// the heap and RSS after the first five minutes and at the end, and writes snapshots/soak.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { createCommand, positiveInteger } from "../src/cli.js";
import { createLogger } from "../src/engine/log.js";
import { startLocalEngine } from "./lib/localEngine.js";

const options = createCommand("soak", "Run the engine for a long time on the local node and measure its memory.")
  .option("--minutes <n>", "how long to run", positiveInteger, 30)
  .option("--every <seconds>", "seconds between price moves", positiveInteger, 4)
  .option("--warmup <minutes>", "the baseline is taken after this many minutes", positiveInteger, 5)
  .option("--out <file>", "where to write the report", "snapshots/soak.json")
  .parse()
  .opts<{ minutes: number; every: number; warmup: number; out: string }>();

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("Run with --expose-gc (npm run soak does).");
const sample = () => {
  gc();
  const m = process.memoryUsage();
  return { atMinutes: (performance.now() - started) / 60_000, heapUsed: m.heapUsed, rss: m.rss };
};

const started = performance.now();
// Its own port and record, so that the soak can run beside `npm run node` and the tests.
const local = await startLocalEngine({
  port: 8547,
  name: "soak",
  confirmations: 2,
  pollIntervalMs: 250,
  log: createLogger({ level: "warn" }),
});
const samples: Array<ReturnType<typeof sample>> = [];
let baseline: ReturnType<typeof sample> | undefined;
const end = started + options.minutes * 60_000;
while (performance.now() < end) {
  await local.move();
  await new Promise((r) => setTimeout(r, options.every * 1_000));
  if (local.moved % 15 === 0) {
    const s = sample();
    samples.push(s);
    if (baseline === undefined && s.atMinutes >= options.warmup) baseline = s;
    process.stderr.write(
      `${s.atMinutes.toFixed(1)} min: heap ${(s.heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(s.rss / 2 ** 20).toFixed(1)} MiB\n`,
    );
  }
}
const summary = await local.close("the end of the soak");
const last = sample();
const report = {
  minutes: options.minutes,
  priceMoves: local.moved,
  blocks: summary.blocks,
  succeeded: summary.succeeded,
  reverted: summary.reverted,
  baseline: baseline ?? null,
  end: last,
  heapGrowth: baseline === undefined ? null : Number((last.heapUsed / baseline.heapUsed - 1).toFixed(4)),
  rssGrowth: baseline === undefined ? null : Number((last.rss / baseline.rss - 1).toFixed(4)),
  samples,
  measuredOn: new Date().toISOString().slice(0, 10),
};
mkdirSync("snapshots", { recursive: true });
writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify({ ...report, samples: samples.length }));
process.exit(0);
