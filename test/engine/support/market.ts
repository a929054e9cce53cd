import { expect } from "chai";
import { Market } from "../../../src/engine/collect/market.js";
import { replicaMarketPools } from "../../../src/replica/marketPools.js";
import type { Replica } from "../../../src/replica/replica.js";
import { ethers } from "../../fixtures/replica.js";

/** A market of every engine pool on the replica: V2, V3, V4 and Balancer together, read once. */
export async function replicaMarket(replica: Replica): Promise<Market> {
  const pools = replicaMarketPools(replica.pools, replica.tokenAddresses, replica.book);
  const market = new Market(
    ethers.provider,
    replica.book.multicall3,
    pools,
    replica.book.balancerV2.vault,
    replica.book.uniswapV4,
  );
  expect(await market.loadAll()).to.deep.equal([]);
  return market;
}
