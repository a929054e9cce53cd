// `npm run arena:model`: trains the landing model on the attempts of some arena runs and reports
// its calibration on the attempts of other runs (other seeds): Brier score, log loss and a
// reliability table. Writes the model to deployments/arena/model.json (`--json`: the report as one
// JSON object on the last line of stdout).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { InvalidArgumentError } from "commander";
import { createCommand, positiveInteger } from "../src/cli.js";
import type { Attempt } from "../src/engine/learn/features.js";
import { LandingModel } from "../src/engine/learn/model.js";
import { evaluationPath } from "../src/engine/learn/report.js";
import { BaseError } from "../src/errors.js";
import { runMain } from "./lib/engineCli.js";

function seeds(value: string): number[] {
  const list = value.split(",").map((s) => s.trim());
  if (list.length === 0 || list.some((s) => !/^\d+$/.test(s)))
    throw new InvalidArgumentError("Expected seeds separated by commas, such as 1,2,3.");
  if (new Set(list.map(Number)).size !== list.length) throw new InvalidArgumentError("A seed is named twice.");
  return list.map(Number);
}

function atLeastTwo(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 2)
    throw new InvalidArgumentError("Expected a whole number from 2 up: a model needs outcomes of both kinds.");
  return Number(value);
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("Expected a positive number.");
  return n;
}

const command = createCommand(
  "arena:model",
  "Train the landing model on arena runs and report its calibration on runs of other seeds.",
)
  .requiredOption(
    "--train <seeds>",
    "the seeds whose runs it learns from (run `npm run arena -- --seed S` first)",
    seeds,
  )
  .requiredOption("--test <seeds>", "the seeds it is judged on: none of the training seeds", seeds)
  .option("--lambda <x>", "L2 penalty on the standardised weights", positiveNumber, 1)
  .option("--min-outcomes <n>", "no model below this many training attempts", atLeastTwo, 50)
  .option("--bins <n>", "reliability table bins", positiveInteger, 5)
  .option("--dir <dir>", "where the arena runs are (each seed in its own folder)", "deployments/arena")
  .option("--json", "print the report as one JSON object on the last line of stdout", false);
const options = command.parse().opts<{
  train: number[];
  test: number[];
  lambda: number;
  minOutcomes: number;
  bins: number;
  dir: string;
  json: boolean;
}>();

function load(seed: number): Attempt[] {
  const path = `${options.dir}/${seed}/attempts.json`;
  if (!existsSync(path))
    throw new BaseError(`No arena run for seed ${seed} (${path}).`, {
      details: `Run \`npm run arena -- --seed ${seed}${options.dir === "deployments/arena" ? "" : ` --dir ${options.dir}`}\` first: each run records its attempts there.`,
    });
  try {
    const attempts = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (!Array.isArray(attempts)) throw new Error("not a list of attempts");
    return attempts as Attempt[];
  } catch (cause) {
    throw new BaseError(`${path} cannot be read as the attempts of an arena run.`, {
      details: `${(cause as Error).message}. Run \`npm run arena -- --seed ${seed}\` again to write it afresh.`,
      cause,
    });
  }
}

await runMain(async () => {
  const overlap = options.train.filter((s) => options.test.includes(s));
  if (overlap.length > 0)
    throw new BaseError(`Seed(s) ${overlap.join(", ")} are in both --train and --test.`, {
      details: "A model is judged only on runs it did not learn from.",
    });
  const train = options.train.flatMap(load);
  const test = options.test.flatMap(load);
  const result = LandingModel.train(train, { lambda: options.lambda, minOutcomes: options.minOutcomes });
  if (!result.trained) {
    process.stdout.write(`No model: ${result.reason}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify({ trained: false, reason: result.reason })}\n`);
    return;
  }
  const evaluation = result.model.evaluate(test, options.bins);
  mkdirSync(options.dir, { recursive: true });
  writeFileSync(`${options.dir}/model.json`, `${result.model.toJson()}\n`);
  // Beside the model: the engine shows it with the model (the dashboard, /api/status).
  const report = { trainSeeds: options.train, testSeeds: options.test, train: train.length, ...evaluation };
  writeFileSync(evaluationPath(`${options.dir}/model.json`), `${JSON.stringify(report, null, 2)}\n`);
  const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
  const lines = [
    `Trained on ${train.length} attempts (seeds ${options.train.join(", ")}); judged on ${test.length} (seeds ${options.test.join(", ")}).`,
    `Landed: ${pct(evaluation.baseRate)} of the judged attempts.`,
    `Brier score ${evaluation.brier.toFixed(4)} (always predicting the base rate: ${evaluation.baseRateBrier.toFixed(4)}); log loss ${evaluation.logLoss.toFixed(4)}.`,
    "Reliability (predicted → landed):",
    ...evaluation.reliability.map(
      (b) =>
        `  ${b.lower.toFixed(2)}–${b.upper.toFixed(2)}: ${String(b.count).padStart(4)} attempts, predicted ${pct(b.meanPredicted)}, landed ${pct(b.observedFrequency)}`,
    ),
    `Model written to ${options.dir}/model.json, this evaluation to ${evaluationPath(`${options.dir}/model.json`)}.`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (options.json)
    process.stdout.write(
      `${JSON.stringify({ trained: true, train: train.length, test: test.length, ...evaluation })}\n`,
    );
});
