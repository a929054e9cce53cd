import type { Address, CompleteAddressBook } from "../addressBook.js";
import { BOOK_TOKENS } from "../addressBook.js";
import type { MarketPool } from "../engine/venues/pools.js";
import { v2DexIndex } from "../executor/deploy.js";
import type { ReplicaPool } from "./replica.js";
import type { ReplicaTokenSymbol } from "./tokens.js";

/**
 * The engine's pools on the replica: its Uniswap V2, Sushiswap, Uniswap V3, Uniswap V4 and Balancer
 * weighted pools between the address book's tokens (the fee-on-transfer and blocklist tokens are left out, as a real
 * deployment would leave them out of its allowlist). State is read by the market on start.
 */
export function replicaMarketPools(
  pools: readonly ReplicaPool[],
  tokenAddresses: Readonly<Record<ReplicaTokenSymbol, Address>>,
  book: CompleteAddressBook,
): MarketPool[] {
  const listed = new Set<string>(BOOK_TOKENS);
  const out: MarketPool[] = [];
  for (const pool of pools) {
    if (pool.dex === "balancerV2") {
      if (!pool.tokens.every((t) => listed.has(t))) continue;
      out.push({
        kind: "balancerWeighted",
        address: pool.address,
        poolId: pool.poolId,
        tokens: pool.tokens.map((t) => tokenAddresses[t]),
        state: { balances: [], weights: [], scalingFactors: [], swapFee: 0n },
      });
      continue;
    }
    if (!listed.has(pool.token0) || !listed.has(pool.token1)) continue;
    const token0 = tokenAddresses[pool.token0];
    const token1 = tokenAddresses[pool.token1];
    if (pool.dex === "uniswapV4") {
      out.push({
        kind: "uniswapV4",
        address: pool.id,
        poolId: pool.id,
        token0,
        token1,
        fee: pool.key.fee,
        tickSpacing: pool.key.tickSpacing,
        state: {
          sqrtPriceX96: 0n,
          tick: 0,
          liquidity: 0n,
          lpFee: pool.key.fee,
          protocolFee: 0,
          tickSpacing: pool.key.tickSpacing,
          ticks: new Map(),
        },
      });
    } else if (pool.dex === "uniswapV3") {
      out.push({
        kind: "uniswapV3",
        address: pool.address,
        token0,
        token1,
        fee: pool.fee,
        state: { sqrtPriceX96: 0n, tick: 0, liquidity: 0n, fee: pool.fee, tickSpacing: 1, ticks: new Map() },
      });
    } else {
      out.push({
        kind: "uniswapV2",
        address: pool.address,
        token0,
        token1,
        dex: pool.dex,
        factoryIndex: v2DexIndex(pool.dex, book),
        feePips: pool.feeBps * 100,
        state: { reserve0: 0n, reserve1: 0n },
      });
    }
  }
  return out;
}
