import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { USAGE_EXIT_CODE } from "../../src/cli.js";
import { type NewTrade, Records } from "../../src/engine/record/records.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = `${root}cache/trades-script-test-${process.pid}`;
const database = `${dir}/records.sqlite`;

/** Above 2^64: neither a double nor a SQLite integer holds it exactly. */
const HUGE = 2n ** 64n + 987_654_321n;
const OLD = "2020-01-01T00:00:00.000Z";

/** `npm run trades -- …args` as a user runs it, without npm's own lines around the output. */
function trades(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "--import", "tsx", "scripts/trades.ts", ...args],
    { cwd: root, encoding: "utf8", timeout: 60_000 },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

/** The `--json` output, each line parsed. */
function json(...args: string[]): Array<Record<string, unknown>> {
  const { status, stdout, stderr } = trades("--database", database, "--json", ...args);
  expect(stderr).to.equal("");
  expect(status).to.equal(0);
  return lines(stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const base: NewTrade = {
  block: 100,
  cycle: "Uniswap V2 WETH/USDC 0.3% > Sushiswap WETH/USDC 0.3%",
  token: "WETH",
  decimals: 18,
  amountIn: 10n ** 20n,
  lender: "BalancerV2",
  expectedProfit: 10n ** 16n,
  gasCost: 10n ** 15n,
  status: "detected",
  reason: null,
};

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/** Ids of the trades written, by what happened to them. */
const ids = { succeeded: 0, dryRun: 0, filtered: 0, reverted: 0, succeededUsdc: 0 };

describe("npm run trades", function () {
  // Each case starts a Node process that compiles the script.
  this.timeout(120_000);

  before(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const records = new Records(database);
    const signed = (id: number, n: number) =>
      records.addSigned(id, { hash: hash(n), nonce: n, rawTx: "0x02", maxFeePerGas: 2n, maxPriorityFeePerGas: 1n });

    ids.succeeded = records.add({ ...base, amountIn: HUGE, expectedProfit: HUGE - 1n, expectedProfitUsd6: 3_000_000n });
    signed(ids.succeeded, 1);
    records.update(ids.succeeded, { status: "sent" });
    records.update(ids.succeeded, {
      status: "succeeded",
      minedBlock: 101,
      final: true,
      realisedProfit: HUGE,
      realisedProfitUsd6: 2_500_000_000n,
      gasUsed: 226_778n,
      gasPaidWei: 4_535_560_000_000_000n,
      gasPaidUsd6: 9_070_000n,
    });

    ids.dryRun = records.add({ ...base, expectedProfitUsd6: 25_000_000n });
    records.update(ids.dryRun, { status: "dry_run" });

    ids.filtered = records.add({ ...base, status: "filtered", reason: "unprofitable after gas" });

    ids.reverted = records.add({ ...base, block: 102 });
    signed(ids.reverted, 2);
    records.update(ids.reverted, { status: "sent" });
    records.update(ids.reverted, {
      status: "reverted",
      minedBlock: 103,
      gasUsed: 50_000n,
      gasPaidWei: 10n ** 15n,
      gasPaidUsd6: 2_000_000n,
    });

    ids.succeededUsdc = records.add({
      ...base,
      token: "USDC",
      decimals: 6,
      amountIn: 10n ** 11n,
      expectedProfit: 10n ** 8n,
    });
    signed(ids.succeededUsdc, 3);
    records.update(ids.succeededUsdc, {
      status: "succeeded",
      realisedProfit: 123_456_789n,
      realisedProfitUsd6: 123_456_789n,
      gasPaidWei: 10n ** 15n,
      gasPaidUsd6: 1_000_000n,
    });
    records.close();

    // The Records API stamps each row with the time it is written; the dry run and the filtered
    // trade are moved into the past so that --since has something to leave out.
    const db = new DatabaseSync(database);
    db.prepare("UPDATE opportunities SET created_at = ? WHERE id IN (?, ?)").run(OLD, ids.dryRun, ids.filtered);
    db.close();
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints every trade as NDJSON with exact amounts as strings and nothing else on stdout", () => {
    const rows = json();
    expect(rows.map((r) => r.id)).to.deep.equal([
      ids.succeeded,
      ids.dryRun,
      ids.filtered,
      ids.reverted,
      ids.succeededUsdc,
    ]);
    expect(rows.map((r) => r.status)).to.deep.equal(["succeeded", "dry_run", "filtered", "reverted", "succeeded"]);
    expect(rows[0]).to.deep.include({
      id: ids.succeeded,
      status: "succeeded",
      txHash: hash(1),
      token: "WETH",
      decimals: 18,
      amountIn: HUGE.toString(),
      expectedProfit: (HUGE - 1n).toString(),
      realisedProfit: "18446744074697205937",
      expectedProfitUsd6: "3000000",
      realisedProfitUsd6: "2500000000",
      gasUsed: "226778",
      gasPaidWei: "4535560000000000",
      gasPaidUsd6: "9070000",
      nonce: 1,
      minedBlock: 101,
      final: true,
      replacedHashes: [],
    });
    expect(BigInt(rows[0]?.realisedProfit as string)).to.equal(HUGE);
    expect(rows[1]).to.deep.include({
      status: "dry_run",
      txHash: null,
      realisedProfit: null,
      realisedProfitUsd6: null,
      gasPaidUsd6: null,
      expectedProfitUsd6: "25000000",
      createdAt: OLD,
    });
    expect(rows[2]).to.deep.include({ status: "filtered", reason: "unprofitable after gas", expectedProfitUsd6: null });
  });

  it("keeps only the statuses asked for, repeated or comma-separated", () => {
    expect(json("--status", "succeeded").map((r) => r.id)).to.deep.equal([ids.succeeded, ids.succeededUsdc]);
    expect(json("--status", "reverted,dry_run").map((r) => r.id)).to.deep.equal([ids.dryRun, ids.reverted]);
    expect(json("--status", "filtered", "--status", "reverted").map((r) => r.id)).to.deep.equal([
      ids.filtered,
      ids.reverted,
    ]);
    expect(json("--status", "dropped")).to.deep.equal([]);
  });

  it("keeps only the trades recorded since a date, a time or a while ago", () => {
    const recent = [ids.succeeded, ids.reverted, ids.succeededUsdc];
    expect(json("--since", "24h").map((r) => r.id)).to.deep.equal(recent);
    expect(json("--since", "2021-06-01").map((r) => r.id)).to.deep.equal(recent);
    // At or after: a trade recorded at that very instant is in.
    expect(json("--since", "2020-01-01T00:00:00.000Z").map((r) => r.id)).to.have.length(5);
    expect(json("--since", "2020-01-01T01:00+02:00").map((r) => r.id)).to.have.length(5);
    expect(json("--since", "2020-01-01T00:00:00.001Z").map((r) => r.id)).to.deep.equal(recent);
    expect(json("--since", "2020-01-01", "--status", "filtered").map((r) => r.id)).to.deep.equal([ids.filtered]);
  });

  it("shows only the newest n trades with --limit", () => {
    expect(json("--limit", "2").map((r) => r.id)).to.deep.equal([ids.reverted, ids.succeededUsdc]);
    expect(json("--limit", "99")).to.have.length(5);
  });

  it("prints a line per trade and exact totals for a person", () => {
    const { status, stdout, stderr } = trades("--database", database);
    expect(stderr).to.equal("");
    expect(status).to.equal(0);
    const out = lines(stdout);
    expect(out).to.have.length(6);
    expect(out[0]).to.include(`#${ids.succeeded} block 100`).and.include("realised 18.45 WETH ($2,500.00)");
    expect(out[3]).to.include("REVERTED on chain, gas $2.00");
    expect(out[5]).to.equal(
      "5 records: realised 18.45 WETH, 123.46 USDC; $2,623.46 realised, $12.07 gas, $2,611.39 net; filtered 1, dry_run 1, succeeded 2, reverted 1",
    );
  });

  it("reads the configured databasePath from --config, and refuses a bad configuration on one line", () => {
    const config = `${dir}/engine.json`;
    writeFileSync(config, JSON.stringify({ chain: "mainnet", databasePath: database }));
    const { status, stdout } = trades("--config", config, "--json", "--status", "reverted");
    expect(status).to.equal(0);
    expect(lines(stdout).map((line) => (JSON.parse(line) as { id: number }).id)).to.deep.equal([ids.reverted]);

    writeFileSync(config, JSON.stringify({ databasePath: database, databasPath: "typo.sqlite" }));
    const bad = trades("--config", config);
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.equal("");
    expect(lines(bad.stderr)).to.deep.equal([
      "Error: The engine configuration is invalid. unknown key(s) databasPath; Fix the configuration file or the option and run again.",
    ]);
  });

  it("says there are no records, on one line and with exit code 1, without creating the file", () => {
    const missing = `${dir}/not-there/records.sqlite`;
    const { status, stdout, stderr } = trades("--database", missing);
    expect(status).to.equal(1);
    expect(stdout).to.equal("");
    expect(lines(stderr)).to.have.length(1);
    expect(stderr).to.match(new RegExp(`^Error: No records at ${missing}\\. Run the engine`));
    expect(stderr).to.not.match(/^\s*at /m);
    expect(existsSync(missing)).to.equal(false);
    expect(existsSync(`${dir}/not-there`)).to.equal(false);
  });

  it("refuses an unknown status or a malformed time with one usage line and exit code 2", () => {
    for (const args of [
      ["--status", "succeded"],
      ["--status", "sent,,dropped"],
      ["--since", "yesterday"],
      ["--since", "2025-02-30"],
    ]) {
      const { status, stdout, stderr } = trades("--database", database, ...args);
      expect(status, args.join(" ")).to.equal(USAGE_EXIT_CODE);
      expect(stdout, args.join(" ")).to.equal("");
      expect(lines(stderr), args.join(" ")).to.have.length(1);
      expect(stderr, args.join(" ")).to.match(
        /^error: option '--(status|since) <(status|time)>' argument .* is invalid\. /,
      );
    }
    expect(trades("--status", "nope").stderr).to.include("Unknown status 'nope'. Expected one or more of filtered,");
  });

  it("refuses --demo together with --database", () => {
    const { status, stderr } = trades("--demo", "--database", database);
    expect(status).to.equal(USAGE_EXIT_CODE);
    expect(lines(stderr)).to.deep.equal([
      "error: option '--demo' cannot be used with option '--database <path>' (see trades --help)",
    ]);
  });

  it("prints usage with every option for --help and exits 0", () => {
    const { status, stdout, stderr } = trades("--help");
    expect(status).to.equal(0);
    expect(stderr).to.equal("");
    expect(stdout).to.match(/^Usage: trades \[options\]/);
    for (const flag of [
      "--database <path>",
      "--config <file>",
      "--demo",
      "--status <status>",
      "--since <time>",
      "--limit <n>",
      "--json",
    ])
      expect(stdout).to.include(flag);
  });
});
