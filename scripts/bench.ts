// `npm run bench -- [--json] [--pools N] [--tokens T] [--scaling] [--out FILE]`: the engine's speed
// and memory on a synthetic market of Uniswap V2 and V3 pools (10,000 by default over 300
// tokens), its sizing held against an independent search per category of random cycle, and —
// on the in-process replica — the time from a new block to a simulated, signed-ready trade.
// `--scaling` adds the table from 1,000 to 100,000 pools, each row in a process of its own (so
// that its memory is its own). Prints tables, or one JSON line with --json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { InvalidArgumentError } from "commander";
import { getAddress, parseUnits } from "ethers";
import { type Address, symbolsOf } from "../src/addressBook.js";
import { createCommand, positiveInteger } from "../src/cli.js";
import type { Estimate } from "../src/engine/strategy/scan.js";
import type { Sizing } from "../src/engine/strategy/size.js";
import type { MarketPool } from "../src/engine/venues/pools.js";
import type { ReplicaTokenSymbol } from "../src/replica/tokens.js";

/** A whole number from zero up, in plain digits. */
function count(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError("Expected a whole number from 0 up.");
  return n;
}

/** At least one token besides the three hubs. */
function tokenCount(value: string): number {
  const n = positiveInteger(value);
  if (n < 4) throw new InvalidArgumentError("Expected at least 4 (three of them are the hubs).");
  return n;
}

const values = createCommand(
  "bench",
  "Measure the engine on a synthetic market of Uniswap V2 and V3 pools: full and incremental scan times and " +
    "memory, sizing held against an independent search for the best integer size, and block-to-trade latency " +
    "on the in-process replica.",
)
  .option("--json", "print one JSON line of results instead of a table", false)
  .option("--pools <count>", "pools in the synthetic market", positiveInteger, 10_000)
  .option("--tokens <count>", "tokens in the synthetic market (default: one per 33 pools, at least 20)", tokenCount)
  .option("--rounds <count>", "dislocated blocks the engine handles on the replica (0: none)", count, 8)
  .option("--sizing-cycles <count>", "random cycles per category held against the independent search", count, 50)
  .option("--scaling", "also measure the scan from 1,000 to 100,000 pools over 30 to 3,000 tokens", false)
  .option("--scan-only", "measure the scan alone and print it as JSON (one row of --scaling)", false)
  .option("--out <file>", "also write the results as JSON here (e.g. snapshots/bench.json)")
  .parse()
  .opts<{
    json: boolean;
    pools: number;
    tokens?: number;
    rounds: number;
    sizingCycles: number;
    scaling: boolean;
    scanOnly: boolean;
    out?: string;
  }>();
// Loaded only once the flags parse: `--help` and a flag error then answer without Hardhat's
// start-up or node:sqlite's experimental-feature warning around their one line. Still loaded
// before anything is timed, as the static imports were.
const POOLS = values.pools;
const TOKENS = values.tokens ?? Math.max(20, Math.round(POOLS / 33));
// Past a hundred pools per pair of tokens the cycles that clear the floor outgrow memory (each
// is reported and ranked): say so rather than run out of it.
if (POOLS / ((TOKENS * (TOKENS - 1)) / 2) > 100) {
  console.error(
    `error: ${POOLS} pools over ${TOKENS} tokens is more than 100 pools per pair of tokens; use more tokens (see bench --help)`,
  );
  process.exit(2);
}
if (values.out !== undefined) mkdirSync(dirname(values.out), { recursive: true });
const { RateGraph } = await import("../src/engine/strategy/scan.js");
const { disjointBest } = await import("../src/engine/strategy/select.js");
const { cycleOutput, sizeCycle } = await import("../src/engine/strategy/size.js");
const { getTickAtSqrtRatio, MAX_TICK, MIN_TICK } = await import("../src/math/tickMath.js");
const HUBS = 3;

// A deterministic generator, so every run measures the same market.
let seed = 0x5eedn;
function random(): number {
  seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
  return Number(seed >> 11n) / 2 ** 53;
}

const tokens: Address[] = [];
const price: number[] = [];
for (let t = 0; t < TOKENS; t++) {
  tokens.push(getAddress(`0x${(t + 1).toString(16).padStart(40, "0")}`) as Address);
  price.push(10 ** (random() * 5 - 2));
}
const pools: MarketPool[] = [];
for (let k = 0; k < POOLS; k++) {
  // Half the pools pair a hub with another token, the rest two random tokens.
  const a = random() < 0.5 ? Math.floor(random() * HUBS) : Math.floor(random() * TOKENS);
  let b = Math.floor(random() * TOKENS);
  if (b === a) b = (b + 1) % TOKENS;
  const [i0, i1] = (tokens[a] as string) < (tokens[b] as string) ? [a, b] : [b, a];
  const depthUsd = 10 ** (4 + random() * 3);
  // Arbitraged markets sit within a few basis points of each other; a few pools are further off.
  const noise = 1 + (random() - 0.5) * (random() < 0.02 ? 0.04 : 0.003);
  const r0 = BigInt(Math.floor((depthUsd / (price[i0] as number)) * 1e6)) * 10n ** 12n;
  const r1 = BigInt(Math.floor((depthUsd / (price[i1] as number)) * noise * 1e6)) * 10n ** 12n;
  const address = getAddress(`0x${(0x100000 + k).toString(16).padStart(40, "0")}`) as Address;
  if (random() < 0.7) {
    pools.push({
      kind: "uniswapV2",
      address,
      token0: tokens[i0] as Address,
      token1: tokens[i1] as Address,
      factoryIndex: 0,
      dex: "uniswapV2",
      feePips: 3000,
      state: { reserve0: r0, reserve1: r1 },
    });
  } else {
    // Full-range liquidity at the same price: the V3 math runs, ticks at the range ends.
    const sqrtPriceX96 = BigInt(Math.floor(Math.sqrt(Number(r1) / Number(r0)) * 2 ** 48)) << 48n;
    const liquidity = BigInt(Math.floor(Math.sqrt(Number(r0) * Number(r1))));
    const spacing = 60;
    const low = Math.ceil(MIN_TICK / spacing) * spacing;
    const high = Math.floor(MAX_TICK / spacing) * spacing;
    pools.push({
      kind: "uniswapV3",
      address,
      token0: tokens[i0] as Address,
      token1: tokens[i1] as Address,
      fee: 3000,
      state: {
        sqrtPriceX96,
        tick: getTickAtSqrtRatio(sqrtPriceX96),
        liquidity,
        fee: 3000,
        tickSpacing: spacing,
        ticks: new Map([
          [low, liquidity],
          [high, -liquidity],
        ]),
      },
    });
  }
}
const hubs = tokens.slice(0, HUBS);
const cap = parseUnits("1000000", 18);
const noFee = () => 0n;
// What a trade must clear, in each hub's base units: $3 of profit plus its gas (250,000 gas at
// 10 gwei with ether at $3,000 is $7.50). Tokens have 18 decimals here.
const FLOOR_USD = 3 + 250_000 * 10e-9 * 3_000;
const floor = (base: Address) => (FLOOR_USD / (price[tokens.indexOf(base)] as number)) * 1e18;

// Full scan: every two- and three-hop cycle from the hubs; those whose marginal rates multiply
// above one and whose upper bound can clear the floor are sized in closed form and costed; the
// best pool-disjoint ones are sized exactly. The graph is built once and patched as pools
// change; the scan is timed on the built graph, as the median of 21 runs (the first ones also
// warm the JIT), and split into its three stages.
let started = performance.now();
const graph = new RateGraph(pools);
const buildMs = performance.now() - started;
let aboveFloor: Estimate[] = [];
let chosen: Estimate[] = [];
let sized: { estimate: Estimate; sizing: Sizing }[] = [];
let cycles = 0;
const scans: number[] = [];
const walks: number[] = [];
const selects: number[] = [];
const sizings: number[] = [];
for (let run = 0; run < 21; run++) {
  started = performance.now();
  aboveFloor = [];
  cycles = graph.scan(hubs, (found) => aboveFloor.push(found), floor);
  const walked = performance.now();
  chosen = disjointBest(aboveFloor);
  const selected = performance.now();
  sized = [];
  for (const estimate of chosen) {
    const sizing = sizeCycle(estimate.cycle, cap, noFee, estimate.amountIn);
    if (sizing !== undefined) sized.push({ estimate, sizing });
  }
  const done = performance.now();
  scans.push(done - started);
  walks.push(walked - started);
  selects.push(selected - walked);
  sizings.push(done - selected);
}
const walkedSteps = graph.walkedSteps;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
const fullScanColdMs = scans[0] as number;
const fullScanMs = median(scans);
const walkMs = median(walks);
// How many cycles pass the marginal-rate test alone.
let atMargin = 0;
graph.scan(hubs, () => {
  atMargin += 1;
});

// Sizing accuracy on the scan's own cycles: our profit over the best of a 4,000-point grid, for
// up to 20 sized cycles (the random cycles of every category are held against the independent
// search below).
let sizingAccuracy = 1;
for (const { estimate, sizing } of sized.slice(0, 20)) {
  let grid = 0n;
  const top = sizing.amountIn * 4n;
  for (let i = 1n; i <= 4_000n; i++) {
    const a = (top * i) / 4_000n;
    const p = cycleOutput(estimate.cycle, a) - a;
    if (p > grid) grid = p;
  }
  if (grid > 0n) sizingAccuracy = Math.min(sizingAccuracy, Number((sizing.profit * 1_000_000n) / grid) / 1_000_000);
}

// Incremental: one pool changes; only the cycles through it are walked, and the best of them is
// sized exactly.
const samples: number[] = [];
for (let n = 0; n < 200; n++) {
  const pool = pools[Math.floor(random() * pools.length)] as MarketPool;
  if (pool.kind === "uniswapV2")
    pool.state = { reserve0: (pool.state.reserve0 * 102n) / 100n, reserve1: pool.state.reserve1 };
  started = performance.now();
  graph.update(pool);
  const through: Estimate[] = [];
  graph.scanThrough(pool, hubs, (found) => through.push(found), floor);
  for (const estimate of disjointBest(through)) sizeCycle(estimate.cycle, cap, noFee, estimate.amountIn);
  samples.push(performance.now() - started);
}
const incrementalMs = median(samples);
// The process's peak resident memory: the market's pools, the graph and the scans' garbage.
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const scan = {
  pools: pools.length,
  tokens: TOKENS,
  cycles,
  graphBuildMs: round(buildMs, 1),
  atMargin,
  aboveFloor: aboveFloor.length,
  sizedExactly: chosen.length,
  profitable: sized.length,
  fullScanMs: round(fullScanMs, 2),
  fullScanColdMs: round(fullScanColdMs, 2),
  walkMs: round(walkMs, 2),
  selectMs: round(median(selects), 2),
  sizeMs: round(median(sizings), 2),
  walkedSteps,
  nsPerStep: round((walkMs * 1e6) / Math.max(1, walkedSteps), 1),
  incrementalMs: round(incrementalMs, 4),
  peakRssMb: round(peakRssMb, 0),
  sizingAccuracy,
};
if (values.scanOnly) {
  console.log(JSON.stringify(scan));
  process.exit(0);
}

// The scaling table: each size in a process of its own, so each row's memory is its own.
const SCALING: [number, number][] = [
  [1_000, 30],
  [1_000, 300],
  [10_000, 30],
  [10_000, 300],
  [10_000, 3_000],
  [30_000, 300],
  [30_000, 3_000],
  [100_000, 300],
  [100_000, 3_000],
];
const scaling: (typeof scan)[] = [];
if (values.scaling) {
  const { execFileSync } = await import("node:child_process");
  for (const [p, t] of SCALING) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, "--scan-only", "--pools", String(p), "--tokens", String(t)],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    scaling.push(JSON.parse(out.trim().split("\n").at(-1) as string));
  }
}

// Sizing held against the independent search (the property suite's generator and search, at a
// larger count), per category.
const { auditSizing } = await import("../test/engine/strategy/support/sizingAudit.js");
const audit = auditSizing(values.sizingCycles, 20261201);

// Block to transaction, with the real engine on the in-process replica (skipped at --rounds 0).
async function blockToTx(rounds: number): Promise<{ p50: number; p99: number } | undefined> {
  if (rounds === 0) return undefined;
  const { parseEngineConfig } = await import("../src/engine/config.js");
  const { createLogger } = await import("../src/engine/log.js");
  const { EngineService } = await import("../src/engine/service.js");
  const { deployExecutor } = await import("../src/executor/deploy.js");
  const { devWallet } = await import("../src/ops/devAccounts.js");
  const { dislocate, findPool } = await import("../src/replica/market.js");
  const { replicaMarketPools } = await import("../src/replica/marketPools.js");
  const { deployReplica } = await import("../src/replica/replica.js");
  const { network } = await import("hardhat");
  const { Records } = await import("../src/engine/record/records.js");
  const { ethers } = await network.create();
  const [deployer, owner, operator, trader] = await ethers.getSigners();
  if (deployer === undefined || owner === undefined || operator === undefined || trader === undefined)
    throw new Error("missing signers");
  const replica = await deployReplica(deployer);
  const executor = await deployExecutor(deployer, replica.book, {
    owner: (await owner.getAddress()) as Address,
    operators: [(await operator.getAddress()) as Address],
  });
  const book = replica.book;
  const operatorAddress = (await operator.getAddress()) as Address;
  const service = new EngineService({
    provider: ethers.provider,
    operator: { address: operatorAddress, signer: devWallet(operatorAddress, ethers.provider) },
    executor: (await executor.getAddress()) as Address,
    book,
    pools: replicaMarketPools(replica.pools, replica.tokenAddresses, book),
    baseTokens: [book.tokens.WETH, book.tokens.USDC, book.tokens.DAI],
    symbols: symbolsOf(book),
    aTokens: Object.fromEntries(
      Object.entries(replica.aave.aTokens).map(([s, a]) => [replica.tokenAddresses[s as ReplicaTokenSymbol], a]),
    ) as Record<Address, Address>,
    config: parseEngineConfig({ live: true, confirmations: 1 }),
    records: new Records(":memory:"),
    log: createLogger(true),
  });
  await service.start();
  for (let round = 0; round < values.rounds; round++) {
    const pool =
      round % 2 === 0
        ? findPool(replica, "uniswapV2", "WETH", "USDC")
        : findPool(replica, "uniswapV3", "WETH", "USDC", 500);
    await dislocate(replica, pool, trader, "WETH", parseUnits(String(20 + round), 18));
    await service.settle();
  }
  const latencies = [...service.engine.blockToTxMs].sort((x, y) => x - y);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { p50: round(pct(0.5), 1), p99: round(pct(0.99), 1) };
}
const latency = await blockToTx(values.rounds);

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

const result = {
  ...scan,
  blockToTxP50Ms: latency?.p50 ?? null,
  blockToTxP99Ms: latency?.p99 ?? null,
  sizing: Object.fromEntries(
    Object.entries(audit.tally).map(([category, t]) => [category, { ...t, slowestMs: round(t.slowestMs, 1) }]),
  ),
  sizingProblems: audit.problems.length,
  ...(values.scaling ? { scaling } : {}),
};
if (values.out !== undefined) {
  writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
}
if (values.json) {
  console.log(JSON.stringify(result));
  process.exit(0);
}
const n = (x: number) => x.toLocaleString("en-US");
console.log(`| measure | value | target |`);
console.log(`| --- | ---: | ---: |`);
console.log(`| pools (V2 and V3) / tokens | ${n(scan.pools)} / ${n(scan.tokens)} | |`);
console.log(`| two- and three-hop cycles (counted; walked only where they can pay) | ${n(scan.cycles)} | |`);
console.log(`| graph build, once at start (ms) | ${scan.graphBuildMs} | |`);
console.log(`| cycles with marginal rates above one | ${n(atMargin)} | |`);
console.log(`| … whose upper bound clears the floor ($${FLOOR_USD.toFixed(2)}) | ${n(scan.aboveFloor)} | |`);
console.log(`| … best pool-disjoint ones, sized exactly / profitable | ${scan.sizedExactly} / ${scan.profitable} | |`);
console.log(`| full scan: walked, selected, sized exactly (ms, median of 21) | ${scan.fullScanMs} | < 50 |`);
console.log(`| … walk / select / exact sizing (ms, medians) | ${scan.walkMs} / ${scan.selectMs} / ${scan.sizeMs} | |`);
console.log(`| … steps walked, ns per step | ${n(scan.walkedSteps)}, ${scan.nsPerStep} | |`);
console.log(`| … the first of them, before the JIT has warmed up (ms) | ${scan.fullScanColdMs} | |`);
console.log(`| incremental update after one pool (ms, median of 200) | ${scan.incrementalMs} | < 0.1 |`);
console.log(`| peak process memory (MB) | ${scan.peakRssMb} | < 500 |`);
console.log(
  `| sizing of the scan's cycles (worst, vs 4,000-point grid) | ${(sizingAccuracy * 100).toFixed(4)}% | ≥ 99.99% |`,
);
if (latency !== undefined)
  console.log(`| block → simulated, signed-ready trade p50 / p99 (ms) | ${latency.p50} / ${latency.p99} | |`);
console.log("");
console.log(`Sizing against the independent search, ${values.sizingCycles} random cycles per category:`);
console.log("");
console.log(`| category | profitable | missed | short | worst | slowest sizing (ms) |`);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
for (const [category, t] of Object.entries(audit.tally))
  console.log(
    `| ${category} | ${t.profitable} / ${t.cycles} | ${t.missed} | ${t.short} | ${(t.worst * 100).toFixed(4)}% | ${t.slowestMs.toFixed(1)} |`,
  );
for (const line of audit.problems.slice(0, 10)) console.log(`  ${line}`);
if (scaling.length > 0) {
  console.log("");
  console.log(
    `| pools | tokens | cycles | full scan (ms) | walk / select / size (ms) | ns per step | incremental (ms) | peak memory (MB) |`,
  );
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const r of scaling)
    console.log(
      `| ${n(r.pools)} | ${n(r.tokens)} | ${n(r.cycles)} | ${r.fullScanMs} | ${r.walkMs} / ${r.selectMs} / ${r.sizeMs} | ${r.nsPerStep} | ${r.incrementalMs} | ${r.peakRssMb} |`,
    );
}
process.exit(0);
