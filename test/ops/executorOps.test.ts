import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { type Filter, type FilterByBlockHash, type Log, type Provider, parseUnits, ZeroAddress } from "ethers";
import type { Address } from "../../src/addressBook.js";
import { mainnet } from "../../src/addressBooks/mainnet.js";
import { OpsError, parseAmount, parseToken } from "../../src/ops/deployment.js";
import {
  deploymentBlock,
  describeStatus,
  executorStatus,
  prepareOwnerTransaction,
  resolveExecutor,
  runOwnerAction,
} from "../../src/ops/executorOps.js";
import { describeSafeTransaction, safeBatch, safeBatchChecksum } from "../../src/ops/safeBatch.js";
import { fund } from "../../src/replica/tokens.js";
import { ethers, loadExecutor } from "../fixtures/executor.js";
import { deploySafe } from "../fixtures/safe.js";

const deploymentsDir = fileURLToPath(new URL("../../ignition/deployments/", import.meta.url));

describe("owner operations", () => {
  it("status reports the roles from events and the balances", async () => {
    const f = await loadExecutor();
    await fund(f.replica.tokens, "USDC", f.owner, f.executorAddress, parseUnits("1234.5", 6));
    const status = await executorStatus(ethers.provider, f.executorAddress, f.replica.book, { fromBlock: 0 });
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
    expect(
      (await executorStatus(ethers.provider, f.executorAddress, f.replica.book, { fromBlock: 0 })).operators,
    ).to.deep.equal([]);
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

  it("reads amounts in the token's decimals, and refuses what is no amount, too many decimals, or no token", async () => {
    const f = await loadExecutor();
    const usdc = f.replica.tokenAddresses.USDC;
    expect(await parseAmount("--amount", "1.5", usdc, ethers.provider)).to.equal(1_500_000n);
    expect(await parseAmount("--amount", "2", "ETH", ethers.provider)).to.equal(2n * 10n ** 18n);
    expect(await parseAmount("--amount", "all", usdc, ethers.provider)).to.equal("all");
    await expect(parseAmount("--amount", "1,5", usdc, ethers.provider)).to.be.rejectedWith(
      OpsError,
      '--amount: "1,5" is not a number or "all".',
    );
    await expect(parseAmount("--keep", "1.1234567", usdc, ethers.provider)).to.be.rejectedWith(
      OpsError,
      '--keep: "1.1234567" has 7 decimals; the token has 6.',
    );
    await expect(parseAmount("--amount", "1", f.executorAddress, ethers.provider)).to.be.rejectedWith(
      OpsError,
      `${f.executorAddress} does not answer decimals(): it is not a token on this chain.`,
    );
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
        // Ignition's files cut short say so.
        writeFileSync(`${dir}/journal.jsonl`, '{"chainId":1,"ty');
        await expect(resolveExecutor(ethers.provider, { deploymentId: "test-other-chain" })).to.be.rejectedWith(
          OpsError,
          "journal.jsonl holds a line that is not valid JSON.",
        );
        writeFileSync(`${dir}/journal.jsonl`, `${JSON.stringify({ chainId: 31337, type: "DEPLOYMENT_INITIALIZE" })}\n`);
        writeFileSync(`${dir}/deployed_addresses.json`, '{"FlashArbExecutor#Fla');
        await expect(resolveExecutor(ethers.provider, { deploymentId: "test-other-chain" })).to.be.rejectedWith(
          OpsError,
          "deployed_addresses.json is not valid JSON.",
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("status over a long history", () => {
    /** The test chain's provider, refusing what hosted RPCs refuse: a log query over more than `cap` blocks. */
    function cappedLogs(cap: number, asked: Array<[number, number]>): Provider {
      return new Proxy(ethers.provider, {
        get(target, key, receiver) {
          if (key === "getLogs")
            return async (filter: Filter | FilterByBlockHash) => {
              const { fromBlock, toBlock } = filter as { fromBlock: number; toBlock: number };
              asked.push([fromBlock, toBlock]);
              if (toBlock - fromBlock + 1 > cap) throw new Error(`block range exceeds ${cap}`);
              return (await target.getLogs(filter)) as Log[];
            };
          const value = Reflect.get(target, key, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    }

    it("reads operators in pages from the deployment block, halving a page the RPC refuses", async () => {
      const f = await loadExecutor();
      const operator = (await f.operator.getAddress()) as Address;
      const stranger = (await f.stranger.getAddress()) as Address;
      // Grants and a revocation spread over 40 blocks, each mined on its own: a range mined at
      // once (hardhat_mine) is reserved, and the simulated chain serves no code history inside it.
      const mine = async (blocks: number) => {
        for (let i = 0; i < blocks; i++) await ethers.provider.send("evm_mine", []);
      };
      await mine(15);
      await runOwnerAction(f.owner, f.executorAddress, { kind: "setOperator", account: stranger, allowed: true });
      await mine(15);
      await runOwnerAction(f.owner, f.executorAddress, { kind: "setOperator", account: operator, allowed: false });
      await mine(10);
      const from = await deploymentBlock(ethers.provider, f.executorAddress, { deploymentId: "test-no-record" });
      // The block found is the one the code appeared in.
      expect(await ethers.provider.getCode(f.executorAddress, from - 1)).to.equal("0x");
      expect(await ethers.provider.getCode(f.executorAddress, from)).to.not.equal("0x");
      const asked: Array<[number, number]> = [];
      const status = await executorStatus(cappedLogs(4, asked), f.executorAddress, f.replica.book, {
        fromBlock: from,
        pageBlocks: 16,
      });
      expect(status.operators).to.deep.equal([stranger]);
      // Nothing before the deployment was asked for; 16-block pages were refused and halved
      // (16 → 8 → 4), and every block from the deployment to the head was covered once.
      expect(Math.min(...asked.map(([start]) => start))).to.equal(from);
      expect(asked.some(([start, end]) => end - start + 1 === 16)).to.equal(true);
      const served = asked.filter(([start, end]) => end - start + 1 <= 4);
      const head = await ethers.provider.getBlockNumber();
      expect(served.reduce((sum, [start, end]) => sum + end - start + 1, 0)).to.equal(head - from + 1);
    });

    it("takes the deployment block from Ignition's record or --from-block, and says what to do when neither can", async () => {
      const f = await loadExecutor();
      expect(await deploymentBlock(ethers.provider, f.executorAddress, { fromBlock: "7" })).to.equal(7);
      const head = await ethers.provider.getBlockNumber();
      await expect(
        deploymentBlock(ethers.provider, f.executorAddress, { fromBlock: String(head + 1) }),
      ).to.be.rejectedWith(OpsError, `--from-block: ${head + 1} is past the chain's head (${head}).`);
      await expect(deploymentBlock(ethers.provider, f.executorAddress, { fromBlock: "seven" })).to.be.rejectedWith(
        OpsError,
        '--from-block: "seven" is not a block number.',
      );
      const dir = `${deploymentsDir}test-deployment-block`;
      mkdirSync(dir, { recursive: true });
      try {
        writeFileSync(
          `${dir}/journal.jsonl`,
          [
            { chainId: 31337, type: "DEPLOYMENT_INITIALIZE" },
            {
              futureId: "FlashArbExecutor#FlashArbExecutor",
              receipt: { blockNumber: 123, contractAddress: f.executorAddress.toLowerCase() },
              type: "TRANSACTION_CONFIRM",
            },
          ]
            .map((entry) => JSON.stringify(entry))
            .join("\n"),
        );
        expect(
          await deploymentBlock(ethers.provider, f.executorAddress, { deploymentId: "test-deployment-block" }),
        ).to.equal(123);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      // An RPC without history (getCode at an old block refused) and no record: ask for --from-block.
      const noHistory = new Proxy(ethers.provider, {
        get(target, key, receiver) {
          if (key === "getCode")
            return async (address: string, block?: number) => {
              if (block !== undefined) throw new Error("missing trie node");
              return target.getCode(address);
            };
          const value = Reflect.get(target, key, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      await expect(
        deploymentBlock(noHistory, f.executorAddress, { deploymentId: "test-no-record" }),
      ).to.be.rejectedWith(OpsError, `Cannot find the block ${f.executorAddress} was deployed in.`);
    });
  });

  describe("a Safe as the owner", () => {
    it("prints transactions that a real Safe executes: accepting ownership, then pausing", async () => {
      const f = await loadExecutor();
      const safe = await deploySafe(f.stranger);
      await runOwnerAction(f.owner, f.executorAddress, { kind: "proposeOwner", account: safe.address });
      const accept = await prepareOwnerTransaction(ethers.provider, f.executorAddress, safe.address, {
        kind: "acceptOwner",
      });
      expect(accept).to.deep.include({
        to: f.executorAddress,
        value: 0n,
        method: "acceptOwnership",
        data: "0x79ba5097",
      });
      await safe.exec(accept.to, accept.value, accept.data);
      expect(await f.executor.getFunction("owner")()).to.equal(safe.address);
      // The old owner's key no longer qualifies; the Safe does.
      await expect(
        prepareOwnerTransaction(ethers.provider, f.executorAddress, (await f.owner.getAddress()) as Address, {
          kind: "pause",
        }),
      ).to.be.rejectedWith(OpsError, `is not the executor's owner (${safe.address})`);
      const pause = await prepareOwnerTransaction(ethers.provider, f.executorAddress, safe.address, { kind: "pause" });
      const batch = safeBatch(31337, safe.address, [pause], "Pause", 1_700_000_000_000);
      expect(batch.transactions).to.deep.equal([
        { to: f.executorAddress, value: "0", data: "0x8456cb59", contractMethod: null, contractInputsValues: null },
      ]);
      expect(batch.meta.createdFromSafeAddress).to.equal(safe.address);
      expect(batch.meta.checksum).to.equal(safeBatchChecksum(batch));
      // What the batch holds is what the Safe executes.
      const [call] = batch.transactions;
      await safe.exec(call?.to as string, BigInt(call?.value as string), call?.data as string);
      expect(await f.executor.getFunction("paused")()).to.equal(true);
      // A printed withdrawal names the amount read from the chain.
      await fund(f.replica.tokens, "USDC", f.owner, f.executorAddress, parseUnits("5", 6));
      const withdraw = await prepareOwnerTransaction(ethers.provider, f.executorAddress, safe.address, {
        kind: "withdraw",
        token: f.replica.tokenAddresses.USDC,
        amount: "all",
      });
      const text = describeSafeTransaction(safe.address, 31337, withdraw);
      expect(text).to.contain(`  data:  ${withdraw.data}`);
      expect(text).to.contain(`  call:  withdrawToken(${f.replica.tokenAddresses.USDC}, 5000000)`);
      await safe.exec(withdraw.to, withdraw.value, withdraw.data);
      expect(await f.replica.tokens.USDC.getFunction("balanceOf")(safe.address)).to.equal(parseUnits("5", 6));
    });

    it("computes the Transaction Builder's checksum as the builder does, on a file it exported", () => {
      const exported = {
        version: "1.0",
        chainId: "1",
        createdAt: 1761326849944,
        meta: {
          name: "Transactions Batch",
          description: "",
          txBuilderVersion: "1.18.2",
          createdFromSafeAddress: "0xA77DE01e157f9f57C7c4A326eeE9C4874D0598b6",
          createdFromOwnerAddress: "",
          checksum: "0x8b5032f716845c8b08bab3d63dbd9ba92e056f3557793cd041e59b84e16aa989",
        },
        transactions: [
          {
            to: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            value: "0",
            data: null,
            contractMethod: {
              inputs: [
                { internalType: "address", name: "spender", type: "address" },
                { internalType: "uint256", name: "value", type: "uint256" },
              ],
              name: "approve",
              payable: false,
            },
            contractInputsValues: { spender: "0x474e5Ded6b5D078163BFB8F6dBa355C3aA5478C8", value: "100000000000" },
          },
        ],
      };
      expect(safeBatchChecksum(exported)).to.equal(exported.meta.checksum);
      // Any change to a transaction changes it; the batch's name does not.
      const otherChain = { ...exported, chainId: "10" };
      expect(safeBatchChecksum(otherChain)).to.not.equal(exported.meta.checksum);
      expect(safeBatchChecksum({ ...exported, meta: { ...exported.meta, name: "Other" } })).to.equal(
        exported.meta.checksum,
      );
    });
  });
});
