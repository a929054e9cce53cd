import { expect } from "chai";
import { parseUnits } from "ethers";
import { UsdPrices } from "../../../src/engine/collect/oraclePrices.js";
import { dislocate, findPool } from "../../../src/replica/market.js";
import { ethers, loadReplica, otherSigners } from "../../fixtures/replica.js";

describe("dollar values from Aave's oracle", () => {
  it("values tokens at the oracle's price in both directions, unmoved by a pool dislocation, and knows what it cannot price", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const { WETH, USDC, DAI, WBTC, FOT } = replica.tokenAddresses;
    await dislocate(replica, findPool(replica, "uniswapV2", "WETH", "USDC"), trader, "WETH", parseUnits("100", 18));
    const usd = new UsdPrices(ethers.provider, replica.book);
    await usd.refresh([WETH, USDC, DAI, WBTC, FOT]);
    expect(usd.toUsd6(WETH, parseUnits("1", 18))).to.equal(parseUnits("3000", 6));
    expect(usd.toUsd6(WBTC, parseUnits("0.5", 8))).to.equal(parseUnits("30000", 6));
    expect(usd.toUsd6(DAI, parseUnits("12.345678", 18))).to.equal(parseUnits("12.345678", 6));
    expect(usd.fromUsd6(WETH, parseUnits("15000", 6))).to.equal(parseUnits("5", 18));
    expect(usd.fromUsd6(USDC, parseUnits("15000", 6))).to.equal(parseUnits("15000", 6));
    // Not an Aave reserve: no price, so the engine falls back to the pools.
    expect(usd.toUsd6(FOT, parseUnits("1", 18))).to.equal(undefined);
    expect(usd.fromUsd6(FOT, 1n)).to.equal(undefined);
  });
});
