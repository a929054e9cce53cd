import { expect } from "chai";
import type { Address } from "../../../src/addressBook.js";
import { type AaveReserve, accountData } from "../../../src/engine/liquidations/accountData.js";
import { type AaveMarketSource, readPosition, readReserves } from "../../../src/engine/liquidations/market.js";
import { setOraclePrice } from "../../../src/replica/aave.js";
import { openPosition } from "../../../src/replica/positions.js";
import { ethers, loadReplica, networkHelpers, otherSigners } from "../../fixtures/replica.js";

/** The engine's account data and the Pool's, at the latest block. */
async function bothViews(source: AaveMarketSource, user: Address) {
  const block = await ethers.provider.getBlock("latest");
  if (block === null) throw new Error("no block");
  const reserves = await readReserves(ethers.provider, source, block.number);
  const position = await readPosition(ethers.provider, source, reserves, user, block.number);
  const ours = accountData(reserves, position, BigInt(block.timestamp));
  const pool = new ethers.Contract(
    source.pool,
    [
      "function getUserAccountData(address) view returns (uint256 totalCollateralBase, uint256 totalDebtBase, uint256 availableBorrowsBase, uint256 currentLiquidationThreshold, uint256 ltv, uint256 healthFactor)",
    ],
    ethers.provider,
  );
  const chain = await pool.getFunction("getUserAccountData")(user, { blockTag: block.number });
  return { ours, chain, reserves };
}

function expectEqual(ours: ReturnType<typeof accountData>, chain: { [key: string]: bigint }, label: string): void {
  expect(ours.totalCollateralBase, `${label}: collateral`).to.equal(chain.totalCollateralBase);
  expect(ours.totalDebtBase, `${label}: debt`).to.equal(chain.totalDebtBase);
  expect(ours.liquidationThreshold, `${label}: threshold`).to.equal(chain.currentLiquidationThreshold);
  expect(ours.ltv, `${label}: ltv`).to.equal(chain.ltv);
  expect(ours.healthFactor, `${label}: health factor`).to.equal(chain.healthFactor);
}

describe("Aave V3 positions valued as the Pool values them", () => {
  it("equals getUserAccountData to the wei: after interest accrues for months, and after an oracle price moves a position under 1", async () => {
    const replica = await loadReplica();
    const [deployer] = await ethers.getSigners();
    const [alice, bob] = await otherSigners();
    if (deployer === undefined || alice === undefined || bob === undefined) throw new Error("missing signers");
    const source: AaveMarketSource = {
      pool: replica.aave.deployment.pool,
      oracle: (await replica.aave.oracle.getAddress()) as Address,
    };
    await openPosition(replica, alice, [["WETH", "10"]], [["USDC", "18000"]]);
    await openPosition(
      replica,
      bob,
      [
        ["WBTC", "1.5"],
        ["DAI", "20000"],
      ],
      [
        ["WETH", "7"],
        ["USDT", "25000"],
      ],
    );
    const users = [(await alice.getAddress()) as Address, (await bob.getAddress()) as Address];
    for (const user of users) {
      const { ours, chain } = await bothViews(source, user);
      expect(ours.totalDebtBase > 0n).to.equal(true);
      expectEqual(ours, chain, `${user} at once`);
    }
    // Interest: the indexes grow between the reserve's last update and the block being valued.
    await networkHelpers.time.increase(97 * 24 * 3600 + 13);
    for (const user of users) {
      const { ours, chain } = await bothViews(source, user);
      expectEqual(ours, chain, `${user} after 97 days`);
    }
    // WETH from $3,000 to $2,000: Alice's collateral falls under her debt's threshold.
    await setOraclePrice(replica.aave, deployer, replica.tokenAddresses.WETH, 2_000n * 10n ** 8n);
    const after = await bothViews(source, users[0] as Address);
    expectEqual(after.ours, after.chain, "Alice after the price move");
    expect(after.ours.healthFactor < 10n ** 18n).to.equal(true);
    const reserve = [...after.reserves.values()].find((r: AaveReserve) => r.asset === replica.tokenAddresses.WETH);
    expect(reserve?.price).to.equal(2_000n * 10n ** 8n);
    const bobAfter = await bothViews(source, users[1] as Address);
    expectEqual(bobAfter.ours, bobAfter.chain, "Bob after the price move");
  });
});
