import { expect } from "chai";
import { Interface, MaxUint256, type Signer } from "ethers";
import type { Address } from "../../../src/addressBook.js";
import { ConfigError } from "../../../src/engine/config.js";
import { checkFromBlock, liquidationRules } from "../../../src/engine/launch.js";
import { type AaveReserve, accountData } from "../../../src/engine/liquidations/accountData.js";
import { liquidationAmounts } from "../../../src/engine/liquidations/liquidationAmounts.js";
import { type AaveMarketSource, readPosition, readReserves } from "../../../src/engine/liquidations/market.js";
import { createLogger } from "../../../src/engine/log.js";
import type { EngineService } from "../../../src/engine/service.js";
import { setOraclePrice } from "../../../src/replica/aave.js";
import type { AnyContract } from "../../../src/replica/deploy.js";
import { openPosition, unitsOf } from "../../../src/replica/positions.js";
import { fund, type ReplicaTokenSymbol } from "../../../src/replica/tokens.js";
import { loadOrigin, type OriginFixture } from "../../fixtures/aaveOrigin.js";
import { type ExecutorFixture, ethers, networkHelpers } from "../../fixtures/executor.js";
import { serviceFor } from "../support/service.js";

const POOL = new Interface([
  "event LiquidationCall(address indexed collateralAsset, address indexed debtAsset, address indexed user, uint256 debtToCover, uint256 liquidatedCollateralAmount, address liquidator, bool receiveAToken)",
  "error MustNotLeaveDust()",
]);

async function sourceOf(o: OriginFixture): Promise<AaveMarketSource> {
  return { pool: o.origin.deployment.pool, oracle: (await o.origin.oracle.getAddress()) as Address };
}

async function people(count: number): Promise<Signer[]> {
  const out = (await ethers.getSigners()).slice(6, 6 + count);
  if (out.length < count) throw new Error("missing signers");
  return out;
}

async function setPrice(o: OriginFixture, symbol: ReplicaTokenSymbol, usd: bigint): Promise<void> {
  await setOraclePrice(o.origin, o.deployer, o.replica.tokenAddresses[symbol], usd * 10n ** 8n);
}

/** The engine's view and the Pool's of `user`, at the latest block. */
async function bothViews(o: OriginFixture, user: Address, rules: "3.0" | "3.6" = "3.6") {
  const source = await sourceOf(o);
  const block = await ethers.provider.getBlockNumber();
  const reserves = await readReserves(ethers.provider, source, block);
  const position = await readPosition(ethers.provider, source, reserves, user, block);
  const now = BigInt((await ethers.provider.getBlock(block))?.timestamp ?? 0);
  const chain = await (o.origin.pool as AnyContract).getFunction("getUserAccountData")(user, { blockTag: block });
  return { ours: accountData(reserves, position, now, new Map(), rules), chain, reserves, position, now };
}

function reserveOf(reserves: Map<number, AaveReserve>, asset: string): AaveReserve {
  const found = [...reserves.values()].find((r) => r.asset === asset);
  if (found === undefined) throw new Error(`no reserve ${asset}`);
  return found;
}

/**
 * The engine's prediction of `liquidationCall(collateral, debt, user, debtToCover)` at the next
 * block (its time fixed beforehand), then the call itself from a funded liquidator.
 */
async function predictAndLiquidate(
  o: OriginFixture,
  user: Address,
  collateral: ReplicaTokenSymbol,
  debt: ReplicaTokenSymbol,
  debtToCover: bigint,
) {
  const source = await sourceOf(o);
  const reserves = await readReserves(ethers.provider, source);
  const position = await readPosition(ethers.provider, source, reserves, user);
  const next = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0) + 12n;
  const t = o.replica.tokenAddresses;
  const predicted = liquidationAmounts(
    reserves,
    position,
    reserveOf(reserves, t[debt]),
    reserveOf(reserves, t[collateral]),
    debtToCover,
    next,
    new Map(),
    "3.6",
  );
  const [liquidator] = (await ethers.getSigners()).slice(12, 13);
  if (liquidator === undefined) throw new Error("missing signers");
  const me = await liquidator.getAddress();
  await fund(o.replica.tokens, debt, liquidator, me, unitsOf(debt, "100000"));
  const pool = o.origin.pool.connect(liquidator) as AnyContract;
  await (
    await (o.replica.tokens[debt].connect(liquidator) as AnyContract).getFunction("approve")(pool, MaxUint256)
  ).wait();
  const before = (await o.replica.tokens[collateral].getFunction("balanceOf")(me)) as bigint;
  await networkHelpers.time.setNextBlockTimestamp(next);
  const send = pool.getFunction("liquidationCall")(t[collateral], t[debt], user, debtToCover, false, {
    gasLimit: 2_000_000,
  });
  return {
    predicted,
    send,
    received: async () => ((await o.replica.tokens[collateral].getFunction("balanceOf")(me)) as bigint) - before,
  };
}

async function eventOf(receipt: { logs: readonly { topics: readonly string[]; data: string }[] }) {
  for (const log of receipt.logs) {
    const parsed = POOL.parseLog(log);
    if (parsed?.name === "LiquidationCall") return parsed.args;
  }
  throw new Error("no LiquidationCall");
}

describe("Aave v3.6 (aave-v3-origin, compiled from its npm sources) on the replica: v3.3's liquidation rules", () => {
  it("values every position exactly as getUserAccountData does, at once, after 97 days of interest and after an oracle move; v3.0's arithmetic would not", async () => {
    const o = await loadOrigin();
    const [alice, bob, carol] = await people(3);
    if (alice === undefined || bob === undefined || carol === undefined) throw new Error("missing signers");
    const users = [
      await openPosition(o.replica, alice, [["WETH", "10"]], [["USDC", "18000"]], o.origin),
      await openPosition(o.replica, bob, [["WBTC", "1.5"]], [["WETH", "7"]], o.origin),
      await openPosition(
        o.replica,
        carol,
        [
          ["WETH", "3.3"],
          ["USDC", "1234.567891"],
        ],
        [
          ["DAI", "3456.789"],
          ["USDT", "777.777777"],
        ],
        o.origin,
      ),
    ];
    const check = async (when: string) => {
      let differs = false;
      for (const user of users) {
        const { ours, chain } = await bothViews(o, user);
        expect(ours.totalCollateralBase, `${when}: collateral of ${user}`).to.equal(chain.totalCollateralBase);
        expect(ours.totalDebtBase, `${when}: debt of ${user}`).to.equal(chain.totalDebtBase);
        expect(ours.liquidationThreshold, `${when}: threshold of ${user}`).to.equal(chain.currentLiquidationThreshold);
        expect(ours.ltv, `${when}: ltv of ${user}`).to.equal(chain.ltv);
        expect(ours.healthFactor, `${when}: health factor of ${user}`).to.equal(chain.healthFactor);
        const old = (await bothViews(o, user, "3.0")).ours;
        if (old.healthFactor !== chain.healthFactor || old.totalDebtBase !== chain.totalDebtBase) differs = true;
      }
      return differs;
    };
    const differsAtOnce = await check("at once");
    await networkHelpers.time.increase(97 * 24 * 3600 + 13);
    await networkHelpers.mine();
    const differsLater = await check("after 97 days");
    expect(differsAtOnce || differsLater, "v3.0's arithmetic should differ somewhere").to.equal(true);
    await setPrice(o, "WETH", 2_000n);
    await check("after WETH fell to $2,000");
    expect((await bothViews(o, users[0] as Address)).chain.healthFactor as bigint).to.be.lessThan(10n ** 18n);
  });

  it("a large position above 0.95: at most half of all the debt's value, and what the Pool does is what was predicted", async () => {
    const o = await loadOrigin();
    const [alice] = await people(1);
    if (alice === undefined) throw new Error("missing signers");
    const a = await openPosition(o.replica, alice, [["WETH", "10"]], [["USDC", "18000"]], o.origin);
    await setPrice(o, "WETH", 2_150n);
    const { predicted, send, received } = await predictAndLiquidate(o, a, "WETH", "USDC", MaxUint256);
    expect(predicted?.closeFactor).to.equal(5_000n);
    const event = await eventOf(await (await send).wait());
    expect(event.debtToCover).to.equal(predicted?.debtRepaid);
    expect(event.liquidatedCollateralAmount).to.equal(predicted?.collateralSeized);
    expect(await received()).to.equal(predicted?.collateralSeized);
    expect(predicted?.protocolFee ?? 0n).to.be.greaterThan(0n);
  });

  it("a position worth under $2,000: all of its debt at once, though its health factor is above 0.95", async () => {
    const o = await loadOrigin();
    const [dave] = await people(1);
    if (dave === undefined) throw new Error("missing signers");
    const d = await openPosition(o.replica, dave, [["WETH", "0.5"]], [["USDC", "1000"]], o.origin);
    await setPrice(o, "WETH", 2_400n); // $1,200 of collateral, health factor 0.99
    const { predicted, send, received } = await predictAndLiquidate(o, d, "WETH", "USDC", MaxUint256);
    expect(predicted?.healthFactor ?? 0n).to.be.greaterThan(95n * 10n ** 16n);
    expect(predicted?.closeFactor).to.equal(10_000n);
    const event = await eventOf(await (await send).wait());
    expect(event.debtToCover).to.equal(predicted?.debtRepaid);
    expect(event.liquidatedCollateralAmount).to.equal(predicted?.collateralSeized);
    expect(await received()).to.equal(predicted?.collateralSeized);
    const after = await (o.origin.pool as AnyContract).getFunction("getUserAccountData")(d);
    expect(after.totalDebtBase).to.equal(0n);
  });

  it("a liquidation that would leave dust: refused by the model and by the Pool alike", async () => {
    const o = await loadOrigin();
    const [dave] = await people(1);
    if (dave === undefined) throw new Error("missing signers");
    const d = await openPosition(o.replica, dave, [["WETH", "0.5"]], [["USDC", "1000"]], o.origin);
    await setPrice(o, "WETH", 2_400n);
    // Half the debt would leave $500 of it: under the $1,000 a partial liquidation must leave.
    const { predicted, send } = await predictAndLiquidate(o, d, "WETH", "USDC", unitsOf("USDC", "500"));
    expect(predicted).to.equal(undefined);
    await expect(send).to.be.revertedWithCustomError({ interface: POOL }, "MustNotLeaveDust");
  });

  it("bad debt: all the collateral is taken as predicted, and the rest of the debt is written off as the reserve's deficit", async () => {
    const o = await loadOrigin();
    const [eve] = await people(1);
    if (eve === undefined) throw new Error("missing signers");
    const e = await openPosition(o.replica, eve, [["WETH", "1"]], [["USDC", "2000"]], o.origin);
    await setPrice(o, "WETH", 1_500n);
    const { predicted, send, received } = await predictAndLiquidate(o, e, "WETH", "USDC", MaxUint256);
    const event = await eventOf(await (await send).wait());
    expect(event.debtToCover).to.equal(predicted?.debtRepaid);
    expect(event.liquidatedCollateralAmount).to.equal(predicted?.collateralSeized);
    expect(await received()).to.equal(predicted?.collateralSeized);
    const after = await (o.origin.pool as AnyContract).getFunction("getUserAccountData")(e);
    expect(after.totalCollateralBase).to.equal(0n);
    expect(after.totalDebtBase).to.equal(0n);
    const deficit = (await (o.origin.pool as AnyContract).getFunction("getReserveDeficit")(
      o.replica.tokenAddresses.USDC,
    )) as bigint;
    expect(deficit).to.be.within(unitsOf("USDC", "571"), unitsOf("USDC", "572"));
  });

  it("the engine liquidates on it through the executor: a large position by half of its debt's value, a small one whole, each realised to the wei of its estimate", async () => {
    const o = await loadOrigin();
    const [alice, dave] = await people(2);
    if (alice === undefined || dave === undefined) throw new Error("missing signers");
    const a = await openPosition(o.replica, alice, [["WETH", "10"]], [["USDC", "20500"]], o.origin);
    const d = await openPosition(o.replica, dave, [["WETH", "0.5"]], [["USDC", "1000"]], o.origin);
    const { service, records } = await serviceFor(engineWorld(o), true, { liquidations: true, rules: "3.6" });
    await service.start();
    await service.settle();
    const aliceDebt = (await (o.origin.pool as AnyContract).getFunction("getUserAccountData")(a))
      .totalDebtBase as bigint;
    // $2,400: Alice at 0.966 (over 0.95, over $2,000: half of her debt's value), Dave at 0.99 with
    // $1,200 of collateral (under $2,000: all of it).
    await setPrice(o, "WETH", 2_400n);
    await service.settle();
    const rows = records.all().filter((r) => r.strategy === "liquidation");
    const forAlice = rows.find((r) => r.cycle.includes(a));
    const forDave = rows.find((r) => r.cycle.includes(d));
    for (const row of [forAlice, forDave]) {
      expect(row?.status, row?.reason ?? "").to.equal("succeeded");
      expect(row?.realisedProfit).to.equal(row?.expectedProfit);
    }
    const pool = o.origin.pool as AnyContract;
    expect((await pool.getFunction("getUserAccountData")(d)).totalDebtBase).to.equal(0n);
    const aliceLeft = (await pool.getFunction("getUserAccountData")(a)).totalDebtBase as bigint;
    // Half of her debt's value was repaid, to within the interest of a few seconds and the rounding.
    expect(aliceLeft).to.be.within((aliceDebt * 49_999n) / 100_000n, (aliceDebt * 50_001n) / 100_000n);
  });

  it("refuses a liquidationsFromBlock past the head, which would miss every borrower without a word", () => {
    expect(() => checkFromBlock(100_000, 170)).to.throw(
      ConfigError,
      "liquidationsFromBlock 100000 is past the chain's head (block 170)",
    );
    expect(() => checkFromBlock(170, 170)).to.not.throw();
  });

  it("the engine takes the rules from the Pool's revision, and refuses an address book that says otherwise", async () => {
    const o = await loadOrigin();
    const log = createLogger(true);
    expect(await liquidationRules(ethers.provider, o.origin.deployment, log)).to.equal("3.6");
    expect(await liquidationRules(ethers.provider, o.replica.aave.deployment, log)).to.equal("3.0");
    const wrong = { ...o.replica.aave.deployment, liquidationRules: "3.6" as const };
    await expect(liquidationRules(ethers.provider, wrong, log)).to.be.rejectedWith(
      ConfigError,
      "it is revision 1, which runs 3.0's",
    );
  });

  /** The v3.6 market as the engine's Aave, with the executor that liquidates on it. */
  function engineWorld(o: OriginFixture): ExecutorFixture {
    const book = { ...o.replica.book, aaveV3: { ...o.origin.deployment, liquidationRules: "3.6" as const } };
    return { ...o, replica: { ...o.replica, book, aave: o.origin } } as unknown as ExecutorFixture;
  }

  it("with interest running, a whole debt is taken as it stands when mined (no dust left by a few seconds of interest): realised within those seconds' interest of the estimate", async () => {
    const o = await loadOrigin();
    const [dave, whale] = await people(2);
    if (dave === undefined || whale === undefined) throw new Error("missing signers");
    // Utilisation as on a live market: a debt grows by several units a block.
    await openPosition(o.replica, whale, [["WETH", "300"]], [["USDC", "480000"]], o.origin);
    const d = await openPosition(o.replica, dave, [["WETH", "0.5"]], [["USDC", "1000"]], o.origin);
    const { service, records } = await serviceFor(engineWorld(o), true, { liquidations: true, rules: "3.6" });
    await service.start();
    await networkHelpers.time.increase(3600);
    await networkHelpers.mine();
    await service.settle();
    await setPrice(o, "WETH", 2_400n);
    // The trade is mined 12 s after the block it was priced at.
    const t = BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0);
    await networkHelpers.time.setNextBlockTimestamp(t + 12n);
    await service.settle();
    const [row] = records.all().filter((r) => r.strategy === "liquidation" && r.cycle.includes(d));
    expect(row?.status, row?.reason ?? "").to.equal("succeeded");
    expect((await (o.origin.pool as AnyContract).getFunction("getUserAccountData")(d)).totalDebtBase).to.equal(0n);
    // 12 s of interest on $1,000 at this utilisation is well under a cent; the profit is hundreds of dollars.
    const gap = (row?.realisedProfit ?? 0n) - (row?.expectedProfit ?? 0n);
    expect(gap < 0n ? -gap : gap).to.be.lessThan(unitsOf("USDC", "0.01"));
    expect(service.status().state).to.equal("running");
  });

  it("a borrower in an efficiency mode (not modelled for v3.6) is left out, and the others are still liquidated", async () => {
    const o = await loadOrigin();
    const [erin, alice] = await people(2);
    if (erin === undefined || alice === undefined) throw new Error("missing signers");
    const configurator = o.origin.poolConfigurator.connect(o.deployer) as AnyContract;
    await (await configurator.getFunction("setEModeCategory")(1, 9_000, 9_300, 10_100, "ETH correlated")).wait();
    await (await configurator.getFunction("setAssetCollateralInEMode")(o.replica.tokenAddresses.WETH, 1, true)).wait();
    await (await configurator.getFunction("setAssetBorrowableInEMode")(o.replica.tokenAddresses.WETH, 1, true)).wait();
    await (await (o.origin.pool.connect(erin) as AnyContract).getFunction("setUserEMode")(1)).wait();
    await openPosition(o.replica, erin, [["WETH", "10"]], [["WETH", "8"]], o.origin);
    const a = await openPosition(o.replica, alice, [["WETH", "10"]], [["USDC", "20500"]], o.origin);
    const { service, records } = await serviceFor(engineWorld(o), true, { liquidations: true, rules: "3.6" });
    await service.start();
    await service.settle();
    await setPrice(o, "WETH", 2_400n);
    await service.settle();
    await afterBlocks(service, 3);
    const [row] = records.all().filter((r) => r.strategy === "liquidation" && r.cycle.includes(a));
    expect(row?.status, row?.reason ?? "").to.equal("succeeded");
    expect(service.status().state).to.equal("running");
    expect(service.summary().blockErrors).to.equal(0);
  });

  it("a position that does not pay is not priced, simulated and recorded every block: it waits longer after each refusal", async () => {
    const o = await loadOrigin();
    const [alice] = await people(1);
    if (alice === undefined) throw new Error("missing signers");
    const a = await openPosition(o.replica, alice, [["WETH", "10"]], [["USDC", "20500"]], o.origin);
    const { service, records } = await serviceFor(engineWorld(o), true, {
      liquidations: true,
      rules: "3.6",
      config: { minProfitUsd: 1_000_000 },
    });
    await service.start();
    await service.settle();
    await setPrice(o, "WETH", 2_400n);
    await service.settle();
    await afterBlocks(service, 12);
    const rows = records.all().filter((r) => r.strategy === "liquidation" && r.cycle.includes(a));
    // Refused when found, then priced again 2 and then 4 blocks later (the next wait is 8): three
    // records in thirteen blocks, not thirteen.
    expect(rows.length).to.equal(3);
    for (const row of rows) expect(row.reason ?? "").to.match(/^below minProfitUsd/);
  });
});

async function afterBlocks(service: EngineService, count: number): Promise<void> {
  for (let k = 0; k < count; k++) {
    await networkHelpers.mine();
    await service.settle();
  }
}
