import { expect } from "chai";
import { Interface, type Log } from "ethers";
import { MAX_TICK, MIN_TICK } from "../../src/math/tickMath.js";
import {
  calculateSwapFee,
  getOneForZeroFee,
  getZeroForOneFee,
  swapExactInput,
  swapFee,
} from "../../src/math/uniswapV4Pool.js";
import { protocolArtifact } from "../../src/replica/artifacts.js";
import { findPool, swapExactIn } from "../../src/replica/market.js";
import { amountForUsd } from "../../src/replica/prices.js";
import type { Replica } from "../../src/replica/replica.js";
import { fund } from "../../src/replica/tokens.js";
import type { ReplicaV4Pool } from "../../src/replica/uniswapV4.js";
import { ethers, loadReplica, otherSigners } from "../fixtures/replica.js";
import { loadV4, quoteV4, setV4ProtocolFee, v4Pools } from "../fixtures/uniswapV4.js";

/** The replica's V4 pools (as `deployReplica` creates them): tokens and fee. */
const REPLICA_V4_POOLS = [
  ["WETH", "USDC", 500],
  ["WBTC", "WETH", 3000],
  ["WETH", "DAI", 500],
  ["USDC", "DAI", 100],
] as const;

const poolManager = new Interface(protocolArtifact("UniswapV4PoolManager").abi);

/** The engine's view of `pool`, read through StateView. */
function load(replica: Replica, pool: ReplicaV4Pool) {
  return loadV4(ethers.provider, replica, pool);
}

/**
 * Amounts of the input token from one wei to a few million dollars: the small ones stay inside
 * the narrowest position, the large ones cross every narrow position's edge until only the
 * full-range position is left.
 */
function amountsIn(symbol: ReplicaV4Pool["token0"]): bigint[] {
  return [
    1n,
    1_000n,
    amountForUsd(symbol, 1n),
    amountForUsd(symbol, 1_234n) + 567n,
    amountForUsd(symbol, 40_000n),
    amountForUsd(symbol, 150_000n) + 1n,
    amountForUsd(symbol, 400_000n),
    amountForUsd(symbol, 2_500_000n),
  ].filter((a) => a > 0n);
}

describe("Uniswap V4 math equals the PoolManager to the wei", () => {
  it("ProtocolFeeLibrary: a packed fee splits by direction, and calculateSwapFee compounds it with the LP fee", () => {
    const packed = 999 | (250 << 12);
    expect(getZeroForOneFee(packed)).to.equal(999);
    expect(getOneForZeroFee(packed)).to.equal(250);
    // p + l − ⌊p·l / 10⁶⌋: the product rounds down, so 2.997 counts as 2.
    expect(calculateSwapFee(999, 3000)).to.equal(3997);
    expect(calculateSwapFee(1000, 500)).to.equal(1500);
    expect(calculateSwapFee(0, 500)).to.equal(500);
    const state = { lpFee: 3000, protocolFee: packed };
    expect(swapFee(state, true)).to.equal(3997);
    expect(swapFee(state, false)).to.equal(3000 + 250);
    expect(swapFee({ lpFee: 500, protocolFee: 0 }, false)).to.equal(500);
  });

  for (const [a, b, fee] of REPLICA_V4_POOLS) {
    it(`${a}/${b} ${fee / 10_000}%: exact-input swaps both ways, from one wei to past every narrow position, equal V4Quoter`, async () => {
      const replica = await loadReplica();
      const pool = findPool(replica, "uniswapV4", a, b, fee);
      if (pool.dex !== "uniswapV4") throw new Error("not a V4 pool");
      const state = await load(replica, pool);
      expect(state.lpFee).to.equal(pool.key.fee);
      expect(state.protocolFee).to.equal(0);
      expect(state.ticks.size).to.be.greaterThan(2);
      const spacing = pool.key.tickSpacing;
      // The full-range position's liquidity: all that is left once every narrow one is crossed.
      const fullRange = state.ticks.get(Math.ceil(MIN_TICK / spacing) * spacing) as bigint;
      expect(state.ticks.get(Math.floor(MAX_TICK / spacing) * spacing)).to.equal(-fullRange);
      expect(state.liquidity).to.be.greaterThan(fullRange);
      for (const zeroForOne of [true, false]) {
        let largest: ReturnType<typeof swapExactInput> | undefined;
        for (const amountIn of amountsIn(zeroForOne ? pool.token0 : pool.token1)) {
          const ours = swapExactInput(state, zeroForOne, amountIn);
          expect(ours.amountOut, `${amountIn} zeroForOne=${zeroForOne}`).to.equal(
            await quoteV4(replica, pool, zeroForOne, amountIn),
          );
          expect(ours.amountIn).to.equal(amountIn);
          largest = ours;
        }
        // The largest swap crossed each narrow position's edge and ran on the full range alone.
        expect(largest?.initializedTicksCrossed, `zeroForOne=${zeroForOne}`).to.be.greaterThan(0);
        expect(largest?.liquidity, `zeroForOne=${zeroForOne}`).to.equal(fullRange);
      }
    });
  }

  it("a real swap moves the pool to the price, tick and liquidity the port ends on", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const listed = v4Pools(replica).map((p) => [...[p.token0, p.token1].sort(), p.key.fee].join());
    expect(listed.sort()).to.deep.equal(REPLICA_V4_POOLS.map(([a, b, fee]) => [...[a, b].sort(), fee].join()).sort());
    for (const pool of v4Pools(replica)) {
      for (const zeroForOne of [true, false]) {
        const symbol = zeroForOne ? pool.token0 : pool.token1;
        const amountIn = amountForUsd(symbol, 420_000n) + 12_345n;
        const before = await load(replica, pool);
        const ours = swapExactInput(before, zeroForOne, amountIn);
        await fund(replica.tokens, symbol, trader, await trader.getAddress(), amountIn);
        const received = await swapExactIn(replica, pool, trader, symbol, amountIn);
        expect(received, pool.label).to.equal(ours.amountOut);
        const after = await load(replica, pool);
        expect(after.sqrtPriceX96, pool.label).to.equal(ours.sqrtPriceX96);
        expect(after.tick, pool.label).to.equal(ours.tick);
        expect(after.liquidity, pool.label).to.equal(ours.liquidity);
        expect(ours.initializedTicksCrossed, pool.label).to.be.greaterThan(0);
      }
    }
  });

  it("with a protocol fee that differs by direction, each direction pays the compounded fee V4Quoter and the Swap event show", async () => {
    const replica = await loadReplica();
    const [owner, trader] = await ethers.getSigners();
    if (owner === undefined || trader === undefined) throw new Error("no signers");
    // Per pool: token0-in and token1-in protocol fees, in millionths (at most 1,000), one of
    // them zero somewhere so that the LP fee alone is also exercised.
    const fees: ReadonlyArray<readonly [number, number]> = [
      [1000, 250],
      [999, 1],
      [0, 700],
      [333, 1000],
    ];
    for (const [k, pool] of v4Pools(replica).entries()) {
      const [fee0, fee1] = fees[k % fees.length] as readonly [number, number];
      await setV4ProtocolFee(replica, owner, pool, fee0, fee1);
      const state = await load(replica, pool);
      expect(state.protocolFee, pool.label).to.equal(fee0 | (fee1 << 12));
      expect(swapFee(state, true)).to.equal(fee0 === 0 ? pool.key.fee : calculateSwapFee(fee0, pool.key.fee));
      expect(swapFee(state, false)).to.equal(calculateSwapFee(fee1, pool.key.fee));
      expect(swapFee(state, true)).to.not.equal(swapFee(state, false));
      for (const zeroForOne of [true, false]) {
        for (const amountIn of amountsIn(zeroForOne ? pool.token0 : pool.token1)) {
          expect(
            swapExactInput(state, zeroForOne, amountIn).amountOut,
            `${pool.label} ${amountIn} ${zeroForOne}`,
          ).to.equal(await quoteV4(replica, pool, zeroForOne, amountIn));
        }
      }
      // The PoolManager's Swap event reports the fee it charged: the port's, for each direction.
      for (const zeroForOne of [true, false]) {
        const symbol = zeroForOne ? pool.token0 : pool.token1;
        const amountIn = amountForUsd(symbol, 5_000n);
        const before = await load(replica, pool);
        await fund(replica.tokens, symbol, trader, await trader.getAddress(), amountIn);
        const head = await ethers.provider.getBlockNumber();
        const received = await swapExactIn(replica, pool, trader, symbol, amountIn);
        expect(received).to.equal(swapExactInput(before, zeroForOne, amountIn).amountOut);
        const logs = await ethers.provider.getLogs({
          address: replica.book.uniswapV4.poolManager,
          topics: [poolManager.getEvent("Swap")?.topicHash as string, pool.id],
          fromBlock: head + 1,
        });
        expect(logs).to.have.length(1);
        const event = poolManager.parseLog(logs[0] as Log);
        expect(Number(event?.args.fee), `${pool.label} zeroForOne=${zeroForOne}`).to.equal(swapFee(before, zeroForOne));
      }
    }
  });
});
