import { expect } from "chai";
import { MaxUint256, parseUnits } from "ethers";
import type { Address } from "../../../src/addressBook.js";
import { changedPositions } from "../../../src/engine/liquidations/borrowers.js";
import type { AnyContract } from "../../../src/replica/deploy.js";
import { fund } from "../../../src/replica/tokens.js";
import { ethers, loadReplica, otherSigners } from "../../fixtures/replica.js";

describe("borrowers found from the Pool's events", () => {
  it("names the user whose position changed (not the caller), each once, in pages of any size", async () => {
    const replica = await loadReplica();
    const [alice, carol, dave] = await otherSigners();
    if (alice === undefined || carol === undefined || dave === undefined) throw new Error("missing signers");
    const pool = replica.aave.deployment.pool;
    const start = await ethers.provider.getBlockNumber();
    const [a, c, d] = (await Promise.all([alice, carol, dave].map((s) => s.getAddress()))) as Address[];
    // Alice supplies and borrows for herself; Carol supplies on Dave's behalf.
    for (const [signer, onBehalf] of [
      [alice, a],
      [carol, d],
    ] as const) {
      const me = await signer.getAddress();
      await fund(replica.tokens, "WETH", signer, me, parseUnits("5", 18));
      await (
        await (replica.tokens.WETH.connect(signer) as AnyContract).getFunction("approve")(pool, MaxUint256)
      ).wait();
      const p = replica.aave.pool.connect(signer) as AnyContract;
      await (await p.getFunction("supply")(replica.tokenAddresses.WETH, parseUnits("5", 18), onBehalf, 0)).wait();
    }
    await (
      await (replica.aave.pool.connect(alice) as AnyContract).getFunction("borrow")(
        replica.tokenAddresses.USDC,
        parseUnits("1000", 6),
        2,
        0,
        a,
      )
    ).wait();
    const end = await ethers.provider.getBlockNumber();
    const found = await changedPositions(ethers.provider, pool, start + 1, end);
    expect(found).to.include(a);
    expect(found).to.include(d);
    expect(found).to.not.include(c);
    expect(new Set(found).size).to.equal(found.length);
    // Pages of one block find the same users; from the deployment on, the replica's own
    // liquidity provider too.
    expect(await changedPositions(ethers.provider, pool, start + 1, end, 1)).to.deep.equal(found);
    const all = await changedPositions(ethers.provider, pool, 0, end, 50);
    expect(all).to.include.members([a, d]);
    expect(all.length).to.be.greaterThan(found.length);
    let error: unknown;
    await changedPositions(ethers.provider, pool, 0, end, 0).catch((e: unknown) => {
      error = e;
    });
    expect(String(error)).to.match(/pageBlocks must be at least 1/);
  });
});
