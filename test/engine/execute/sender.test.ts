import { expect } from "chai";
import { Interface, parseUnits, Transaction } from "ethers";
import { network } from "hardhat";
import { Sender } from "../../../src/engine/execute/sender.js";
import { Tracker } from "../../../src/engine/execute/tracker.js";
import { createLogger } from "../../../src/engine/log.js";
import { Records } from "../../../src/engine/record/records.js";
import { trade, wallet } from "../support/sending.js";

const { ethers, provider } = await (async () => {
  const connection = await network.create();
  return { ethers: connection.ethers, provider: connection.ethers.provider };
})();
const CHAIN_ID = 31337;
const FEE = parseUnits("50", 9);
const RECIPIENT = "0x000000000000000000000000000000000000dEaD";

function tracker(records: Records, sender: Sender, replaceAfterMs = 60_000) {
  return new Tracker(provider, records, sender, {
    confirmations: 2,
    replaceAfterMs,
    executor: "0x00000000000000000000000000000000000000e0",
    executorInterface: new Interface([]),
    valuer: { usd6: () => undefined, ethUsd6: () => undefined },
    log: createLogger(true),
  });
}

const transfer = { to: RECIPIENT, data: "0x", gasLimit: 30_000n, maxFeePerGas: FEE, maxPriorityFeePerGas: 1n };

describe("sending: the sender and the tracker", () => {
  afterEach(async () => {
    await provider.send("evm_setAutomine", [true]);
  });

  it("signs, records and broadcasts, returning before the transaction is mined; overlapping sends take consecutive nonces", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 3);
    const sender = new Sender(signer, provider, CHAIN_ID, records);
    const start = await provider.getTransactionCount(signer.address);
    await provider.send("evm_setAutomine", [false]);
    const ids = [1, 2, 3, 4, 5].map(() => trade(records));
    const results = await Promise.all(ids.map((id) => sender.send(id, transfer)));
    // Broadcast, not mined: the sender did not wait for a receipt.
    for (const r of results) expect(r.status).to.equal("sent");
    const hashes = results.map((r) => (r.status === "sent" ? r.hash : ""));
    for (const hash of hashes) expect(await provider.getTransactionReceipt(hash)).to.equal(null);
    expect(results.map((r) => (r.status === "sent" ? r.nonce : -1))).to.deep.equal(
      [0, 1, 2, 3, 4].map((k) => start + k),
    );
    // Each raw transaction was stored, with its hash, before it was broadcast.
    for (const [k, id] of ids.entries()) {
      const row = records.get(id);
      expect(row?.txHash).to.equal(hashes[k]);
      expect(Transaction.from(row?.rawTx ?? "").hash).to.equal(hashes[k]);
      expect(row?.nonce).to.equal(start + k);
    }
    await provider.send("evm_mine", []);
    const follow = tracker(records, sender);
    const outcomes = await follow.check(await provider.getBlockNumber());
    expect(outcomes.filter((o) => o.kind === "mined")).to.have.length(5);
    for (const id of ids) expect(records.get(id)?.status).to.equal("succeeded");
  });

  it("a refused send is returned with the node's own message, and the nonce is read again so none is skipped", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 4);
    const sender = new Sender(signer, provider, CHAIN_ID, records);
    const start = await provider.getTransactionCount(signer.address);
    const refused = await sender.send(trade(records), { ...transfer, gasLimit: 20_000n });
    expect(refused.status).to.equal("refused");
    expect(refused.status === "refused" ? refused.reason : "").to.match(/gas/i);
    const next = await sender.send(trade(records), transfer);
    expect(next.status === "sent" ? next.nonce : -1).to.equal(start);
  });

  it("replaces a transaction not mined in time at the same nonce with fees raised by 12.5%, and records which hash was mined", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 5);
    const sender = new Sender(signer, provider, CHAIN_ID, records);
    const follow = tracker(records, sender, 0);
    await provider.send("evm_setAutomine", [false]);
    const id = trade(records);
    const first = await sender.send(id, transfer);
    if (first.status !== "sent") throw new Error("not sent");
    const head = await provider.getBlockNumber();
    await follow.check(head); // starts its clock
    const replaced = await follow.check(head);
    expect(replaced.map((o) => o.kind)).to.deep.equal(["replaced"]);
    await provider.send("evm_mine", []);
    await follow.check(await provider.getBlockNumber());
    const row = records.get(id);
    expect(row?.status).to.equal("succeeded");
    expect(row?.txHash).to.not.equal(first.hash);
    expect(row?.replacedHashes).to.deep.equal([first.hash]);
    const mined = await provider.getTransaction(row?.txHash ?? "");
    expect(mined?.nonce).to.equal(first.nonce);
    expect(mined?.maxFeePerGas).to.equal((FEE * 1125n) / 1000n + 1n);
  });

  it("a trade is final only after its confirmations; a reorg that removes its block sends it back to sent, and it is broadcast again", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 6);
    const sender = new Sender(signer, provider, CHAIN_ID, records);
    const follow = tracker(records, sender);
    const fork = (await provider.send("evm_snapshot", [])) as string;
    const id = trade(records);
    await sender.send(id, transfer); // automine: mined at once
    await follow.check(await provider.getBlockNumber());
    expect(records.get(id)?.status).to.equal("succeeded");
    expect(records.get(id)?.final).to.equal(false);
    await provider.send("evm_revert", [fork]);
    await provider.send("evm_setAutomine", [false]);
    await provider.send("evm_mine", []);
    await provider.send("evm_mine", []);
    const after = await follow.check(await provider.getBlockNumber());
    expect(after.map((o) => o.kind)).to.deep.equal(["reorged", "rebroadcast"]);
    expect(records.get(id)?.status).to.equal("sent");
    expect(records.get(id)?.minedBlock).to.equal(null);
    await provider.send("evm_mine", []);
    await follow.check(await provider.getBlockNumber());
    expect(records.get(id)?.status).to.equal("succeeded");
    expect(records.get(id)?.final).to.equal(false);
    await provider.send("evm_mine", []);
    await follow.check(await provider.getBlockNumber());
    expect(records.get(id)?.final).to.equal(true);
  });

  it("a trade whose nonce another transaction took is dropped, after two checks", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 7);
    const sender = new Sender(signer, provider, CHAIN_ID, records);
    const follow = tracker(records, sender);
    await provider.send("evm_setAutomine", [false]);
    const id = trade(records);
    const sent = await sender.send(id, transfer);
    if (sent.status !== "sent") throw new Error("not sent");
    // Another transaction from the same key at the same nonce, paying more, replaces it.
    await provider.send("hardhat_dropTransaction", [sent.hash]);
    await (
      await signer.sendTransaction({
        to: signer.address,
        nonce: sent.nonce,
        maxFeePerGas: FEE * 2n,
        maxPriorityFeePerGas: 2n,
      })
    ).hash;
    await provider.send("evm_mine", []);
    expect(await follow.check(await provider.getBlockNumber())).to.deep.equal([]);
    await provider.send("evm_mine", []);
    const outcomes = await follow.check(await provider.getBlockNumber());
    expect(outcomes.map((o) => o.kind)).to.deep.equal(["dropped"]);
    expect(records.get(id)?.status).to.equal("dropped");
    expect(records.get(id)?.reason).to.contain(`nonce ${sent.nonce} was used by another transaction`);
  });

  it("a trade signed and recorded but never broadcast (a crash in between) is broadcast by the next start's check", async () => {
    const records = new Records(":memory:");
    const signer = await wallet(ethers, provider, 8);
    const id = trade(records);
    const nonce = await provider.getTransactionCount(signer.address);
    const raw = await signer.signTransaction({ ...transfer, nonce, type: 2, chainId: CHAIN_ID, value: 0n });
    const hash = Transaction.from(raw).hash as string;
    records.addSigned(id, { hash, nonce, rawTx: raw, maxFeePerGas: FEE, maxPriorityFeePerGas: 1n });
    expect(records.get(id)?.status).to.equal("signed");
    const restarted = new Sender(signer, provider, CHAIN_ID, records);
    const outcomes = await tracker(records, restarted).check(await provider.getBlockNumber());
    expect(outcomes.map((o) => o.kind)).to.deep.equal(["rebroadcast"]);
    expect((await provider.getTransactionReceipt(hash))?.status).to.equal(1);
  });
});
