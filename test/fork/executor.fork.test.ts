import { expect } from "chai";
import { type Contract, MaxUint256, parseUnits } from "ethers";
import { network } from "hardhat";
import type { Address } from "../../src/addressBook.js";
import { mainnet } from "../../src/addressBooks/mainnet.js";
import { deployExecutor, v2DexIndex } from "../../src/executor/deploy.js";
import { encodeLoan, encodeRoute, type LenderName, type RouteHop } from "../../src/executor/route.js";
import type { AnyContract } from "../../src/replica/deploy.js";

const url = process.env.MAINNET_RPC_URL;
const t = mainnet.tokens;
const erc20 = [
  "function balanceOf(address) view returns (uint256)",
  "function approve(address,uint256) returns (bool)",
  "function deposit() payable",
];
const router = ["function swapExactTokensForTokens(uint256,uint256,address[],address,uint256) returns (uint256[])"];

describe("FlashArbExecutor on a mainnet fork (needs MAINNET_RPC_URL)", function () {
  this.timeout(600_000);
  let connection: Awaited<ReturnType<typeof network.create>>;
  let executor: AnyContract;

  before(async function () {
    if (url === undefined || url === "") {
      console.log(
        "    ⚠ SKIPPED: executor fork tests. Set MAINNET_RPC_URL to an archive Ethereum RPC URL to run them.",
      );
      this.skip();
    }
    connection = await network.create("mainnetFork");
    const [deployer, owner, operator, trader] = await connection.ethers.getSigners();
    if (deployer === undefined || owner === undefined || operator === undefined || trader === undefined) {
      throw new Error("missing signers");
    }
    const deployed = await deployExecutor(deployer, mainnet, (await owner.getAddress()) as Address);
    await (
      await (deployed.connect(owner) as AnyContract).getFunction("setOperator")(await operator.getAddress(), true)
    ).wait();
    await (
      await (deployed.connect(owner) as AnyContract).getFunction("setCurvePool")(mainnet.curve?.threePool, true)
    ).wait();
    executor = deployed.connect(operator) as AnyContract;

    // Dislocate: sell 3,000 WETH for USDC on Uniswap V2 (WETH becomes cheap there), and buy
    // DAI with 2,000,000 USDC on Uniswap V2's DAI/USDC pair (DAI becomes dear there).
    const me = await trader.getAddress();
    const weth = new connection.ethers.Contract(t.WETH, erc20, trader);
    const usdc = new connection.ethers.Contract(t.USDC, erc20, trader);
    const uni = new connection.ethers.Contract(mainnet.uniswapV2.router, router, trader);
    await connection.networkHelpers.setBalance(me, parseUnits("10000", 18));
    await (await weth.getFunction("deposit")({ value: parseUnits("5000", 18) })).wait();
    await (await weth.getFunction("approve")(mainnet.uniswapV2.router, MaxUint256)).wait();
    await (await usdc.getFunction("approve")(mainnet.uniswapV2.router, MaxUint256)).wait();
    await (
      await uni.getFunction("swapExactTokensForTokens")(parseUnits("3000", 18), 0, [t.WETH, t.USDC], me, MaxUint256)
    ).wait();
    await (
      await uni.getFunction("swapExactTokensForTokens")(parseUnits("2000000", 6), 0, [t.USDC, t.DAI], me, MaxUint256)
    ).wait();
  });

  after(async () => {
    await connection?.close();
  });

  const wethRoute: RouteHop[] = [
    { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: t.USDC, feePips: 3000 },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: t.WETH, feePips: 3000 },
  ];
  const loans: Array<[LenderName, ReturnType<typeof encodeLoan>]> = [
    ["AaveV3", encodeLoan("AaveV3", t.WETH, parseUnits("20", 18))],
    ["BalancerV2", encodeLoan("BalancerV2", t.WETH, parseUnits("20", 18))],
    // The WETH/USDT 0.05% pool is not on the route.
    ["UniswapV3", encodeLoan("UniswapV3", t.WETH, parseUnits("20", 18), { pairToken: t.USDT, fee: 500 })],
  ];
  for (const [lender, loan] of loans) {
    it(`${lender}: borrows WETH, arbitrages Sushiswap against Uniswap V2, and keeps the measured profit`, async () => {
      const weth = new connection.ethers.Contract(t.WETH, erc20, connection.ethers.provider);
      const route = encodeRoute(wethRoute);
      const profit = (await executor.getFunction("execute").staticCall(loan, 0, route)) as bigint;
      expect(profit).to.be.greaterThan(0n);
      await expect(executor.getFunction("execute")(loan, profit + 1n, route))
        .to.be.revertedWithCustomError(executor as unknown as Contract, "InsufficientProfit")
        .withArgs(profit + 1n, profit);
      const before = (await weth.getFunction("balanceOf")(await executor.getAddress())) as bigint;
      await (await executor.getFunction("execute")(loan, profit, route)).wait();
      expect(((await weth.getFunction("balanceOf")(await executor.getAddress())) as bigint) - before).to.equal(profit);
    });
  }

  it("Curve: borrows USDC, buys DAI on the 3pool and sells it dear on Uniswap V2", async () => {
    const usdc = new connection.ethers.Contract(t.USDC, erc20, connection.ethers.provider);
    const threePool = mainnet.curve?.threePool as Address;
    const route = encodeRoute([
      // 3pool coins: 0 DAI, 1 USDC, 2 USDT.
      { kind: "Curve", pool: threePool, tokenOut: t.DAI, i: 1, j: 0 },
      { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: t.USDC, feePips: 3000 },
    ]);
    const loan = encodeLoan("BalancerV2", t.USDC, parseUnits("50000", 6));
    const profit = (await executor.getFunction("execute").staticCall(loan, 0, route)) as bigint;
    expect(profit).to.be.greaterThan(0n);
    const before = (await usdc.getFunction("balanceOf")(await executor.getAddress())) as bigint;
    await (await executor.getFunction("execute")(loan, profit, route)).wait();
    expect(((await usdc.getFunction("balanceOf")(await executor.getAddress())) as bigint) - before).to.equal(profit);
    const dai = new connection.ethers.Contract(
      t.DAI,
      ["function allowance(address,address) view returns (uint256)"],
      connection.ethers.provider,
    );
    expect(await dai.getFunction("allowance")(await executor.getAddress(), threePool)).to.equal(0n);
  });
});
