import { expect } from "chai";
import { type Contract, parseUnits, Wallet } from "ethers";
import { v2DexIndex } from "../../src/executor/deploy.js";
import { encodeLoan, encodeRoute } from "../../src/executor/route.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { dislocate, findPool } from "../../src/replica/market.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../fixtures/executor.js";

const AMOUNT = parseUnits("2", 18);
const BID_BPS = 2_500n;

/** A WETH loan from Balancer, WETH → USDC on Sushiswap and back on Uniswap V2, after WETH got cheap on Uniswap V2. */
async function profitableTrade(f: ExecutorFixture) {
  await dislocate(f.replica, findPool(f.replica, "uniswapV2", "WETH", "USDC"), f.trader, "WETH", parseUnits("50", 18));
  const t = f.replica.tokenAddresses;
  const route = encodeRoute([
    { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: t.USDC, feePips: 3000 },
    { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: t.WETH, feePips: 3000 },
  ]);
  return { loan: encodeLoan("BalancerV2", t.WETH, AMOUNT), route };
}

describe("executeWithBidToBuilder on the replica", () => {
  it("raises the block's coinbase by exactly the bid, in ETH unwrapped from the real WETH9", async () => {
    const f = await loadExecutor();
    const executor = f.executor.connect(f.operator) as AnyContract;
    const receiver = await f.stranger.getAddress();
    await (await f.executor.getFunction("setProfitReceiver")(receiver)).wait();
    const { loan, route } = await profitableTrade(f);
    const profit = (await executor.getFunction("execute").staticCall(loan, 0n, route)) as bigint;
    const floor = profit / 2n;
    const bid = ((profit - floor) * BID_BPS) / 10_000n;
    expect(bid).to.be.greaterThan(0n);

    const builder = Wallet.createRandom().address;
    await ethers.provider.send("hardhat_setCoinbase", [builder]);
    const weth = f.replica.tokens.WETH;
    const receiverBefore = (await weth.getFunction("balanceOf")(receiver)) as bigint;
    // No priority fee: the coinbase's only income in this block is the bid.
    const tx = await executor.getFunction("executeWithBidToBuilder")(loan, floor, route, BID_BPS, {
      maxPriorityFeePerGas: 0n,
    });
    const receipt = await tx.wait();
    const block = await ethers.provider.getBlock(receipt.blockNumber);
    expect(block?.miner).to.equal(builder);
    const before = await ethers.provider.getBalance(builder, receipt.blockNumber - 1);
    const after = await ethers.provider.getBalance(builder, receipt.blockNumber);
    expect(after - before).to.equal(bid);
    await expect(tx)
      .to.emit(f.executor as unknown as Contract, "CoinbasePaid")
      .withArgs(builder, bid);
    expect(((await weth.getFunction("balanceOf")(receiver)) as bigint) - receiverBefore).to.equal(profit - bid);
    expect(await ethers.provider.getBalance(f.executorAddress)).to.equal(0n);
  });

  it("pays the coinbase nothing when the profit is exactly the floor", async () => {
    const f = await loadExecutor();
    const executor = f.executor.connect(f.operator) as AnyContract;
    const { loan, route } = await profitableTrade(f);
    const profit = (await executor.getFunction("execute").staticCall(loan, 0n, route)) as bigint;
    const builder = Wallet.createRandom().address;
    await ethers.provider.send("hardhat_setCoinbase", [builder]);
    const tx = await executor.getFunction("executeWithBidToBuilder")(loan, profit, route, 10_000n, {
      maxPriorityFeePerGas: 0n,
    });
    const receipt = await tx.wait();
    await expect(tx).to.not.emit(f.executor as unknown as Contract, "CoinbasePaid");
    expect(await ethers.provider.getBalance(builder, receipt.blockNumber)).to.equal(0n);
  });
});
