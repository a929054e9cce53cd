import { expect } from "chai";
import { type Contract, parseUnits } from "ethers";
import { v2DexIndex } from "../../src/executor/deploy.js";
import { encodeLoan, encodeRoute, type LenderName, type RouteHop } from "../../src/executor/route.js";
import { AAVE_FLASHLOAN_PREMIUM_BPS } from "../../src/replica/aave.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { dislocate, findPool } from "../../src/replica/market.js";
import type { Replica } from "../../src/replica/replica.js";
import type { ReplicaTokenSymbol } from "../../src/replica/tokens.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../fixtures/executor.js";

const AMOUNT = parseUnits("2", 18);

/** Routes from WETH back to WETH, each profitable after `dislocateWethMarkets`. */
const ROUTES: Record<string, (r: Replica) => RouteHop[]> = {
  "v2-v2": (r) => [
    { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: r.tokenAddresses.USDC, feePips: 3000 },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: r.tokenAddresses.WETH, feePips: 3000 },
  ],
  "v3-v2": (r) => [
    { kind: "UniswapV3", tokenOut: r.tokenAddresses.USDC, fee: 3000 },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: r.tokenAddresses.WETH, feePips: 3000 },
  ],
  "bal-v2": (r) => [
    { kind: "BalancerV2", poolId: balancerPoolId(r, 0), tokenOut: r.tokenAddresses.USDC },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: r.tokenAddresses.WETH, feePips: 3000 },
  ],
  "v3-v3": (r) => [
    { kind: "UniswapV3", tokenOut: r.tokenAddresses.USDC, fee: 3000 },
    { kind: "UniswapV3", tokenOut: r.tokenAddresses.WETH, fee: 500 },
  ],
  "v2-v2-v2": (r) => [
    { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: r.tokenAddresses.DAI, feePips: 3000 },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: r.tokenAddresses.USDC, feePips: 3000 },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: r.tokenAddresses.WETH, feePips: 3000 },
  ],
  "v4-v2": (r) => [
    { kind: "UniswapV4", tokenOut: r.tokenAddresses.USDC, fee: 500, tickSpacing: 10 },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: r.tokenAddresses.WETH, feePips: 3000 },
  ],
  "v2-v4-v3": (r) => [
    { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: r.tokenAddresses.DAI, feePips: 3000 },
    { kind: "UniswapV4", tokenOut: r.tokenAddresses.USDC, fee: 100, tickSpacing: 1 },
    { kind: "UniswapV3", tokenOut: r.tokenAddresses.WETH, fee: 500 },
  ],
  "v2-bal-v3": (r) => [
    { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: r.tokenAddresses.DAI, feePips: 3000 },
    { kind: "BalancerV2", poolId: balancerPoolId(r, 1), tokenOut: r.tokenAddresses.USDC },
    { kind: "UniswapV3", tokenOut: r.tokenAddresses.WETH, fee: 500 },
  ],
};

function balancerPoolId(replica: Replica, index: number): `0x${string}` {
  const pool = replica.balancer.pools[index];
  if (pool === undefined) throw new Error(`no Balancer pool ${index}`);
  return pool.poolId;
}

/** Makes WETH cheap on Uniswap V2's WETH/USDC pair and on the V3 0.05% WETH/USDC pool. */
async function dislocateWethMarkets(f: ExecutorFixture): Promise<void> {
  await dislocate(f.replica, findPool(f.replica, "uniswapV2", "WETH", "USDC"), f.trader, "WETH", parseUnits("50", 18));
  await dislocate(
    f.replica,
    findPool(f.replica, "uniswapV3", "WETH", "USDC", 500),
    f.trader,
    "WETH",
    parseUnits("150", 18),
  );
}

/** Loans of WETH from each lender; the Uniswap V3 lender is the WETH/DAI 0.3% pool, used by no route. */
function wethLoan(replica: Replica, lender: LenderName) {
  return lender === "UniswapV3"
    ? encodeLoan(lender, replica.tokenAddresses.WETH, AMOUNT, { pairToken: replica.tokenAddresses.DAI, fee: 3000 })
    : encodeLoan(lender, replica.tokenAddresses.WETH, AMOUNT);
}

/** Where each lender keeps the WETH it lends, and the fee it charges on `amount`. */
function lenderAccount(replica: Replica, lender: LenderName): { holder: string; fee: (amount: bigint) => bigint } {
  if (lender === "AaveV3") {
    return {
      holder: replica.aave.aTokens.WETH as string,
      fee: (a) => (a * AAVE_FLASHLOAN_PREMIUM_BPS + 5_000n) / 10_000n,
    };
  }
  if (lender === "BalancerV2") return { holder: replica.book.balancerV2.vault, fee: () => 0n };
  if (lender === "MorphoBlue") return { holder: replica.book.morphoBlue.morpho, fee: () => 0n };
  if (lender === "UniswapV4") return { holder: replica.book.uniswapV4.poolManager, fee: () => 0n };
  return {
    holder: findPool(replica, "uniswapV3", "WETH", "DAI", 3000).address,
    fee: (a) => (a * 3000n + 999_999n) / 1_000_000n,
  };
}

async function balanceOf(replica: Replica, symbol: ReplicaTokenSymbol, holder: string): Promise<bigint> {
  return (await replica.tokens[symbol].getFunction("balanceOf")(holder)) as bigint;
}

function asOperator(f: ExecutorFixture): AnyContract {
  return f.executor.connect(f.operator) as AnyContract;
}

describe("FlashArbExecutor on the replica", () => {
  for (const lender of ["AaveV3", "BalancerV2", "UniswapV3", "MorphoBlue", "UniswapV4"] as const) {
    for (const [routeName, build] of Object.entries(ROUTES)) {
      if (lender === "BalancerV2" && routeName.includes("bal")) continue;
      it(`${lender} × ${routeName}: repays the lender exactly its fee and keeps the measured profit`, async () => {
        const f = await loadExecutor();
        await dislocateWethMarkets(f);
        const executor = asOperator(f);
        const loan = wethLoan(f.replica, lender);
        const route = encodeRoute(build(f.replica));
        const { holder, fee } = lenderAccount(f.replica, lender);

        const profit = (await executor.getFunction("execute").staticCall(loan, 0, route)) as bigint;
        expect(profit).to.be.greaterThan(0n);

        // A floor one wei above the profit reverts and changes nothing.
        const executorBefore = await balanceOf(f.replica, "WETH", f.executorAddress);
        const lenderBefore = await balanceOf(f.replica, "WETH", holder);
        await expect(executor.getFunction("execute")(loan, profit + 1n, route))
          .to.be.revertedWithCustomError(executor as unknown as Contract, "InsufficientProfit")
          .withArgs(profit + 1n, profit);
        expect(await balanceOf(f.replica, "WETH", f.executorAddress)).to.equal(executorBefore);
        expect(await balanceOf(f.replica, "WETH", holder)).to.equal(lenderBefore);

        // At exactly the profit it succeeds; everything is accounted for to the wei.
        const tx = await executor.getFunction("execute")(loan, profit, route);
        await expect(tx)
          .to.emit(executor as unknown as Contract, "ArbitrageExecuted")
          .withArgs(loan.lender, loan.token, AMOUNT, fee(AMOUNT), profit);
        expect((await balanceOf(f.replica, "WETH", f.executorAddress)) - executorBefore).to.equal(profit);
        // The PoolManager also holds the V4 pools' tokens: a first hop selling WETH into a V4
        // pool leaves the loan amount with it, on top of the loan's repayment.
        const intoV4 = lender === "UniswapV4" && routeName.startsWith("v4") ? AMOUNT : 0n;
        expect((await balanceOf(f.replica, "WETH", holder)) - lenderBefore).to.equal(fee(AMOUNT) + intoV4);
        for (const spender of [
          f.replica.book.aaveV3.pool,
          f.replica.book.balancerV2.vault,
          f.replica.book.morphoBlue.morpho,
          f.replica.book.uniswapV4.poolManager,
        ]) {
          for (const symbol of ["WETH", "USDC", "DAI"] as const) {
            expect(await f.replica.tokens[symbol].getFunction("allowance")(f.executorAddress, spender)).to.equal(0n);
          }
        }
      });
    }
  }

  it("sends the profit to the profit receiver when one is set", async () => {
    const f = await loadExecutor();
    await dislocateWethMarkets(f);
    const receiver = await f.stranger.getAddress();
    await (await f.executor.getFunction("setProfitReceiver")(receiver)).wait();
    const loan = wethLoan(f.replica, "BalancerV2");
    const route = encodeRoute(ROUTES["v2-v2"]?.(f.replica) ?? []);
    const profit = (await asOperator(f).getFunction("execute").staticCall(loan, 0, route)) as bigint;
    const before = await balanceOf(f.replica, "WETH", receiver);
    await (await asOperator(f).getFunction("execute")(loan, profit, route)).wait();
    expect((await balanceOf(f.replica, "WETH", receiver)) - before).to.equal(profit);
    expect(await balanceOf(f.replica, "WETH", f.executorAddress)).to.equal(0n);
  });

  it("routes through USDT, which returns nothing from transfer", async () => {
    const f = await loadExecutor();
    await dislocateWethMarkets(f);
    const r = f.replica;
    const route = encodeRoute([
      { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: r.tokenAddresses.USDT, feePips: 3000 },
      { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: r.tokenAddresses.USDC, feePips: 3000 },
      { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: r.tokenAddresses.WETH, feePips: 3000 },
    ]);
    const loan = wethLoan(r, "AaveV3");
    const profit = (await asOperator(f).getFunction("execute").staticCall(loan, 0, route)) as bigint;
    expect(profit).to.be.greaterThan(0n);
    await (await asOperator(f).getFunction("execute")(loan, profit, route)).wait();
    expect(await balanceOf(r, "WETH", f.executorAddress)).to.equal(profit);
  });
});

describe("FlashArbExecutor refuses bad routes before borrowing", () => {
  const cases: Array<
    [
      string,
      (f: ExecutorFixture) => { loan: ReturnType<typeof encodeLoan>; route: string },
      string,
      (f: ExecutorFixture) => unknown[],
    ]
  > = [
    [
      "a Balancer hop while borrowing from Balancer",
      (f) => ({ loan: wethLoan(f.replica, "BalancerV2"), route: encodeRoute(ROUTES["bal-v2"]?.(f.replica) ?? []) }),
      "BalancerHopDuringBalancerLoan",
      () => [0n],
    ],
    [
      "a swap through the Uniswap V3 pool it borrows from",
      (f) => ({
        loan: encodeLoan("UniswapV3", f.replica.tokenAddresses.WETH, AMOUNT, {
          pairToken: f.replica.tokenAddresses.USDC,
          fee: 3000,
        }),
        route: encodeRoute(ROUTES["v3-v2"]?.(f.replica) ?? []),
      }),
      "RouteUsesLoanPool",
      (f) => [0n, findPool(f.replica, "uniswapV3", "WETH", "USDC", 3000).address],
    ],
    [
      "a route that does not return to the loan token",
      (f) => ({
        loan: wethLoan(f.replica, "AaveV3"),
        route: encodeRoute([
          { kind: "UniswapV2", factoryIndex: 0, tokenOut: f.replica.tokenAddresses.USDC, feePips: 3000 },
        ]),
      }),
      "RouteDoesNotCloseLoop",
      (f) => [f.replica.tokenAddresses.WETH, f.replica.tokenAddresses.USDC],
    ],
    [
      "a truncated route",
      (f) => ({
        loan: wethLoan(f.replica, "AaveV3"),
        route: encodeRoute(ROUTES["v2-v2"]?.(f.replica) ?? []).slice(0, -2),
      }),
      "MalformedRoute",
      () => [41n, 81n],
    ],
    ["an empty route", (f) => ({ loan: wethLoan(f.replica, "AaveV3"), route: "0x" }), "MalformedRoute", () => [0n, 0n]],
    [
      "an unknown hop kind",
      (f) => ({ loan: wethLoan(f.replica, "AaveV3"), route: `0x07${"00".repeat(40)}` }),
      "UnknownHopKind",
      () => [0n, 7n],
    ],
    [
      "a V2 factory index the executor was not deployed with",
      (f) => ({
        loan: wethLoan(f.replica, "AaveV3"),
        route: encodeRoute([
          { kind: "UniswapV2", factoryIndex: 2, tokenOut: f.replica.tokenAddresses.USDC, feePips: 3000 },
          { kind: "UniswapV2", factoryIndex: 0, tokenOut: f.replica.tokenAddresses.WETH, feePips: 3000 },
        ]),
      }),
      "UnknownV2Factory",
      () => [0n, 2n, 2n],
    ],
    [
      "a Curve pool the owner has not allowed",
      (f) => ({
        loan: wethLoan(f.replica, "AaveV3"),
        route: encodeRoute([
          { kind: "Curve", pool: f.replica.tokenAddresses.DAI, tokenOut: f.replica.tokenAddresses.USDC, i: 0, j: 1 },
          { kind: "UniswapV2", factoryIndex: 0, tokenOut: f.replica.tokenAddresses.WETH, feePips: 3000 },
        ]),
      }),
      "CurvePoolNotAllowed",
      (f) => [0n, f.replica.tokenAddresses.DAI],
    ],
  ];
  for (const [name, build, error, args] of cases) {
    it(`refuses ${name} with ${error}`, async () => {
      const f = await loadExecutor();
      const { loan, route } = build(f);
      await expect(asOperator(f).getFunction("execute")(loan, 0, route))
        .to.be.revertedWithCustomError(f.executor as unknown as Contract, error)
        .withArgs(...args(f));
    });
  }

  it("refuses a hop that pays less than its minimum", async () => {
    const f = await loadExecutor();
    await dislocateWethMarkets(f);
    const hops = ROUTES["v2-v2"]?.(f.replica) ?? [];
    const huge = 10n ** 30n;
    const route = encodeRoute([{ ...(hops[0] as RouteHop), minAmountOut: huge }, hops[1] as RouteHop]);
    await expect(asOperator(f).getFunction("execute")(wethLoan(f.replica, "AaveV3"), 0, route))
      .to.be.revertedWithCustomError(f.executor as unknown as Contract, "HopOutputTooLow")
      .withArgs(0n, huge, (v: bigint) => v > 0n);
  });

  it("refuses an unprofitable route with RepaymentShortfall when it cannot even repay", async () => {
    const f = await loadExecutor();
    // No dislocation: a round trip only pays fees.
    const route = encodeRoute(ROUTES["v2-v2"]?.(f.replica) ?? []);
    await expect(
      asOperator(f).getFunction("execute")(wethLoan(f.replica, "AaveV3"), 0, route),
    ).to.be.revertedWithCustomError(f.executor as unknown as Contract, "RepaymentShortfall");
  });
});

describe("FlashArbExecutor roles", () => {
  it("lets only operators execute", async () => {
    const f = await loadExecutor();
    const route = encodeRoute(ROUTES["v2-v2"]?.(f.replica) ?? []);
    for (const signer of [f.owner, f.stranger]) {
      await expect(
        (f.executor.connect(signer) as AnyContract).getFunction("execute")(wethLoan(f.replica, "AaveV3"), 0, route),
      )
        .to.be.revertedWithCustomError(f.executor as unknown as Contract, "NotOperator")
        .withArgs(await signer.getAddress());
    }
  });

  it("lets only the owner configure, pause and withdraw", async () => {
    const f = await loadExecutor();
    const someone = await f.stranger.getAddress();
    const calls: Array<[string, unknown[]]> = [
      ["setOperator", [someone, true]],
      ["setProfitReceiver", [someone]],
      ["setCurvePool", [someone, true]],
      ["pause", []],
      ["unpause", []],
      ["withdrawToken", [f.replica.tokenAddresses.WETH, 1n]],
      ["withdrawETH", [1n]],
      ["transferOwnership", [someone]],
      ["renounceOwnership", []],
    ];
    for (const signer of [f.operator, f.stranger]) {
      for (const [method, args] of calls) {
        await expect((f.executor.connect(signer) as AnyContract).getFunction(method)(...args))
          .to.be.revertedWithCustomError(f.executor as unknown as Contract, "OwnableUnauthorizedAccount")
          .withArgs(await signer.getAddress());
      }
    }
  });

  it("grants and revokes operators", async () => {
    const f = await loadExecutor();
    const account = await f.stranger.getAddress();
    await expect(f.executor.getFunction("setOperator")(account, true))
      .to.emit(f.executor as unknown as Contract, "OperatorSet")
      .withArgs(account, true);
    expect(await f.executor.getFunction("isOperator")(account)).to.equal(true);
    await (await f.executor.getFunction("setOperator")(account, false)).wait();
    expect(await f.executor.getFunction("isOperator")(account)).to.equal(false);
  });

  it("refuses to renounce ownership, even to the owner: the owner and every withdrawal stay", async () => {
    const f = await loadExecutor();
    const owner = await f.owner.getAddress();
    await expect(f.executor.getFunction("renounceOwnership")()).to.be.revertedWithCustomError(
      f.executor as unknown as Contract,
      "RenounceOwnershipDisabled",
    );
    expect(await f.executor.getFunction("owner")()).to.equal(owner);
  });

  it("transfers ownership in two steps", async () => {
    const f = await loadExecutor();
    const next = await f.stranger.getAddress();
    await (await f.executor.getFunction("transferOwnership")(next)).wait();
    expect(await f.executor.getFunction("owner")()).to.equal(await f.owner.getAddress());
    await (await (f.executor.connect(f.stranger) as AnyContract).getFunction("acceptOwnership")()).wait();
    expect(await f.executor.getFunction("owner")()).to.equal(next);
  });

  it("pausing stops execution and nothing else; withdrawals still work", async () => {
    const f = await loadExecutor();
    await dislocateWethMarkets(f);
    const loan = wethLoan(f.replica, "BalancerV2");
    const route = encodeRoute(ROUTES["v2-v2"]?.(f.replica) ?? []);
    const profit = (await asOperator(f).getFunction("execute").staticCall(loan, 0, route)) as bigint;
    await (await asOperator(f).getFunction("execute")(loan, 0, route)).wait();
    await (await f.executor.getFunction("pause")()).wait();
    await expect(asOperator(f).getFunction("execute")(loan, 0, route)).to.be.revertedWithCustomError(
      f.executor as unknown as Contract,
      "ExecutionPaused",
    );
    const ownerAddress = await f.owner.getAddress();
    const before = await balanceOf(f.replica, "WETH", ownerAddress);
    await expect(f.executor.getFunction("withdrawToken")(f.replica.tokenAddresses.WETH, profit))
      .to.emit(f.executor as unknown as Contract, "Withdrawn")
      .withArgs(f.replica.tokenAddresses.WETH, ownerAddress, profit);
    expect((await balanceOf(f.replica, "WETH", ownerAddress)) - before).to.equal(profit);
    await (await f.executor.getFunction("unpause")()).wait();
    await expect(asOperator(f).getFunction("execute").staticCall(loan, 0, route)).to.not.be.revert(ethers);
  });

  it("withdraws ETH to the owner", async () => {
    const f = await loadExecutor();
    await (await f.stranger.sendTransaction({ to: f.executorAddress, value: 10n ** 18n })).wait();
    await expect(f.executor.getFunction("withdrawETH")(10n ** 18n)).to.changeEtherBalances(
      ethers,
      [f.executorAddress, await f.owner.getAddress()],
      [-(10n ** 18n), 10n ** 18n],
    );
  });

  describe("calls as an operator might make them", () => {
    it("runs several executes in one transaction, each measured on its own", async () => {
      const f = await loadExecutor();
      await dislocateWethMarkets(f);
      const batch = (await ethers.deployContract("BatchOperator")) as unknown as AnyContract;
      await (await f.executor.getFunction("setOperator")(await batch.getAddress(), true)).wait();
      const calls = [
        f.executor.interface.encodeFunctionData("execute", [
          wethLoan(f.replica, "BalancerV2"),
          0n,
          encodeRoute(ROUTES["v3-v2"]?.(f.replica) ?? []),
        ]),
        f.executor.interface.encodeFunctionData("execute", [
          wethLoan(f.replica, "AaveV3"),
          1n,
          encodeRoute(ROUTES["v3-v3"]?.(f.replica) ?? []),
        ]),
      ];
      const before = await balanceOf(f.replica, "WETH", f.executorAddress);
      const receipt = await (await batch.getFunction("run")(f.executorAddress, calls)).wait();
      const executed = receipt.logs
        .map((log: { topics: string[]; data: string }) => f.executor.interface.parseLog(log as never))
        .filter((parsed: { name: string } | null) => parsed?.name === "ArbitrageExecuted");
      expect(executed.map((e: { args: { lender: bigint } }) => e.args.lender)).to.deep.equal([1n, 0n]);
      const profits = executed.map((e: { args: { profit: bigint } }) => e.args.profit as bigint);
      expect(profits.every((p: bigint) => p > 0n)).to.equal(true);
      expect((await balanceOf(f.replica, "WETH", f.executorAddress)) - before).to.equal(
        profits.reduce((sum: bigint, p: bigint) => sum + p, 0n),
      );
    });

    it("runs V4 loans and V4 hops back to back in one transaction: no flag of one execute leaks into the next", async () => {
      const f = await loadExecutor();
      await dislocateWethMarkets(f);
      const batch = (await ethers.deployContract("BatchOperator")) as unknown as AnyContract;
      await (await f.executor.getFunction("setOperator")(await batch.getAddress(), true)).wait();
      const route = encodeRoute(ROUTES["v4-v2"]?.(f.replica) ?? []);
      const amount = parseUnits("0.5", 18);
      // A V4 hop unlocking the manager for itself, then inside a V4 loan's unlock, and so on: a
      // flag left set by one would make the next take the wrong path and revert.
      const lenders = ["BalancerV2", "UniswapV4", "MorphoBlue", "UniswapV4", "BalancerV2"] as const;
      const calls = lenders.map((lender) =>
        f.executor.interface.encodeFunctionData("execute", [
          encodeLoan(lender, f.replica.tokenAddresses.WETH, amount),
          0n,
          route,
        ]),
      );
      const receipt = await (await batch.getFunction("run")(f.executorAddress, calls)).wait();
      const executed = receipt.logs
        .map((log: { topics: string[]; data: string }) => f.executor.interface.parseLog(log as never))
        .filter((parsed: { name: string } | null) => parsed?.name === "ArbitrageExecuted");
      expect(executed.map((e: { args: { lender: bigint } }) => e.args.lender)).to.deep.equal([1n, 4n, 3n, 4n, 1n]);
    });

    it("ignores junk in the route's padding and after the calldata: the entry's checks read only the route", async () => {
      // The route then runs from the loan data the lender hands back, which the executor built;
      // a liquidation's position follows the route there (tested in liquidate.test.ts).
      const f = await loadExecutor();
      await dislocateWethMarkets(f);
      // A three-hop route whose length is not a multiple of 32, so the ABI pads it.
      const route = encodeRoute(ROUTES["v2-bal-v3"]?.(f.replica) ?? []);
      expect(((route.length - 2) / 2) % 32).to.not.equal(0);
      const clean = f.executor.interface.encodeFunctionData("execute", [wethLoan(f.replica, "AaveV3"), 0n, route]);
      const padding = (32 - (((route.length - 2) / 2) % 32)) % 32;
      const junk = `${clean.slice(0, clean.length - padding * 2)}${"ff".repeat(padding)}${"a5".repeat(96)}`;
      const profitOf = async (data: string) => {
        const snapshot = await ethers.provider.send("evm_snapshot", []);
        const receipt = await (await f.operator.sendTransaction({ to: f.executorAddress, data })).wait();
        await ethers.provider.send("evm_revert", [snapshot]);
        const parsed = receipt?.logs
          .map((log) => f.executor.interface.parseLog(log as never))
          .find((p) => p?.name === "ArbitrageExecuted");
        return parsed?.args.profit as bigint;
      };
      const expected = await profitOf(clean);
      expect(expected > 0n).to.equal(true);
      expect(await profitOf(junk)).to.equal(expected);
    });
  });
});
