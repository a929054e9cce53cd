import { expect } from "chai";
import { MAX_TICK, MIN_TICK } from "../../src/math/tickMath.js";
import { loadUniswapV4Pool, tickBitmapSlots } from "../../src/pools/uniswapV4.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { ethers, loadReplica } from "../fixtures/replica.js";

describe("Uniswap V4 pool reads", () => {
  it("the tick bitmap's storage slots hold what StateView.getTickBitmap reads, word for word", async () => {
    const replica = await loadReplica();
    const manager = replica.uniswapV4.poolManager.connect(ethers.provider) as AnyContract;
    let set = 0;
    for (const pool of replica.uniswapV4.pools) {
      const spacing = pool.key.tickSpacing;
      const [state] = (await replica.uniswapV4.stateView.getFunction("getSlot0")(pool.id)) as unknown as [
        bigint,
        bigint,
      ];
      expect(state).to.be.greaterThan(0n);
      // The extreme words (full-range positions' ticks) and every word around the price.
      const first = Math.floor(Math.floor(MIN_TICK / spacing) / 256);
      const last = Math.floor(Math.floor(MAX_TICK / spacing) / 256);
      const words = [first, last, -3, -2, -1, 0, 1, 2, 3];
      for (let w = -40; w <= 40; w++) words.push(w);
      const fromStorage = (await manager.getFunction("extsload(bytes32[])")(
        tickBitmapSlots(pool.id, words),
      )) as string[];
      for (const [k, word] of words.entries()) {
        const viaStateView = (await replica.uniswapV4.stateView.getFunction("getTickBitmap")(pool.id, word)) as bigint;
        expect(BigInt(fromStorage[k] as string)).to.equal(viaStateView, `word ${word} of ${pool.id}`);
        if (viaStateView !== 0n) set++;
      }
    }
    // Not a comparison of zeros: the positions' ticks set bits in these words.
    expect(set).to.be.greaterThan(8);
  });

  it("loads every initialized tick with its net liquidity, as StateView reports them", async () => {
    const replica = await loadReplica();
    for (const pool of replica.uniswapV4.pools) {
      const state = await loadUniswapV4Pool(
        ethers.provider,
        replica.book.multicall3,
        replica.book.uniswapV4,
        pool.id,
        pool.key.fee,
        pool.key.tickSpacing,
      );
      // Every position puts two ticks; the replica's positions never share one.
      expect(state.ticks.size % 2).to.equal(0);
      expect(state.ticks.size).to.be.greaterThan(1);
      let net = 0n;
      for (const [tick, liquidityNet] of state.ticks) {
        const [, expected] = (await replica.uniswapV4.stateView.getFunction("getTickLiquidity")(
          pool.id,
          tick,
        )) as unknown as [bigint, bigint];
        expect(liquidityNet).to.equal(expected);
        net += liquidityNet;
      }
      // What enters at lower ticks leaves at upper ones.
      expect(net).to.equal(0n);
    }
  });
});
