import { expect } from "chai";
import { Interface, parseUnits, type TransactionReceipt } from "ethers";
import { network } from "hardhat";
import { RiskGuard } from "../../../src/engine/execute/risk.js";
import { Sender } from "../../../src/engine/execute/sender.js";
import { Tracker } from "../../../src/engine/execute/tracker.js";
import { createLogger } from "../../../src/engine/log.js";
import { Records } from "../../../src/engine/record/records.js";
import { trade, wallet } from "../support/sending.js";
import { switchable } from "../support/switchable.js";

const connection = await network.create();
const { ethers } = connection;
const provider = ethers.provider;
const CHAIN_ID = 31337;
const FEE = parseUnits("50", 9);
/** A call that reverts: the executor-less "trade" whose gas the risk guard must count. */
const REVERTING = { to: "", data: "0xfe", gasLimit: 60_000n, maxFeePerGas: FEE, maxPriorityFeePerGas: 1n };

/** A contract whose only code is INVALID: every call to it reverts, using all its gas. */
async function reverter(): Promise<string> {
  const [deployer] = await ethers.getSigners();
  // Init code that returns the one-byte runtime 0xfe.
  const tx = await deployer?.sendTransaction({ data: "0x60fe60005360016000f3" });
  const receipt = await tx?.wait();
  return receipt?.contractAddress as string;
}

function guard(records: Records): RiskGuard {
  const saved = records.getMeta("risk");
  return new RiskGuard({
    maxConsecutiveFailures: 100,
    dailyLossLimitWei: 10n ** 30n,
    maxGasPriceWei: 10n ** 30n,
    ...(saved === undefined ? {} : { restore: JSON.parse(saved) }),
    onChange: (state) => records.setMeta("risk", JSON.stringify(state)),
  });
}

function tracker(records: Records, sender: Sender, risk: RiskGuard, on = provider) {
  return new Tracker(on, records, sender, {
    confirmations: 5,
    replaceAfterMs: 60_000,
    executor: "0x00000000000000000000000000000000000000e0",
    executorInterface: new Interface([]),
    valuer: { usd6: () => undefined, ethUsd6: () => undefined },
    log: createLogger(true),
    onMined: (_t, succeeded, gas) => risk.record(succeeded, gas),
  });
}

describe("the tracker", () => {
  afterEach(async () => {
    await provider.send("evm_setAutomine", [true]);
  });

  it("counts a revert in the risk guard in the same records transaction as the outcome: a restart neither loses nor repeats it", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 9);
    const sender = new Sender(signer, provider, CHAIN_ID, records);
    const id = trade(records);
    await sender.send(id, { ...REVERTING, to: await reverter() });
    await tracker(records, sender, guard(records)).check(await provider.getBlockNumber());
    const row = records.get(id);
    expect(row?.status).to.equal("reverted");
    expect(row?.riskCounted).to.equal("reverted");
    const counted = guard(records).snapshot();
    expect(counted.consecutiveFailures).to.equal(1);
    expect(counted.lossTodayWei).to.equal(String(row?.gasPaidWei));
    // A restarted service looks at the same open trade again: nothing more is counted.
    const again = guard(records);
    await tracker(records, sender, again).check(await provider.getBlockNumber());
    expect(again.snapshot().consecutiveFailures).to.equal(1);
    expect(again.snapshot().lossTodayWei).to.equal(String(row?.gasPaidWei));
  });

  it("one or two lost receipts are neither a reorg nor a drop, and count nothing twice", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 10);
    const sender = new Sender(signer, provider, CHAIN_ID, records);
    const id = trade(records);
    await sender.send(id, { ...REVERTING, to: await reverter() });
    const risk = guard(records);
    await tracker(records, sender, risk).check(await provider.getBlockNumber());
    expect(records.get(id)?.status).to.equal("reverted");
    let lose = 2;
    const flaky = switchable(() => provider, {
      getTransactionReceipt: async (hash: string): Promise<TransactionReceipt | null> =>
        lose-- > 0 ? null : provider.getTransactionReceipt(hash),
    });
    const follow = tracker(records, sender, risk, flaky);
    for (let i = 0; i < 3; i++) {
      await provider.send("evm_mine", []);
      const outcomes = await follow.check(await provider.getBlockNumber());
      expect(outcomes.map((o) => o.kind).filter((k) => k !== "final")).to.deep.equal([]);
      expect(records.get(id)?.status).to.equal("reverted");
    }
    expect(risk.snapshot().consecutiveFailures).to.equal(1);
  });

  it("a revert mined again after a reorg is counted once", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 11);
    const sender = new Sender(signer, provider, CHAIN_ID, records);
    const target = await reverter();
    const fork = (await provider.send("evm_snapshot", [])) as string;
    const id = trade(records);
    await sender.send(id, { ...REVERTING, to: target });
    const risk = guard(records);
    const follow = tracker(records, sender, risk);
    await follow.check(await provider.getBlockNumber());
    await provider.send("evm_revert", [fork]);
    for (let i = 0; i < 3; i++) await provider.send("evm_mine", []);
    const kinds: string[] = [];
    for (let i = 0; i < 2; i++) kinds.push(...(await follow.check(await provider.getBlockNumber())).map((o) => o.kind));
    expect(kinds).to.deep.equal(["reorged", "rebroadcast"]);
    expect(records.get(id)?.status).to.equal("reverted");
    expect(risk.snapshot().consecutiveFailures).to.equal(1);
  });

  it("a broadcast answered 'nonce too low' (an earlier attempt reached the node) stays open and is settled from the chain", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 12);
    const lostAnswer = switchable(() => provider, {
      broadcastTransaction: async (raw: string) => {
        await provider.broadcastTransaction(raw);
        throw new Error("Nonce too low. Expected nonce to be 1 but got 0.");
      },
      getTransaction: async () => null,
    });
    const sender = new Sender(signer, lostAnswer, CHAIN_ID, records);
    const id = trade(records);
    const result = await sender.send(id, { ...REVERTING, to: signer.address, data: "0x", gasLimit: 30_000n });
    expect(result.status).to.equal("unknown");
    expect(records.get(id)?.status).to.equal("signed");
    await tracker(records, new Sender(signer, provider, CHAIN_ID, records), guard(records)).check(
      await provider.getBlockNumber(),
    );
    expect(records.get(id)?.status).to.equal("succeeded");
  });

  describe("a transaction sent in a bundle", () => {
    const plain = (to: string) => ({ to, data: "0x", gasLimit: 21_000n, maxFeePerGas: FEE, maxPriorityFeePerGas: 1n });

    it("is dropped once its block passes without it, and its nonce is used again", async () => {
      const records = new Records(":memory:");
      const signer = await wallet(ethers, provider, 12);
      const sender = new Sender(signer, provider, CHAIN_ID, records);
      const first = trade(records);
      const target = (await provider.getBlockNumber()) + 1;
      const signed = await sender.signForBundle(first, plain(signer.address), target);
      if (signed.status !== "signed") throw new Error("withheld");
      records.update(first, { status: "sent" });
      const t = tracker(records, sender, guard(records));
      expect(await t.check(target - 1)).to.deep.equal([]);
      await provider.send("evm_mine", []);
      const [outcome] = await t.check(target);
      expect(outcome?.kind).to.equal("dropped");
      expect(records.get(first)).to.include({ status: "dropped", reason: `bundle for block ${target} not included` });
      // Never broadcast: the node never heard of it.
      expect(await provider.getTransaction(signed.hash)).to.equal(null);
      const again = await sender.signForBundle(trade(records), plain(signer.address), target + 1);
      expect(again.status === "signed" && again.nonce).to.equal(signed.nonce);
    });

    it("is not dropped when its block has it but one answer lost the receipt", async () => {
      const records = new Records(":memory:");
      const signer = await wallet(ethers, provider, 13);
      const sender = new Sender(signer, provider, CHAIN_ID, records);
      const id = trade(records);
      const target = (await provider.getBlockNumber()) + 1;
      const signed = await sender.signForBundle(id, plain(signer.address), target);
      if (signed.status !== "signed") throw new Error("withheld");
      records.update(id, { status: "sent" });
      // The builder included it in its block.
      await provider.send("eth_sendRawTransaction", [signed.rawTx]);
      let lost = 1;
      const flaky = switchable(() => provider, {
        getTransactionReceipt: async (hash: string) => (lost-- > 0 ? null : provider.getTransactionReceipt(hash)),
      });
      const t = tracker(records, sender, guard(records), flaky as typeof provider);
      expect(await t.check(target)).to.deep.equal([]);
      expect(records.get(id)?.status).to.equal("sent");
      const [mined] = await t.check(target);
      expect(mined?.kind).to.equal("mined");
      expect(records.get(id)?.status).to.equal("succeeded");
    });
  });
});
