import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { parseUnits, ZeroAddress } from "ethers";
import type { Address } from "../../src/addressBook.js";
import { mainnet } from "../../src/addressBooks/mainnet.js";
import { OpsError, parseToken } from "../../src/ops/deployment.js";
import { describeStatus, executorStatus, resolveExecutor, runOwnerAction } from "../../src/ops/executorOps.js";
import { fund } from "../../src/replica/tokens.js";
import { ethers, loadExecutor } from "../fixtures/executor.js";

const deploymentsDir = fileURLToPath(new URL("../../ignition/deployments/", import.meta.url));

describe("owner operations", () => {
  it("status reports the roles from events and the balances", async () => {
    const f = await loadExecutor();
    await fund(f.replica.tokens, "USDC", f.owner, f.executorAddress, parseUnits("1234.5", 6));
    const status = await executorStatus(ethers.provider, f.executorAddress, f.replica.book);
    expect(status.owner).to.equal(await f.owner.getAddress());
    expect(status.operators).to.deep.equal([await f.operator.getAddress()]);
    expect(status.paused).to.equal(false);
    expect(status.profitReceiver).to.equal(ZeroAddress);
    expect(status.tokenBalances.find((t) => t.symbol === "USDC")?.balance).to.equal(parseUnits("1234.5", 6));
    expect(describeStatus(status)).to.match(/USDC\s+1234\.5/);
    // A revoked operator disappears from the list.
    await runOwnerAction(f.owner, f.executorAddress, {
      kind: "setOperator",
      account: (await f.operator.getAddress()) as Address,
      allowed: false,
    });
    expect((await executorStatus(ethers.provider, f.executorAddress, f.replica.book)).operators).to.deep.equal([]);
  });

  it("withdraws, sweeps, pauses, unpauses and grants operators as the owner", async () => {
    const f = await loadExecutor();
    const weth = f.replica.tokenAddresses.WETH;
    await fund(f.replica.tokens, "WETH", f.owner, f.executorAddress, parseUnits("3", 18));
    const ownerAddress = await f.owner.getAddress();
    const before = (await f.replica.tokens.WETH.getFunction("balanceOf")(ownerAddress)) as bigint;
    await runOwnerAction(f.owner, f.executorAddress, { kind: "withdraw", token: weth, amount: parseUnits("1", 18) });
    await runOwnerAction(f.owner, f.executorAddress, { kind: "sweep", token: weth, keep: parseUnits("0.5", 18) });
    expect(((await f.replica.tokens.WETH.getFunction("balanceOf")(ownerAddress)) as bigint) - before).to.equal(
      parseUnits("2.5", 18),
    );
    await runOwnerAction(f.owner, f.executorAddress, { kind: "withdraw", token: weth, amount: "all" });
    expect(await f.replica.tokens.WETH.getFunction("balanceOf")(f.executorAddress)).to.equal(0n);
    await runOwnerAction(f.owner, f.executorAddress, { kind: "pause" });
    expect(await f.executor.getFunction("paused")()).to.equal(true);
    await runOwnerAction(f.owner, f.executorAddress, { kind: "unpause" });
    expect(await f.executor.getFunction("paused")()).to.equal(false);
    const account = (await f.stranger.getAddress()) as Address;
    await runOwnerAction(f.owner, f.executorAddress, { kind: "setOperator", account, allowed: true });
    expect(await f.executor.getFunction("isOperator")(account)).to.equal(true);
  });

  it("moves ownership in two steps: propose as the owner, accept as the proposed owner", async () => {
    const f = await loadExecutor();
    const next = (await f.stranger.getAddress()) as Address;
    await runOwnerAction(f.owner, f.executorAddress, { kind: "proposeOwner", account: next });
    await expect(runOwnerAction(f.operator, f.executorAddress, { kind: "acceptOwner" })).to.be.rejectedWith(
      OpsError,
      `is not the executor's pending owner (${next})`,
    );
    await runOwnerAction(f.stranger, f.executorAddress, { kind: "acceptOwner" });
    expect(await f.executor.getFunction("owner")()).to.equal(next);
  });

  it("refuses every owner operation from a signer that is not the owner", async () => {
    const f = await loadExecutor();
    const weth = f.replica.tokenAddresses.WETH;
    for (const action of [
      { kind: "withdraw", token: weth, amount: 1n },
      { kind: "sweep", token: weth, keep: 0n },
      { kind: "pause" },
      { kind: "unpause" },
      { kind: "setOperator", account: weth, allowed: true },
      { kind: "proposeOwner", account: weth },
    ] as const) {
      await expect(runOwnerAction(f.operator, f.executorAddress, action)).to.be.rejectedWith(
        OpsError,
        `The signer ${await f.operator.getAddress()} is not the executor's owner`,
      );
    }
  });

  it("refuses an operation that would change nothing, before anything is signed", async () => {
    const f = await loadExecutor();
    const weth = f.replica.tokenAddresses.WETH;
    const stranger = (await f.stranger.getAddress()) as Address;
    const operator = (await f.operator.getAddress()) as Address;
    const owner = (await f.owner.getAddress()) as Address;
    const nonce = await ethers.provider.getTransactionCount(owner);
    const cases: Array<[Parameters<typeof runOwnerAction>[2], string]> = [
      [{ kind: "withdraw", token: weth, amount: 0n }, "Nothing to withdraw"],
      [{ kind: "withdraw", token: weth, amount: "all" }, "Nothing to withdraw"],
      [{ kind: "sweep", token: weth, keep: 0n }, "Nothing to sweep: the executor holds 0"],
      [{ kind: "unpause" }, "The executor is already running (not paused)."],
      [{ kind: "setOperator", account: stranger, allowed: false }, `${stranger} is not an operator`],
      [{ kind: "setOperator", account: operator, allowed: true }, `${operator} is already an operator`],
      [{ kind: "proposeOwner", account: owner }, `${owner} is already the owner.`],
    ];
    for (const [action, message] of cases)
      await expect(runOwnerAction(f.owner, f.executorAddress, action), action.kind).to.be.rejectedWith(
        OpsError,
        message,
      );
    await runOwnerAction(f.owner, f.executorAddress, { kind: "pause" });
    await expect(runOwnerAction(f.owner, f.executorAddress, { kind: "pause" })).to.be.rejectedWith(
      OpsError,
      "The executor is already paused.",
    );
    // Only the one pause was sent.
    expect(await ethers.provider.getTransactionCount(owner)).to.equal(nonce + 1);
  });

  it("sets the profit receiver and the Curve allowlist, refusing a change to what already is", async () => {
    const f = await loadExecutor();
    const receiver = (await f.stranger.getAddress()) as Address;
    await runOwnerAction(f.owner, f.executorAddress, { kind: "setProfitReceiver", account: receiver });
    expect(await f.executor.getFunction("profitReceiver")()).to.equal(receiver);
    await expect(
      runOwnerAction(f.owner, f.executorAddress, { kind: "setProfitReceiver", account: receiver }),
    ).to.be.rejectedWith(OpsError, `The profit receiver is already ${receiver}`);
    await runOwnerAction(f.owner, f.executorAddress, { kind: "setProfitReceiver", account: ZeroAddress as Address });
    expect(await f.executor.getFunction("profitReceiver")()).to.equal(ZeroAddress);
    const pool = f.replica.tokenAddresses.DAI; // any address: the allowlist holds addresses
    await runOwnerAction(f.owner, f.executorAddress, { kind: "setCurvePool", pool, allowed: true });
    expect(await f.executor.getFunction("isCurvePool")(pool)).to.equal(true);
    await expect(
      runOwnerAction(f.owner, f.executorAddress, { kind: "setCurvePool", pool, allowed: true }),
    ).to.be.rejectedWith(OpsError, "is already allowed");
    await runOwnerAction(f.owner, f.executorAddress, { kind: "setCurvePool", pool, allowed: false });
    expect(await f.executor.getFunction("isCurvePool")(pool)).to.equal(false);
    await expect(
      runOwnerAction(f.operator, f.executorAddress, { kind: "setCurvePool", pool, allowed: true }),
    ).to.be.rejectedWith(OpsError, "is not the executor's owner");
  });

  it("takes a token by the address book's symbol as well as by address, and names the symbols when neither", () => {
    const book = mainnet;
    expect(parseToken("--token", "WETH", book)).to.equal(book.tokens.WETH);
    expect(parseToken("--token", "usdc", book)).to.equal(book.tokens.USDC);
    expect(parseToken("--token", book.tokens.DAI.toLowerCase(), book)).to.equal(book.tokens.DAI);
    expect(() => parseToken("--token", "WETHH", book)).to.throw(
      OpsError,
      '--token: "WETHH" is not a token of this chain',
    );
    expect(() => parseToken("--token", "0x12", book)).to.throw(OpsError, '--token: "0x12" is not an address.');
  });

  it("refuses to withdraw more than the executor holds", async () => {
    const f = await loadExecutor();
    await expect(
      runOwnerAction(f.owner, f.executorAddress, { kind: "withdraw", token: "ETH", amount: 1n }),
    ).to.be.rejectedWith(OpsError, "Cannot withdraw 1: the executor holds 0.");
  });

  describe("finding the executor", () => {
    it("accepts an explicit address with code, and refuses a malformed one or one without code", async () => {
      const f = await loadExecutor();
      expect(await resolveExecutor(ethers.provider, { executor: f.executorAddress.toLowerCase() })).to.equal(
        f.executorAddress,
      );
      await expect(resolveExecutor(ethers.provider, { executor: "0x12" })).to.be.rejectedWith(
        OpsError,
        '--executor: "0x12" is not an address.',
      );
      await expect(
        resolveExecutor(ethers.provider, { executor: "0x000000000000000000000000000000000000dEaD" }),
      ).to.be.rejectedWith(OpsError, "No contract at 0x000000000000000000000000000000000000dEaD on chain 31337.");
    });

    it("refuses a deployment that does not exist, and one made on another chain", async () => {
      const f = await loadExecutor();
      await expect(resolveExecutor(ethers.provider, { deploymentId: "no-such-deployment" })).to.be.rejectedWith(
        OpsError,
        'No Ignition deployment "no-such-deployment" with an executor.',
      );
      const dir = `${deploymentsDir}test-other-chain`;
      mkdirSync(dir, { recursive: true });
      try {
        writeFileSync(
          `${dir}/deployed_addresses.json`,
          JSON.stringify({ "FlashArbExecutor#FlashArbExecutor": f.executorAddress }),
        );
        writeFileSync(`${dir}/journal.jsonl`, `\n${JSON.stringify({ chainId: 1, type: "DEPLOYMENT_INITIALIZE" })}\n`);
        await expect(resolveExecutor(ethers.provider, { deploymentId: "test-other-chain" })).to.be.rejectedWith(
          OpsError,
          'Deployment "test-other-chain" was made on chain 1, but this network is chain 31337.',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
