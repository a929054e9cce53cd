import { readFileSync } from "node:fs";
import { expect } from "chai";
import { type Signer, toQuantity } from "ethers";
import type { Address } from "../../../src/addressBook.js";
import { GAS_PER_TRADE, isExecutorCode, PreflightError, preflight } from "../../../src/engine/execute/preflight.js";
import { deployExecutor } from "../../../src/executor/deploy.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../../fixtures/executor.js";
import { cheapenWethOnUniswapV2, serviceFor } from "../support/service.js";

/** The runway settings every test here uses, spelled out rather than left to the defaults. */
const RUNWAY = { minRunwayTrades: 10, priorityFeeGwei: 1 } as const;

async function operatorOf(f: ExecutorFixture): Promise<Address> {
  return (await f.operator.getAddress()) as Address;
}

/** What one trade is budgeted at now: the latest block's base fee twice, plus the 1 gwei tip. */
async function costPerTrade(): Promise<bigint> {
  const block = await ethers.provider.getBlock("latest");
  return GAS_PER_TRADE * ((block?.baseFeePerGas ?? 0n) * 2n + 10n ** 9n);
}

async function setBalance(account: Address, wei: bigint): Promise<void> {
  await ethers.provider.send("hardhat_setBalance", [account, toQuantity(wei)]);
}

/**
 * Starts a live service on `f`, expects preflight to refuse the start, checks that nothing was
 * sent or recorded, and returns the problems the refusal lists. Each test first opens an
 * arbitrage, so that there is something the service would trade, and sets the operator's
 * balance last: that mines no block, and the runway is priced at the latest block's base fee.
 */
async function problemsOfRefusedStart(f: ExecutorFixture): Promise<readonly string[]> {
  const operator = await operatorOf(f);
  const nonce = await ethers.provider.getTransactionCount(operator);
  const head = await ethers.provider.getBlockNumber();
  const { service, records } = await serviceFor(f, true, { config: RUNWAY });
  const error = await service.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(PreflightError);
  expect(await ethers.provider.getTransactionCount(operator)).to.equal(nonce);
  expect(await ethers.provider.getBlockNumber()).to.equal(head);
  expect(records.all()).to.deep.equal([]);
  expect(records.events()).to.deep.equal([]);
  expect(service.stats.blocks).to.equal(0);
  return (error as PreflightError).problems;
}

const notOperator = (operator: Address) =>
  `${operator} is not an operator of the executor: grant it with \`npx hardhat executor grant-operator --account ${operator}\` (signed by the owner).`;
const paused = "The executor is paused: unpause it with `npx hardhat executor unpause` (signed by the owner).";
const shortRunway = (operator: Address, balance: bigint, trades: bigint) =>
  `The operator ${operator} holds ${balance} wei, enough for ${trades} trade(s) at the current base fee; minRunwayTrades is 10: send it ETH.`;

describe("preflight: the service refuses to start when it could not trade", () => {
  it("refuses an operator the owner has revoked, telling how to grant it again, and sends nothing", async () => {
    const f = await loadExecutor();
    const operator = await operatorOf(f);
    await (await f.executor.getFunction("setOperator")(operator, false)).wait();
    await cheapenWethOnUniswapV2(f);
    expect(await problemsOfRefusedStart(f)).to.deep.equal([notOperator(operator)]);
  });

  it("refuses a paused executor, telling how to unpause it, and sends nothing", async () => {
    const f = await loadExecutor();
    await (await f.executor.getFunction("pause")()).wait();
    await cheapenWethOnUniswapV2(f);
    expect(await problemsOfRefusedStart(f)).to.deep.equal([paused]);
  });

  it("live, refuses an operator whose ETH pays for fewer than minRunwayTrades trades, naming its balance and its runway", async () => {
    const f = await loadExecutor();
    const operator = await operatorOf(f);
    await cheapenWethOnUniswapV2(f);
    // Three trades and one wei: the runway is rounded down to whole trades.
    const balance = 3n * (await costPerTrade()) + 1n;
    await setBalance(operator, balance);
    expect(await problemsOfRefusedStart(f)).to.deep.equal([shortRunway(operator, balance, 3n)]);
  });

  it("in dry-run, starts with the same short runway (nothing is paid for) and reports it", async () => {
    const f = await loadExecutor();
    const operator = await operatorOf(f);
    const balance = 3n * (await costPerTrade()) + 1n;
    await setBalance(operator, balance);
    const { service } = await serviceFor(f, false, { config: RUNWAY });
    expect(await service.start()).to.deep.equal({ chainId: 31337, operatorBalanceWei: balance, runwayTrades: 3n });
  });

  it("live, starts when the operator's ETH pays for exactly minRunwayTrades trades", async () => {
    const f = await loadExecutor();
    const operator = await operatorOf(f);
    const balance = 10n * (await costPerTrade());
    await setBalance(operator, balance);
    const { service } = await serviceFor(f, true, { config: RUNWAY });
    expect(await service.start()).to.deep.equal({ chainId: 31337, operatorBalanceWei: balance, runwayTrades: 10n });
  });

  it("refuses an executor address with no contract, telling how to deploy one, and sends nothing", async () => {
    const f = await loadExecutor();
    // An account of the chain's own: it holds ETH but no code.
    const nowhere = (await f.stranger.getAddress()) as Address;
    await cheapenWethOnUniswapV2(f);
    expect(await problemsOfRefusedStart({ ...f, executorAddress: nowhere })).to.deep.equal([
      `No contract at the executor address ${nowhere}: deploy it (npx hardhat executor deploy) or pass the right --executor.`,
    ]);
  });

  it("refuses an executor address holding another contract (a token) as not this version's executor, and sends nothing", async () => {
    const f = await loadExecutor();
    const usdc = f.replica.tokenAddresses.USDC;
    await cheapenWethOnUniswapV2(f);
    expect(await problemsOfRefusedStart({ ...f, executorAddress: usdc })).to.deep.equal([
      `The contract at ${usdc} is not this version's executor (its code differs): deploy this version or pass the right --executor.`,
    ]);
  });

  it("refuses an executor that trusts other lenders than the address book names, naming each", async () => {
    const f = await loadExecutor();
    const [deployer] = await ethers.getSigners();
    const operator = await operatorOf(f);
    // Deployed from a book without Morpho Blue or Uniswap V4, and with another address as the
    // Balancer Vault.
    const { morphoBlue: _morpho, uniswapV4: _v4, ...withoutMorpho } = f.replica.book;
    const stranger = (await f.stranger.getAddress()) as Address;
    const other = await deployExecutor(
      deployer as Signer,
      { ...withoutMorpho, balancerV2: { ...f.replica.book.balancerV2, vault: stranger } },
      { owner: operator, operators: [operator] },
    );
    const book = f.replica.book;
    const input = {
      provider: ethers.provider,
      expectedChainId: 31337,
      executor: (await other.getAddress()) as Address,
      operator,
      live: false,
      minRunwayTrades: 0,
      priorityFeeWei: 0n,
    };
    const lenders = {
      "Aave V3 Pool": book.aaveV3.pool,
      "Balancer V2 Vault": book.balancerV2.vault,
      "Morpho Blue": book.morphoBlue.morpho,
      "Uniswap V4 PoolManager": book.uniswapV4.poolManager,
    };
    const error = await preflight({ ...input, lenders }).then(
      () => undefined,
      (e: unknown) => e as PreflightError,
    );
    expect(error?.problems).to.deep.equal([
      `The executor trusts the Balancer V2 Vault at ${stranger}, but the address book names ${book.balancerV2.vault}: deploy an executor from this book, or fix the book.`,
      `The executor was deployed without the Morpho Blue the address book names (${book.morphoBlue.morpho}): the engine would borrow from it and every such trade would fail. Deploy an executor from this book (npx hardhat executor deploy).`,
      `The executor was deployed without the Uniswap V4 PoolManager the address book names (${book.uniswapV4.poolManager}): the engine would borrow from it and every such trade would fail. Deploy an executor from this book (npx hardhat executor deploy).`,
    ]);
    // The fixture's executor, deployed from the book, passes.
    await preflight({ ...input, executor: f.executorAddress, lenders });
  });

  it("lists every problem at once: a revoked operator, a paused executor and a short runway", async () => {
    const f = await loadExecutor();
    const operator = await operatorOf(f);
    await (await f.executor.getFunction("setOperator")(operator, false)).wait();
    await (await f.executor.getFunction("pause")()).wait();
    await cheapenWethOnUniswapV2(f);
    await setBalance(operator, 1_000n);
    expect(await problemsOfRefusedStart(f)).to.deep.equal([
      notOperator(operator),
      paused,
      shortRunway(operator, 1_000n, 0n),
    ]);
  });

  it("refuses an RPC on another chain than the address book's, naming both chain IDs", async () => {
    const f = await loadExecutor();
    const error = await preflight({
      provider: ethers.provider,
      expectedChainId: 1,
      executor: f.executorAddress,
      operator: await operatorOf(f),
      live: false,
      minRunwayTrades: 10,
      priorityFeeWei: 10n ** 9n,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(PreflightError);
    expect((error as PreflightError).problems).to.deep.equal([
      "The RPC is on chain 31337, the address book on chain 1: point --rpc at a node of the book's chain, or pick the book with --chain.",
    ]);
  });
});

describe("isExecutorCode: the deployed code is compared byte for byte, but for the immutables and the metadata", () => {
  const artifact = JSON.parse(
    readFileSync(
      new URL("../../../artifacts/contracts/FlashArbExecutor.sol/FlashArbExecutor.json", import.meta.url),
      "utf8",
    ),
  ) as { immutableReferences: Record<string, Array<{ start: number; length: number }>> };
  const immutables = Object.values(artifact.immutableReferences).flat();

  /** `code` with its byte at `offset` inverted. */
  function flipped(code: string, offset: number): string {
    const at = 2 + offset * 2;
    const byte = (Number.parseInt(code.slice(at, at + 2), 16) ^ 0xff).toString(16).padStart(2, "0");
    return code.slice(0, at) + byte + code.slice(at + 2);
  }

  it("recognises the deployed executor, whose immutables (lenders, factories) differ from the artifact's zeros", async () => {
    const f = await loadExecutor();
    expect(immutables.length).to.be.greaterThan(0);
    expect(isExecutorCode(await ethers.provider.getCode(f.executorAddress))).to.equal(true);
  });

  it("does not recognise the executor's code with one byte changed outside the immutables and the metadata", async () => {
    const f = await loadExecutor();
    const code = await ethers.provider.getCode(f.executorAddress);
    // The first byte is an opcode: no immutable starts before it.
    expect(immutables.every(({ start }) => start > 0)).to.equal(true);
    expect(isExecutorCode(flipped(code, 0))).to.equal(false);
    // And one in the middle of the code, away from every immutable.
    const middle = Math.floor((code.length - 2) / 4);
    const clear = Array.from({ length: 64 }, (_, i) => middle + i).find((o) =>
      immutables.every(({ start, length }) => o < start || o >= start + length),
    );
    if (clear === undefined) throw new Error("no byte clear of the immutables near the middle");
    expect(isExecutorCode(flipped(code, clear))).to.equal(false);
  });

  it("still recognises it with another value in an immutable or another metadata hash (another build of the same source)", async () => {
    const f = await loadExecutor();
    const code = await ethers.provider.getCode(f.executorAddress);
    const first = immutables[0];
    if (first === undefined) throw new Error("no immutables");
    expect(isExecutorCode(flipped(code, first.start + first.length - 1))).to.equal(true);
    // The metadata's length is the code's last two bytes; its first byte sits that far before them.
    const size = (code.length - 2) / 2;
    const metadataLength = Number.parseInt(code.slice(-4), 16);
    expect(isExecutorCode(flipped(code, size - 2 - metadataLength))).to.equal(true);
    expect(isExecutorCode(flipped(code, size - 2 - metadataLength - 1))).to.equal(false);
  });

  it("does not recognise a token's code", async () => {
    const f = await loadExecutor();
    expect(isExecutorCode(await ethers.provider.getCode(f.replica.tokenAddresses.USDC))).to.equal(false);
  });
});

describe("the running service watches the operator's runway", () => {
  it("warns once (operator_runway_low) when the operator's ETH falls below the runway, checking on the first handled block and every 20 after", async () => {
    const f = await loadExecutor();
    const operator = await operatorOf(f);
    const warnings: Array<{ event: string } & Record<string, unknown>> = [];
    const infos: string[] = [];
    const { service } = await serviceFor(f, true, {
      config: RUNWAY,
      log: {
        info: (event) => infos.push(event),
        warn: (event, fields) => warnings.push({ event, ...fields }),
        error() {},
      },
    });
    await service.start();
    const low = () => warnings.filter((w) => w.event === "operator_runway_low");
    const stepToBlock = async (n: number) => {
      while (service.stats.blocks < n) {
        await ethers.provider.send("evm_mine", []);
        await service.step();
      }
    };
    // Block 1 is checked with the operator's full balance: no warning.
    await service.step();
    expect(service.stats.blocks).to.equal(1);
    expect(low()).to.deep.equal([]);
    await setBalance(operator, 1_000n);
    // Not checked again before block 21.
    await stepToBlock(20);
    expect(low()).to.deep.equal([]);
    await stepToBlock(21);
    expect(low()).to.deep.equal([
      { event: "operator_runway_low", balanceWei: 1_000n, runwayTrades: 0n, minRunwayTrades: 10 },
    ]);
    // Still low at block 41: not said again.
    await stepToBlock(41);
    expect(low()).to.have.length(1);
    expect(infos).to.not.include("operator_runway_ok");
    // Topped up: said once that it recovered, at the next check.
    await setBalance(operator, 10n ** 18n);
    await stepToBlock(61);
    expect(infos.filter((e) => e === "operator_runway_ok")).to.have.length(1);
    expect(low()).to.have.length(1);
  });
});
