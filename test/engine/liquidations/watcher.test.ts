import { expect } from "chai";
import { MaxUint256, parseUnits } from "ethers";
import type { Address } from "../../../src/addressBook.js";
import { LiquidationWatcher } from "../../../src/engine/liquidations/watcher.js";
import { setOraclePrice } from "../../../src/replica/aave.js";
import type { AnyContract } from "../../../src/replica/deploy.js";
import { openPosition } from "../../../src/replica/positions.js";
import { fund } from "../../../src/replica/tokens.js";
import { ethers, loadReplica, otherSigners } from "../../fixtures/replica.js";

describe("the liquidation watcher", () => {
  it("tracks every borrower from the Pool's events and reports, block by block, the positions just put under one with their best pair", async () => {
    const replica = await loadReplica();
    const [deployer] = await ethers.getSigners();
    const [alice, bob, liquidator] = await otherSigners();
    if (deployer === undefined || alice === undefined || bob === undefined || liquidator === undefined)
      throw new Error("missing signers");
    const a = await openPosition(replica, alice, [["WETH", "10"]], [["USDC", "18000"]]);
    await openPosition(replica, bob, [["WBTC", "1.5"]], [["WETH", "7"]]);
    const watcher = new LiquidationWatcher(
      ethers.provider,
      { pool: replica.aave.deployment.pool, oracle: (await replica.aave.oracle.getAddress()) as Address },
      25,
    );
    await watcher.start(0, await ethers.provider.getBlockNumber());
    expect(watcher.tracked).to.be.at.least(3); // Alice, Bob and the replica's liquidity provider
    expect(await watcher.onBlock(await ethers.provider.getBlockNumber())).to.deep.equal([]);

    // WETH from $3,000 to $2,150: Alice is under one, Bob (who owes WETH) is better off.
    await setOraclePrice(replica.aave, deployer, replica.tokenAddresses.WETH, 2_150n * 10n ** 8n);
    const found = await watcher.onBlock(await ethers.provider.getBlockNumber());
    expect(found.map((f) => f.user)).to.deep.equal([a]);
    const [first] = found;
    expect(first?.debtAsset).to.equal(replica.tokenAddresses.USDC);
    expect(first?.collateralAsset).to.equal(replica.tokenAddresses.WETH);
    expect(first?.amounts.closeFactor).to.equal(5_000n);
    expect(first?.bonusBase ?? 0n).to.be.greaterThan(0n);
    // Not news a second time.
    expect(await watcher.onBlock(await ethers.provider.getBlockNumber())).to.deep.equal([]);

    // Liquidated for half her debt: her position is read again from the event; a further fall
    // puts her under one again, which is news.
    const pool = replica.aave.pool.connect(liquidator) as AnyContract;
    const me = await liquidator.getAddress();
    await fund(replica.tokens, "USDC", liquidator, me, parseUnits("100000", 6));
    await (
      await (replica.tokens.USDC.connect(liquidator) as AnyContract).getFunction("approve")(pool, MaxUint256)
    ).wait();
    await (
      await pool.getFunction("liquidationCall")(
        replica.tokenAddresses.WETH,
        replica.tokenAddresses.USDC,
        a,
        first?.amounts.debtRepaid,
        false,
      )
    ).wait();
    await watcher.onBlock(await ethers.provider.getBlockNumber());
    await setOraclePrice(replica.aave, deployer, replica.tokenAddresses.WETH, 1_700n * 10n ** 8n);
    const again = await watcher.onBlock(await ethers.provider.getBlockNumber());
    expect(again.map((f) => f.user)).to.deep.equal([a]);
  });
});
