// `npm run bench:liquidations [-- --positions N] [-- --json] [-- --out FILE]`: tracking Aave V3
// positions over five reserves, how long the position book takes after an oracle price change
// to find every position under a health factor of one (exactly, as the Pool values it), and
// how much memory the positions take.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createCommand, positiveInteger } from "../src/cli.js";
import { accountData } from "../src/engine/liquidations/accountData.js";
import { PositionBook } from "../src/engine/liquidations/positionBook.js";
import { syntheticPositions, syntheticReserves } from "../test/engine/liquidations/support/syntheticMarket.js";

const options = createCommand(
  "bench:liquidations",
  "Measure how fast the position book finds every Aave V3 position under a health factor of one after an oracle price change.",
)
  .option("--positions <count>", "borrowers tracked", positiveInteger, 10_000)
  .option("--json", "print one JSON line instead of a table", false)
  .option("--out <file>", "also write the results as JSON here (e.g. snapshots/liquidations.json)")
  .parse()
  .opts<{ positions: number; json: boolean; out?: string }>();

const now = 1_800_000_000n;
const reserves = syntheticReserves(now);
const positions = syntheticPositions(options.positions, reserves);
const book = new PositionBook(new Map(reserves));
let started = performance.now();
for (const p of positions) book.set(p);
const loadMs = performance.now() - started;

// Each round: WETH's oracle price moves by up to ±3%, then the positions it put under one are
// found (every one of them, valued exactly).
book.newlyLiquidatable(now);
const samples: number[] = [];
let found = 0;
let seed = 0x5eedn;
const weth = reserves.get(0);
if (weth === undefined) throw new Error("no WETH reserve");
for (let round = 0; round < 101; round++) {
  seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
  const move = 9_700n + ((seed >> 50n) % 601n);
  book.updateReserve({ ...weth, price: (weth.price * move) / 10_000n });
  started = performance.now();
  found += book.newlyLiquidatable(now).length;
  samples.push(performance.now() - started);
}
// For comparison: every position under one, valued exactly, after the last move.
started = performance.now();
const under = book.liquidatable(now).length;
const allUnderMs = performance.now() - started;
samples.sort((a, b) => a - b);
// For comparison: valuing every position exactly, as the Pool would.
started = performance.now();
let exact = 0;
for (const p of positions) if (accountData(reserves, p, now).healthFactor < 10n ** 18n) exact += 1;
const exhaustiveMs = performance.now() - started;

const result = {
  positions: options.positions,
  reserves: reserves.size,
  afterPriceChangeMs: Number((samples[50] as number).toFixed(3)),
  afterPriceChangeP99Ms: Number((samples[99] as number).toFixed(3)),
  newlyLiquidatable: found,
  underOneAfterLastMove: under,
  allUnderOneMs: Number(allUnderMs.toFixed(2)),
  exhaustiveExactMs: Number(exhaustiveMs.toFixed(1)),
  exhaustiveLiquidatableAtStart: exact,
  loadMs: Number(loadMs.toFixed(1)),
  floatArraysMb: Number((book.bytes / 2 ** 20).toFixed(2)),
};
if (options.out !== undefined) {
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
}
if (options.json) console.log(JSON.stringify(result));
else {
  console.log(`| measure | value | target |`);
  console.log(`| --- | ---: | ---: |`);
  console.log(`| positions / reserves | ${result.positions} / ${result.reserves} | |`);
  console.log(
    `| after a price change, every newly liquidatable position found, exactly (median / p99 of 101) | ${result.afterPriceChangeMs} / ${result.afterPriceChangeP99Ms} ms | < 5 ms |`,
  );
  console.log(`| … newly liquidatable over the 101 moves | ${result.newlyLiquidatable} | |`);
  console.log(
    `| every position under 1 after the last move (${result.underOneAfterLastMove}), valued exactly | ${result.allUnderOneMs} ms | |`,
  );
  console.log(`| valuing every position exactly instead | ${result.exhaustiveExactMs} ms | |`);
  console.log(`| loading the positions | ${result.loadMs} ms | |`);
  console.log(`| the book's float arrays (user × reserve, collateral and debt) | ${result.floatArraysMb} MB | |`);
}
