import { expect } from "chai";
import type { Signer } from "ethers";
import { MaxUint256, parseUnits } from "ethers";
import type { Address } from "../../../src/addressBook.js";
import { accountData } from "../../../src/engine/liquidations/accountData.js";
import { liquidationAmounts } from "../../../src/engine/liquidations/liquidationAmounts.js";
import { type AaveMarketSource, readPosition, readReserves } from "../../../src/engine/liquidations/market.js";
import { setOraclePrice } from "../../../src/replica/aave.js";
import type { AnyContract } from "../../../src/replica/deploy.js";
import { openPosition } from "../../../src/replica/positions.js";
import type { Replica } from "../../../src/replica/replica.js";
import type { ReplicaTokenSymbol } from "../../../src/replica/tokens.js";
import { ethers, loadReplica, networkHelpers, otherSigners } from "../../fixtures/replica.js";
import { sendLiquidation } from "./support/sendLiquidation.js";

/**
 * Predicts a liquidation from the state at the latest block for the next block's timestamp,
 * then sends it with that timestamp and reads what the Pool did from its event and balances.
 */
async function predictAndLiquidate(
  replica: Replica,
  liquidator: Signer,
  user: Address,
  debt: ReplicaTokenSymbol,
  collateral: ReplicaTokenSymbol,
) {
  const source: AaveMarketSource = {
    pool: replica.aave.deployment.pool,
    oracle: (await replica.aave.oracle.getAddress()) as Address,
  };
  const block = await ethers.provider.getBlock("latest");
  if (block === null) throw new Error("no block");
  const reserves = await readReserves(ethers.provider, source, block.number);
  const position = await readPosition(ethers.provider, source, reserves, user, block.number);
  const byAsset = (symbol: ReplicaTokenSymbol) =>
    [...reserves.values()].find((r) => r.asset === replica.tokenAddresses[symbol]);
  const debtReserve = byAsset(debt);
  const collateralReserve = byAsset(collateral);
  if (debtReserve === undefined || collateralReserve === undefined) throw new Error("no reserve");
  const when = BigInt(block.timestamp) + 60n;
  const predicted = liquidationAmounts(reserves, position, debtReserve, collateralReserve, MaxUint256, when);

  const { event, received } = await sendLiquidation(replica, liquidator, user, collateral, debt, when);
  return { predicted, event, received, hfBefore: accountData(reserves, position, when).healthFactor };
}

describe("liquidations priced as Aave's LiquidationLogic prices them", () => {
  it("predicts a real liquidationCall to the wei: half the debt above 0.95, all of the collateral with the protocol's fee below", async () => {
    const replica = await loadReplica();
    const [deployer] = await ethers.getSigners();
    const [alice, carol, liquidator] = await otherSigners();
    if (deployer === undefined || alice === undefined || carol === undefined || liquidator === undefined)
      throw new Error("missing signers");
    const aliceAddress = await openPosition(replica, alice, [["WETH", "10"]], [["USDC", "18000"]]);
    const carolAddress = await openPosition(replica, carol, [["WETH", "1"]], [["DAI", "2390"]]);
    await networkHelpers.time.increase(30 * 24 * 3600);

    // WETH at $2,150: Alice's health factor between 0.95 and 1, so at most half her debt.
    await setOraclePrice(replica.aave, deployer, replica.tokenAddresses.WETH, 2_150n * 10n ** 8n);
    const first = await predictAndLiquidate(replica, liquidator, aliceAddress, "USDC", "WETH");
    expect(first.hfBefore > 95n * 10n ** 16n && first.hfBefore < 10n ** 18n).to.equal(true);
    expect(first.predicted?.closeFactor).to.equal(5_000n);
    expect(first.event?.debtToCover).to.equal(first.predicted?.debtRepaid);
    expect(first.event?.liquidatedCollateralAmount).to.equal(first.predicted?.collateralSeized);
    expect(first.received).to.equal(first.predicted?.collateralSeized);

    // A 10% protocol share of the bonus on WETH, and WETH at $1,500: Carol's collateral no
    // longer covers her debt with the bonus, so all of it is seized and less debt repaid.
    const configurator = replica.aave.poolConfigurator.connect(deployer) as AnyContract;
    await (await configurator.getFunction("setLiquidationProtocolFee")(replica.tokenAddresses.WETH, 1_000n)).wait();
    await setOraclePrice(replica.aave, deployer, replica.tokenAddresses.WETH, 1_500n * 10n ** 8n);
    const second = await predictAndLiquidate(replica, liquidator, carolAddress, "DAI", "WETH");
    expect(second.predicted?.closeFactor).to.equal(10_000n);
    expect(second.predicted?.protocolFee ?? 0n).to.be.greaterThan(0n);
    expect(second.event?.debtToCover).to.equal(second.predicted?.debtRepaid);
    expect(second.event?.liquidatedCollateralAmount).to.equal(second.predicted?.collateralSeized);
    expect(second.received).to.equal(second.predicted?.collateralSeized);
    // Seized and fee together are everything Carol had: her aToken balance is gone.
    expect((second.predicted?.collateralSeized ?? 0n) + (second.predicted?.protocolFee ?? 0n)).to.be.at.least(
      parseUnits("1", 18),
    );
    const aWeth = new ethers.Contract(
      replica.aave.aTokens.WETH as string,
      ["function balanceOf(address) view returns (uint256)"],
      ethers.provider,
    );
    expect(await aWeth.getFunction("balanceOf")(carolAddress)).to.equal(0n);

    // A healthy position: nothing to liquidate.
    const source: AaveMarketSource = {
      pool: replica.aave.deployment.pool,
      oracle: (await replica.aave.oracle.getAddress()) as Address,
    };
    const [, , , dave] = await otherSigners();
    if (dave === undefined) throw new Error("no signer");
    const daveAddress = await openPosition(replica, dave, [["WBTC", "1"]], [["USDC", "1000"]]);
    const reserves = await readReserves(ethers.provider, source);
    const position = await readPosition(ethers.provider, source, reserves, daveAddress);
    const usdc = [...reserves.values()].find((r) => r.asset === replica.tokenAddresses.USDC);
    const wbtc = [...reserves.values()].find((r) => r.asset === replica.tokenAddresses.WBTC);
    if (usdc === undefined || wbtc === undefined) throw new Error("no reserve");
    const block = await ethers.provider.getBlock("latest");
    expect(liquidationAmounts(reserves, position, usdc, wbtc, MaxUint256, BigInt(block?.timestamp ?? 0))).to.equal(
      undefined,
    );
  });
});
