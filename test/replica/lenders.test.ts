import { expect } from "chai";
import { MaxUint256, parseUnits } from "ethers";
import { AAVE_FLASHLOAN_PREMIUM_BPS } from "../../src/replica/aave.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { findPool } from "../../src/replica/market.js";
import type { Replica } from "../../src/replica/replica.js";
import { fund, type ReplicaTokenSymbol } from "../../src/replica/tokens.js";
import { ethers, loadReplica, otherSigners } from "../fixtures/replica.js";

/** Aave's PercentageMath.percentMul: rounds half up. */
function percentMul(value: bigint, bps: bigint): bigint {
  return (value * bps + 5_000n) / 10_000n;
}

/** Uniswap V3's FullMath.mulDivRoundingUp(amount, fee, 1e6). */
function v3FlashFee(amount: bigint, fee: bigint): bigint {
  return (amount * fee + 999_999n) / 1_000_000n;
}

async function balanceOf(replica: Replica, symbol: ReplicaTokenSymbol, holder: string): Promise<bigint> {
  return (await replica.tokens[symbol].getFunction("balanceOf")(holder)) as bigint;
}

describe("replica lenders charge exactly their configured fees", () => {
  it("Aave V3 reports mainnet's 5 bps flash-loan premium", async () => {
    const replica = await loadReplica();
    expect(await replica.aave.pool.getFunction("FLASHLOAN_PREMIUM_TOTAL")()).to.equal(AAVE_FLASHLOAN_PREMIUM_BPS);
  });

  for (const [symbol, amount] of [
    ["WETH", parseUnits("123.456789012345678901", 18)],
    ["USDC", parseUnits("250000.000001", 6)],
    ["USDT", parseUnits("77777.7777", 6)],
  ] as const) {
    it(`Aave V3 flashLoanSimple of ${symbol} charges amount × 5 bps, paid into the aToken`, async () => {
      const replica = await loadReplica();
      const probe = (await ethers.deployContract("AaveFlashLoanProbe", [
        replica.book.aaveV3.pool,
      ])) as unknown as AnyContract;
      const probeAddress = await probe.getAddress();
      const premium = percentMul(amount, AAVE_FLASHLOAN_PREMIUM_BPS);
      expect(premium).to.be.greaterThan(0n);
      const [deployer] = await ethers.getSigners();
      if (deployer === undefined) throw new Error("no deployer");
      await fund(replica.tokens, symbol, deployer, probeAddress, premium);
      const aToken = replica.aave.aTokens[symbol] as string;
      const reserveBefore = await balanceOf(replica, symbol, aToken);
      await (await probe.getFunction("borrow")(replica.tokenAddresses[symbol], amount)).wait();
      expect(await probe.getFunction("lastPremium")()).to.equal(premium);
      expect(await balanceOf(replica, symbol, probeAddress)).to.equal(0n);
      expect((await balanceOf(replica, symbol, aToken)) - reserveBefore).to.equal(premium);
    });
  }

  it("Aave V3 refuses a flash loan the receiver cannot repay", async () => {
    const replica = await loadReplica();
    const probe = (await ethers.deployContract("AaveFlashLoanProbe", [
      replica.book.aaveV3.pool,
    ])) as unknown as AnyContract;
    await expect(probe.getFunction("borrow")(replica.tokenAddresses.WETH, parseUnits("1", 18))).to.be.revert(ethers);
  });

  it("Aave V3 supply, borrow, repay and withdraw round trip", async () => {
    const replica = await loadReplica();
    const [, user] = await otherSigners();
    if (user === undefined) throw new Error("no user");
    const me = await user.getAddress();
    const pool = replica.aave.pool.connect(user) as AnyContract;
    const poolAddress = await pool.getAddress();
    const collateral = parseUnits("10", 18);
    const debt = parseUnits("10000", 6);
    await fund(replica.tokens, "WETH", user, me, collateral);
    await (await replica.tokens.WETH.connect(user).getFunction("approve")(poolAddress, MaxUint256)).wait();
    await (await pool.getFunction("supply")(replica.tokenAddresses.WETH, collateral, me, 0)).wait();
    await (await pool.getFunction("borrow")(replica.tokenAddresses.USDC, debt, 2, 0, me)).wait();
    expect(await balanceOf(replica, "USDC", me)).to.equal(debt);
    const account = (await pool.getFunction("getUserAccountData")(me)) as bigint[];
    // $30,000 of WETH collateral and $10,000 of debt, in the oracle's 8-decimal dollars.
    expect(account[0]).to.equal(30_000n * 10n ** 8n);
    expect(account[1]).to.equal(10_000n * 10n ** 8n);
    // Interest accrues per second, so repay more than borrowed and let the Pool take what it is owed.
    await fund(replica.tokens, "USDC", user, me, parseUnits("1", 6));
    await (await replica.tokens.USDC.connect(user).getFunction("approve")(poolAddress, MaxUint256)).wait();
    await (await pool.getFunction("repay")(replica.tokenAddresses.USDC, MaxUint256, 2, me)).wait();
    const after = (await pool.getFunction("getUserAccountData")(me)) as bigint[];
    expect(after[1]).to.equal(0n);
    await (await pool.getFunction("withdraw")(replica.tokenAddresses.WETH, MaxUint256, me)).wait();
    expect(await balanceOf(replica, "WETH", me)).to.be.greaterThanOrEqual(collateral);
  });

  it("Balancer V2 flash loans charge nothing and leave the Vault's balance whole", async () => {
    const replica = await loadReplica();
    const probe = (await ethers.deployContract("BalancerFlashLoanProbe", [
      replica.book.balancerV2.vault,
    ])) as unknown as AnyContract;
    const vault = replica.book.balancerV2.vault;
    const amount = parseUnits("250", 18);
    const before = await balanceOf(replica, "WETH", vault);
    expect(before).to.be.greaterThan(amount);
    await (await probe.getFunction("borrow")(replica.tokenAddresses.WETH, amount)).wait();
    expect(await probe.getFunction("lastFee")()).to.equal(0n);
    expect(await balanceOf(replica, "WETH", vault)).to.equal(before);
  });

  for (const fee of [500n, 3000n] as const) {
    it(`Uniswap V3 flash on the ${Number(fee) / 10_000}% pool charges the pool's fee, rounded up`, async () => {
      const replica = await loadReplica();
      const pool = findPool(replica, "uniswapV3", "WETH", "USDC", Number(fee));
      if (pool.dex !== "uniswapV3") throw new Error("not a V3 pool");
      const probe = (await ethers.deployContract("UniswapV3FlashProbe")) as unknown as AnyContract;
      const probeAddress = await probe.getAddress();
      const [deployer] = await ethers.getSigners();
      if (deployer === undefined) throw new Error("no deployer");
      const amounts: Record<string, bigint> = {
        WETH: parseUnits("12.345678901234567", 18),
        USDC: parseUnits("4321.123457", 6),
      };
      const amount0 = amounts[pool.token0] as bigint;
      const amount1 = amounts[pool.token1] as bigint;
      const fee0 = v3FlashFee(amount0, fee);
      const fee1 = v3FlashFee(amount1, fee);
      await fund(replica.tokens, pool.token0, deployer, probeAddress, fee0);
      await fund(replica.tokens, pool.token1, deployer, probeAddress, fee1);
      const before0 = await balanceOf(replica, pool.token0, pool.address);
      const before1 = await balanceOf(replica, pool.token1, pool.address);
      await (await probe.getFunction("borrow")(pool.address, amount0, amount1)).wait();
      expect(await probe.getFunction("lastFee0")()).to.equal(fee0);
      expect(await probe.getFunction("lastFee1")()).to.equal(fee1);
      expect((await balanceOf(replica, pool.token0, pool.address)) - before0).to.equal(fee0);
      expect((await balanceOf(replica, pool.token1, pool.address)) - before1).to.equal(fee1);
    });
  }
});
