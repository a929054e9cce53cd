import { expect } from "chai";
import { parseUnits } from "ethers";
import type { Address, AddressBook } from "../../../src/addressBook.js";
import type { Cycle } from "../../../src/engine/strategy/cycles.js";
import { Lenders } from "../../../src/engine/strategy/lenders.js";
import { replicaMarketPools } from "../../../src/replica/marketPools.js";
import type { Replica } from "../../../src/replica/replica.js";
import { fund, type ReplicaTokenSymbol } from "../../../src/replica/tokens.js";
import { ethers, loadReplica } from "../../fixtures/replica.js";

/** A two-hop cycle of `token` through the replica's first two engine pools that hold it. */
function cycleOf(replica: Replica, token: Address): Cycle {
  const pools = replicaMarketPools(replica.pools, replica.tokenAddresses, replica.book).filter(
    (p) => p.kind === "uniswapV2" && (p.token0 === token || p.token1 === token),
  );
  const [first, second] = pools;
  if (first?.kind !== "uniswapV2" || second?.kind !== "uniswapV2") throw new Error("no two V2 pools");
  const other = first.token0 === token ? first.token1 : first.token0;
  return {
    id: "test",
    token,
    hops: [
      { pool: first, tokenIn: token, tokenOut: other },
      { pool: second, tokenIn: other, tokenOut: token },
    ],
  };
}

describe("the Uniswap V4 PoolManager as a lender", () => {
  it("lends every token it holds at no fee: what it offers is its balance, read in the lenders' batch", async () => {
    const replica = await loadReplica();
    const [deployer] = await ethers.getSigners();
    if (deployer === undefined) throw new Error("no deployer");
    const manager = replica.book.uniswapV4.poolManager;
    // Tokens sent to the PoolManager outside a settlement are its balance too: it lends them.
    await fund(replica.tokens, "DAI", deployer, manager, parseUnits("1234.5", 18));
    const symbols: ReplicaTokenSymbol[] = ["WETH", "USDC", "DAI", "WBTC"];
    const tokens = symbols.map((s) => replica.tokenAddresses[s]);
    const lenders = new Lenders(ethers.provider, replica.book, {});
    await lenders.refresh(tokens, []);
    for (const symbol of symbols) {
      const token = replica.tokenAddresses[symbol];
      const balance = (await replica.tokens[symbol].getFunction("balanceOf")(manager)) as bigint;
      expect(balance, symbol).to.be.greaterThan(0n);
      const quote = lenders.quotes(cycleOf(replica, token), []).find((q) => q.lender === "UniswapV4");
      expect(quote?.available, symbol).to.equal(balance);
      expect(quote?.fee(balance)).to.equal(0n);
    }
  });

  it("is not offered where the address book has no Uniswap V4", async () => {
    const replica = await loadReplica();
    const { uniswapV4: _v4, ...book } = replica.book;
    const lenders = new Lenders(ethers.provider, book as AddressBook, {});
    const weth = replica.tokenAddresses.WETH;
    await lenders.refresh([weth], []);
    const quotes = lenders.quotes(cycleOf(replica, weth), []);
    expect(quotes.map((q) => q.lender)).to.include("BalancerV2");
    expect(quotes.map((q) => q.lender)).to.not.include("UniswapV4");
  });
});
