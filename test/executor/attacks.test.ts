import { expect } from "chai";
import {
  type Contract,
  Interface,
  keccak256,
  type Log,
  MaxUint256,
  parseUnits,
  solidityPacked,
  ZeroHash,
} from "ethers";
import type { Address } from "../../src/addressBook.js";
import { executorAbi } from "../../src/executor/abi.js";
import { v2DexIndex } from "../../src/executor/deploy.js";
import { encodeLoan, encodeRoute } from "../../src/executor/route.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { fund } from "../../src/replica/tokens.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../fixtures/executor.js";

const executorInterface = new Interface(executorAbi());
const ZERO = "0x0000000000000000000000000000000000000000";

function asContract(c: AnyContract): Contract {
  return c as unknown as Contract;
}

/** An attacker token with WETH pairs on both V2 DEXes, priced 20% apart so a route through it is profitable. */
async function evilMarket(f: ExecutorFixture): Promise<{ evil: AnyContract; evilAddress: Address }> {
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error("no deployer");
  const evil = (await ethers.deployContract("ReentrantToken")) as unknown as AnyContract;
  const evilAddress = (await evil.getAddress()) as Address;
  const me = await deployer.getAddress();
  await (await evil.getFunction("mint")(me, parseUnits("10000", 18))).wait();
  for (const [dex, weth] of [
    ["uniswapV2", "10"],
    ["sushiswap", "12"],
  ] as const) {
    const router = f.replica[dex].router.connect(deployer) as AnyContract;
    const routerAddress = await router.getAddress();
    await (await evil.connect(deployer).getFunction("approve")(routerAddress, MaxUint256)).wait();
    await (await f.replica.tokens.WETH.connect(deployer).getFunction("approve")(routerAddress, MaxUint256)).wait();
    await (
      await router.getFunction("addLiquidity")(
        evilAddress,
        f.replica.tokenAddresses.WETH,
        parseUnits("1000", 18),
        parseUnits(weth, 18),
        0,
        0,
        me,
        MaxUint256,
      )
    ).wait();
  }
  return { evil, evilAddress };
}

function evilRoute(f: ExecutorFixture, evilAddress: Address): string {
  return encodeRoute([
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: evilAddress, feePips: 3000 },
    {
      kind: "UniswapV2",
      factoryIndex: v2DexIndex("sushiswap"),
      tokenOut: f.replica.tokenAddresses.WETH,
      feePips: 3000,
    },
  ]);
}

/**
 * An EVIL/WETH Uniswap V3 pool, and the executor's loan of 10 EVIL from it for a profitable
 * route (EVIL is dearer on Sushiswap: sell it there, buy it back on Uniswap V2). The pool's
 * flash sends EVIL, so EVIL's hook runs after the executor has set its loan marker and before
 * the pool calls back. `pending` is the exact loan data the executor will send.
 */
async function evilV3Loan(f: ExecutorFixture) {
  const { evil, evilAddress } = await evilMarket(f);
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error("no deployer");
  const me = await deployer.getAddress();
  const weth = f.replica.tokenAddresses.WETH;
  const npm = f.replica.uniswapV3.positionManager.connect(deployer) as AnyContract;
  const npmAddress = await npm.getAddress();
  await fund(f.replica.tokens, "WETH", deployer, me, parseUnits("100", 18));
  await (await evil.getFunction("approve")(npmAddress, MaxUint256)).wait();
  await (await f.replica.tokens.WETH.connect(deployer).getFunction("approve")(npmAddress, MaxUint256)).wait();
  const [token0, token1] = BigInt(evilAddress) < BigInt(weth) ? [evilAddress, weth] : [weth, evilAddress];
  await (await npm.getFunction("createAndInitializePoolIfNecessary")(token0, token1, 3000, 1n << 96n)).wait();
  await (
    await npm.getFunction("mint")({
      token0,
      token1,
      fee: 3000,
      tickLower: -887_220,
      tickUpper: 887_220,
      amount0Desired: parseUnits("100", 18),
      amount1Desired: parseUnits("100", 18),
      amount0Min: 0,
      amount1Min: 0,
      recipient: me,
      deadline: MaxUint256,
    })
  ).wait();
  const pool = (await f.replica.uniswapV3.factory.getFunction("getPool")(token0, token1, 3000)) as Address;
  const route = encodeRoute([
    { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: weth, feePips: 3000 },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: evilAddress, feePips: 3000 },
  ]);
  const amount = parseUnits("10", 18);
  const loan = encodeLoan("UniswapV3", evilAddress, amount, { pairToken: weth, fee: 3000 });
  // Lender, token, amount, floor, balance before, route.
  const pending = solidityPacked(
    ["uint8", "address", "uint256", "uint256", "uint256", "bytes"],
    [2, evilAddress, amount, 1n, 0n, route],
  );
  return { evil, evilAddress, pool, loan, route, pending };
}

/**
 * Runs `loan` over `route` with EVIL's hook calling `callback` on the executor at every EVIL
 * transfer, and checks that the trade completed while every call of the hook was refused.
 * Returns the last refusal and the loans the executor served (lender, token, amount, fee).
 */
async function tradeWithRefusedHook(
  f: ExecutorFixture,
  evil: AnyContract,
  loan: ReturnType<typeof encodeLoan>,
  route: string,
  callback: string,
) {
  await (await evil.getFunction("setHook")(f.executorAddress, callback)).wait();
  // Had any of the hook's calls been accepted, the route would have run inside it and the
  // lender's own callback would have found no pending loan: the whole trade would have reverted.
  const receipt = await (
    await (f.executor.connect(f.operator) as AnyContract).getFunction("execute")(loan, 1n, route)
  ).wait();
  expect(receipt?.status).to.equal(1);
  expect(await evil.getFunction("hookCalled")()).to.equal(true);
  expect(await evil.getFunction("hookSucceeded")()).to.equal(false);
  const refusal = executorInterface.parseError((await evil.getFunction("hookReturnData")()) as string);
  const logs: readonly Log[] = receipt?.logs ?? [];
  const served = logs
    .map((l) => executorInterface.parseLog(l))
    .filter((l) => l?.name === "ArbitrageExecuted")
    .map((l) => l?.args.toArray().slice(0, 4));
  return { refusal, served };
}

describe("FlashArbExecutor attacks that must fail", () => {
  describe("direct calls to every callback", () => {
    it("executeOperation from anyone but the Aave Pool", async () => {
      const f = await loadExecutor();
      const attacker = f.executor.connect(f.stranger) as AnyContract;
      await expect(
        attacker.getFunction("executeOperation")(f.replica.tokenAddresses.WETH, 1n, 0n, f.executorAddress, "0x"),
      )
        .to.be.revertedWithCustomError(asContract(f.executor), "UnexpectedCallback")
        .withArgs(await f.stranger.getAddress(), f.replica.book.aaveV3.pool);
    });

    it("receiveFlashLoan from anyone but the Balancer Vault", async () => {
      const f = await loadExecutor();
      const attacker = f.executor.connect(f.stranger) as AnyContract;
      await expect(attacker.getFunction("receiveFlashLoan")([f.replica.tokenAddresses.WETH], [1n], [0n], "0x"))
        .to.be.revertedWithCustomError(asContract(f.executor), "UnexpectedCallback")
        .withArgs(await f.stranger.getAddress(), f.replica.book.balancerV2.vault);
    });

    it("onMorphoFlashLoan from anyone but Morpho Blue", async () => {
      const f = await loadExecutor();
      const attacker = f.executor.connect(f.stranger) as AnyContract;
      await expect(attacker.getFunction("onMorphoFlashLoan")(1n, "0x"))
        .to.be.revertedWithCustomError(asContract(f.executor), "UnexpectedCallback")
        .withArgs(await f.stranger.getAddress(), f.replica.book.morphoBlue.morpho);
    });

    it("unlockCallback from anyone but the Uniswap V4 PoolManager", async () => {
      const f = await loadExecutor();
      const attacker = f.executor.connect(f.stranger) as AnyContract;
      await expect(attacker.getFunction("unlockCallback")("0x"))
        .to.be.revertedWithCustomError(asContract(f.executor), "UnexpectedCallback")
        .withArgs(await f.stranger.getAddress(), f.replica.book.uniswapV4.poolManager);
    });

    it("uniswapV3FlashCallback and uniswapV3SwapCallback when no pool is expected", async () => {
      const f = await loadExecutor();
      const attacker = f.executor.connect(f.stranger) as AnyContract;
      const me = await f.stranger.getAddress();
      await expect(attacker.getFunction("uniswapV3FlashCallback")(0n, 0n, "0x"))
        .to.be.revertedWithCustomError(asContract(f.executor), "UnexpectedCallback")
        .withArgs(me, ZERO);
      await expect(attacker.getFunction("uniswapV3SwapCallback")(1n, 0n, f.replica.tokenAddresses.WETH))
        .to.be.revertedWithCustomError(asContract(f.executor), "UnexpectedCallback")
        .withArgs(me, ZERO);
    });

    it("a fake pool calling the swap callback from a contract", async () => {
      const f = await loadExecutor();
      const attacker = (await ethers.deployContract("CallbackAttacker")) as unknown as AnyContract;
      const data = executorInterface.encodeFunctionData("uniswapV3SwapCallback", [
        10n ** 18n,
        0n,
        f.replica.tokenAddresses.WETH,
      ]);
      await expect(attacker.getFunction("poke")(f.executorAddress, data))
        .to.be.revertedWithCustomError(asContract(f.executor), "UnexpectedCallback")
        .withArgs(await attacker.getAddress(), ZERO);
    });
  });

  describe("loans started by an attacker that name the executor as receiver", () => {
    it("Aave: refused because the initiator is not the executor", async () => {
      const f = await loadExecutor();
      const attacker = (await ethers.deployContract("CallbackAttacker")) as unknown as AnyContract;
      await expect(
        attacker.getFunction("aaveLoanTo")(
          f.replica.book.aaveV3.pool,
          f.executorAddress,
          f.replica.tokenAddresses.WETH,
          10n ** 18n,
          "0x",
        ),
      )
        .to.be.revertedWithCustomError(asContract(f.executor), "UnexpectedInitiator")
        .withArgs(await attacker.getAddress());
    });

    it("Balancer: refused because the executor started no loan", async () => {
      const f = await loadExecutor();
      const attacker = (await ethers.deployContract("CallbackAttacker")) as unknown as AnyContract;
      await expect(
        attacker.getFunction("balancerLoanTo")(
          f.replica.book.balancerV2.vault,
          f.executorAddress,
          f.replica.tokenAddresses.WETH,
          10n ** 18n,
          "0x",
        ),
      ).to.be.revertedWithCustomError(asContract(f.executor), "UnknownLoan");
    });

    // No Uniswap V3 or Morpho case here: a V3 pool and Morpho call back whoever called for the
    // loan, never a named recipient, so an attacker's loan cannot reach the executor's callback. An attacker must call it
    // himself: see "callers other than the pending loan's lender" below.
  });

  describe("callers other than the pending loan's lender, carrying its exact data", () => {
    it("Uniswap V3: the flash callback from anyone but the lending pool is refused with UnexpectedCallback(caller, pool); the loan then completes", async () => {
      const f = await loadExecutor();
      const { evil, evilAddress, pool, loan, route, pending } = await evilV3Loan(f);
      // EVIL's hook calls the executor's flash callback with exactly the data the pool will pass
      // back, on every EVIL transfer of the trade: first as the pool sends the loan, before the
      // pool calls back, when the data alone would pass; then in the route and the repayment.
      const callback = executorInterface.encodeFunctionData("uniswapV3FlashCallback", [0n, 0n, pending]);
      const { refusal, served } = await tradeWithRefusedHook(f, evil, loan, route, callback);
      // The last call (from the repayment) is the one recorded: refused by the executor because
      // its caller is the token, not the pool whose flash is running.
      expect(refusal?.name).to.equal("UnexpectedCallback");
      expect(refusal?.args.toArray()).to.deep.equal([evilAddress, pool]);
      // The pool's own callback was served once: lender UniswapV3, 10 EVIL, the 0.3% fee.
      expect(served).to.deep.equal([[2n, evilAddress, parseUnits("10", 18), parseUnits("0.03", 18)]]);
    });

    it("Morpho Blue: its callback from anyone but Morpho is refused with UnexpectedCallback(caller, Morpho); the loan then completes", async () => {
      const f = await loadExecutor();
      const { evil, evilAddress, route } = await evilV3Loan(f);
      const morpho = f.replica.book.morphoBlue.morpho;
      // Morpho lends any token it holds.
      await (await evil.getFunction("mint")(morpho, parseUnits("100", 18))).wait();
      const amount = parseUnits("10", 18);
      const loan = encodeLoan("MorphoBlue", evilAddress, amount);
      const pending = solidityPacked(
        ["uint8", "address", "uint256", "uint256", "uint256", "bytes"],
        [3, evilAddress, amount, 1n, 0n, route],
      );
      const callback = executorInterface.encodeFunctionData("onMorphoFlashLoan", [amount, pending]);
      const { refusal, served } = await tradeWithRefusedHook(f, evil, loan, route, callback);
      expect(refusal?.name).to.equal("UnexpectedCallback");
      expect(refusal?.args.toArray()).to.deep.equal([evilAddress, morpho]);
      expect(served).to.deep.equal([[3n, evilAddress, amount, 0n]]);
    });

    it("Uniswap V4: its unlock callback from anyone but the PoolManager is refused with UnexpectedCallback(caller, PoolManager); the loan then completes", async () => {
      const f = await loadExecutor();
      const { evil, evilAddress, route } = await evilV3Loan(f);
      const manager = f.replica.book.uniswapV4.poolManager;
      // The PoolManager lends (takes out) any token it holds.
      await (await evil.getFunction("mint")(manager, parseUnits("100", 18))).wait();
      const amount = parseUnits("10", 18);
      const loan = encodeLoan("UniswapV4", evilAddress, amount);
      const pending = solidityPacked(
        ["uint8", "address", "uint256", "uint256", "uint256", "bytes"],
        [4, evilAddress, amount, 1n, 0n, route],
      );
      const callback = executorInterface.encodeFunctionData("unlockCallback", [pending]);
      const { refusal, served } = await tradeWithRefusedHook(f, evil, loan, route, callback);
      expect(refusal?.name).to.equal("UnexpectedCallback");
      expect(refusal?.args.toArray()).to.deep.equal([evilAddress, manager]);
      expect(served).to.deep.equal([[4n, evilAddress, amount, 0n]]);
    });

    it("the PoolManager itself calling back with data of no pending loan is refused with UnknownLoan", async () => {
      const f = await loadExecutor();
      const manager = f.replica.book.uniswapV4.poolManager;
      await ethers.provider.send("hardhat_impersonateAccount", [manager]);
      await ethers.provider.send("hardhat_setBalance", [manager, "0xde0b6b3a7640000"]);
      const asManager = f.executor.connect(await ethers.getSigner(manager)) as AnyContract;
      const foreign = solidityPacked(["uint8", "address", "uint256"], [4, f.replica.tokenAddresses.WETH, 1n]);
      await expect(asManager.getFunction("unlockCallback")(foreign))
        .to.be.revertedWithCustomError(asContract(f.executor), "UnknownLoan")
        .withArgs(ZeroHash, keccak256(foreign));
      await ethers.provider.send("hardhat_stopImpersonatingAccount", [manager]);
    });

    it("Morpho Blue itself calling back with data of no pending loan is refused with UnknownLoan", async () => {
      const f = await loadExecutor();
      const morpho = f.replica.book.morphoBlue.morpho;
      await ethers.provider.send("hardhat_impersonateAccount", [morpho]);
      await ethers.provider.send("hardhat_setBalance", [morpho, "0xde0b6b3a7640000"]);
      const asMorpho = f.executor.connect(await ethers.getSigner(morpho)) as AnyContract;
      const foreign = solidityPacked(["uint8", "address", "uint256"], [3, f.replica.tokenAddresses.WETH, 1n]);
      await expect(asMorpho.getFunction("onMorphoFlashLoan")(1n, foreign))
        .to.be.revertedWithCustomError(asContract(f.executor), "UnknownLoan")
        .withArgs(ZeroHash, keccak256(foreign));
      await ethers.provider.send("hardhat_stopImpersonatingAccount", [morpho]);
    });

    it("a Balancer callback carrying a Uniswap V3 loan's data is refused; the V3 loan then completes", async () => {
      const f = await loadExecutor();
      const { evil, evilAddress, loan, route, pending } = await evilV3Loan(f);
      await (await evil.getFunction("mint")(f.replica.book.balancerV2.vault, parseUnits("1", 18))).wait();
      const balancerLoan = new Interface([
        "function flashLoan(address recipient, address[] tokens, uint256[] amounts, bytes userData)",
      ]).encodeFunctionData("flashLoan", [f.executorAddress, [evilAddress], [1n], pending]);
      await (await evil.getFunction("setHook")(f.replica.book.balancerV2.vault, balancerLoan)).wait();

      // Were the Balancer callback to accept the data, the route would run inside it and the V3
      // pool's own callback would then find no pending loan: the whole trade would revert.
      const receipt = await (
        await (f.executor.connect(f.operator) as AnyContract).getFunction("execute")(loan, 1n, route)
      ).wait();
      expect(receipt?.status).to.equal(1);
      expect(await evil.getFunction("hookCalled")()).to.equal(true);
      expect(await evil.getFunction("hookSucceeded")()).to.equal(false);
      const returned = (await evil.getFunction("hookReturnData")()) as string;
      expect(executorInterface.parseError(returned)?.name).to.equal("UnknownLoan");
      expect((await evil.getFunction("balanceOf")(f.executorAddress)) as bigint).to.be.greaterThan(0n);
    });
  });

  describe("re-entry through a malicious token in the route", () => {
    const reentries: Array<[string, (f: ExecutorFixture, evil: Address) => Promise<[string, string]>, string]> = [
      [
        "re-entering execute, even as an operator",
        async (f, evil) => {
          await (await f.executor.getFunction("setOperator")(evil, true)).wait();
          const data = executorInterface.encodeFunctionData("execute", [
            encodeLoan("AaveV3", f.replica.tokenAddresses.WETH, 10n ** 18n),
            0n,
            evilRoute(f, evil),
          ]);
          return [f.executorAddress, data];
        },
        "ExecutionInProgress",
      ],
      [
        "re-entering liquidate, even as an operator",
        async (f, evil) => {
          await (await f.executor.getFunction("setOperator")(evil, true)).wait();
          const data = executorInterface.encodeFunctionData("liquidate", [
            encodeLoan("BalancerV2", f.replica.tokenAddresses.USDC, 10n ** 6n),
            { collateralAsset: f.replica.tokenAddresses.USDC, user: evil, debtToCover: 10n ** 6n },
            0n,
            "0x",
          ]);
          return [f.executorAddress, data];
        },
        "ExecutionInProgress",
      ],
      [
        "calling receiveFlashLoan directly",
        async (f) => [
          f.executorAddress,
          executorInterface.encodeFunctionData("receiveFlashLoan", [[f.replica.tokenAddresses.WETH], [1n], [0n], "0x"]),
        ],
        "UnexpectedCallback",
      ],
      [
        "starting a Balancer loan to the executor while its own loan runs",
        async (f) => [
          f.replica.book.balancerV2.vault,
          new Interface([
            "function flashLoan(address recipient, address[] tokens, uint256[] amounts, bytes userData)",
          ]).encodeFunctionData("flashLoan", [f.executorAddress, [f.replica.tokenAddresses.WETH], [1n], "0x"]),
        ],
        "UnknownLoan",
      ],
      [
        "calling the swap callback",
        async (f) => [
          f.executorAddress,
          executorInterface.encodeFunctionData("uniswapV3SwapCallback", [1n, 0n, f.replica.tokenAddresses.WETH]),
        ],
        "UnexpectedCallback",
      ],
      [
        "withdrawing the executor's tokens",
        async (f) => [
          f.executorAddress,
          executorInterface.encodeFunctionData("withdrawToken", [f.replica.tokenAddresses.WETH, 1n]),
        ],
        "OwnableUnauthorizedAccount",
      ],
    ];
    reentries.push([
      "calling onMorphoFlashLoan directly",
      async (f) => [f.executorAddress, executorInterface.encodeFunctionData("onMorphoFlashLoan", [1n, "0x"])],
      "UnexpectedCallback",
    ]);
    reentries.push([
      "calling unlockCallback directly",
      async (f) => [f.executorAddress, executorInterface.encodeFunctionData("unlockCallback", ["0x"])],
      "UnexpectedCallback",
    ]);
    for (const lender of ["AaveV3", "MorphoBlue", "UniswapV4"] as const)
      for (const [name, hook, error] of reentries) {
        it(`${lender} loan: ${name} fails with ${error}; the trade itself completes`, async () => {
          const f = await loadExecutor();
          const { evil, evilAddress } = await evilMarket(f);
          const [target, data] = await hook(f, evilAddress);
          await (await evil.getFunction("setHook")(target, data)).wait();
          const executor = f.executor.connect(f.operator) as AnyContract;
          const loan = encodeLoan(lender, f.replica.tokenAddresses.WETH, parseUnits("0.2", 18));
          const wethBefore = (await f.replica.tokens.WETH.getFunction("balanceOf")(f.executorAddress)) as bigint;
          await (await executor.getFunction("execute")(loan, 1n, evilRoute(f, evilAddress))).wait();
          expect(await evil.getFunction("hookCalled")()).to.equal(true);
          expect(await evil.getFunction("hookSucceeded")()).to.equal(false);
          const returned = (await evil.getFunction("hookReturnData")()) as string;
          expect(executorInterface.parseError(returned)?.name).to.equal(error);
          expect((await f.replica.tokens.WETH.getFunction("balanceOf")(f.executorAddress)) as bigint).to.be.greaterThan(
            wethBefore,
          );
        });
      }

    it("UniswapV4 loan: a token taking from the PoolManager while the executor holds it unlocked only reverts the whole trade", async () => {
      const f = await loadExecutor();
      const { evil, evilAddress } = await evilMarket(f);
      const manager = f.replica.book.uniswapV4.poolManager;
      // Anyone may act on the PoolManager while it is unlocked, but what they take is their own
      // debt, which the manager checks when the executor's unlock ends.
      const take = new Interface(["function take(address currency, address to, uint256 amount)"]).encodeFunctionData(
        "take",
        [f.replica.tokenAddresses.WETH, evilAddress, 1n],
      );
      await (await evil.getFunction("setHook")(manager, take)).wait();
      const executor = f.executor.connect(f.operator) as AnyContract;
      const loan = encodeLoan("UniswapV4", f.replica.tokenAddresses.WETH, parseUnits("0.2", 18));
      await expect(executor.getFunction("execute")(loan, 1n, evilRoute(f, evilAddress))).to.be.revertedWithCustomError(
        asContract(f.replica.uniswapV4.poolManager),
        "CurrencyNotSettled",
      );
      expect(await f.replica.tokens.WETH.getFunction("balanceOf")(evilAddress)).to.equal(0n);
    });
  });

  describe("re-entry after repayment, while the profit goes to the receiver", () => {
    for (const [name, call, error] of [
      ["re-entering execute as an operator", "execute", "ExecutionInProgress"],
      ["calling a lender's callback", "onMorphoFlashLoan", "UnexpectedCallback"],
    ] as const)
      it(`${name} from the loan token's transfer to the receiver fails with ${error}; the profit arrives`, async () => {
        const f = await loadExecutor();
        const { evil, evilAddress, route } = await evilV3Loan(f);
        const morpho = f.replica.book.morphoBlue.morpho;
        await (await evil.getFunction("mint")(morpho, parseUnits("100", 18))).wait();
        const receiver = await f.stranger.getAddress();
        await (await f.executor.getFunction("setProfitReceiver")(receiver)).wait();
        await (await f.executor.getFunction("setOperator")(evilAddress, true)).wait();
        const loan = encodeLoan("MorphoBlue", evilAddress, parseUnits("10", 18));
        const data =
          call === "execute"
            ? executorInterface.encodeFunctionData("execute", [loan, 0n, route])
            : executorInterface.encodeFunctionData("onMorphoFlashLoan", [1n, "0x"]);
        // The hook runs on every EVIL transfer; the last one is the profit's, after Morpho has
        // pulled its repayment, when the loan is over but `execute` has not returned.
        const { refusal, served } = await tradeWithRefusedHook(f, evil, loan, route, data);
        expect(refusal?.name).to.equal(error);
        expect(served).to.have.length(1);
        // The whole profit reached the receiver; the executor kept none of it.
        expect((await evil.getFunction("balanceOf")(receiver)) as bigint).to.be.greaterThan(0n);
        expect(await evil.getFunction("balanceOf")(f.executorAddress)).to.equal(0n);
      });
  });

  describe("routes the executor cannot be pointed at", () => {
    it("a V3 fee tier with no pool deployed reverts (pools are derived, not named)", async () => {
      const f = await loadExecutor();
      const route = encodeRoute([
        { kind: "UniswapV3", tokenOut: f.replica.tokenAddresses.USDC, fee: 100 },
        { kind: "UniswapV2", factoryIndex: 0, tokenOut: f.replica.tokenAddresses.WETH, feePips: 3000 },
      ]);
      const loan = encodeLoan("AaveV3", f.replica.tokenAddresses.WETH, 10n ** 18n);
      await expect((f.executor.connect(f.operator) as AnyContract).getFunction("execute")(loan, 0, route)).to.be.revert(
        ethers,
      );
    });
  });

  describe("odd tokens revert cleanly and lose nothing", () => {
    async function oddRoute(f: ExecutorFixture, symbol: "FOT" | "BLOCK"): Promise<string> {
      // A second pair on Sushiswap, priced like the first, so the route has somewhere to go.
      const [deployer] = await ethers.getSigners();
      if (deployer === undefined) throw new Error("no deployer");
      const me = await deployer.getAddress();
      const router = f.replica.sushiswap.router.connect(deployer) as AnyContract;
      const routerAddress = await router.getAddress();
      await fund(f.replica.tokens, symbol, deployer, me, parseUnits("30000", 18));
      await (await f.replica.tokens[symbol].connect(deployer).getFunction("approve")(routerAddress, MaxUint256)).wait();
      await (await f.replica.tokens.WETH.connect(deployer).getFunction("approve")(routerAddress, MaxUint256)).wait();
      await (
        await router.getFunction("addLiquidity")(
          f.replica.tokenAddresses[symbol],
          f.replica.tokenAddresses.WETH,
          parseUnits("30000", 18),
          parseUnits("10", 18),
          0,
          0,
          me,
          MaxUint256,
        )
      ).wait();
      return encodeRoute([
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("uniswapV2"),
          tokenOut: f.replica.tokenAddresses[symbol],
          feePips: 3000,
        },
        {
          kind: "UniswapV2",
          factoryIndex: v2DexIndex("sushiswap"),
          tokenOut: f.replica.tokenAddresses.WETH,
          feePips: 3000,
        },
      ]);
    }

    it("a fee-on-transfer token: the next pair's K check fails", async () => {
      const f = await loadExecutor();
      const route = await oddRoute(f, "FOT");
      const loan = encodeLoan("BalancerV2", f.replica.tokenAddresses.WETH, 10n ** 17n);
      const before = (await f.replica.tokens.WETH.getFunction("balanceOf")(f.replica.book.balancerV2.vault)) as bigint;
      await expect(
        (f.executor.connect(f.operator) as AnyContract).getFunction("execute")(loan, 0, route),
      ).to.be.revertedWith("UniswapV2: K");
      expect(await f.replica.tokens.WETH.getFunction("balanceOf")(f.replica.book.balancerV2.vault)).to.equal(before);
      expect(await f.replica.tokens.WETH.getFunction("balanceOf")(f.executorAddress)).to.equal(0n);
    });

    it("a token that blocks the next pair: the transfer fails", async () => {
      const f = await loadExecutor();
      const route = await oddRoute(f, "BLOCK");
      const sushiPair = (await f.replica.sushiswap.factory.getFunction("getPair")(
        f.replica.tokenAddresses.BLOCK,
        f.replica.tokenAddresses.WETH,
      )) as string;
      await (await f.replica.tokens.BLOCK.getFunction("setBlocked")(sushiPair, true)).wait();
      const loan = encodeLoan("AaveV3", f.replica.tokenAddresses.WETH, 10n ** 17n);
      await expect(
        (f.executor.connect(f.operator) as AnyContract).getFunction("execute")(loan, 0, route),
      ).to.be.revertedWith("UniswapV2: TRANSFER_FAILED");
      expect(await f.replica.tokens.WETH.getFunction("balanceOf")(f.executorAddress)).to.equal(0n);
    });
  });
});
