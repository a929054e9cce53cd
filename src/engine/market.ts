import { Interface, type Provider } from "ethers";
import type { Address } from "../addressBook.js";
import { multicall } from "../pools/multicall.js";
import { loadUniswapV3Pool } from "../pools/uniswapV3.js";
import type { MarketPool } from "./pools.js";

const pair = new Interface(["function getReserves() view returns (uint112, uint112, uint32)"]);

/**
 * The collector: the engine's view of every pool, read in batches through Multicall3 and kept
 * current by re-reading exactly the pools that emitted logs in new blocks. It never guesses a
 * pool's state from an event: anything that changed is read again at the block just seen.
 */
export class Market {
  readonly pools: ReadonlyMap<Address, MarketPool>;

  constructor(
    private readonly provider: Provider,
    private readonly multicall3: Address,
    pools: readonly MarketPool[],
  ) {
    this.pools = new Map(pools.map((p) => [p.address, p]));
  }

  /** Reads every pool at `blockTag` (latest by default). */
  async loadAll(blockTag?: number): Promise<void> {
    await this.refresh([...this.pools.keys()], blockTag);
  }

  /** Re-reads `addresses` at `blockTag`. */
  async refresh(addresses: readonly Address[], blockTag?: number): Promise<void> {
    const v2 = addresses
      .map((a) => this.pools.get(a))
      .filter((p): p is MarketPool & { kind: "uniswapV2" } => p?.kind === "uniswapV2");
    const v3 = addresses
      .map((a) => this.pools.get(a))
      .filter((p): p is MarketPool & { kind: "uniswapV3" } => p?.kind === "uniswapV3");
    if (v2.length > 0) {
      const results = await multicall(
        this.provider,
        this.multicall3,
        v2.map((p) => ({ target: p.address, callData: pair.encodeFunctionData("getReserves") })),
        blockTag,
      );
      for (const [k, data] of results.entries()) {
        const [reserve0, reserve1] = pair.decodeFunctionResult("getReserves", data) as unknown as [bigint, bigint];
        const pool = v2[k] as MarketPool & { kind: "uniswapV2" };
        pool.state = { reserve0, reserve1 };
      }
    }
    for (const pool of v3) {
      pool.state = await loadUniswapV3Pool(this.provider, this.multicall3, pool.address, blockTag);
    }
  }

  /**
   * Re-reads every pool at `blockTag` and returns those whose state differed from what the
   * market held: a check that no missed event, gap or reorg left the view stale.
   */
  async verify(blockTag?: number): Promise<Address[]> {
    const before = new Map([...this.pools].map(([address, pool]) => [address, fingerprint(pool)]));
    await this.loadAll(blockTag);
    return [...this.pools]
      .filter(([address, pool]) => before.get(address) !== fingerprint(pool))
      .map(([address]) => address);
  }

  /** The pools that emitted any log in blocks `fromBlock`..`toBlock` (Sync, Swap, Mint, Burn…). */
  async changedBetween(fromBlock: number, toBlock: number): Promise<Address[]> {
    if (toBlock < fromBlock) return [];
    const logs = await this.provider.getLogs({ address: [...this.pools.keys()], fromBlock, toBlock });
    const changed = new Set<Address>();
    for (const log of logs) {
      const match = [...this.pools.keys()].find((a) => a.toLowerCase() === log.address.toLowerCase());
      if (match !== undefined) changed.add(match);
    }
    return [...changed];
  }
}

/** A pool's state as a comparable string. */
function fingerprint(pool: MarketPool): string {
  if (pool.kind === "uniswapV2") return `${pool.state.reserve0}:${pool.state.reserve1}`;
  const ticks = [...pool.state.ticks].sort(([a], [b]) => a - b).map(([t, net]) => `${t}=${net}`);
  return `${pool.state.sqrtPriceX96}:${pool.state.tick}:${pool.state.liquidity}:${ticks.join(",")}`;
}
