import { expect } from "chai";
import { parseUnits } from "ethers";
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_TICK, MIN_TICK } from "../../src/math/tickMath.js";
import { getAmountOut } from "../../src/math/uniswapV2.js";
import { swapExactInput } from "../../src/math/uniswapV3Pool.js";
import { loadUniswapV3Pool } from "../../src/pools/uniswapV3.js";
import { dislocate, findPool, readPoolStates } from "../../src/replica/market.js";
import type { Replica } from "../../src/replica/replica.js";
import { ethers, loadReplica, otherSigners } from "../fixtures/replica.js";

async function quote(replica: Replica, tokenIn: string, tokenOut: string, fee: number, amountIn: bigint) {
  return (await replica.uniswapV3.quoterV2.getFunction("quoteExactInputSingle").staticCall({
    tokenIn,
    tokenOut,
    amountIn,
    fee,
    sqrtPriceLimitX96: 0,
  })) as unknown as [bigint, bigint, bigint];
}

describe("engine math equals the chain to the wei", () => {
  it("TickMath: sqrt prices at the extreme ticks are the contract's constants, and the tick inverts", () => {
    expect(getSqrtRatioAtTick(MIN_TICK)).to.equal(4_295_128_739n);
    expect(getSqrtRatioAtTick(MAX_TICK)).to.equal(1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_342n);
    for (const tick of [-887_271, -200_000, -1, 0, 1, 12_345, 887_271]) {
      expect(getTickAtSqrtRatio(getSqrtRatioAtTick(tick))).to.equal(tick);
      expect(getTickAtSqrtRatio(getSqrtRatioAtTick(tick) + 1n)).to.equal(tick);
    }
  });

  for (const fee of [500, 3000] as const) {
    it(`Uniswap V3 ${fee / 10_000}%: exact-input swaps in both directions, across ticks, equal QuoterV2`, async () => {
      const replica = await loadReplica();
      const [trader] = await otherSigners();
      if (trader === undefined) throw new Error("no trader");
      const p = findPool(replica, "uniswapV3", "WETH", "USDC", fee);
      if (p.dex !== "uniswapV3") throw new Error("not V3");
      for (const round of [0, 1]) {
        if (round === 1) await dislocate(replica, p, trader, "WETH", parseUnits("40", 18));
        const state = await loadUniswapV3Pool(ethers.provider, replica.book.multicall3, p.address);
        expect(state.ticks.size).to.be.greaterThan(2);
        const [t0, t1] = [replica.tokenAddresses[p.token0], replica.tokenAddresses[p.token1]];
        const wethIs0 = p.token0 === "WETH";
        const amounts = [
          parseUnits("0.001", 18),
          parseUnits("1.234567", 18),
          parseUnits("25", 18),
          parseUnits("140", 18),
        ];
        for (const weth of amounts) {
          const usdc = (weth * 3000n) / 10n ** 12n;
          for (const zeroForOne of [true, false]) {
            const amountIn = zeroForOne === wethIs0 ? weth : usdc;
            const [quoted, sqrtAfter, crossed] = await quote(
              replica,
              zeroForOne ? t0 : t1,
              zeroForOne ? t1 : t0,
              fee,
              amountIn,
            );
            const ours = swapExactInput(state, zeroForOne, amountIn);
            expect(ours.amountOut, `round ${round}, ${amountIn} zeroForOne=${zeroForOne}`).to.equal(quoted);
            expect(ours.sqrtPriceX96).to.equal(sqrtAfter);
            expect(BigInt(ours.initializedTicksCrossed)).to.equal(crossed);
          }
        }
      }
    });
  }

  it("Uniswap V2: getAmountOut with the fee in millionths equals Router02.getAmountsOut", async () => {
    const replica = await loadReplica();
    const p = findPool(replica, "sushiswap", "WETH", "USDC");
    const [state] = await readPoolStates(replica, ethers.provider, [p]);
    if (state?.dex !== "sushiswap" || p.dex !== "sushiswap") throw new Error("not V2");
    const wethIs0 = p.token0 === "WETH";
    const [rWeth, rUsdc] = wethIs0 ? [state.reserve0, state.reserve1] : [state.reserve1, state.reserve0];
    for (const amountIn of [1n, 10n ** 15n, parseUnits("3.3", 18), parseUnits("250", 18)]) {
      const [, routerOut] = (await replica.sushiswap.router.getFunction("getAmountsOut")(amountIn, [
        replica.tokenAddresses.WETH,
        replica.tokenAddresses.USDC,
      ])) as bigint[];
      expect(getAmountOut(amountIn, rWeth, rUsdc, 3000)).to.equal(routerOut);
    }
  });
});
