import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { expect } from "chai";
import { SCHEMA_VERSION, SchemaTooNewError } from "../../../src/engine/record/migrations.js";
import { Records, RecordsChainMismatchError, RecordsWriteError } from "../../../src/engine/record/records.js";

const dir = `${process.cwd()}/cache/records-test-${process.pid}`;
let n = 0;
const fresh = () => {
  mkdirSync(dir, { recursive: true });
  n += 1;
  return `${dir}/records-${n}.sqlite`;
};

const row = {
  block: 7,
  cycle: "Uniswap V2 WETH/USDC 0.3% > Sushiswap WETH/USDC 0.3%",
  token: "WETH",
  amountIn: 1n,
  lender: "BalancerV2",
  expectedProfit: 2n,
  gasCost: 3n,
  status: "detected" as const,
  reason: null,
};

describe("the records", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keep amounts of any size exactly, and survive a reopen", () => {
    const path = fresh();
    const huge = 2n ** 255n + 12_345n;
    const first = new Records(path);
    const id = first.add({
      ...row,
      amountIn: huge,
      expectedProfit: huge - 1n,
      expectedProfitUsd6: 9_007_199_254_740_993n,
    });
    first.update(id, { status: "succeeded", realisedProfit: huge - 1n, gasUsed: 226_778n, gasPaidWei: 10n ** 30n });
    first.close();
    const second = new Records(path);
    const back = second.get(id);
    expect(back?.amountIn).to.equal(huge);
    expect(back?.realisedProfit).to.equal(huge - 1n);
    expect(back?.gasPaidWei).to.equal(10n ** 30n);
    // Micro-dollars are SQLite integers: above 2^53 they stay exact.
    expect(back?.expectedProfitUsd6).to.equal(9_007_199_254_740_993n);
    second.close();
  });

  it("migrate a first-release table in place, keeping its rows, and record the schema version", () => {
    const path = fresh();
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE opportunities (
      id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      block INTEGER NOT NULL, cycle TEXT NOT NULL, token TEXT NOT NULL, amount_in TEXT NOT NULL, lender TEXT NOT NULL,
      expected_profit TEXT NOT NULL, gas_cost TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, tx_hash TEXT,
      realised_profit TEXT, gas_used TEXT, gas_paid_wei TEXT)`);
    old.exec(`INSERT INTO opportunities (block, cycle, token, amount_in, lender, expected_profit, gas_cost, status)
      VALUES (5, 'a > b', 'DAI', '100', 'AaveV3', '7', '1', 'dry_run')`);
    old.close();
    const records = new Records(path);
    // Every record from before liquidations is an arbitrage.
    expect(records.all().map((r) => [r.block, r.token, r.amountIn, r.status, r.strategy])).to.deep.equal([
      [5, "DAI", 100n, "dry_run", "arbitrage"],
    ]);
    const id = records.add(row);
    expect(records.get(id)?.status).to.equal("detected");
    records.close();
    const check = new DatabaseSync(path);
    expect((check.prepare("PRAGMA user_version").get() as { user_version: number }).user_version).to.equal(
      SCHEMA_VERSION,
    );
    check.close();
  });

  it("refuse a file written by a newer schema, saying so", () => {
    const path = fresh();
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new Records(path)).to.throw(SchemaTooNewError, `schema version ${SCHEMA_VERSION + 1}`);
  });

  it("belong to one chain: another chain's identity is refused, naming both", () => {
    const records = new Records(":memory:");
    records.bindChain({ chainId: 31337, genesisHash: "0xaa" });
    records.bindChain({ chainId: 31337, genesisHash: "0xaa" });
    expect(() => records.bindChain({ chainId: 31337, genesisHash: "0xbb" }))
      .to.throw(RecordsChainMismatchError)
      .with.property("shortMessage")
      .that.contains("genesis 0xaa")
      .and.contains("genesis 0xbb");
  });

  it("wait for a lock another process holds, and say what happened when it outlasts the busy timeout", async () => {
    const path = fresh();
    new Records(path).close();
    // Another process takes the write lock and holds it for 1.5 s.
    const holder = spawn(
      process.execPath,
      [
        "--no-warnings",
        "-e",
        `const { DatabaseSync } = require("node:sqlite"); const db = new DatabaseSync(${JSON.stringify(path)});
         db.exec("BEGIN EXCLUSIVE"); console.log("locked"); setTimeout(() => { db.exec("COMMIT"); db.close(); }, 1500);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => holder.stdout?.once("data", () => resolve()));
    const impatient = new Records(path, 100);
    expect(() => impatient.add(row)).to.throw(RecordsWriteError, `Cannot write the records at ${path}.`);
    impatient.close();
    const patient = new Records(path, 10_000);
    const id = patient.add(row);
    expect(patient.get(id)?.status).to.equal("detected");
    patient.close();
    await new Promise((resolve) => holder.once("exit", resolve));
  });
});
