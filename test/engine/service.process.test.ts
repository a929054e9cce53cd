// The engine run as `npm run engine` against a real `hardhat node`, with faults caused for real:
// the process killed mid-trade, an RPC in front of the node that drops, delays, errors and
// garbles requests, an outage, and the node replaced by another chain.
import { existsSync } from "node:fs";
import { expect } from "chai";
import { Interface, type JsonRpcProvider } from "ethers";
import { Records, type TradeRecord } from "../../src/engine/record/records.js";
import { executorAbi } from "../../src/executor/abi.js";
import { FaultProxy } from "../../src/ops/faultProxy.js";
import { type LocalNode, startLocalNode } from "../../src/ops/localNode.js";
import { eventually, localMarket, scratch, spawnEngine, writeConfig } from "./support/engineProcess.js";

const executorInterface = new Interface(executorAbi());
/** The test configuration: quick polling, one confirmation, a short wait for trades in flight at exit. */
// apiPort 0: each engine its own free port, so that two at once do not collide.
const FAST = { pollIntervalMs: 100, confirmations: 1, shutdownTimeoutMs: 3_000, rpcTimeoutMs: 2_000, apiPort: 0 };

/** `npm run engine -- --live` with a configuration file and a records file, and `args`. */
function live(config: string, database: string, ...args: string[]) {
  return spawnEngine(["--live", "--config", config, "--database", database, ...args]);
}

/** The profit of the executor's `ArbitrageExecuted` event in the receipt of `hash`. */
async function eventProfit(provider: JsonRpcProvider, executor: string, hash: string): Promise<bigint | null> {
  const receipt = await provider.getTransactionReceipt(hash);
  for (const log of receipt?.logs ?? []) {
    if (log.address.toLowerCase() !== executor.toLowerCase()) continue;
    const parsed = executorInterface.parseLog(log);
    if (parsed?.name === "ArbitrageExecuted") return parsed.args.profit as bigint;
  }
  return null;
}

function readRecords(path: string): TradeRecord[] {
  const records = new Records(path);
  try {
    return records.all();
  } finally {
    records.close();
  }
}

/**
 * The records equal the chain: every mined trade's status, hash and realised profit are the
 * receipt's and its event's, nothing is left signed or sent, and the operator's transactions on
 * chain are exactly the recorded ones (its nonce counts them).
 */
async function expectRecordsEqualChain(
  provider: JsonRpcProvider,
  rows: readonly TradeRecord[],
  executor: string,
  operator: string,
  nonceBefore: number,
) {
  const mined = rows.filter((r) => r.status === "succeeded" || r.status === "reverted");
  expect(
    rows.filter((r) => r.status === "signed" || r.status === "sent").map((r) => r.id),
    "left open",
  ).to.deep.equal([]);
  for (const row of mined) {
    const receipt = await provider.getTransactionReceipt(row.txHash ?? "");
    expect(receipt, `#${row.id} ${row.txHash}`).to.not.equal(null);
    expect(receipt?.status === 1 ? "succeeded" : "reverted", `#${row.id}`).to.equal(row.status);
    expect(receipt?.blockNumber, `#${row.id}`).to.equal(row.minedBlock);
    expect(row.realisedProfit, `#${row.id}`).to.equal(await eventProfit(provider, executor, row.txHash ?? ""));
    expect(row.gasUsed, `#${row.id}`).to.equal(receipt?.gasUsed);
  }
  expect(new Set(mined.map((r) => r.txHash)).size, "one record per transaction").to.equal(mined.length);
  expect(await provider.getTransactionCount(operator, "latest"), "operator transactions = recorded trades").to.equal(
    nonceBefore + mined.length,
  );
}

describe("the engine as a process on a real node", function () {
  this.timeout(240_000);
  let node: LocalNode;
  let market: ReturnType<typeof localMarket>;

  before(async () => {
    node = await startLocalNode();
    market = localMarket(node.rpcUrl);
  });

  after(async () => {
    market?.provider.destroy();
    await node?.stop();
  });

  it("killed with SIGKILL between broadcast and mining, loses nothing: the restart reconciles the trade from the chain, counted once", async () => {
    const dir = scratch("crash");
    const database = `${dir}/records.sqlite`;
    const config = writeConfig(dir, FAST);
    const { provider, record } = market;
    await market.cheapenWeth();
    await provider.send("evm_setAutomine", [false]);
    try {
      const first = live(config, database);
      const sent = await first.waitFor("trade_sent");
      first.child.kill("SIGKILL");
      await first.exited;
      const hash = sent.tx as string;
      const before = readRecords(database).find((r) => r.txHash === hash);
      expect(before?.status).to.equal("sent");
      expect(await provider.getTransactionReceipt(hash)).to.equal(null);
      // The transaction was in the node's mempool when the engine died; now it is mined.
      await provider.send("evm_mine", []);
      expect((await provider.getTransactionReceipt(hash))?.status).to.equal(1);
    } finally {
      await provider.send("evm_setAutomine", [true]);
    }
    const second = live(config, database, "--json");
    const reconciled = await second.waitFor("reconciled");
    expect(reconciled.minedOrDropped).to.be.greaterThan(0);
    await second.waitFor("running");
    second.child.kill("SIGTERM");
    expect((await second.exited).code).to.equal(0);
    const summary = JSON.parse(second.stdout().trim().split("\n").at(-1) ?? "{}") as {
      reconciled: number;
      stoppedBy: string;
    };
    expect(summary.reconciled).to.equal(reconciled.minedOrDropped);
    expect(summary.stoppedBy).to.equal("SIGTERM");
    const rows = readRecords(database);
    const settled = rows.filter((r) => r.status === "succeeded");
    expect(settled.length).to.be.greaterThan(0);
    for (const row of settled) {
      expect(row.realisedProfit, `#${row.id}`).to.equal(await eventProfit(provider, record.executor, row.txHash ?? ""));
      expect(row.realisedProfit).to.equal(row.expectedProfit);
    }
  });

  it("survives an RPC that drops, delays, errors and garbles requests while trades flow, and its records equal the chain", async () => {
    const dir = scratch("faults");
    const database = `${dir}/records.sqlite`;
    const { provider, record } = market;
    const proxy = await FaultProxy.start({
      upstream: node.rpcUrl,
      seed: 11,
      rates: { drop: 0.03, delay: 0.03, error500: 0.03, garble: 0.03 },
      delayMs: 300,
    });
    const nonceBefore = await provider.getTransactionCount(record.operator, "latest");
    const engine = live(writeConfig(dir, FAST), database, "--rpc", proxy.url);
    try {
      await engine.waitFor("running");
      for (let round = 0; round < 4; round++) {
        const head = await provider.getBlockNumber();
        await market.cheapenWeth(round % 2 === 0 ? "30" : "25");
        // Wait until the engine has traded on this move, through the faults.
        await engine.waitFor("trade_succeeded", (l) => Number(l.block) > head, 90_000);
      }
      // Let the run settle without faults before comparing with the chain.
      proxy.setRates({});
      const settledAt = await provider.getBlockNumber();
      await eventually("no trade in flight", () => {
        const open = readRecords(database).filter((r) => r.status === "signed" || r.status === "sent");
        return open.length === 0 ? true : undefined;
      });
      await eventually("the head handled", async () =>
        (await provider.getBlockNumber()) >= settledAt ? true : undefined,
      );
      engine.child.kill("SIGTERM");
      expect((await engine.exited).code).to.equal(0);
    } finally {
      if (engine.child.exitCode === null) engine.child.kill("SIGKILL");
      await proxy.close();
    }
    const injected = proxy.counts;
    expect(
      injected.dropped + injected.error500 + injected.garbled + injected.delayed,
      JSON.stringify(injected),
    ).to.be.greaterThan(10);
    const rows = readRecords(database);
    expect(rows.filter((r) => r.status === "succeeded").length).to.be.greaterThan(3);
    await expectRecordsEqualChain(provider, rows, record.executor, record.operator, nonceBefore);
  });

  it("when the RPC is unreachable, stops trading, says so once, keeps trying, and resumes by itself", async () => {
    const dir = scratch("outage");
    const database = `${dir}/records.sqlite`;
    const { provider, record } = market;
    const proxy = await FaultProxy.start({ upstream: node.rpcUrl });
    const nonceBefore = await provider.getTransactionCount(record.operator, "latest");
    const engine = live(writeConfig(dir, { ...FAST, rpcTimeoutMs: 500, rpcAttempts: 2 }), database, "--rpc", proxy.url);
    try {
      await engine.waitFor("running");
      await proxy.down();
      await engine.waitFor("rpc_unreachable");
      // The market moves while the engine cannot see it.
      const head = await provider.getBlockNumber();
      await market.cheapenWeth("30");
      await new Promise((r) => setTimeout(r, 3_000));
      // A hung node (accepts, never answers) is the same outage, not 300 s of silence.
      proxy.hang();
      await new Promise((r) => setTimeout(r, 2_000));
      proxy.unhang();
      await proxy.up();
      await engine.waitFor("rpc_recovered");
      await engine.waitFor("trade_succeeded", (l) => Number(l.block) > head);
      engine.child.kill("SIGTERM");
      expect((await engine.exited).code).to.equal(0);
    } finally {
      if (engine.child.exitCode === null) engine.child.kill("SIGKILL");
      await proxy.close();
    }
    expect(engine.lines.filter((l) => l.event === "rpc_unreachable")).to.have.length(1);
    expect(
      engine.lines.filter((l) => l.level === "error" && l.event !== "rpc_unreachable").map((l) => l.event),
    ).to.deep.equal([]);
    await expectRecordsEqualChain(provider, readRecords(database), record.executor, record.operator, nonceBefore);
  });

  it("with a WebSocket URL, handles a new block as the node announces it, not at its next poll", async () => {
    const dir = scratch("heads");
    const database = `${dir}/records.sqlite`;
    // A minute between polls: a trade within seconds of the price move came from the subscription.
    const config = writeConfig(dir, { ...FAST, pollIntervalMs: 60_000 });
    const engine = live(config, database, "--ws", node.rpcUrl.replace("http", "ws"));
    try {
      await engine.waitFor("heads_subscribed");
      await engine.waitFor("running");
      const head = await market.provider.getBlockNumber();
      const moved = Date.now();
      await market.cheapenWeth("30");
      await engine.waitFor("trade_sent", (l) => Number(l.block) > head, 20_000);
      expect(Date.now() - moved).to.be.lessThan(20_000);
      engine.child.kill("SIGTERM");
      expect((await engine.exited).code).to.equal(0);
    } finally {
      if (engine.child.exitCode === null) engine.child.kill("SIGKILL");
    }
  });

  it("a node that comes back as another chain with the same chain ID stops the engine with a message that says so", async () => {
    const dir = scratch("replaced");
    const database = `${dir}/records.sqlite`;
    const proxy = await FaultProxy.start({ upstream: node.rpcUrl });
    const engine = live(writeConfig(dir, FAST), database, "--rpc", proxy.url);
    try {
      await engine.waitFor("running");
      market.provider.destroy();
      await node.stop();
      // A fresh node on the same port: same chain ID, same contract addresses, another chain.
      node = await startLocalNode();
      market = localMarket(node.rpcUrl);
      const { code } = await engine.exited;
      expect(code).to.equal(1);
    } finally {
      if (engine.child.exitCode === null) engine.child.kill("SIGKILL");
      await proxy.close();
    }
    expect(engine.stderr()).to.contain(
      "The node is no longer the chain the engine started on: its genesis block is now",
    );
    expect(engine.lines.some((l) => l.event === "chain_replaced")).to.equal(true);
    // The records stay bound to the first chain: a start against the new local chain moves them
    // aside, says so, and starts new ones (on a live chain the records' binding refuses instead).
    const again = live(writeConfig(dir, FAST), database);
    const aside = await again.waitFor("records_set_aside");
    await again.waitFor("running");
    again.child.kill("SIGTERM");
    expect((await again.exited).code).to.equal(0);
    expect(aside.from).to.equal(database);
    expect(existsSync(aside.to as string)).to.equal(true);
    const kept = new Records(aside.to as string);
    expect(kept.boundChain()?.genesisHash).to.not.equal(undefined);
    kept.close();
  });
});
