import { expect } from "chai";
import { parseUnits } from "ethers";
import { Market } from "../../../src/engine/collect/market.js";
import type { Cycle } from "../../../src/engine/strategy/cycles.js";
import { Lenders } from "../../../src/engine/strategy/lenders.js";
import { sizeForLender } from "../../../src/engine/strategy/pricing.js";
import { sizeCycle } from "../../../src/engine/strategy/size.js";
import { routeHop } from "../../../src/engine/venues/pools.js";
import { encodeLoan, encodeRoute } from "../../../src/executor/route.js";
import type { AnyContract } from "../../../src/replica/deploy.js";
import { dislocate, findPool } from "../../../src/replica/market.js";
import { replicaMarketPools } from "../../../src/replica/marketPools.js";
import { ethers, loadExecutor } from "../../fixtures/executor.js";

describe("sizing a loan from the Uniswap V4 PoolManager", () => {
  it("fits a cycle whose last hop is a V4 pool into what the PoolManager holds: the loan and that hop's payout at once, paid exactly", async () => {
    const f = await loadExecutor();
    const { WETH, USDC } = f.replica.tokenAddresses;
    await dislocate(
      f.replica,
      findPool(f.replica, "sushiswap", "WETH", "USDC"),
      f.trader,
      "USDC",
      parseUnits("3000000", 6),
    );
    const engine = replicaMarketPools(f.replica.pools, f.replica.tokenAddresses, f.replica.book);
    const sushi = engine.find(
      (p) =>
        p.kind === "uniswapV2" &&
        p.dex === "sushiswap" &&
        [p.token0, p.token1].includes(USDC) &&
        [p.token0, p.token1].includes(WETH),
    );
    const v4 = engine.find((p) => p.kind === "uniswapV4" && p.fee === 500 && [p.token0, p.token1].includes(USDC));
    if (sushi === undefined || v4 === undefined) throw new Error("no pools");
    const market = new Market(
      ethers.provider,
      f.replica.book.multicall3,
      [sushi, v4],
      undefined,
      f.replica.book.uniswapV4,
    );
    expect(await market.loadAll()).to.deep.equal([]);
    const cycle: Cycle = {
      id: "test",
      token: WETH,
      hops: [
        { pool: sushi, tokenIn: WETH, tokenOut: USDC },
        { pool: v4, tokenIn: USDC, tokenOut: WETH },
      ],
    };
    const lenders = new Lenders(ethers.provider, f.replica.book, {});
    await lenders.refresh([WETH], []);
    const quote = lenders.quotes(cycle, []).find((q) => q.lender === "UniswapV4");
    if (quote?.needs === undefined) throw new Error("no V4 quote with what it needs");
    const maxLoan = parseUnits("100000", 18);
    const executor = f.executor.connect(f.operator) as AnyContract;
    const route = encodeRoute(cycle.hops.map((h) => routeHop(h.pool, h.tokenOut)));

    // Sized on the balance alone, the trade needs the loan and the last hop's payout together.
    const naive = sizeCycle(cycle, quote.available, quote.fee);
    if (naive === undefined) throw new Error("no naive size");
    expect(quote.needs(naive)).to.equal(naive.amountIn + naive.amountOut);
    // A PoolManager holding less than that (as on a chain where the pool is most of what it
    // holds): the size shrinks until both fit.
    const short = { ...quote, available: quote.needs(naive) - naive.amountIn / 2n };
    // Sized to fit, it needs no more than the PoolManager holds and pays exactly its estimate.
    const fitted = sizeForLender(cycle, short, maxLoan);
    if (fitted === undefined) throw new Error("no fitted size");
    expect(quote.needs(fitted)).to.be.at.most(short.available);
    expect(fitted.amountIn).to.be.lessThan(naive.amountIn);
    const profit = (await executor
      .getFunction("execute")
      .staticCall(encodeLoan("UniswapV4", WETH, fitted.amountIn), 0n, route)) as bigint;
    expect(profit).to.equal(fitted.profit);
  });
});
