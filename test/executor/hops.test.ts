import { expect } from "chai";
import { AbiCoder, Interface, MaxUint256, parseUnits, type Signer } from "ethers";
import type { Address } from "../../src/addressBook.js";
import { v2DexIndex } from "../../src/executor/deploy.js";
import { encodeLoan, encodeRoute, type Loan, type RouteHop } from "../../src/executor/route.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { fund } from "../../src/replica/tokens.js";
import { liquidityForAmounts, type V4PoolKey } from "../../src/replica/uniswapV4.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../fixtures/executor.js";

const PAIR = new Interface([
  "event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)",
]);

/** A test double of Curve's `exchange` interface between two replica tokens, funded with the output token. */
async function curveDouble(
  f: ExecutorFixture,
  coin0: "USDC" | "FOT",
  coin1: "DAI" | "WETH" | "FOT",
  fundOut: bigint,
): Promise<{ pool: AnyContract; address: Address }> {
  const [deployer] = await ethers.getSigners();
  const pool = (await ethers.deployContract("CurveExchangeDouble", [
    f.replica.tokenAddresses[coin0],
    f.replica.tokenAddresses[coin1],
  ])) as unknown as AnyContract;
  const address = (await pool.getAddress()) as Address;
  await fund(f.replica.tokens, coin1, deployer as Signer, address, fundOut);
  await (await f.executor.getFunction("setCurvePool")(address, true)).wait();
  return { pool, address };
}

/** Approves the Vault for `tokens` and joins `poolId` with `amounts` as the deployer, who holds them. */
async function joinPool(
  f: ExecutorFixture,
  poolId: string,
  tokens: readonly string[],
  amounts: readonly bigint[],
  userData: string,
): Promise<void> {
  const [deployer] = await ethers.getSigners();
  const me = await (deployer as Signer).getAddress();
  const vault = f.replica.balancer.vault.connect(deployer as Signer) as AnyContract;
  for (const token of tokens) {
    const erc20 = new ethers.Contract(token, ["function approve(address, uint256) returns (bool)"], deployer);
    await (await erc20.getFunction("approve")(await vault.getAddress(), MaxUint256)).wait();
  }
  const request = { assets: tokens, maxAmountsIn: amounts, userData, fromInternalBalance: false };
  await (await vault.getFunction("joinPool")(poolId, me, me, request)).wait();
}

function execute(f: ExecutorFixture, loan: Loan, route: string, minProfit = 0n) {
  return (f.executor.connect(f.operator) as AnyContract).getFunction("execute")(loan, minProfit, route);
}

const balanceOf = (f: ExecutorFixture, symbol: "WETH" | "USDC" | "DAI" | "FOT", who: string) =>
  f.replica.tokens[symbol].getFunction("balanceOf")(who) as Promise<bigint>;

describe("hops", () => {
  describe("Curve, through a test double of its exchange interface", () => {
    /** WETH → USDC on Uniswap V2, USDC → DAI on the double (5% above par), DAI → WETH on Uniswap V2. */
    async function usdcDaiCycle(f: ExecutorFixture, curveMin = 0n) {
      const curve = await curveDouble(f, "USDC", "DAI", parseUnits("100000", 18));
      await (await curve.pool.getFunction("setRate")(0, 120n * 10n ** 10n, 1n)).wait();
      const hops: RouteHop[] = [
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("uniswapV2"),
          tokenOut: f.replica.tokenAddresses.USDC,
          feePips: 3000,
        },
        {
          kind: "Curve",
          pool: curve.address,
          tokenOut: f.replica.tokenAddresses.DAI,
          i: 0,
          j: 1,
          minAmountOut: curveMin,
        },
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("uniswapV2"),
          tokenOut: f.replica.tokenAddresses.WETH,
          feePips: 3000,
        },
      ];
      return { curve, route: encodeRoute(hops) };
    }

    it("passes on the output measured from balances, not the executor's holdings, and clears what allowance the pool left", async () => {
      const f = await loadExecutor();
      const { curve, route } = await usdcDaiCycle(f);
      // The pool takes 90% of what it is approved for; the executor already holds DAI.
      await (await curve.pool.getFunction("setPullBps")(9000)).wait();
      const [deployer] = await ethers.getSigners();
      const heldDai = parseUnits("500", 18);
      await fund(f.replica.tokens, "DAI", deployer as Signer, f.executorAddress, heldDai);
      const wethBefore = await balanceOf(f, "WETH", f.executorAddress);
      const poolDaiBefore = await balanceOf(f, "DAI", curve.address);
      const receipt = await (
        await execute(f, encodeLoan("BalancerV2", f.replica.tokenAddresses.WETH, 10n ** 18n), route)
      ).wait();
      // Exactly what the pool paid went on to the next hop: the held DAI is untouched.
      expect(await balanceOf(f, "DAI", f.executorAddress)).to.equal(heldDai);
      const paid = poolDaiBefore - (await balanceOf(f, "DAI", curve.address));
      const pair = await f.replica.uniswapV2.factory.getFunction("getPair")(
        f.replica.tokenAddresses.DAI,
        f.replica.tokenAddresses.WETH,
      );
      const swap = receipt.logs
        .filter((log: { address: string }) => log.address === pair)
        .map((log: { topics: string[]; data: string }) => PAIR.parseLog(log))
        .find((parsed: { name: string } | null) => parsed?.name === "Swap");
      const daiIn = (swap.args.amount0In as bigint) + (swap.args.amount1In as bigint);
      expect(daiIn).to.equal(paid);
      // The allowance the pool left unspent is cleared.
      expect(await f.replica.tokens.USDC.getFunction("allowance")(f.executorAddress, curve.address)).to.equal(0n);
      // The profit reported is the loan token's measured gain.
      const executed = receipt.logs
        .map((log: { topics: string[]; data: string }) => f.executor.interface.parseLog(log as never))
        .find((parsed: { name: string } | null) => parsed?.name === "ArbitrageExecuted");
      expect(executed.args.profit).to.equal((await balanceOf(f, "WETH", f.executorAddress)) - wethBefore);
      expect(executed.args.profit > 0n).to.equal(true);
    });

    it("checks the hop's minimum against the measured output, which a short-delivering coin makes less than the pool paid", async () => {
      const f = await loadExecutor();
      const curve = await curveDouble(f, "USDC", "FOT", parseUnits("100000", 18));
      await (await curve.pool.getFunction("setRate")(0, 10n ** 12n, 1n)).wait();
      const amounts = (await f.replica.uniswapV2.router.getFunction("getAmountsOut")(10n ** 17n, [
        f.replica.tokenAddresses.WETH,
        f.replica.tokenAddresses.USDC,
      ])) as bigint[];
      // The pool pays exactly its quote and its own minimum check passes; 1% of it burns on the way.
      const paid = (amounts[1] as bigint) * 10n ** 12n;
      const arrived = paid - (paid * 100n) / 10_000n;
      const route = encodeRoute([
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("uniswapV2"),
          tokenOut: f.replica.tokenAddresses.USDC,
          feePips: 3000,
        },
        { kind: "Curve", pool: curve.address, tokenOut: f.replica.tokenAddresses.FOT, i: 0, j: 1, minAmountOut: paid },
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("uniswapV2"),
          tokenOut: f.replica.tokenAddresses.WETH,
          feePips: 3000,
        },
      ]);
      await expect(execute(f, encodeLoan("BalancerV2", f.replica.tokenAddresses.WETH, 10n ** 17n), route))
        .to.be.revertedWithCustomError(f.executor, "HopOutputTooLow")
        .withArgs(1n, paid, arrived);
    });
  });

  describe("a token that delivers short into a hop that pulls its input", () => {
    const held = parseUnits("100", 18);

    /** Loan WETH → FOT on Uniswap V2 (1% of every transfer burned) → WETH through `pulling`. */
    async function shortDelivery(f: ExecutorFixture, pulling: RouteHop, lender: "BalancerV2" | "AaveV3") {
      const [deployer] = await ethers.getSigners();
      await fund(f.replica.tokens, "FOT", deployer as Signer, f.executorAddress, held);
      const route = encodeRoute([
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("uniswapV2"),
          tokenOut: f.replica.tokenAddresses.FOT,
          feePips: 3000,
        },
        pulling,
      ]);
      const receipt = await (
        await execute(f, encodeLoan(lender, f.replica.tokenAddresses.WETH, 10n ** 17n), route)
      ).wait();
      expect(receipt.status).to.equal(1);
      // The FOT the executor held before is all still there: the pulling hop took only what arrived.
      expect(await balanceOf(f, "FOT", f.executorAddress)).to.equal(held);
    }

    it("Curve", async () => {
      const f = await loadExecutor();
      const curve = await curveDouble(f, "FOT", "WETH", parseUnits("10", 18));
      await (await curve.pool.getFunction("setRate")(0, 1n, 2500n)).wait();
      await shortDelivery(
        f,
        { kind: "Curve", pool: curve.address, tokenOut: f.replica.tokenAddresses.WETH, i: 0, j: 1 },
        "BalancerV2",
      );
    });

    it("Balancer V2", async () => {
      const f = await loadExecutor();
      const [deployer] = await ethers.getSigners();
      const me = await (deployer as Signer).getAddress();
      // Anyone may create a Balancer pool: a FOT/WETH pool pricing FOT 20% above Uniswap's.
      const fot = f.replica.tokenAddresses.FOT;
      const weth = f.replica.tokenAddresses.WETH;
      const tokens = BigInt(fot) < BigInt(weth) ? [fot, weth] : [weth, fot];
      const amounts = tokens.map((t) => (t === fot ? parseUnits("25000", 18) : parseUnits("10", 18)));
      const factory = f.replica.balancer.weightedPoolFactory.connect(deployer as Signer) as AnyContract;
      const created = await (
        await factory.getFunction("create")(
          "FOT-WETH",
          "B-FOT-WETH",
          tokens,
          [parseUnits("0.5", 18), parseUnits("0.5", 18)],
          parseUnits("0.003", 18),
          me,
        )
      ).wait();
      const poolAddress = created.logs
        .map((log: { topics: string[]; data: string }) => factory.interface.parseLog(log as never))
        .find((parsed: { name: string } | null) => parsed?.name === "PoolCreated").args[0] as string;
      const pool = new ethers.Contract(poolAddress, ["function getPoolId() view returns (bytes32)"], ethers.provider);
      const poolId = (await pool.getFunction("getPoolId")()) as `0x${string}`;
      await fund(f.replica.tokens, "FOT", deployer as Signer, me, parseUnits("25000", 18));
      // The weighted pool's initial join: kind 0, then the amounts.
      await joinPool(
        f,
        poolId,
        tokens,
        amounts,
        AbiCoder.defaultAbiCoder().encode(["uint256", "uint256[]"], [0n, amounts]),
      );
      await shortDelivery(f, { kind: "BalancerV2", poolId, tokenOut: weth }, "AaveV3");
      // The first hop's minimum is checked against what arrived, not what the pair paid.
      const nominal = (
        (await f.replica.uniswapV2.router.getFunction("getAmountsOut")(10n ** 17n, [weth, fot])) as bigint[]
      )[1] as bigint;
      const arrived = nominal - (nominal * 100n) / 10_000n;
      const route = encodeRoute([
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("uniswapV2"),
          tokenOut: fot,
          feePips: 3000,
          minAmountOut: arrived + 1n,
        },
        { kind: "BalancerV2", poolId, tokenOut: weth },
      ]);
      await expect(execute(f, encodeLoan("AaveV3", weth, 10n ** 17n), route))
        .to.be.revertedWithCustomError(f.executor, "HopOutputTooLow")
        .withArgs(0n, arrived + 1n, arrived);
    });
  });

  describe("Uniswap V4, where the PoolManager credits only what arrives", () => {
    /**
     * A hookless FOT/WETH V4 pool pricing FOT 20% above Uniswap V2's, with one position holding
     * only WETH on the side a FOT sale moves the price to.
     */
    async function fotWethV4Pool(f: ExecutorFixture): Promise<V4PoolKey> {
      const [deployer] = await ethers.getSigners();
      const me = await (deployer as Signer).getAddress();
      const fot = f.replica.tokenAddresses.FOT;
      const weth = f.replica.tokenAddresses.WETH;
      const fotIs0 = BigInt(fot) < BigInt(weth);
      const key: V4PoolKey = {
        currency0: fotIs0 ? fot : weth,
        currency1: fotIs0 ? weth : fot,
        fee: 3000,
        tickSpacing: 60,
        hooks: "0x0000000000000000000000000000000000000000",
      };
      // 1 FOT = 1/2,500 WETH: sqrt(1/2500)·2^96 with FOT as token0, sqrt(2500)·2^96 otherwise.
      const sqrtPriceX96 = fotIs0 ? (1n << 96n) / 50n : (1n << 96n) * 50n;
      const manager = f.replica.uniswapV4.poolManager.connect(deployer as Signer) as AnyContract;
      await (await manager.getFunction("initialize")(key, sqrtPriceX96)).wait();
      // Selling FOT moves the price toward WETH's side: below the current tick when FOT is token0.
      const [tickLower, tickUpper] = fotIs0 ? [-79_200, -78_300] : [78_300, 79_200];
      const liquidity = liquidityForAmounts(
        sqrtPriceX96,
        tickLower,
        tickUpper,
        parseUnits("10", 18),
        parseUnits("10", 18),
      );
      await fund(f.replica.tokens, "WETH", deployer as Signer, me, parseUnits("20", 18));
      const router = f.replica.uniswapV4.liquidityRouter.connect(deployer as Signer) as AnyContract;
      await (
        await router.getFunction(
          "modifyLiquidity((address,address,uint24,int24,address),(int24,int24,int256,bytes32),bytes)",
        )(key, { tickLower, tickUpper, liquidityDelta: liquidity, salt: `0x${"00".repeat(32)}` }, "0x")
      ).wait();
      return key;
    }

    it("a V4 pool that runs out of liquidity fills partly: the manager is paid what the swap took, the rest stays", async () => {
      const f = await loadExecutor();
      const [deployer] = await ethers.getSigners();
      const me = await (deployer as Signer).getAddress();
      const { WETH, DAI } = f.replica.tokenAddresses;
      // A hookless WETH/DAI 0.3% pool at 1 WETH = 3,969 DAI holding only 1,000 DAI, below the price
      // (the side a WETH sale moves it to).
      const wethIs0 = BigInt(WETH) < BigInt(DAI);
      const key: V4PoolKey = {
        currency0: wethIs0 ? WETH : DAI,
        currency1: wethIs0 ? DAI : WETH,
        fee: 3000,
        tickSpacing: 60,
        hooks: "0x0000000000000000000000000000000000000000",
      };
      const sqrtPriceX96 = wethIs0 ? (1n << 96n) * 63n : (1n << 96n) / 63n;
      const manager = f.replica.uniswapV4.poolManager.connect(deployer as Signer) as AnyContract;
      await (await manager.getFunction("initialize")(key, sqrtPriceX96)).wait();
      const tick = Math.round(Math.log(wethIs0 ? 63 * 63 : 1 / (63 * 63)) / Math.log(1.0001));
      const [tickLower, tickUpper] = wethIs0
        ? [Math.floor((tick - 600) / 60) * 60, Math.floor((tick - 60) / 60) * 60]
        : [Math.ceil((tick + 60) / 60) * 60, Math.ceil((tick + 600) / 60) * 60];
      const liquidity = liquidityForAmounts(
        sqrtPriceX96,
        tickLower,
        tickUpper,
        parseUnits("1000", 18),
        parseUnits("1000", 18),
      );
      await fund(f.replica.tokens, "DAI", deployer as Signer, me, parseUnits("2000", 18));
      await (
        await f.replica.tokens.DAI.connect(deployer as Signer).getFunction("approve")(
          await f.replica.uniswapV4.liquidityRouter.getAddress(),
          MaxUint256,
        )
      ).wait();
      const router = f.replica.uniswapV4.liquidityRouter.connect(deployer as Signer) as AnyContract;
      await (
        await router.getFunction(
          "modifyLiquidity((address,address,uint24,int24,address),(int24,int24,int256,bytes32),bytes)",
        )(key, { tickLower, tickUpper, liquidityDelta: liquidity, salt: `0x${"00".repeat(32)}` }, "0x")
      ).wait();
      const route = encodeRoute([
        { kind: "UniswapV4", tokenOut: DAI, fee: 3000, tickSpacing: 60 },
        { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: WETH, feePips: 3000 },
      ]);
      const loan = parseUnits("10", 18);
      const managerBefore = await balanceOf(f, "WETH", f.replica.book.uniswapV4.poolManager);
      const executorBefore = await balanceOf(f, "WETH", f.executorAddress);
      const receipt = await (await execute(f, encodeLoan("MorphoBlue", WETH, loan), route)).wait();
      // The pool took a fraction of the WETH; the executor paid exactly that and kept the rest,
      // which went back to the lender with the repayment.
      const swap = receipt.logs
        .map((l: { topics: string[]; data: string }) => f.replica.uniswapV4.poolManager.interface.parseLog(l as never))
        .find((p: { name: string } | null) => p?.name === "Swap");
      const taken = -(wethIs0 ? (swap?.args.amount0 as bigint) : (swap?.args.amount1 as bigint));
      expect(taken).to.be.greaterThan(0n).and.lessThan(loan);
      expect((await balanceOf(f, "WETH", f.replica.book.uniswapV4.poolManager)) - managerBefore).to.equal(taken);
      const executed = receipt.logs
        .map((l: { topics: string[]; data: string }) => f.executor.interface.parseLog(l as never))
        .find((p: { name: string } | null) => p?.name === "ArbitrageExecuted");
      expect((await balanceOf(f, "WETH", f.executorAddress)) - executorBefore).to.equal(executed?.args.profit);
      expect(executed?.args.profit as bigint).to.be.greaterThan(0n);
    });

    it("a fee-on-transfer token into a V4 hop: the unlock reverts with CurrencyNotSettled, nothing held is spent", async () => {
      const f = await loadExecutor();
      const key = await fotWethV4Pool(f);
      const [deployer] = await ethers.getSigners();
      await fund(f.replica.tokens, "FOT", deployer as Signer, f.executorAddress, parseUnits("100", 18));
      const route = encodeRoute([
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("uniswapV2"),
          tokenOut: f.replica.tokenAddresses.FOT,
          feePips: 3000,
        },
        { kind: "UniswapV4", tokenOut: f.replica.tokenAddresses.WETH, fee: key.fee, tickSpacing: key.tickSpacing },
      ]);
      // The pool does pay: 250 FOT (about what 0.1 WETH buys on V2) quote above 0.09 WETH.
      const [quoted] = (await f.replica.uniswapV4.quoter.getFunction("quoteExactInputSingle").staticCall({
        poolKey: key,
        zeroForOne: key.currency0 === f.replica.tokenAddresses.FOT,
        exactAmount: parseUnits("250", 18),
        hookData: "0x",
      })) as unknown as [bigint];
      expect(quoted).to.be.greaterThan(parseUnits("0.09", 18));
      const loan = encodeLoan("AaveV3", f.replica.tokenAddresses.WETH, 10n ** 17n);
      await expect(execute(f, loan, route)).to.be.revertedWithCustomError(
        f.replica.uniswapV4.poolManager,
        "CurrencyNotSettled",
      );
      expect(await balanceOf(f, "FOT", f.executorAddress)).to.equal(parseUnits("100", 18));
    });
  });

  describe("Uniswap V3, which checks its balance after the swap callback", () => {
    it("a fee-on-transfer token into a V3 hop: the pool reverts (IIA), nothing held is spent", async () => {
      const f = await loadExecutor();
      const [deployer] = await ethers.getSigners();
      const me = await (deployer as Signer).getAddress();
      const fot = f.replica.tokenAddresses.FOT;
      const weth = f.replica.tokenAddresses.WETH;
      const fotIs0 = BigInt(fot) < BigInt(weth);
      const [token0, token1] = fotIs0 ? [fot, weth] : [weth, fot];
      // 1 FOT = 1/2,500 WETH, and one position holding only WETH where a FOT sale moves the price.
      const sqrtPriceX96 = fotIs0 ? (1n << 96n) / 50n : (1n << 96n) * 50n;
      const npm = f.replica.uniswapV3.positionManager.connect(deployer as Signer) as AnyContract;
      await (await npm.getFunction("createAndInitializePoolIfNecessary")(token0, token1, 3000, sqrtPriceX96)).wait();
      await fund(f.replica.tokens, "WETH", deployer as Signer, me, parseUnits("20", 18));
      await (
        await f.replica.tokens.WETH.connect(deployer as Signer).getFunction("approve")(
          await npm.getAddress(),
          MaxUint256,
        )
      ).wait();
      const [tickLower, tickUpper] = fotIs0 ? [-79_200, -78_300] : [78_300, 79_200];
      await (
        await npm.getFunction("mint")({
          token0,
          token1,
          fee: 3000,
          tickLower,
          tickUpper,
          amount0Desired: fotIs0 ? 0n : parseUnits("10", 18),
          amount1Desired: fotIs0 ? parseUnits("10", 18) : 0n,
          amount0Min: 0,
          amount1Min: 0,
          recipient: me,
          deadline: MaxUint256,
        })
      ).wait();
      // The pool does pay: 250 FOT quote above 0.09 WETH.
      const [quoted] = (await f.replica.uniswapV3.quoterV2.getFunction("quoteExactInputSingle").staticCall({
        tokenIn: fot,
        tokenOut: weth,
        amountIn: parseUnits("250", 18),
        fee: 3000,
        sqrtPriceLimitX96: 0,
      })) as unknown as [bigint];
      expect(quoted).to.be.greaterThan(parseUnits("0.09", 18));
      await fund(f.replica.tokens, "FOT", deployer as Signer, f.executorAddress, parseUnits("100", 18));
      const route = encodeRoute([
        { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: fot, feePips: 3000 },
        { kind: "UniswapV3", tokenOut: weth, fee: 3000 },
      ]);
      await expect(execute(f, encodeLoan("AaveV3", weth, 10n ** 17n), route)).to.be.revertedWith("IIA");
      expect(await balanceOf(f, "FOT", f.executorAddress)).to.equal(parseUnits("100", 18));
    });
  });

  describe("a Balancer pool anyone registered, re-entering from onSwap", () => {
    it("gets nothing through: the executor refuses it and the Vault's guard holds; the trade's own checks still decide", async () => {
      const f = await loadExecutor();
      const [deployer] = await ethers.getSigners();
      const me = await (deployer as Signer).getAddress();
      const weth = f.replica.tokenAddresses.WETH;
      const usdc = f.replica.tokenAddresses.USDC;
      const tokens = BigInt(weth) < BigInt(usdc) ? [weth, usdc] : [usdc, weth];
      // Prices WETH → USDC at 3,300 (10% above the market), so the cycle back through Uniswap V2 pays.
      const pool = (await ethers.deployContract("ReentrantBalancerPool", [
        f.replica.book.balancerV2.vault,
        tokens,
        f.executorAddress,
        3300n * 10n ** 6n,
      ])) as unknown as AnyContract;
      const poolId = (await pool.getFunction("poolId")()) as `0x${string}`;
      const amounts = tokens.map((t) => (t === weth ? parseUnits("10", 18) : parseUnits("50000", 6)));
      await fund(f.replica.tokens, "USDC", deployer as Signer, me, parseUnits("50000", 6));
      // The test pool takes the amounts as they are.
      await joinPool(f, poolId, tokens, amounts, AbiCoder.defaultAbiCoder().encode(["uint256[]"], [amounts]));
      const route = encodeRoute([
        { kind: "BalancerV2", poolId, tokenOut: usdc },
        { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: weth, feePips: 3000 },
      ]);
      const before = await balanceOf(f, "WETH", f.executorAddress);
      await (await execute(f, encodeLoan("AaveV3", weth, 10n ** 18n), route, 1n)).wait();
      expect(await pool.getFunction("attempts")()).to.equal(6n);
      expect(await pool.getFunction("succeeded")()).to.equal(0n);
      const refusal = async (k: number) => (await pool.getFunction("refusals")(k)) as string;
      const refused = async (k: number) => f.executor.interface.parseError(await refusal(k))?.name;
      expect(await refused(0)).to.equal("NotOperator");
      expect(await refused(1)).to.equal("UnexpectedCallback"); // receiveFlashLoan: not the Vault
      expect(await refused(2)).to.equal("UnexpectedCallback"); // uniswapV3SwapCallback: no V3 swap running
      expect(await refused(3)).to.equal("UnexpectedCallback"); // executeOperation: not the Aave Pool
      expect(await refused(4)).to.equal("UnexpectedCallback"); // uniswapV3FlashCallback: no V3 loan running
      // The Vault's reentrancy guard: Balancer's error code BAL#400.
      expect(AbiCoder.defaultAbiCoder().decode(["string"], `0x${(await refusal(5)).slice(10)}`)[0]).to.equal("BAL#400");
      expect((await balanceOf(f, "WETH", f.executorAddress)) > before).to.equal(true);
      // Even a pool that is an operator (a compromised operator contract) meets the transient lock.
      await (await f.executor.getFunction("setOperator")(await pool.getAddress(), true)).wait();
      await (await execute(f, encodeLoan("AaveV3", weth, 10n ** 18n), route)).wait();
      expect(await pool.getFunction("succeeded")()).to.equal(0n);
      expect(await refused(6)).to.equal("ExecutionInProgress");
      // A pool that prices worse than the hop's minimum reverts the whole trade.
      const worse = encodeRoute([
        { kind: "BalancerV2", poolId, tokenOut: usdc, minAmountOut: 3301n * 10n ** 6n },
        { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: weth, feePips: 3000 },
      ]);
      await expect(execute(f, encodeLoan("AaveV3", weth, 10n ** 18n), worse))
        .to.be.revertedWithCustomError(f.executor, "HopOutputTooLow")
        .withArgs(0n, 3301n * 10n ** 6n, 3300n * 10n ** 6n);
    });
  });
});
