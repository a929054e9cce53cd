import { expect } from "chai";
import { Interface, MaxUint256, parseUnits, ZeroAddress, ZeroHash } from "ethers";
import type { Address } from "../../src/addressBook.js";
import { v2DexIndex } from "../../src/executor/deploy.js";
import { encodeLiquidation, encodeLoan, encodeRoute, Lender, type LenderName } from "../../src/executor/route.js";
import { setOraclePrice } from "../../src/replica/aave.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { openPosition, unitsOf } from "../../src/replica/positions.js";
import { fund } from "../../src/replica/tokens.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../fixtures/executor.js";

const AAVE_EVENTS = new Interface([
  "event LiquidationCall(address indexed collateralAsset, address indexed debtAsset, address indexed user, uint256 debtToCover, uint256 liquidatedCollateralAmount, address liquidator, bool receiveAToken)",
]);

/** Alice: 10 WETH supplied, 18,000 USDC borrowed; then WETH falls to $2,150 (health factor 0.985). */
async function aliceUnderwater(f: ExecutorFixture): Promise<Address> {
  const signers = await ethers.getSigners();
  const [deployer, alice] = [signers[0], signers[6]];
  if (deployer === undefined || alice === undefined) throw new Error("missing signers");
  const user = await openPosition(f.replica, alice, [["WETH", "10"]], [["USDC", "18000"]]);
  await setOraclePrice(f.replica.aave, deployer, f.replica.tokenAddresses.WETH, 2_150n * 10n ** 8n);
  return user;
}

/** WETH back to USDC on Uniswap V2's pair. */
function wethToUsdc(f: ExecutorFixture): `0x${string}` {
  return encodeRoute([
    {
      kind: "UniswapV2",
      factoryIndex: v2DexIndex("uniswapV2"),
      tokenOut: f.replica.tokenAddresses.USDC,
      feePips: 3000,
    },
  ]);
}

function loanOf(f: ExecutorFixture, lender: LenderName, amount: bigint) {
  const t = f.replica.tokenAddresses;
  return lender === "UniswapV3"
    ? encodeLoan(lender, t.USDC, amount, { pairToken: t.WETH, fee: 3000 })
    : encodeLoan(lender, t.USDC, amount);
}

async function balanceOf(f: ExecutorFixture, symbol: "WETH" | "USDC", holder: string): Promise<bigint> {
  return (await f.replica.tokens[symbol].getFunction("balanceOf")(holder)) as bigint;
}

async function variableDebt(f: ExecutorFixture, user: Address): Promise<bigint> {
  const data = await (f.replica.aave.pool as AnyContract).getFunction("getReserveData")(f.replica.tokenAddresses.USDC);
  const debtToken = new ethers.Contract(
    data.variableDebtTokenAddress as string,
    ["function balanceOf(address) view returns (uint256)"],
    ethers.provider,
  );
  return (await debtToken.getFunction("balanceOf")(user)) as bigint;
}

describe("FlashArbExecutor.liquidate", () => {
  for (const lender of ["AaveV3", "BalancerV2", "UniswapV3", "MorphoBlue", "UniswapV4"] as const) {
    it(`borrows from ${lender}, liquidates, swaps only the seized collateral back and keeps the bonus`, async () => {
      const f = await loadExecutor();
      const user = await aliceUnderwater(f);
      // WETH the executor already holds must not be sold by the route.
      await fund(f.replica.tokens, "WETH", f.trader, f.executorAddress, parseUnits("3", 18));
      const wethBefore = await balanceOf(f, "WETH", f.executorAddress);
      const usdcBefore = await balanceOf(f, "USDC", f.executorAddress);
      const debtBefore = await variableDebt(f, user);
      const debtToCover = unitsOf("USDC", "9000");
      const executor = f.executor.connect(f.operator) as AnyContract;
      const args = [
        loanOf(f, lender, debtToCover),
        encodeLiquidation(f.replica.tokenAddresses.WETH, user, debtToCover),
        1n,
        wethToUsdc(f),
      ] as const;
      const simulated = (await executor.getFunction("liquidate").staticCall(...args)) as bigint;
      const receipt = await (await executor.getFunction("liquidate")(...args)).wait();

      const usdcAfter = await balanceOf(f, "USDC", f.executorAddress);
      expect(usdcAfter - usdcBefore).to.equal(simulated);
      expect(simulated).to.be.greaterThan(unitsOf("USDC", "1000"));
      expect(await balanceOf(f, "WETH", f.executorAddress)).to.equal(wethBefore);

      const logs = receipt.logs as { address: string; topics: string[]; data: string }[];
      const ours = logs
        .filter((l) => l.address === f.executorAddress)
        .map((l) => executor.interface.parseLog(l))
        .find((p) => p?.name === "LiquidationExecuted");
      expect(ours?.args.lender).to.equal(BigInt(Lender[lender]));
      expect(ours?.args.debtAsset).to.equal(f.replica.tokenAddresses.USDC);
      expect(ours?.args.collateralAsset).to.equal(f.replica.tokenAddresses.WETH);
      expect(ours?.args.user).to.equal(user);
      expect(ours?.args.amount).to.equal(debtToCover);
      expect(ours?.args.profit).to.equal(simulated);
      expect(logs.some((l) => executor.interface.parseLog(l)?.name === "ArbitrageExecuted")).to.equal(false);
      const aave = logs
        .filter((l) => l.address === f.replica.aave.deployment.pool)
        .map((l) => AAVE_EVENTS.parseLog(l))
        .find((p) => p?.name === "LiquidationCall");
      expect(aave?.args.liquidator).to.equal(f.executorAddress);
      expect(aave?.args.debtToCover).to.equal(debtToCover);
      // The debt fell by what was repaid (the rest of the difference is a block of interest).
      const debtAfter = await variableDebt(f, user);
      expect(debtBefore - debtAfter).to.be.within(debtToCover - 10n, debtToCover);
      // No allowance left to the Pool or to the lender.
      for (const spender of [
        f.replica.aave.deployment.pool,
        f.replica.book.morphoBlue.morpho,
        f.replica.book.uniswapV4.poolManager,
      ])
        expect(await f.replica.tokens.USDC.getFunction("allowance")(f.executorAddress, spender)).to.equal(0n);
    });
  }

  it("pays the profit to the profit receiver", async () => {
    const f = await loadExecutor();
    const user = await aliceUnderwater(f);
    const receiver = await f.stranger.getAddress();
    await (await f.executor.getFunction("setProfitReceiver")(receiver)).wait();
    const before = await balanceOf(f, "USDC", receiver);
    const debtToCover = unitsOf("USDC", "5000");
    const executor = f.executor.connect(f.operator) as AnyContract;
    const args = [
      loanOf(f, "BalancerV2", debtToCover),
      encodeLiquidation(f.replica.tokenAddresses.WETH, user, debtToCover),
      1n,
      wethToUsdc(f),
    ] as const;
    const simulated = (await executor.getFunction("liquidate").staticCall(...args)) as bigint;
    await (await executor.getFunction("liquidate")(...args)).wait();
    expect((await balanceOf(f, "USDC", receiver)) - before).to.equal(simulated);
  });

  it("liquidates collateral in the debt asset itself with an empty route", async () => {
    const f = await loadExecutor();
    const signers = await ethers.getSigners();
    const [deployer, bob] = [signers[0], signers[7]];
    if (deployer === undefined || bob === undefined) throw new Error("missing signers");
    const user = await openPosition(
      f.replica,
      bob,
      [
        ["WETH", "10"],
        ["USDC", "10000"],
      ],
      [["USDC", "24000"]],
    );
    await setOraclePrice(f.replica.aave, deployer, f.replica.tokenAddresses.WETH, 1_500n * 10n ** 8n);
    const debtToCover = unitsOf("USDC", "9000");
    const executor = f.executor.connect(f.operator) as AnyContract;
    const before = await balanceOf(f, "USDC", f.executorAddress);
    const args = [
      loanOf(f, "BalancerV2", debtToCover),
      encodeLiquidation(f.replica.tokenAddresses.USDC, user, debtToCover),
      1n,
      "0x",
    ] as const;
    const simulated = (await executor.getFunction("liquidate").staticCall(...args)) as bigint;
    await (await executor.getFunction("liquidate")(...args)).wait();
    // The bonus on 9,000 USDC is 5%, less the protocol's share of it.
    expect(simulated).to.be.greaterThan(0n);
    expect(simulated).to.be.at.most(unitsOf("USDC", "450"));
    expect((await balanceOf(f, "USDC", f.executorAddress)) - before).to.equal(simulated);
  });

  it("asks for more than the close factor allows: the Pool takes what it may, the loan's rest is repaid from it, and no allowance is left", async () => {
    const f = await loadExecutor();
    const user = await aliceUnderwater(f);
    const debt = await variableDebt(f, user);
    const executor = f.executor.connect(f.operator) as AnyContract;
    const before = await balanceOf(f, "USDC", f.executorAddress);
    // Borrow all of her debt but let the Pool decide: at 0.985 it takes half.
    const args = [
      loanOf(f, "BalancerV2", debt),
      encodeLiquidation(f.replica.tokenAddresses.WETH, user, MaxUint256),
      1n,
      wethToUsdc(f),
    ] as const;
    const simulated = (await executor.getFunction("liquidate").staticCall(...args)) as bigint;
    const receipt = await (await executor.getFunction("liquidate")(...args)).wait();
    const aave = (receipt.logs as { address: string; topics: string[]; data: string }[])
      .filter((l) => l.address === f.replica.aave.deployment.pool)
      .map((l) => AAVE_EVENTS.parseLog(l))
      .find((p) => p?.name === "LiquidationCall");
    expect(aave?.args.debtToCover).to.be.within(debt / 2n - 1n, debt / 2n + 1n);
    expect((await balanceOf(f, "USDC", f.executorAddress)) - before).to.equal(simulated);
    expect(
      await f.replica.tokens.USDC.getFunction("allowance")(f.executorAddress, f.replica.aave.deployment.pool),
    ).to.equal(0n);
  });

  describe("refusals", () => {
    it("a route when the collateral is the debt asset itself", async () => {
      const f = await loadExecutor();
      const user = await aliceUnderwater(f);
      const t = f.replica.tokenAddresses;
      const route = encodeRoute([
        { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: t.WETH, feePips: 3000 },
        { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: t.USDC, feePips: 3000 },
      ]);
      await expect(
        (f.executor.connect(f.operator) as AnyContract).getFunction("liquidate")(
          loanOf(f, "BalancerV2", 1000n),
          encodeLiquidation(t.USDC, user, 1000n),
          1n,
          route,
        ),
      )
        .to.be.revertedWithCustomError(f.executor, "RouteForCollateralInDebtAsset")
        .withArgs(82);
    });

    it("an empty route when the collateral is another token", async () => {
      const f = await loadExecutor();
      const user = await aliceUnderwater(f);
      const t = f.replica.tokenAddresses;
      await expect(
        (f.executor.connect(f.operator) as AnyContract).getFunction("liquidate")(
          loanOf(f, "BalancerV2", 1000n),
          encodeLiquidation(t.WETH, user, 1000n),
          1n,
          "0x",
        ),
      )
        .to.be.revertedWithCustomError(f.executor, "RouteDoesNotCloseLoop")
        .withArgs(t.USDC, t.WETH);
    });

    it("a route that does not end in the debt asset", async () => {
      const f = await loadExecutor();
      const user = await aliceUnderwater(f);
      const t = f.replica.tokenAddresses;
      const route = encodeRoute([
        { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: t.DAI, feePips: 3000 },
      ]);
      await expect(
        (f.executor.connect(f.operator) as AnyContract).getFunction("liquidate")(
          loanOf(f, "BalancerV2", 1000n),
          encodeLiquidation(t.WETH, user, 1000n),
          1n,
          route,
        ),
      )
        .to.be.revertedWithCustomError(f.executor, "RouteDoesNotCloseLoop")
        .withArgs(t.USDC, t.DAI);
    });

    it("a healthy position: the Pool's own refusal comes back and nothing moves", async () => {
      const f = await loadExecutor();
      const signers = await ethers.getSigners();
      const carol = signers[8];
      if (carol === undefined) throw new Error("missing signers");
      const user = await openPosition(f.replica, carol, [["WETH", "10"]], [["USDC", "10000"]]);
      const usdcBefore = await balanceOf(f, "USDC", f.executorAddress);
      const debtToCover = unitsOf("USDC", "1000");
      // HEALTH_FACTOR_NOT_BELOW_THRESHOLD is error 45 of Aave V3.0's Errors library.
      await expect(
        (f.executor.connect(f.operator) as AnyContract).getFunction("liquidate")(
          loanOf(f, "AaveV3", debtToCover),
          encodeLiquidation(f.replica.tokenAddresses.WETH, user, debtToCover),
          0n,
          wethToUsdc(f),
        ),
      ).to.be.revertedWith("45");
      expect(await balanceOf(f, "USDC", f.executorAddress)).to.equal(usdcBefore);
    });

    it("a floor above the profit", async () => {
      const f = await loadExecutor();
      const user = await aliceUnderwater(f);
      const debtToCover = unitsOf("USDC", "9000");
      const executor = f.executor.connect(f.operator) as AnyContract;
      const args = [
        loanOf(f, "BalancerV2", debtToCover),
        encodeLiquidation(f.replica.tokenAddresses.WETH, user, debtToCover),
      ] as const;
      const profit = (await executor.getFunction("liquidate").staticCall(...args, 0n, wethToUsdc(f))) as bigint;
      await expect(executor.getFunction("liquidate")(...args, profit + 1n, wethToUsdc(f)))
        .to.be.revertedWithCustomError(f.executor, "InsufficientProfit")
        .withArgs(profit + 1n, profit);
    });

    it("anyone but an operator, and an operator while paused", async () => {
      const f = await loadExecutor();
      const user = await aliceUnderwater(f);
      const args = [
        loanOf(f, "BalancerV2", 1000n),
        encodeLiquidation(f.replica.tokenAddresses.WETH, user, 1000n),
        1n,
        wethToUsdc(f),
      ] as const;
      await expect((f.executor.connect(f.stranger) as AnyContract).getFunction("liquidate")(...args))
        .to.be.revertedWithCustomError(f.executor, "NotOperator")
        .withArgs(await f.stranger.getAddress());
      await (await f.executor.getFunction("pause")()).wait();
      await expect(
        (f.executor.connect(f.operator) as AnyContract).getFunction("liquidate")(...args),
      ).to.be.revertedWithCustomError(f.executor, "ExecutionPaused");
    });

    it("an executor deployed without an Aave V3 Pool", async () => {
      const f = await loadExecutor();
      const operator = await f.operator.getAddress();
      const bare = (await ethers.deployContract("FlashArbExecutor", [
        {
          owner: operator,
          aavePool: ZeroAddress,
          balancerVault: f.replica.book.balancerV2.vault,
          morpho: f.replica.book.morphoBlue.morpho,
          poolManager: ZeroAddress,
          uniswapV3Factory: ZeroAddress,
          uniswapV3InitCodeHash: ZeroHash,
          v2Dexes: [],
          operators: [operator],
          profitReceiver: ZeroAddress,
          curvePools: [],
        },
      ])) as unknown as AnyContract;
      await expect(
        (bare.connect(f.operator) as AnyContract).getFunction("liquidate")(
          loanOf(f, "BalancerV2", 1000n),
          encodeLiquidation(f.replica.tokenAddresses.USDC, operator as Address, 1000n),
          1n,
          "0x",
        ),
      ).to.be.revertedWithCustomError(bare, "LiquidationPoolNotConfigured");
    });
  });
});
