import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import ExecutorModule from "../../ignition/modules/FlashArbExecutor.js";
import type { Address, AddressBook } from "../../src/addressBook.js";
import { mainnet } from "../../src/addressBooks/mainnet.js";
import {
  describePlan,
  ignitionParameters,
  OpsError,
  parseAddress,
  parseAddressList,
  planDeployment,
} from "../../src/ops/deployment.js";
import { connection, ethers, loadExecutor } from "../fixtures/executor.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("deploying the executor", () => {
  it("the Ignition module deploys it configured from the book and the roles", async () => {
    const f = await loadExecutor();
    const [deployer] = await ethers.getSigners();
    if (deployer === undefined) throw new Error("no deployer");
    const owner = (await f.owner.getAddress()) as Address;
    const operator = (await f.operator.getAddress()) as Address;
    const receiver = (await f.stranger.getAddress()) as Address;
    const plan = await planDeployment(ethers.provider, (await deployer.getAddress()) as Address, f.replica.book, {
      owner,
      operators: [operator],
      profitReceiver: receiver,
    });
    expect(plan.needsConfirmation).to.equal(false);
    expect(describePlan(plan)).to.contain(`Owner:            ${owner}`).and.to.contain("V2 DEX 1:         sushiswap");
    const { executor } = await connection.ignition.deploy(ExecutorModule, {
      parameters: ignitionParameters(plan) as never,
    });
    expect(await executor.getFunction("owner")()).to.equal(owner);
    expect(await executor.getFunction("isOperator")(operator)).to.equal(true);
    expect(await executor.getFunction("profitReceiver")()).to.equal(receiver);
    expect(await executor.getFunction("v2FactoryCount")()).to.equal(2n);
    const [factory, hash] = (await executor.getFunction("v2Factory")(1)) as [string, string];
    expect([factory, hash]).to.deep.equal([f.replica.book.sushiswap.factory, f.replica.book.sushiswap.initCodeHash]);
  });

  it("refuses a book made for another chain", async () => {
    const f = await loadExecutor();
    await expect(
      planDeployment(ethers.provider, f.replica.deployer, mainnet, { owner: f.replica.deployer }),
    ).to.be.rejectedWith(OpsError, "The network answers for chain 31337, but the mainnet book is for chain 1.");
  });

  it("refuses a zero owner", async () => {
    const f = await loadExecutor();
    await expect(
      planDeployment(ethers.provider, f.replica.deployer, f.replica.book, { owner: ZeroAddress as Address }),
    ).to.be.rejectedWith(OpsError, "The owner cannot be the zero address.");
  });

  it("refuses when a trusted address has no code on this chain, naming it", async () => {
    const f = await loadExecutor();
    const wrong: AddressBook = {
      ...f.replica.book,
      balancerV2: { vault: "0x000000000000000000000000000000000000bEEF" },
    };
    await expect(
      planDeployment(ethers.provider, f.replica.deployer, wrong, { owner: f.replica.deployer }),
    ).to.be.rejectedWith(
      OpsError,
      /No contract on chain 31337 at: balancerV2\.vault 0x000000000000000000000000000000000000bEEF/,
    );
  });

  it("parses addresses and lists, refusing malformed ones with the option's name", () => {
    expect(parseAddress("--owner", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")).to.equal(
      "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    );
    expect(parseAddressList("--operators", "")).to.deep.equal([]);
    expect(() => parseAddress("--owner", "0xnope")).to.throw(OpsError, '--owner: "0xnope" is not an address.');
    expect(() => parseAddressList("--operators", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266, 42")).to.throw(
      OpsError,
      '--operators: "42" is not an address.',
    );
  });

  it("keeps live networks' Ignition records committable and the local chains' out of Git", () => {
    const ignored = (path: string) =>
      spawnSync("git", ["check-ignore", "--quiet", "--no-index", path], { cwd: root }).status === 0;
    for (const chain of [1, 10, 137, 8453, 42161, 11155111])
      expect(ignored(`ignition/deployments/chain-${chain}/journal.jsonl`), `chain ${chain}`).to.equal(false);
    for (const chain of [31337, 31338])
      expect(ignored(`ignition/deployments/chain-${chain}/journal.jsonl`), `chain ${chain}`).to.equal(true);
  });
});
