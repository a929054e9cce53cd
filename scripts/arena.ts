// `npm run arena`: our engine against a rival searcher and noise traders on a fresh local chain
// whose blocks a local builder makes; prints what each searcher took of what was there
// (`--json`: one object on the last line of stdout).
import { InvalidArgumentError, Option } from "commander";
import { type ArenaResult, runArena, type SearcherResult, type SearcherSpec } from "../src/arena/arena.js";
import { createCommand, nonNegativeNumber, positiveInteger } from "../src/cli.js";
import { loadLandingModel } from "../src/engine/engine.js";
import { createLogger } from "../src/engine/log.js";
import { BaseError } from "../src/errors.js";
import { port, runMain } from "./lib/engineCli.js";

const SUBMISSIONS = ["bundle", "direct", "public"] as const;

function bps(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 10_000)
    throw new InvalidArgumentError("Expected basis points, a whole number from 0 to 10000.");
  return Number(value);
}

function seed(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffff_ffff)
    throw new InvalidArgumentError("Expected a whole number from 0 to 4294967295.");
  return Number(value);
}

const command = createCommand(
  "arena",
  "Our engine against a rival searcher and noise traders, on a local chain built by a local block builder.",
)
  .option("--blocks <n>", "blocks to run", positiveInteger, 20)
  .option("--seed <n>", "the noise traders' seed: the same seed, the same swaps", seed, 1)
  .addOption(new Option("--ours <submission>", "how our engine sends").choices(SUBMISSIONS).default("bundle"))
  .option("--our-tip <gwei>", "our priority fee", nonNegativeNumber, 1)
  .addOption(new Option("--rival <submission>", "how the rival sends").choices(SUBMISSIONS).default("public"))
  .option("--rival-tip <gwei>", "the rival's priority fee", nonNegativeNumber, 2)
  .option(
    "--our-bid <bps>",
    "with bundles: our bid to the builder, basis points of WETH profit above the floor",
    bps,
    0,
  )
  .option("--rival-bid <bps>", "with bundles: the rival's bid to the builder", bps, 0)
  .option("--our-model <file>", "rank our candidates by expected value under this landing model")
  .option("--no-backruns", "our engine does not backrun pending swaps")
  .option("--rival-backruns", "the rival backruns pending swaps too", false)
  .option("--port <port>", "the arena node's port on 127.0.0.1", port, 8547)
  .option(
    "--dir <dir>",
    "runs go to <dir>/<seed>/ (emptied first): the chain's record, each searcher's records, attempts.json",
    "deployments/arena",
  )
  .option("--json", "print the result as one JSON object on the last line of stdout", false);
const options = command.parse().opts<{
  blocks: number;
  seed: number;
  ours: (typeof SUBMISSIONS)[number];
  ourTip: number;
  rival: (typeof SUBMISSIONS)[number];
  rivalTip: number;
  port: number;
  dir: string;
  json: boolean;
  backruns: boolean;
  rivalBackruns: boolean;
  ourBid: number;
  rivalBid: number;
  ourModel?: string;
}>();

function describe(result: ArenaResult): string {
  const row = (name: string, r: SearcherResult & SearcherSpec) => {
    const share = result.availableProfitUsd > 0 ? (100 * r.capturedProfitUsd) / result.availableProfitUsd : 0;
    const why = Object.entries(r.why)
      .map(([reason, n]) => `${n} ${reason}`)
      .join("; ");
    const bid = `${r.bidShareBps > 0 ? `, bid ${r.bidShareBps / 100}% of WETH profit above the floor` : ""}${r.landingModelPath === undefined ? "" : ", ranked by the landing model"}`;
    return [
      `${name} (${r.submission}${r.backrunning ? " with backruns" : ""}, tip ${r.priorityFeeGwei} gwei${bid}): ${r.sent} sent, ${r.landed} landed, ${r.lost} lost, ${r.reverted} reverted`,
      `  captured $${r.capturedProfitUsd.toFixed(2)} (${share.toFixed(1)}% of available), gas burned on failures ${r.gasBurnedOnFailuresEth.toFixed(6)} ETH, paid to the builder ${r.paidToBuilderEth.toFixed(6)} ETH`,
      `  backruns landed ${r.backruns} (${r.backrunsRightAfterTrigger} right after their trigger); ${r.landedAtEstimate} of ${r.landed} landed at the estimate to the wei`,
      ...(why === "" ? [] : [`  lost or reverted: ${why}`]),
    ].join("\n");
  };
  return [
    `Arena: ${result.blocks} blocks, seed ${result.seed}, ${result.noiseSwaps} noise swaps.`,
    `Available: ${result.opportunities} opportunities worth $${result.availableProfitUsd.toFixed(2)} after gas (the observer's pricing at each block).`,
    row("ours", result.ours),
    row("rival", result.rival),
  ].join("\n");
}

await runMain(async () => {
  // Before anything is started or emptied: a model that cannot be read stops the run at once.
  if (options.ourModel !== undefined) loadLandingModel(options.ourModel);
  for (const [who, submission, bid, backruns] of [
    ["--our-bid", options.ours, options.ourBid, false],
    ["--rival-bid", options.rival, options.rivalBid, false],
    ["--rival-backruns", options.rival, 0, options.rivalBackruns],
  ] as const)
    if ((bid > 0 || backruns) && submission !== "bundle")
      throw new BaseError(`${who} needs that searcher to send bundles, not ${submission}.`, {
        details: "Bids to the builder and backruns go in bundles: add --ours bundle or --rival bundle.",
      });
  const result = await runArena({
    blocks: options.blocks,
    seed: options.seed,
    ours: {
      submission: options.ours,
      priorityFeeGwei: options.ourTip,
      backrunning: options.backruns && options.ours === "bundle",
      bidShareBps: options.ours === "bundle" ? options.ourBid : 0,
      ...(options.ourModel === undefined ? {} : { landingModelPath: options.ourModel }),
    },
    rival: {
      submission: options.rival,
      priorityFeeGwei: options.rivalTip,
      backrunning: options.rivalBackruns && options.rival === "bundle",
      bidShareBps: options.rival === "bundle" ? options.rivalBid : 0,
    },
    dir: `${options.dir}/${options.seed}`,
    port: options.port,
    log: createLogger({ level: process.env.LOG_LEVEL ?? "warn" }),
  });
  process.stdout.write(`${describe(result)}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
});
