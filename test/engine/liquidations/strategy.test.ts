import { expect } from "chai";
import { Interface, MaxUint256, type TransactionReceipt } from "ethers";
import type { Address } from "../../../src/addressBook.js";
import { accountData } from "../../../src/engine/liquidations/accountData.js";
import { readPosition, readReserves } from "../../../src/engine/liquidations/market.js";
import type { TradeRecord } from "../../../src/engine/record/records.js";
import type { EngineService } from "../../../src/engine/service.js";
import { setOraclePrice } from "../../../src/replica/aave.js";
import { protocolArtifact } from "../../../src/replica/artifacts.js";
import { type AnyContract, deployArtifact } from "../../../src/replica/deploy.js";
import { openPosition, unitsOf } from "../../../src/replica/positions.js";
import { fund } from "../../../src/replica/tokens.js";
import { type ExecutorFixture, ethers, loadExecutor, networkHelpers } from "../../fixtures/executor.js";
import { serviceFor } from "../support/service.js";

const POOL_EVENTS = new Interface([
  "event LiquidationCall(address indexed collateralAsset, address indexed debtAsset, address indexed user, uint256 debtToCover, uint256 liquidatedCollateralAmount, address liquidator, bool receiveAToken)",
]);
/** A tip above the engine's (1 gwei by default): the other transaction is mined first. */
const TIP = 50n * 10n ** 9n;
const DEBT_TOKEN = ["function balanceOf(address) view returns (uint256)"];

/** Signers the fixture does not use, for borrowers and rivals. */
async function people(count: number) {
  const signers = await ethers.getSigners();
  const out = signers.slice(6, 6 + count);
  if (out.length < count) throw new Error("missing signers");
  return out;
}

async function oracleOf(f: ExecutorFixture): Promise<Address> {
  return (await f.replica.aave.oracle.getAddress()) as Address;
}

async function setPrice(f: ExecutorFixture, symbol: "WETH" | "WBTC", usd: bigint): Promise<void> {
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error("missing signers");
  await setOraclePrice(f.replica.aave, deployer, f.replica.tokenAddresses[symbol], usd * 10n ** 8n);
}

/** The user's variable debt of `symbol`, in base units, as the debt token reports it. */
async function debtOf(f: ExecutorFixture, user: Address, symbol: "USDC" | "DAI"): Promise<bigint> {
  const data = await (f.replica.aave.pool as AnyContract).getFunction("getReserveData")(
    f.replica.tokenAddresses[symbol],
  );
  const token = new ethers.Contract(data.variableDebtTokenAddress as string, DEBT_TOKEN, ethers.provider);
  return (await token.getFunction("balanceOf")(user)) as bigint;
}

/** The Pool's `LiquidationCall` of a mined trade. */
async function poolLiquidation(f: ExecutorFixture, row: TradeRecord) {
  const receipt = (await ethers.provider.getTransactionReceipt(row.txHash as string)) as TransactionReceipt;
  const log = receipt.logs.find(
    (l) =>
      l.address === f.replica.aave.deployment.pool &&
      l.topics[0] === POOL_EVENTS.getEvent("LiquidationCall")?.topicHash,
  );
  if (log === undefined) throw new Error(`no LiquidationCall in ${row.txHash}`);
  return { receipt, event: POOL_EVENTS.parseLog(log)?.args };
}

/**
 * `count` more blocks, each handled: a second `settle` alone handles nothing new (the head is
 * handled and nothing is in flight), so "not tried again" needs blocks to be tried in.
 */
async function afterBlocks(service: EngineService, count: number): Promise<void> {
  for (let k = 0; k < count; k++) {
    await networkHelpers.mine();
    await service.settle();
  }
}

function liquidationsOf(rows: readonly TradeRecord[], user: Address): TradeRecord[] {
  return rows.filter((r) => r.strategy === "liquidation" && r.cycle.includes(user));
}

describe("liquidations in the engine, on the replica's Aave market", () => {
  it("finds each position an oracle move puts under one, liquidates it with a flash loan, realises exactly the estimate, and leaves what the v3.0 rules say", async () => {
    const f = await loadExecutor();
    const [alice, bob, carol] = await people(3);
    if (alice === undefined || bob === undefined || carol === undefined) throw new Error("missing signers");
    const a = await openPosition(f.replica, alice, [["WETH", "10"]], [["USDC", "18000"]]);
    const b = await openPosition(f.replica, bob, [["WETH", "5"]], [["DAI", "10000"]]);
    const c = await openPosition(f.replica, carol, [["WETH", "10"]], [["USDC", "5000"]]);
    const { service, records } = await serviceFor(f, true, { liquidations: true });
    await service.start();
    await service.settle();
    expect(records.all().filter((r) => r.strategy === "liquidation")).to.deep.equal([]);

    const usdcBefore = (await f.replica.tokens.USDC.getFunction("balanceOf")(f.executorAddress)) as bigint;
    const daiBefore = (await f.replica.tokens.DAI.getFunction("balanceOf")(f.executorAddress)) as bigint;
    const aliceDebt = await debtOf(f, a, "USDC");
    const bobDebt = await debtOf(f, b, "DAI");
    // WETH from $3,000 to $2,150: Alice at 0.985 (half her debt may be repaid), Bob at 0.887
    // (all of it), Carol at 3.5 (none).
    await setPrice(f, "WETH", 2_150n);
    await service.settle();

    const rows = records.all();
    const [forAlice] = liquidationsOf(rows, a);
    const [forBob] = liquidationsOf(rows, b);
    expect(liquidationsOf(rows, c)).to.deep.equal([]);
    for (const row of [forAlice, forBob]) {
      expect(row?.status, row?.reason ?? "").to.equal("succeeded");
      expect(row?.realisedProfit).to.equal(row?.expectedProfit);
      expect(row?.expectedProfit ?? 0n).to.be.greaterThan(0n);
    }
    const usdcAfter = (await f.replica.tokens.USDC.getFunction("balanceOf")(f.executorAddress)) as bigint;
    const daiAfter = (await f.replica.tokens.DAI.getFunction("balanceOf")(f.executorAddress)) as bigint;
    const arbitrage = (symbol: string) =>
      rows
        .filter((r) => r.strategy === "arbitrage" && r.status === "succeeded" && r.token === symbol)
        .reduce((sum, r) => sum + (r.realisedProfit ?? 0n), 0n);
    expect(usdcAfter - usdcBefore).to.equal((forAlice?.realisedProfit ?? 0n) + arbitrage("USDC"));
    expect(daiAfter - daiBefore).to.equal((forBob?.realisedProfit ?? 0n) + arbitrage("DAI"));

    // Alice: half her debt (the close factor above 0.95), no more, as the Pool's event says.
    const alicePool = await poolLiquidation(f, forAlice as TradeRecord);
    expect(alicePool.event?.debtToCover).to.equal(forAlice?.amountIn);
    expect(alicePool.event?.liquidator).to.equal(f.executorAddress);
    const halfDebt = aliceDebt / 2n;
    expect(forAlice?.amountIn).to.be.within(halfDebt - 1n, halfDebt + halfDebt / 1_000_000n);
    const aliceLeft = await debtOf(f, a, "USDC");
    expect(aliceLeft).to.be.within(
      aliceDebt - (forAlice?.amountIn ?? 0n),
      aliceDebt - (forAlice?.amountIn ?? 0n) + 10n ** 4n,
    );
    // Bob: the whole debt (at or under 0.95), less the interest of the seconds since it was priced.
    expect(forBob?.amountIn).to.be.within(bobDebt, bobDebt + bobDebt / 1_000_000n);
    expect(await debtOf(f, b, "DAI")).to.be.lessThan(bobDebt / 1_000_000n);

    // The health factor after is the Pool's, and the engine's own reading of it is the same.
    const source = { pool: f.replica.aave.deployment.pool, oracle: await oracleOf(f) };
    const block = await ethers.provider.getBlockNumber();
    const reserves = await readReserves(ethers.provider, source, block);
    const header = await ethers.provider.getBlock(block);
    const ours = accountData(
      reserves,
      await readPosition(ethers.provider, source, reserves, a, block),
      BigInt(header?.timestamp ?? 0),
    );
    const chain = await (f.replica.aave.pool as AnyContract).getFunction("getUserAccountData")(a, { blockTag: block });
    expect(ours.healthFactor).to.equal(chain.healthFactor);
    expect(chain.healthFactor as bigint).to.be.greaterThan(10n ** 18n);

    // Liquidated once each: nothing is sent again for them.
    await afterBlocks(service, 8);
    expect(liquidationsOf(records.all(), a)).to.have.length(1);
    expect(liquidationsOf(records.all(), b)).to.have.length(1);
    const summary = service.summary();
    expect(summary.liquidations.count).to.equal(2);
    expect(summary.liquidations.realisedProfit.USDC).to.equal(forAlice?.realisedProfit);
    expect(summary.liquidations.realisedProfit.DAI).to.equal(forBob?.realisedProfit);
  });

  it("a position with bad debt: all its collateral is bought, the estimate is exact, and the debt left over stays on the Pool (v3.0 does not write it off)", async () => {
    const f = await loadExecutor();
    const [eve] = await people(1);
    if (eve === undefined) throw new Error("missing signers");
    const e = await openPosition(f.replica, eve, [["WETH", "1"]], [["USDC", "2000"]]);
    const { service, records } = await serviceFor(f, true, { liquidations: true });
    await service.start();
    await service.settle();
    // $1,500 of collateral against $2,000 of debt.
    await setPrice(f, "WETH", 1_500n);
    await service.settle();
    const [row] = liquidationsOf(records.all(), e);
    expect(row?.status, row?.reason ?? "").to.equal("succeeded");
    expect(row?.realisedProfit).to.equal(row?.expectedProfit);
    const { event } = await poolLiquidation(f, row as TradeRecord);
    // All the collateral at the bonus: 1 WETH at $1,500 repays $1,500 / 1.05 of debt.
    expect(event?.debtToCover).to.be.within(unitsOf("USDC", "1428.57"), unitsOf("USDC", "1428.58"));
    const data = await (f.replica.aave.pool as AnyContract).getFunction("getUserAccountData")(e);
    expect(data.totalCollateralBase).to.equal(0n);
    expect(data.totalDebtBase as bigint).to.be.greaterThan(500n * 10n ** 8n);
    // Nothing left to take: it is not tried again.
    await afterBlocks(service, 8);
    expect(liquidationsOf(records.all(), e)).to.have.length(1);
  });

  /** Each race: what is set up beforehand, and the transaction sent (not mined) before ours. */
  const races: ReadonlyArray<readonly [string, (f: ExecutorFixture) => Promise<(user: Address) => Promise<unknown>>]> =
    [
      [
        "a rival liquidates first",
        async (f) => {
          const [, rival] = await people(2);
          if (rival === undefined) throw new Error("missing signers");
          const pool = f.replica.aave.pool.connect(rival) as AnyContract;
          await (
            await (f.replica.tokens.USDC.connect(rival) as AnyContract).getFunction("approve")(pool, MaxUint256)
          ).wait();
          await fund(f.replica.tokens, "USDC", rival, await rival.getAddress(), unitsOf("USDC", "20000"));
          const { WETH, USDC } = f.replica.tokenAddresses;
          return (user) =>
            pool.getFunction("liquidationCall")(WETH, USDC, user, MaxUint256, false, {
              maxPriorityFeePerGas: TIP,
              gasLimit: 1_500_000,
            });
        },
      ],
      [
        "the price it was found at is gone by the time it is mined",
        async (f) => {
          const [deployer] = await ethers.getSigners();
          if (deployer === undefined) throw new Error("missing signers");
          const back = await deployArtifact(deployer, protocolArtifact("AaveMockAggregator"), [3_000n * 10n ** 8n]);
          const oracle = f.replica.aave.oracle.connect(deployer) as AnyContract;
          const weth = f.replica.tokenAddresses.WETH;
          const source = await back.getAddress();
          return () => oracle.getFunction("setAssetSources")([weth], [source], { maxPriorityFeePerGas: TIP });
        },
      ],
    ];
  /**
   * Alice under one after WETH falls to $2,150, with the engine running; then, with blocks mined
   * only on request, `first` says which goes to the mempool first, the other transaction or the
   * engine's handling of the block, and one block mines both.
   */
  async function race(prepare: (typeof races)[number][1], first: "other" | "ours") {
    const f = await loadExecutor();
    const [alice] = await people(1);
    if (alice === undefined) throw new Error("missing signers");
    const a = await openPosition(f.replica, alice, [["WETH", "10"]], [["USDC", "18000"]]);
    const { service, records } = await serviceFor(f, true, { liquidations: true });
    await service.start();
    await service.settle();
    const other = await prepare(f);
    await setPrice(f, "WETH", 2_150n);
    const operator = await f.operator.getAddress();
    const nonce = await ethers.provider.getTransactionCount(operator);
    const usdc = (await f.replica.tokens.USDC.getFunction("balanceOf")(f.executorAddress)) as bigint;
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      if (first === "other") await other(a);
      await service.step();
      if (first === "ours") await other(a);
      await ethers.provider.send("evm_mine", []);
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    await service.settle();
    const [row] = liquidationsOf(records.all(), a);
    return { f, a, service, records, row, nonce, operator, usdc };
  }

  for (const [name, prepare] of races) {
    it(`${name}, seen pending before ours is sent: the gas estimate against the pending block fails and nothing is sent`, async () => {
      const { a, service, records, row, nonce, operator } = await race(prepare, "other");
      expect(row?.status).to.equal("send_failed");
      expect(row?.reason).to.equal("gas estimate failed: Aave V3 Pool: HEALTH_FACTOR_NOT_BELOW_THRESHOLD (45)");
      expect(row?.txHash ?? null).to.equal(null);
      expect(await ethers.provider.getTransactionCount(operator)).to.equal(nonce);
      await afterBlocks(service, 8);
      expect(liquidationsOf(records.all(), a)).to.have.length(1);
    });

    it(`${name}, landing ahead of ours: ours reverts on chain, is recorded with the gas it burnt, and the position is left alone`, async () => {
      // Ours is priced, simulated and sent; the other pays a higher tip and the block orders by
      // tip, so it is mined first.
      const { f, a, service, records, row, usdc } = await race(prepare, "ours");
      expect(row?.status, row?.reason ?? "").to.equal("reverted");
      expect(row?.realisedProfit ?? null).to.equal(null);
      expect(row?.gasPaidWei ?? 0n).to.be.greaterThan(0n);
      expect((await f.replica.tokens.USDC.getFunction("balanceOf")(f.executorAddress)) as bigint).to.equal(usdc);
      await afterBlocks(service, 8);
      expect(liquidationsOf(records.all(), a)).to.have.length(1);
    });
  }
});
