import { expect } from "chai";
import { parseUnits } from "ethers";
import { RiskGuard, type TripReason } from "../../src/engine/risk.js";
import { Sender } from "../../src/engine/sender.js";
import { ethers, otherSigners } from "../fixtures/replica.js";

describe("execution plumbing", () => {
  it("the nonce manager uses every nonce once and skips none, even for overlapping sends", async () => {
    const [, , , from, to] = await otherSigners();
    if (from === undefined || to === undefined) throw new Error("missing signers");
    const sender = new Sender(from, ethers.provider, 5_000);
    const start = await ethers.provider.getTransactionCount(await from.getAddress());
    const fee = parseUnits("50", 9);
    const recipient = await to.getAddress();
    const receipts = await Promise.all(
      [1n, 2n, 3n, 4n, 5n].map((value) =>
        sender.send({ to: recipient, value, maxFeePerGas: fee, maxPriorityFeePerGas: 1n }),
      ),
    );
    const nonces = await Promise.all(receipts.map(async (r) => (await ethers.provider.getTransaction(r.hash))?.nonce));
    expect(nonces).to.deep.equal([start, start + 1, start + 2, start + 3, start + 4]);
    expect(receipts.every((r) => r.status === 1)).to.equal(true);
  });

  it("replaces a transaction that is not mined in time, at the same nonce with fees raised by 12.5%", async () => {
    const [, , , , , from, to] = await otherSigners();
    if (from === undefined || to === undefined) throw new Error("missing signers");
    const sender = new Sender(from, ethers.provider, 300);
    const nonce = await ethers.provider.getTransactionCount(await from.getAddress());
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      const fee = parseUnits("50", 9);
      const sending = sender.send({
        to: await to.getAddress(),
        value: 1n,
        maxFeePerGas: fee,
        maxPriorityFeePerGas: fee / 10n,
      });
      // Let the first attempt time out, then mine whatever is pending.
      await new Promise((r) => setTimeout(r, 700));
      await ethers.provider.send("evm_mine", []);
      const receipt = await sending;
      const mined = await ethers.provider.getTransaction(receipt.hash);
      expect(mined?.nonce).to.equal(nonce);
      expect(mined?.maxFeePerGas).to.be.greaterThanOrEqual((fee * 1125n) / 1000n);
      expect(await ethers.provider.getTransactionCount(await from.getAddress())).to.equal(nonce + 1);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
  });

  it("the risk guard trips after consecutive failures and on the daily loss limit, caps gas, and resumes", () => {
    const trips: Array<[TripReason, string]> = [];
    const guard = new RiskGuard(3, 1_000n, 100n, (reason, detail) => trips.push([reason, detail]));
    expect(guard.allows(100n)).to.equal(true);
    expect(guard.allows(101n)).to.equal(false);
    expect(trips.at(-1)?.[0]).to.equal("gas_price_cap");
    guard.record(false, 10n);
    guard.record(true, 10n);
    guard.record(false, 10n);
    guard.record(false, 10n);
    expect(guard.allows(1n)).to.equal(true);
    guard.record(false, 10n);
    expect(guard.state).to.equal("consecutive_failures");
    expect(guard.allows(1n)).to.equal(false);
    guard.resume();
    expect(guard.allows(1n)).to.equal(true);
    guard.record(false, 2_000n);
    expect(guard.state).to.equal("daily_loss_limit");
    guard.resume();
    guard.pause();
    expect(guard.state).to.equal("paused");
    expect(trips.map(([reason]) => reason)).to.deep.equal([
      "gas_price_cap",
      "consecutive_failures",
      "daily_loss_limit",
      "paused",
    ]);
  });

  it("the risk guard resumes by itself after the cooldown, and the day after a daily-loss trip, but not when paused", () => {
    let now = Date.parse("2026-11-22T10:00:00Z");
    const resumed: TripReason[] = [];
    const guard = new RiskGuard(
      2,
      1_000n,
      100n,
      () => {},
      60_000,
      (reason) => resumed.push(reason),
      () => now,
    );
    guard.record(false, 1n);
    guard.record(false, 1n);
    expect(guard.allows(1n)).to.equal(false);
    now += 59_999;
    expect(guard.allows(1n)).to.equal(false);
    now += 1;
    expect(guard.allows(1n)).to.equal(true);
    expect(guard.state).to.equal(undefined);
    // One failure after resuming does not trip again: the count started over.
    guard.record(false, 1n);
    expect(guard.allows(1n)).to.equal(true);
    guard.record(true, 1n);
    guard.record(false, 5_000n);
    expect(guard.state).to.equal("daily_loss_limit");
    now += 60 * 60_000;
    expect(guard.allows(1n)).to.equal(false);
    now = Date.parse("2026-11-23T00:00:01Z");
    expect(guard.allows(1n)).to.equal(true);
    guard.pause();
    now += 7 * 24 * 60 * 60_000;
    expect(guard.allows(1n)).to.equal(false);
    expect(guard.state).to.equal("paused");
    expect(resumed).to.deep.equal(["consecutive_failures", "daily_loss_limit"]);
  });
});
