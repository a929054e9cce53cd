import { expect } from "chai";
import { Interface } from "ethers";
import { network } from "hardhat";
import { ChainReplacedError } from "../../src/engine/collect/chain.js";
import { Records } from "../../src/engine/record/records.js";
import type { EngineService } from "../../src/engine/service.js";
import { executorAbi } from "../../src/executor/abi.js";
import { ethers, loadExecutor } from "../fixtures/executor.js";
import { cheapenWethOnUniswapV2, serviceFor } from "./support/service.js";
import { switchable } from "./support/switchable.js";

const executorInterface = new Interface(executorAbi());

describe("the engine service", () => {
  it("after a reorg removes its trades' blocks, follows them again and ends with records equal to the chain, then trades on", async () => {
    const f = await loadExecutor();
    const operator = await f.operator.getAddress();
    const { service, records } = await serviceFor(f, true, {
      config: { confirmations: 100, maxConsecutiveFailures: 100 },
    });
    await service.start();
    const nonceBefore = await ethers.provider.getTransactionCount(operator);
    const fork = (await ethers.provider.send("evm_snapshot", [])) as string;
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    const before = records.all().filter((r) => r.status === "succeeded");
    expect(before.length).to.be.greaterThan(0);
    // Deeper than any reorg here: none of them is final, so all of them are still followed.
    for (const row of before) expect(row.final).to.equal(false);
    // The branch with the dislocation and the trades is replaced by an empty, longer one.
    await ethers.provider.send("evm_revert", [fork]);
    for (let i = 0; i < 3; i++) await ethers.provider.send("evm_mine", []);
    await service.settle();
    // Every trade was followed onto the new branch: broadcast again (the node had lost it) and
    // mined there, where without the dislocation its profit floor makes it revert.
    const rows = records.all().filter((r) => r.txHash !== null);
    expect(rows.map((r) => r.id)).to.deep.equal(before.map((r) => r.id));
    for (const row of rows) {
      const receipt = await ethers.provider.getTransactionReceipt(row.txHash ?? "");
      expect(receipt?.blockHash, `#${row.id}`).to.equal(row.minedBlockHash);
      expect(row.status, `#${row.id}`).to.equal(receipt?.status === 1 ? "succeeded" : "reverted");
    }
    expect(await ethers.provider.getTransactionCount(operator)).to.equal(nonceBefore + rows.length);
    // The nonce was read again: the next trades go out and land.
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    const after = records.all().filter((r) => r.status === "succeeded" && !rows.some((b) => b.id === r.id));
    expect(after.length).to.be.greaterThan(0);
    for (const row of after) {
      const receipt = await ethers.provider.getTransactionReceipt(row.txHash ?? "");
      const event = receipt?.logs
        .map((l) => executorInterface.parseLog(l))
        .find((p) => p?.name === "ArbitrageExecuted");
      expect(row.realisedProfit).to.equal(event?.args.profit);
    }
    expect(service.summary().sendFailed).to.equal(0);
  });

  it("a node swapped for another chain under it: the service stops before sending anything there, and the records stay the first chain's", async () => {
    const f = await loadExecutor();
    const operator = await f.operator.getAddress();
    let current = ethers.provider;
    const provider = switchable(() => current);
    const { service, records } = await serviceFor(f, true, { provider, config: { confirmations: 100 } });
    await service.start();
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    const before = records.all().map((r) => [r.id, r.status, r.txHash, r.minedBlockHash]);
    expect(records.all().filter((r) => r.status === "succeeded").length).to.be.greaterThan(0);
    const other = await network.create();
    current = other.ethers.provider;
    const error = await service.step().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ChainReplacedError);
    expect((error as ChainReplacedError).shortMessage).to.contain(
      "The node is no longer the chain the engine started on:",
    );
    // Nothing was broadcast on the other chain, and no record was moved by what it said.
    expect(await other.ethers.provider.getTransactionCount(operator)).to.equal(0);
    expect(records.all().map((r) => [r.id, r.status, r.txHash, r.minedBlockHash])).to.deep.equal(before);
    await other.close();
  });

  it("an operator's pause survives a restart, and the service's events tell watchers of it and of each trade", async () => {
    const f = await loadExecutor();
    const records = new Records(":memory:");
    const first = (await serviceFor(f, true, { records })).service;
    const seen: string[] = [];
    first.events.on("control", (e) => seen.push(`control ${e.action} ${e.from}`));
    first.events.on("trade", (e) => seen.push(`trade ${e.kind} ${e.record.id}`));
    first.events.on("block", (e) => seen.push(`block ${e.number}`));
    first.events.on("risk", (e) => seen.push(`risk ${e.kind} ${e.reason}`));
    await first.start();
    await cheapenWethOnUniswapV2(f);
    await first.settle();
    const landed = records.all().filter((r) => r.status === "succeeded");
    expect(landed.length).to.be.greaterThan(0);
    for (const row of landed) expect(seen).to.include(`trade succeeded ${row.id}`);
    expect(seen).to.include(`block ${await ethers.provider.getBlockNumber()}`);
    expect(first.pause({ from: "test" })).to.equal(true);
    expect(seen).to.include("control pause test");
    await first.stop();
    // A new process on the same records: still paused, and nothing is sent.
    const second = (await serviceFor(f, true, { records })).service;
    await second.start();
    expect(second.paused).to.equal(true);
    expect(second.status().state).to.equal("paused");
    const operator = await f.operator.getAddress();
    const nonce = await ethers.provider.getTransactionCount(operator);
    await cheapenWethOnUniswapV2(f);
    await second.settle();
    expect(await ethers.provider.getTransactionCount(operator)).to.equal(nonce);
    expect(second.resume({ from: "test" })).to.equal(true);
    expect(second.status().state).to.equal("running");
    await second.stop();
  });

  it("a pause acknowledged while a trade's gas is estimated holds that trade back: nothing is signed or sent after it", async () => {
    const f = await loadExecutor();
    let service: EngineService | undefined;
    let pausedDuringEstimate = false;
    const base = ethers.provider;
    // The node's provider, except that estimating gas (after the risk guard said yes) lets an operator pause first.
    const provider = new Proxy(base, {
      get(target, property, receiver) {
        if (property === "estimateGas")
          return async (tx: Parameters<typeof base.estimateGas>[0]) => {
            if (!pausedDuringEstimate && service !== undefined) pausedDuringEstimate = service.pause({ from: "test" });
            return target.estimateGas(tx);
          };
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const made = await serviceFor(f, true, { provider });
    service = made.service;
    await service.start();
    const operator = await f.operator.getAddress();
    const nonce = await ethers.provider.getTransactionCount(operator);
    await cheapenWethOnUniswapV2(f);
    await service.settle();
    expect(pausedDuringEstimate).to.equal(true);
    expect(await ethers.provider.getTransactionCount(operator)).to.equal(nonce);
    const rows = made.records.all();
    expect(rows.filter((r) => r.txHash !== null)).to.deep.equal([]);
    expect(rows.some((r) => r.status === "filtered" && r.reason === "risk guard: paused")).to.equal(true);
    await service.stop();
  });
});
