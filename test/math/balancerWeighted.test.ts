import { expect } from "chai";
import { parseUnits } from "ethers";
import { exp, pow } from "../../src/math/logExpMath.js";
import { weightedSwapGivenIn } from "../../src/math/weightedMath.js";
import { loadWeightedPools } from "../../src/pools/balancerWeighted.js";
import { dislocate } from "../../src/replica/market.js";
import type { Replica } from "../../src/replica/replica.js";
import { ethers, loadReplica, otherSigners } from "../fixtures/replica.js";

/** Balancer's SwapKind.GIVEN_IN. */
const GIVEN_IN = 0;

async function queryGivenIn(replica: Replica, poolId: string, tokenIn: string, tokenOut: string, amount: bigint) {
  const me = await replica.balancer.vault.getAddress();
  const deltas = (await replica.balancer.vault
    .getFunction("queryBatchSwap")
    .staticCall(
      GIVEN_IN,
      [{ poolId, assetInIndex: 0, assetOutIndex: 1, amount, userData: "0x" }],
      [tokenIn, tokenOut],
      { sender: me, fromInternalBalance: false, recipient: me, toInternalBalance: false },
    )) as bigint[];
  return -(deltas[1] as bigint);
}

describe("Balancer weighted-pool math equals the chain to the wei", () => {
  it("LogExpMath: pow and exp agree with the real functions to 1e-14", () => {
    const close = (actual: bigint, expected: number) =>
      expect(Math.abs(Number(actual) / 1e18 - expected) / expected).to.be.lessThan(1e-14);
    close(pow(2n * 10n ** 18n, 5n * 10n ** 17n), Math.SQRT2);
    close(pow(95n * 10n ** 16n, 15n * 10n ** 17n), 0.95 ** 1.5); // the 36-decimal log branch
    close(pow(3n * 10n ** 17n, 2n * 10n ** 18n), 0.09);
    close(exp(10n ** 18n), Math.E);
    close(exp(-(5n * 10n ** 18n)), Math.exp(-5));
    expect(pow(123n, 0n)).to.equal(10n ** 18n);
    expect(pow(0n, 10n ** 18n)).to.equal(0n);
  });

  it("every pair of every weighted pool, before and after a dislocation, pays what queryBatchSwap quotes", async () => {
    const replica = await loadReplica();
    const [trader] = await otherSigners();
    if (trader === undefined) throw new Error("no trader");
    const { book } = replica;
    const vault = book.balancerV2?.vault;
    if (vault === undefined) throw new Error("no vault");
    let compared = 0;
    for (const round of [0, 1]) {
      if (round === 1) {
        for (const pool of replica.balancer.pools) await dislocate(replica, pool, trader, "WETH", parseUnits("30", 18));
      }
      const loaded = await loadWeightedPools(ethers.provider, book.multicall3, vault, replica.balancer.pools);
      for (const [k, { tokens, state }] of loaded.entries()) {
        const pool = replica.balancer.pools[k];
        if (pool === undefined) throw new Error("pool");
        expect(tokens).to.deep.equal(pool.tokens.map((s) => replica.tokenAddresses[s]));
        expect(state.weights).to.deep.equal(pool.weights);
        expect(state.swapFee).to.equal(pool.swapFee);
        for (let i = 0; i < tokens.length; i++) {
          for (let j = 0; j < tokens.length; j++) {
            if (i === j) continue;
            const balance = state.balances[i] as bigint;
            for (const share of [1n, 997n, 50_000n, 290_000n]) {
              // From a millionth to 29% of the pool's balance (the pool refuses more than 30%).
              const amount = (balance * share) / 1_000_000n + 7n;
              const chain = await queryGivenIn(replica, pool.poolId, tokens[i] as string, tokens[j] as string, amount);
              expect(
                weightedSwapGivenIn(state, i, j, amount),
                `${pool.tokens[i]}→${pool.tokens[j]} ${amount}`,
              ).to.equal(chain);
              compared += 1;
            }
          }
          // Over the 30% limit the pool reverts; the engine's math says nothing comes out.
          const tooMuch = ((state.balances[i] as bigint) * 31n) / 100n;
          const j = (i + 1) % tokens.length;
          expect(weightedSwapGivenIn(state, i, j, tooMuch)).to.equal(0n);
          await expect(
            queryGivenIn(replica, pool.poolId, tokens[i] as string, tokens[j] as string, tooMuch),
          ).to.be.rejectedWith(Error, "BAL#304");
        }
      }
    }
    expect(compared).to.equal(2 * 4 * (2 + 6));
  });
});
