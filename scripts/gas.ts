// Measures the gas of every lender × route the executor supports on the replica, the same
// trades done through the protocols' own routers, and the executor's own overhead, and writes
// them to snapshots/gas.json. Gas on the local chain is deterministic: CI re-runs this and
// fails when the snapshot changes without being committed.
import { writeFileSync } from "node:fs";
import { MaxUint256, type Signer, ZeroAddress, ZeroHash } from "ethers";
import type { Address } from "../src/addressBook.js";
import { v2DexIndex } from "../src/executor/deploy.js";
import { encodeLiquidation, encodeLoan, encodeRoute, type LenderName, type RouteHop } from "../src/executor/route.js";
import { setOraclePrice } from "../src/replica/aave.js";
import type { AnyContract } from "../src/replica/deploy.js";
import { findPool } from "../src/replica/market.js";
import { openPosition, unitsOf } from "../src/replica/positions.js";
import type { Replica } from "../src/replica/replica.js";
import { fund } from "../src/replica/tokens.js";
import { GAS_LOAN_AMOUNT, gasMarket, runBareReference } from "./lib/gasMarket.js";

/** The executor's own overhead on a two-hop V2 route must stay under this. */
const OVERHEAD_TARGET = 5_000n;
const AMOUNT = GAS_LOAN_AMOUNT;

const market = await gasMarket();
const { ethers, networkHelpers, replica, executor, trader, nextBlock } = market;
const t = replica.tokenAddresses;

/** One router call: a V2 router over a path, the V3 SwapRouter, or a Balancer Vault swap. */
type RouterCall =
  | { readonly kind: "v2"; readonly dex: "uniswapV2" | "sushiswap"; readonly path: Address[] }
  | { readonly kind: "v3"; readonly tokenIn: Address; readonly tokenOut: Address; readonly fee: number }
  | { readonly kind: "bal"; readonly poolIndex: number; readonly tokenIn: Address; readonly tokenOut: Address };

/** One route, as executor hops and as the router calls a trader would make instead. */
interface GasRoute {
  readonly hops: RouteHop[];
  /**
   * Router calls; each gets the previous call's output as input. None for routes through
   * Uniswap V4: its swap router (the Universal Router) does not ship in the npm packages.
   */
  readonly routers?: RouterCall[];
}

const sushi = v2DexIndex("sushiswap");
const uni = v2DexIndex("uniswapV2");
const routes: Record<string, GasRoute> = {
  "v2-v2": {
    hops: [
      { kind: "UniswapV2", factoryIndex: sushi, tokenOut: t.USDC, feePips: 3000 },
      { kind: "UniswapV2", factoryIndex: uni, tokenOut: t.WETH, feePips: 3000 },
    ],
    routers: [
      { kind: "v2", dex: "sushiswap", path: [t.WETH, t.USDC] },
      { kind: "v2", dex: "uniswapV2", path: [t.USDC, t.WETH] },
    ],
  },
  "v2-v3": {
    hops: [
      { kind: "UniswapV2", factoryIndex: sushi, tokenOut: t.USDC, feePips: 3000 },
      { kind: "UniswapV3", tokenOut: t.WETH, fee: 500 },
    ],
    routers: [
      { kind: "v2", dex: "sushiswap", path: [t.WETH, t.USDC] },
      { kind: "v3", tokenIn: t.USDC, tokenOut: t.WETH, fee: 500 },
    ],
  },
  "v3-v2": {
    hops: [
      { kind: "UniswapV3", tokenOut: t.USDC, fee: 3000 },
      { kind: "UniswapV2", factoryIndex: uni, tokenOut: t.WETH, feePips: 3000 },
    ],
    routers: [
      { kind: "v3", tokenIn: t.WETH, tokenOut: t.USDC, fee: 3000 },
      { kind: "v2", dex: "uniswapV2", path: [t.USDC, t.WETH] },
    ],
  },
  "bal-v2": {
    hops: [
      { kind: "BalancerV2", poolId: replica.balancer.pools[0]?.poolId ?? "0x", tokenOut: t.USDC },
      { kind: "UniswapV2", factoryIndex: uni, tokenOut: t.WETH, feePips: 3000 },
    ],
    routers: [
      { kind: "bal", poolIndex: 0, tokenIn: t.WETH, tokenOut: t.USDC },
      { kind: "v2", dex: "uniswapV2", path: [t.USDC, t.WETH] },
    ],
  },
  "v2-v2-v2": {
    hops: [
      { kind: "UniswapV2", factoryIndex: sushi, tokenOut: t.DAI, feePips: 3000 },
      { kind: "UniswapV2", factoryIndex: uni, tokenOut: t.USDC, feePips: 3000 },
      { kind: "UniswapV2", factoryIndex: uni, tokenOut: t.WETH, feePips: 3000 },
    ],
    // The router does consecutive hops on one DEX in one call.
    routers: [
      { kind: "v2", dex: "sushiswap", path: [t.WETH, t.DAI] },
      { kind: "v2", dex: "uniswapV2", path: [t.DAI, t.USDC, t.WETH] },
    ],
  },
  "v4-v2": {
    hops: [
      { kind: "UniswapV4", tokenOut: t.USDC, fee: 500, tickSpacing: 10 },
      { kind: "UniswapV2", factoryIndex: uni, tokenOut: t.WETH, feePips: 3000 },
    ],
  },
  "v2-v4-v3": {
    hops: [
      { kind: "UniswapV2", factoryIndex: sushi, tokenOut: t.DAI, feePips: 3000 },
      { kind: "UniswapV4", tokenOut: t.USDC, fee: 100, tickSpacing: 1 },
      { kind: "UniswapV3", tokenOut: t.WETH, fee: 500 },
    ],
  },
};

// The router-loan reference: the same loans with the swaps through the routers, approvals set
// once beforehand (before the snapshot every measurement starts from).
const routerBot = (await ethers.deployContract("RouterLoanArb", [
  replica.book.aaveV3.pool,
  replica.book.balancerV2.vault,
  replica.book.morphoBlue.morpho,
])) as unknown as AnyContract;
for (const token of [t.WETH, t.USDC, t.DAI]) {
  for (const spender of [...routerSpenders(), replica.book.aaveV3.pool, replica.book.morphoBlue.morpho]) {
    await (await routerBot.getFunction("approve")(token, spender)).wait();
  }
}
const v3LoanPool = findPool(replica, "uniswapV3", "WETH", "DAI", 3000).address;

const lenders: Record<string, LenderName> = {
  aave: "AaveV3",
  balancer: "BalancerV2",
  uniswapV3: "UniswapV3",
  morpho: "MorphoBlue",
  uniswapV4: "UniswapV4",
};
const snapshot = await networkHelpers.takeSnapshot();
const gas: Record<string, number> = {};

async function gasOf(send: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await send).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

for (const [lenderKey, lender] of Object.entries(lenders)) {
  for (const [routeKey, route] of Object.entries(routes)) {
    if (lender === "BalancerV2" && routeKey.includes("bal")) continue;
    await snapshot.restore();
    const loan =
      lender === "UniswapV3"
        ? encodeLoan(lender, t.WETH, AMOUNT, { pairToken: t.DAI, fee: 3000 })
        : encodeLoan(lender, t.WETH, AMOUNT);
    await nextBlock();
    gas[`${lenderKey}:${routeKey}`] = Number(
      await gasOf(executor.getFunction("execute")(loan, 0, encodeRoute(route.hops), { gasLimit: 3_000_000 })),
    );
    // The router contract borrows from every lender but V4 and swaps through every router but V4's.
    if (route.routers === undefined || lender === "UniswapV4") continue;
    await snapshot.restore();
    const steps = route.routers.map(botStep);
    const args =
      lender === "AaveV3"
        ? ["borrowFromAave", t.WETH, AMOUNT, steps]
        : lender === "BalancerV2"
          ? ["borrowFromBalancer", t.WETH, AMOUNT, steps]
          : lender === "MorphoBlue"
            ? ["borrowFromMorpho", t.WETH, AMOUNT, steps]
            : ["borrowFromUniswapV3", v3LoanPool, t.WETH, AMOUNT, steps];
    const [name, ...rest] = args as [string, ...unknown[]];
    await nextBlock();
    gas[`routerLoan:${lenderKey}:${routeKey}`] = Number(
      await gasOf(routerBot.getFunction(name)(...rest, { gasLimit: 3_000_000 })),
    );
  }
}

for (const [routeKey, route] of Object.entries(routes)) {
  if (route.routers === undefined) continue;
  await snapshot.restore();
  await fund(replica.tokens, "WETH", trader, await trader.getAddress(), AMOUNT);
  await approveAll(trader);
  let amountIn = AMOUNT;
  let total = 0n;
  for (const call of route.routers) {
    const { gas: used, out } = await traderSwap(call)(amountIn, trader);
    total += used;
    amountIn = out;
  }
  gas[`baseline:${routeKey}`] = Number(total);
}

// Overhead: the same Balancer loan and V2→V2 swaps through a contract with no checks at all.
await snapshot.restore();
const bareTx = await runBareReference(market);
const bareReceipt = await ethers.provider.getTransactionReceipt(bareTx.hash);
if (bareReceipt === null) throw new Error("The bare reference's transaction has no receipt.");
const bareGas = bareReceipt.gasUsed;
gas["reference:balancer:v2-v2"] = Number(bareGas);
const overhead = BigInt(gas["balancer:v2-v2"] ?? 0) - bareGas;
gas["overhead:balancer:v2-v2"] = Number(overhead);

// A bid to the block's builder: the Balancer-loan V2 → V2 trade through executeWithBidToBuilder,
// half the profit (no floor) unwrapped from WETH and paid to the block's coinbase.
const BID_BPS = 5_000;
await snapshot.restore();
await nextBlock();
gas["bid:balancer:v2-v2"] = Number(
  await gasOf(
    executor.getFunction("executeWithBidToBuilder")(
      encodeLoan("BalancerV2", t.WETH, AMOUNT),
      0,
      encodeRoute(routes["v2-v2"]?.hops ?? []),
      BID_BPS,
      { gasLimit: 3_000_000 },
    ),
  ),
);

// Liquidations: Alice (10 WETH supplied, 18,000 USDC borrowed) under one after WETH falls to
// $2,150; half her debt repaid with each lender and the WETH sold on Sushiswap. The baseline is
// a liquidator holding the USDC: liquidationCall, then the router swap, in two transactions.
const LIQUIDATED = unitsOf("USDC", "9000");
const [deployer, , , , , alice] = await ethers.getSigners();
if (deployer === undefined || alice === undefined) throw new Error("The network needs six unlocked accounts.");
await snapshot.restore();
const aliceAddress = await openPosition(replica, alice, [["WETH", "10"]], [["USDC", "18000"]]);
await setOraclePrice(replica.aave, deployer, t.WETH, 2_150n * 10n ** 8n);
const underwater = await networkHelpers.takeSnapshot();
const sellWeth = encodeRoute([{ kind: "UniswapV2", factoryIndex: sushi, tokenOut: t.USDC, feePips: 3000 }]);
for (const [lenderKey, lender] of Object.entries(lenders)) {
  await underwater.restore();
  const loan =
    lender === "UniswapV3"
      ? encodeLoan(lender, t.USDC, LIQUIDATED, { pairToken: t.WETH, fee: 3000 })
      : encodeLoan(lender, t.USDC, LIQUIDATED);
  await nextBlock();
  gas[`liquidation:${lenderKey}:v2`] = Number(
    await gasOf(
      executor.getFunction("liquidate")(loan, encodeLiquidation(t.WETH, aliceAddress, LIQUIDATED), 1n, sellWeth, {
        gasLimit: 3_000_000,
      }),
    ),
  );
}
await underwater.restore();
{
  const me = await trader.getAddress();
  await fund(replica.tokens, "USDC", trader, me, LIQUIDATED);
  await approveAll(trader);
  const pool = replica.aave.pool.connect(trader) as AnyContract;
  await (await replica.tokens.USDC.connect(trader).getFunction("approve")(pool, MaxUint256)).wait();
  const { gas: liquidationGas, out: seized } = await received(t.WETH, me, async () => {
    await nextBlock();
    return gasOf(pool.getFunction("liquidationCall")(t.WETH, t.USDC, aliceAddress, LIQUIDATED, false));
  });
  const { gas: swapGas } = await v2Router("sushiswap", [t.WETH, t.USDC])(seized, trader);
  gas["baseline:liquidation:v2"] = Number(liquidationGas + swapGas);
}

const sorted = Object.fromEntries(Object.entries(gas).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(new URL("../snapshots/gas.json", import.meta.url), `${JSON.stringify(sorted, null, 2)}\n`);

console.log("| scenario | gas | same loan, routers | saved | routers, no loan | saved |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
const failures: string[] = [];
for (const [key, used] of Object.entries(sorted)) {
  const [lenderKey, routeKey] = key.split(":");
  if (lenderKey === undefined || !(lenderKey in lenders)) continue;
  const baseline = gas[`baseline:${routeKey}`];
  const routerLoan = gas[`routerLoan:${key}`];
  const cell = (reference: number | undefined) =>
    reference === undefined ? "| | " : `| ${reference} | ${reference - used} `;
  console.log(`| ${key} | ${used} ${cell(routerLoan)}${cell(baseline)}|`);
  if (routerLoan !== undefined && used >= routerLoan)
    failures.push(`${key} (${used}) is not cheaper than the same loan through routers (${routerLoan})`);
  if (baseline !== undefined && used >= baseline)
    failures.push(`${key} (${used}) is not cheaper than its router baseline (${baseline})`);
}
for (const lenderKey of Object.keys(lenders)) {
  const used = gas[`liquidation:${lenderKey}:v2`] ?? 0;
  const baseline = gas["baseline:liquidation:v2"] ?? 0;
  console.log(`| liquidation:${lenderKey}:v2 | ${used} | | | ${baseline} | ${baseline - used} |`);
}
const bidGas = gas["bid:balancer:v2-v2"] ?? 0;
console.log(
  `\nThe same trade bidding ${BID_BPS / 100}% of its profit to the builder: ${bidGas} gas ` +
    `(${bidGas - (gas["balancer:v2-v2"] ?? 0)} more than execute).`,
);
console.log(`\nExecutor overhead on balancer:v2-v2: ${overhead} gas (target ≤ ${OVERHEAD_TARGET}).`);
if (overhead > OVERHEAD_TARGET) failures.push(`overhead ${overhead} exceeds ${OVERHEAD_TARGET}`);
console.log("Wrote snapshots/gas.json.");
// Targets are reported, not enforced: the enforced gate is the committed snapshot, which CI
// regenerates and compares, so any change in gas shows in review.
if (failures.length > 0) console.log(`\nTargets not met:\n  ${failures.join("\n  ")}`);

function routerSpenders(): Address[] {
  const swapRouter = replica.book.uniswapV3.swapRouter;
  if (swapRouter === undefined) throw new Error("The replica has no Uniswap V3 SwapRouter.");
  return [replica.book.uniswapV2.router, replica.book.sushiswap.router, swapRouter, replica.book.balancerV2.vault];
}

async function approveAll(signer: Signer): Promise<void> {
  for (const symbol of ["WETH", "USDC", "DAI"] as const) {
    for (const spender of routerSpenders()) {
      await (await replica.tokens[symbol].connect(signer).getFunction("approve")(spender, MaxUint256)).wait();
    }
  }
}

/** A router call as RouterLoanArb's `Step`. */
function botStep(call: RouterCall) {
  const none = { path: [] as Address[], tokenIn: ZeroAddress, tokenOut: ZeroAddress, fee: 0, poolId: ZeroHash };
  switch (call.kind) {
    case "v2":
      return { ...none, kind: 0, router: replica.book[call.dex].router, path: call.path };
    case "v3":
      return {
        ...none,
        kind: 1,
        router: routerSpenders()[2],
        tokenIn: call.tokenIn,
        tokenOut: call.tokenOut,
        fee: call.fee,
      };
    case "bal":
      return {
        ...none,
        kind: 2,
        router: replica.book.balancerV2.vault,
        tokenIn: call.tokenIn,
        tokenOut: call.tokenOut,
        poolId: replica.balancer.pools[call.poolIndex]?.poolId ?? ZeroHash,
      };
  }
}

/** A router call as a trader with the capital makes it, in its own transaction. */
function traderSwap(call: RouterCall) {
  switch (call.kind) {
    case "v2":
      return v2Router(call.dex, call.path);
    case "v3":
      return v3Router(call.tokenIn, call.tokenOut, call.fee);
    case "bal":
      return balancerVault(call.poolIndex, call.tokenIn, call.tokenOut);
  }
}

async function received(
  symbol: Address,
  holder: string,
  run: () => Promise<bigint>,
): Promise<{ gas: bigint; out: bigint }> {
  const token = Object.entries(replica.tokenAddresses).find(([, a]) => a === symbol)?.[0] as keyof Replica["tokens"];
  const before = (await replica.tokens[token].getFunction("balanceOf")(holder)) as bigint;
  const used = await run();
  return { gas: used, out: ((await replica.tokens[token].getFunction("balanceOf")(holder)) as bigint) - before };
}

function v2Router(dex: "uniswapV2" | "sushiswap", path: Address[]) {
  return async (amountIn: bigint, signer: Signer) => {
    const me = await signer.getAddress();
    const router = replica[dex].router.connect(signer) as AnyContract;
    return received(path[path.length - 1] as Address, me, async () => {
      await nextBlock();
      return gasOf(router.getFunction("swapExactTokensForTokens")(amountIn, 0, path, me, MaxUint256));
    });
  };
}

function v3Router(tokenIn: Address, tokenOut: Address, fee: number) {
  return async (amountIn: bigint, signer: Signer) => {
    const me = await signer.getAddress();
    const router = replica.uniswapV3.swapRouter.connect(signer) as AnyContract;
    return received(tokenOut, me, async () => {
      await nextBlock();
      return gasOf(
        router.getFunction("exactInputSingle")({
          tokenIn,
          tokenOut,
          fee,
          recipient: me,
          deadline: MaxUint256,
          amountIn,
          amountOutMinimum: 0,
          sqrtPriceLimitX96: 0,
        }),
      );
    });
  };
}

function balancerVault(poolIndex: number, assetIn: Address, assetOut: Address) {
  return async (amountIn: bigint, signer: Signer) => {
    const me = await signer.getAddress();
    const vault = replica.balancer.vault.connect(signer) as AnyContract;
    const poolId = replica.balancer.pools[poolIndex]?.poolId;
    return received(assetOut, me, async () => {
      await nextBlock();
      return gasOf(
        vault.getFunction("swap")(
          { poolId, kind: 0, assetIn, assetOut, amount: amountIn, userData: "0x" },
          { sender: me, fromInternalBalance: false, recipient: me, toInternalBalance: false },
          0,
          MaxUint256,
        ),
      );
    });
  };
}
