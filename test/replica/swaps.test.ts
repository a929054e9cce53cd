import { expect } from "chai";
import { MaxUint256, parseUnits } from "ethers";
import { dislocate, findPool, readPoolStates, swapExactIn } from "../../src/replica/market.js";
import { fund } from "../../src/replica/tokens.js";
import { ethers, loadReplica, otherSigners } from "../fixtures/replica.js";

/** Balancer's SwapKind.GIVEN_IN. */
const GIVEN_IN = 0;

describe("replica swaps return exactly what each protocol's own quoter says", () => {
  for (const dex of ["uniswapV2", "sushiswap"] as const) {
    it(`${dex}: a WETH→USDC swap pays what Router02.getAmountsOut quotes`, async () => {
      const replica = await loadReplica();
      const [trader] = await otherSigners();
      if (trader === undefined) throw new Error("no trader");
      const amountIn = parseUnits("10", 18);
      const path = [replica.tokenAddresses.WETH, replica.tokenAddresses.USDC];
      const amounts = (await replica[dex].router.getFunction("getAmountsOut")(amountIn, path)) as bigint[];
      await fund(replica.tokens, "WETH", trader, await trader.getAddress(), amountIn);
      const received = await swapExactIn(replica, findPool(replica, dex, "WETH", "USDC"), trader, "WETH", amountIn);
      expect(received).to.equal(amounts[1]);
      // 10 WETH at $3,000 less the 0.3% fee and 2-4% price impact in a 300-500 WETH pool.
      expect(received).to.be.lessThan(parseUnits("29910", 6));
      expect(received).to.be.greaterThan(parseUnits("28900", 6));
    });
  }

  for (const fee of [500, 3000] as const) {
    it(`uniswapV3 ${fee / 10_000}%: a swap that crosses ticks pays what QuoterV2 quotes`, async () => {
      const replica = await loadReplica();
      const [trader] = await otherSigners();
      if (trader === undefined) throw new Error("no trader");
      const amountIn = parseUnits("150", 18);
      const quote = await replica.uniswapV3.quoterV2.getFunction("quoteExactInputSingle").staticCall({
        tokenIn: replica.tokenAddresses.WETH,
        tokenOut: replica.tokenAddresses.USDC,
        amountIn,
        fee,
        sqrtPriceLimitX96: 0,
      });
      const [amountOut, sqrtPriceAfter, ticksCrossed] = quote as unknown as [bigint, bigint, bigint];
      expect(ticksCrossed).to.be.greaterThan(0n);
      await fund(replica.tokens, "WETH", trader, await trader.getAddress(), amountIn);
      const pool = findPool(replica, "uniswapV3", "WETH", "USDC", fee);
      const received = await swapExactIn(replica, pool, trader, "WETH", amountIn);
      expect(received).to.equal(amountOut);
      const [state] = await readPoolStates(replica, ethers.provider, [pool]);
      expect(state?.dex === "uniswapV3" && state.sqrtPriceX96).to.equal(sqrtPriceAfter);
    });
  }

  for (const fee of [500, 3000] as const) {
    it(`uniswapV4 ${fee / 10_000}%: a swap that crosses ticks pays what V4Quoter quotes`, async () => {
      const replica = await loadReplica();
      const [trader] = await otherSigners();
      if (trader === undefined) throw new Error("no trader");
      const pool = findPool(replica, "uniswapV4", "WETH", fee === 500 ? "USDC" : "WBTC", fee);
      if (pool.dex !== "uniswapV4") throw new Error("not a V4 pool");
      const amountIn = parseUnits("120", 18);
      const zeroForOne = pool.key.currency0 === replica.tokenAddresses.WETH;
      const [amountOut] = (await replica.uniswapV4.quoter
        .getFunction("quoteExactInputSingle")
        .staticCall({ poolKey: pool.key, zeroForOne, exactAmount: amountIn, hookData: "0x" })) as unknown as [bigint];
      const [before] = await readPoolStates(replica, ethers.provider, [pool]);
      await fund(replica.tokens, "WETH", trader, await trader.getAddress(), amountIn);
      const received = await swapExactIn(replica, pool, trader, "WETH", amountIn);
      expect(received).to.equal(amountOut);
      const [after] = await readPoolStates(replica, ethers.provider, [pool]);
      // The swap crossed at least one of the narrower positions' ticks.
      if (before?.dex !== "uniswapV4" || after?.dex !== "uniswapV4") throw new Error("not V4 states");
      expect(after.liquidity).to.not.equal(before.liquidity);
      // 120 WETH at $3,000 less fee and impact in a pool of a few hundred thousand dollars a side.
      expect(received).to.be.greaterThan(0n);
    });
  }

  it("balancerV2: a weighted-pool swap pays what Vault.queryBatchSwap quotes", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const me = await trader.getAddress();
    const amountIn = parseUnits("20", 18);
    for (const pool of replica.balancer.pools) {
      const assets = [replica.tokenAddresses.WETH, replica.tokenAddresses.USDC];
      const deltas = (await replica.balancer.vault
        .getFunction("queryBatchSwap")
        .staticCall(
          GIVEN_IN,
          [{ poolId: pool.poolId, assetInIndex: 0, assetOutIndex: 1, amount: amountIn, userData: "0x" }],
          assets,
          { sender: me, fromInternalBalance: false, recipient: me, toInternalBalance: false },
        )) as bigint[];
      expect(deltas[0]).to.equal(amountIn);
      await fund(replica.tokens, "WETH", trader, me, amountIn);
      const received = await swapExactIn(replica, pool, trader, "WETH", amountIn, "USDC");
      expect(received).to.equal(-(deltas[1] as bigint));
      expect(received).to.be.greaterThan(0n);
    }
  });

  it("USDT-like tokens swap through the routers although they return no value", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const amountIn = parseUnits("3000", 6);
    const path = [replica.tokenAddresses.USDT, replica.tokenAddresses.WETH];
    const amounts = (await replica.uniswapV2.router.getFunction("getAmountsOut")(amountIn, path)) as bigint[];
    await fund(replica.tokens, "USDT", trader, await trader.getAddress(), amountIn);
    const pool = findPool(replica, "uniswapV2", "WETH", "USDT");
    expect(await swapExactIn(replica, pool, trader, "USDT", amountIn)).to.equal(amounts[1]);
  });

  it("the fee-on-transfer token delivers less than the router's quote, as on mainnet", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const amountIn = parseUnits("1000", 18);
    const path = [replica.tokenAddresses.FOT, replica.tokenAddresses.WETH];
    const quoted = ((await replica.uniswapV2.router.getFunction("getAmountsOut")(amountIn, path)) as bigint[])[1];
    await fund(replica.tokens, "FOT", trader, await trader.getAddress(), amountIn);
    const received = await swapExactIn(replica, findPool(replica, "uniswapV2", "FOT", "WETH"), trader, "FOT", amountIn);
    expect(received).to.be.lessThan(quoted as bigint);
    expect(received).to.be.greaterThan(0n);
  });

  it("the blocklist token reverts a swap whose recipient is blocked", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const me = await trader.getAddress();
    await fund(replica.tokens, "WETH", trader, me, parseUnits("1", 18));
    await (await replica.tokens.BLOCK.getFunction("setBlocked")(me, true)).wait();
    const router = replica.uniswapV2.router.connect(trader);
    await (
      await replica.tokens.WETH.connect(trader).getFunction("approve")(await router.getAddress(), MaxUint256)
    ).wait();
    await expect(
      router.getFunction("swapExactTokensForTokens")(
        parseUnits("1", 18),
        0,
        [replica.tokenAddresses.WETH, replica.tokenAddresses.BLOCK],
        me,
        MaxUint256,
      ),
    ).to.be.revert(ethers);
  });
});

describe("replica market helpers", () => {
  it("dislocate opens a price gap between two pools of the same pair", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const uni = findPool(replica, "uniswapV2", "WETH", "USDC");
    const sushi = findPool(replica, "sushiswap", "WETH", "USDC");
    // Both pairs are seeded at the reference price: reserve ratios are equal.
    const spot = async () => {
      const [u, v] = await readPoolStates(replica, ethers.provider, [uni, sushi]);
      if (u?.dex !== "uniswapV2" || v?.dex !== "sushiswap") throw new Error("unexpected pool kinds");
      return { crossUni: u.reserve1 * v.reserve0, crossSushi: v.reserve1 * u.reserve0 };
    };
    const before = await spot();
    expect(before.crossUni).to.equal(before.crossSushi);
    await dislocate(replica, uni, trader, "WETH", parseUnits("50", 18));
    // 50 WETH into a 500 WETH pair moves its price by about 17%.
    const after = await spot();
    const gapBps = ((after.crossSushi - after.crossUni) * 10_000n) / after.crossSushi;
    expect(gapBps).to.be.greaterThan(1_500n);
    expect(gapBps).to.be.lessThan(1_900n);
  });

  it("readPoolStates reads every pool in one Multicall3 call, equal to direct reads", async () => {
    const replica = await loadReplica();
    const states = await readPoolStates(replica, ethers.provider);
    expect(states).to.have.length(replica.pools.length);
    for (const [i, pool] of replica.pools.entries()) {
      const state = states[i];
      if (state === undefined) throw new Error("missing state");
      if (state.dex === "uniswapV2" || state.dex === "sushiswap") {
        const pair = new ethers.Contract(
          pool.address,
          ["function getReserves() view returns (uint112,uint112,uint32)"],
          ethers.provider,
        );
        const [r0, r1] = (await pair.getFunction("getReserves")()) as [bigint, bigint];
        expect([state.reserve0, state.reserve1]).to.deep.equal([r0, r1]);
      } else if (state.dex === "uniswapV3") {
        const v3 = new ethers.Contract(pool.address, ["function liquidity() view returns (uint128)"], ethers.provider);
        expect(state.liquidity).to.equal(await v3.getFunction("liquidity")());
        expect(state.liquidity).to.be.greaterThan(0n);
      } else if (pool.dex === "balancerV2" && state.dex === "balancerV2") {
        const [, balances] = (await replica.balancer.vault.getFunction("getPoolTokens")(pool.poolId)) as [
          string[],
          bigint[],
        ];
        expect(state.balances).to.deep.equal([...balances]);
      }
    }
  });
});
