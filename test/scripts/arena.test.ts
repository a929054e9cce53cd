import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import type { ArenaResult } from "../../src/arena/arena.js";
import { USAGE_EXIT_CODE } from "../../src/cli.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = `${root}cache/arena-script-test-${process.pid}`;
/** A port of its own: the demo's and the API's stay free. */
const PORT = "8549";

/** `npm run <script> -- …args` as a user runs it, without npm's own lines around the output. */
function run(script: string, args: readonly string[], timeout = 60_000) {
  const result = spawnSync(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "--import", "tsx", `scripts/${script}.ts`, ...args],
    { cwd: root, encoding: "utf8", timeout, env: { ...process.env, LOG_LEVEL: "error" } },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run arena and npm run arena:model", function () {
  this.timeout(600_000);
  before(() => mkdirSync(dir, { recursive: true }));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses bad options with the reason and the usage exit code", () => {
    const cases: Array<[string, readonly string[], string]> = [
      ["arena", ["--blocks", "0"], "--blocks"],
      ["arena", ["--ours", "carrier-pigeon"], "carrier-pigeon"],
      ["arena", ["--seed", "-3"], "--seed"],
      ["arena", ["--our-bid", "10001"], "basis points"],
    ];
    for (const [script, args, said] of cases) {
      const { status, stderr } = run(script, args);
      expect(status, `${script} ${args.join(" ")}`).to.equal(USAGE_EXIT_CODE);
      expect(stderr).to.include(said);
    }
    for (const [args, said] of [
      [["--rival-bid", "5000"], "--rival-bid needs that searcher to send bundles, not public."],
      [["--rival-backruns"], "--rival-backruns needs that searcher to send bundles, not public."],
      [["--our-model", `${dir}/none.json`], `landingModelPath: cannot use ${dir}/none.json as a landing model.`],
    ] as const) {
      const { status, stderr } = run("arena", [...args, "--dir", dir]);
      expect(status, args.join(" ")).to.equal(1);
      expect(stderr).to.include(said);
    }
    const twice = run("arenaModel", ["--train", "5,5", "--test", "6"]);
    expect(twice.status).to.equal(USAGE_EXIT_CODE);
    expect(twice.stderr).to.include("A seed is named twice");
    const one = run("arenaModel", ["--train", "5", "--test", "6", "--min-outcomes", "1"]);
    expect(one.status).to.equal(USAGE_EXIT_CODE);
    expect(one.stderr).to.include("from 2 up");
  });

  it("refuses to judge the model on a seed it learns from, and names a seed that has no run", () => {
    const overlap = run("arenaModel", ["--train", "1,2", "--test", "2", "--dir", dir]);
    expect(overlap.status).to.equal(1);
    expect(overlap.stderr).to.include("Seed(s) 2 are in both --train and --test.");
    const missing = run("arenaModel", ["--train", "41", "--test", "42", "--dir", dir]);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.include(`No arena run for seed 41 (${dir}/41/attempts.json).`);
    expect(missing.stderr).to.include(`npm run arena -- --seed 41 --dir ${dir}`);
    mkdirSync(`${dir}/43`, { recursive: true });
    writeFileSync(`${dir}/43/attempts.json`, "{ not json");
    const corrupt = run("arenaModel", ["--train", "43", "--test", "41", "--dir", dir]);
    expect(corrupt.status).to.equal(1);
    expect(corrupt.stderr).to.include(`${dir}/43/attempts.json cannot be read as the attempts of an arena run.`);
  });

  it("runs a small arena: bundles land at the estimate, backruns right after their trigger, no gas burned", () => {
    const { status, stdout, stderr } = run(
      "arena",
      ["--blocks", "8", "--seed", "1", "--port", PORT, "--dir", dir, "--json"],
      540_000,
    );
    expect(status, stderr.slice(-2000)).to.equal(0);
    const result = JSON.parse(stdout.trim().split("\n").at(-1) as string) as ArenaResult;
    expect(result.blocks).to.equal(8);
    expect(result.noiseSwaps).to.be.greaterThan(0);
    expect(result.opportunities).to.be.greaterThan(0);
    const ours = result.ours;
    expect(ours.submission).to.equal("bundle");
    expect(ours.landed).to.be.greaterThan(0);
    expect(ours.landed + ours.lost + ours.reverted).to.be.at.most(ours.sent);
    // Bundles cost nothing when they fail: nothing of ours reverts on chain.
    expect(ours.reverted).to.equal(0);
    expect(ours.gasBurnedOnFailuresEth).to.equal(0);
    expect(ours.backruns).to.be.greaterThan(0);
    expect(ours.backrunsRightAfterTrigger).to.equal(ours.backruns);
    expect(ours.landedAtEstimate).to.equal(ours.landed);
    // The rival sends to the public mempool, behind the bundles: what it loses, it pays gas for.
    expect(result.rival.submission).to.equal("public");
    expect(result.rival.gasBurnedOnFailuresEth > 0).to.equal(result.rival.reverted > 0);
    const attempts = JSON.parse(readFileSync(`${dir}/1/attempts.json`, "utf8")) as unknown[];
    expect(attempts.length).to.equal(result.attempts);
    expect(stdout).to.include("Arena: 8 blocks, seed 1");
  });

  it("trains no model on too few outcomes, and says so", () => {
    expect(existsSync(`${dir}/1/attempts.json`)).to.equal(true);
    // The same run under a second seed's name: judged on a copy, trained on too little.
    mkdirSync(`${dir}/2`, { recursive: true });
    writeFileSync(`${dir}/2/attempts.json`, readFileSync(`${dir}/1/attempts.json`));
    const { status, stdout } = run("arenaModel", [
      "--train",
      "1",
      "--test",
      "2",
      "--dir",
      dir,
      "--min-outcomes",
      "100000",
    ]);
    expect(status).to.equal(0);
    expect(stdout).to.match(/^No model: /);
  });
});
