import { expect } from "chai";
import { MaxUint256 } from "ethers";
import type { Address } from "../../../src/addressBook.js";
import { type AaveReserve, accountData } from "../../../src/engine/liquidations/accountData.js";
import { liquidationAmounts } from "../../../src/engine/liquidations/liquidationAmounts.js";
import {
  type AaveMarketSource,
  readEModeCategories,
  readPosition,
  readReserves,
} from "../../../src/engine/liquidations/market.js";
import { setOraclePrice } from "../../../src/replica/aave.js";
import { protocolArtifact } from "../../../src/replica/artifacts.js";
import { type AnyContract, deployArtifact } from "../../../src/replica/deploy.js";
import { unitsOf } from "../../../src/replica/positions.js";
import type { Replica } from "../../../src/replica/replica.js";
import { fund, type ReplicaTokenSymbol } from "../../../src/replica/tokens.js";
import { ethers, loadReplica, networkHelpers, otherSigners } from "../../fixtures/replica.js";
import { sendLiquidation } from "./support/sendLiquidation.js";

const STABLES: ReplicaTokenSymbol[] = ["USDC", "DAI", "USDT"];

/**
 * Category 1, the stablecoins: 93% LTV, 95% threshold, 1% bonus, priced as the asset `oracle`
 * (zero: each asset at its own price).
 */
async function stablecoinMode(replica: Replica, oracle: string): Promise<void> {
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error("missing signers");
  const configurator = replica.aave.poolConfigurator.connect(deployer) as AnyContract;
  await (await configurator.getFunction("setEModeCategory")(1, 9_300, 9_500, 10_100, oracle, "stablecoins")).wait();
  for (const symbol of STABLES)
    await (await configurator.getFunction("setAssetEModeCategory")(replica.tokenAddresses[symbol], 1)).wait();
}

/** Supplies 10,000 DAI in the stablecoin mode and borrows 9,200 USDC (a 92% loan, allowed only in the mode). */
async function stablecoinBorrower(replica: Replica): Promise<Address> {
  const [, , , , user] = await otherSigners();
  if (user === undefined) throw new Error("missing signers");
  const me = (await user.getAddress()) as Address;
  const pool = replica.aave.pool.connect(user) as AnyContract;
  await fund(replica.tokens, "DAI", user, me, unitsOf("DAI", "10000"));
  await (await (replica.tokens.DAI.connect(user) as AnyContract).getFunction("approve")(pool, MaxUint256)).wait();
  await (await pool.getFunction("supply")(replica.tokenAddresses.DAI, unitsOf("DAI", "10000"), me, 0)).wait();
  await (await pool.getFunction("setUserEMode")(1)).wait();
  await (await pool.getFunction("borrow")(replica.tokenAddresses.USDC, unitsOf("USDC", "9200"), 2, 0, me)).wait();
  return me;
}

async function views(replica: Replica, user: Address) {
  const source: AaveMarketSource = {
    pool: replica.aave.deployment.pool,
    oracle: (await replica.aave.oracle.getAddress()) as Address,
  };
  const block = await ethers.provider.getBlock("latest");
  if (block === null) throw new Error("no block");
  const reserves = await readReserves(ethers.provider, source, block.number);
  const position = await readPosition(ethers.provider, source, reserves, user, block.number);
  const eModes = await readEModeCategories(ethers.provider, source, [position.eModeCategory], block.number);
  const chain = await (replica.aave.pool as AnyContract).getFunction("getUserAccountData")(user, {
    blockTag: block.number,
  });
  return {
    reserves,
    position,
    eModes,
    block,
    ours: accountData(reserves, position, BigInt(block.timestamp), eModes),
    chain,
  };
}

function expectSame(ours: ReturnType<typeof accountData>, chain: Record<string, bigint>, when: string): void {
  expect(ours.totalCollateralBase, `${when}: collateral`).to.equal(chain.totalCollateralBase);
  expect(ours.totalDebtBase, `${when}: debt`).to.equal(chain.totalDebtBase);
  expect(ours.ltv, `${when}: ltv`).to.equal(chain.ltv);
  expect(ours.liquidationThreshold, `${when}: threshold`).to.equal(chain.currentLiquidationThreshold);
  expect(ours.healthFactor, `${when}: health factor`).to.equal(chain.healthFactor);
}

describe("efficiency mode and stable-rate debt on the replica's v3.0 market", () => {
  it("values a position in the stablecoin mode as the Pool does, and prices its liquidation at the mode's bonus to the wei", async () => {
    const replica = await loadReplica();
    await stablecoinMode(replica, "0x0000000000000000000000000000000000000000");
    const user = await stablecoinBorrower(replica);
    const start = await views(replica, user);
    expect(start.position.eModeCategory).to.equal(1);
    expectSame(start.ours, start.chain, "at once");
    // Without the mode's threshold the position would already be under one.
    expect(
      accountData(start.reserves, start.position, BigInt(start.block.timestamp), start.eModes).healthFactor,
    ).to.be.greaterThan(10n ** 18n);

    // DAI at $0.96: 9,600 × 0.95 / 9,200 = 0.991.
    const [deployer, , , , , , liquidator] = await ethers.getSigners();
    if (deployer === undefined || liquidator === undefined) throw new Error("missing signers");
    await setOraclePrice(replica.aave, deployer, replica.tokenAddresses.DAI, 96_000_000n);
    const under = await views(replica, user);
    expectSame(under.ours, under.chain, "after DAI fell");
    expect(under.ours.healthFactor).to.be.lessThan(10n ** 18n);

    const reserveOf = (symbol: ReplicaTokenSymbol) =>
      [...under.reserves.values()].find((r) => r.asset === replica.tokenAddresses[symbol]) as AaveReserve;
    const when = BigInt(under.block.timestamp) + 30n;
    const predicted = liquidationAmounts(
      under.reserves,
      under.position,
      reserveOf("USDC"),
      reserveOf("DAI"),
      MaxUint256,
      when,
      under.eModes,
    );
    const { event, received } = await sendLiquidation(replica, liquidator, user, "DAI", "USDC", when);
    expect(event?.debtToCover).to.equal(predicted?.debtRepaid);
    expect(event?.liquidatedCollateralAmount).to.equal(predicted?.collateralSeized);
    expect(received).to.equal(predicted?.collateralSeized);
    // The mode's 1% bonus, not the reserve's 5%: 1.01 × debt / 0.96 of DAI.
    const expected = ((((predicted?.debtRepaid ?? 0n) * 10n ** 12n * 10_100n) / 10_000n) * 100n) / 96n;
    expect(predicted?.collateralSeized ?? 0n).to.be.within(expected - 10n ** 12n, expected + 10n ** 12n);
  });

  it("a mode with its own price source values every asset of the mode at that price, as the Pool does", async () => {
    const replica = await loadReplica();
    const [deployer] = await ethers.getSigners();
    if (deployer === undefined) throw new Error("missing signers");
    // The Pool asks the AaveOracle for the price of the mode's source as of an asset: the feed is
    // listed under its own address.
    const feed = await (
      await deployArtifact(deployer, protocolArtifact("AaveMockAggregator"), [99_000_000n])
    ).getAddress();
    const oracle = replica.aave.oracle.connect(deployer) as AnyContract;
    await (await oracle.getFunction("setAssetSources")([feed], [feed])).wait();
    await stablecoinMode(replica, feed);
    const user = await stablecoinBorrower(replica);
    // DAI's own feed falls; the mode's price ($0.99) is what counts, for the debt too.
    await setOraclePrice(replica.aave, deployer, replica.tokenAddresses.DAI, 50_000_000n);
    const { ours, chain, eModes } = await views(replica, user);
    expect(eModes.get(1)?.price).to.equal(99_000_000n);
    expectSame(ours, chain, "with the mode's price");
    expect(ours.totalCollateralBase).to.equal(9_900n * 10n ** 8n);
  });

  it("stable-rate debt (enabled on the replica's USDC for this test) is valued and liquidated as the Pool does, to the wei, after a year of interest", async () => {
    const replica = await loadReplica();
    const [deployer, , , , , , , borrower, liquidator] = await ethers.getSigners();
    if (deployer === undefined || borrower === undefined || liquidator === undefined)
      throw new Error("missing signers");
    const configurator = replica.aave.poolConfigurator.connect(deployer) as AnyContract;
    await (await configurator.getFunction("setReserveStableRateBorrowing")(replica.tokenAddresses.USDC, true)).wait();
    const me = (await borrower.getAddress()) as Address;
    const pool = replica.aave.pool.connect(borrower) as AnyContract;
    await fund(replica.tokens, "WETH", borrower, me, unitsOf("WETH", "10"));
    await (
      await (replica.tokens.WETH.connect(borrower) as AnyContract).getFunction("approve")(pool, MaxUint256)
    ).wait();
    await (await pool.getFunction("supply")(replica.tokenAddresses.WETH, unitsOf("WETH", "10"), me, 0)).wait();
    // Half at the stable rate (mode 1), half at the variable rate (mode 2).
    await (await pool.getFunction("borrow")(replica.tokenAddresses.USDC, unitsOf("USDC", "9000"), 1, 0, me)).wait();
    await (await pool.getFunction("borrow")(replica.tokenAddresses.USDC, unitsOf("USDC", "9000"), 2, 0, me)).wait();
    await networkHelpers.time.increase(365 * 24 * 3600);
    await networkHelpers.mine();
    const later = await views(replica, me);
    expect([...later.position.stableDebt.values()][0]?.principal).to.equal(unitsOf("USDC", "9000"));
    expectSame(later.ours, later.chain, "after a year");

    await setOraclePrice(replica.aave, deployer, replica.tokenAddresses.WETH, 2_150n * 10n ** 8n);
    const under = await views(replica, me);
    expectSame(under.ours, under.chain, "after WETH fell");
    const reserveOf = (symbol: ReplicaTokenSymbol) =>
      [...under.reserves.values()].find((r) => r.asset === replica.tokenAddresses[symbol]) as AaveReserve;
    const when = BigInt(under.block.timestamp) + 30n;
    const predicted = liquidationAmounts(
      under.reserves,
      under.position,
      reserveOf("USDC"),
      reserveOf("WETH"),
      MaxUint256,
      when,
    );
    const { event, received } = await sendLiquidation(replica, liquidator, me, "WETH", "USDC", when);
    expect(event?.debtToCover).to.equal(predicted?.debtRepaid);
    expect(event?.liquidatedCollateralAmount).to.equal(predicted?.collateralSeized);
    expect(received).to.equal(predicted?.collateralSeized);
  });
});
