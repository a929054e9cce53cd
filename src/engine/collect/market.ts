import { Interface, type Provider } from "ethers";
import type { Address } from "../../addressBook.js";
import { BaseError } from "../../errors.js";
import { loadWeightedPools } from "../../pools/balancerWeighted.js";
import { tryMulticall } from "../../pools/multicall.js";
import { loadUniswapV3Pool, refreshUniswapV3Price } from "../../pools/uniswapV3.js";
import { type MarketPool, venueOf } from "../venues/pools.js";

const pair = new Interface(["function getReserves() view returns (uint112, uint112, uint32)"]);
/** A Uniswap V3 pool's Swap event: it moves the price but no tick's liquidity. */
const V3_SWAP_TOPIC = new Interface([
  "event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)",
]).getEvent("Swap")?.topicHash;
/** The Vault's events that move a pool's balances; the pool ID is their first indexed topic. */
const vaultEvents = new Interface([
  "event Swap(bytes32 indexed poolId, address indexed tokenIn, address indexed tokenOut, uint256 amountIn, uint256 amountOut)",
  "event PoolBalanceChanged(bytes32 indexed poolId, address indexed liquidityProvider, address[] tokens, int256[] deltas, uint256[] protocolFeeAmounts)",
  "event PoolBalanceManaged(bytes32 indexed poolId, address indexed assetManager, address indexed token, int256 cashDelta, int256 managedDelta)",
]);
const VAULT_TOPICS = ["Swap", "PoolBalanceChanged", "PoolBalanceManaged"].map(
  (name) => vaultEvents.getEvent(name)?.topicHash as string,
);

/**
 * The collector: the engine's view of every pool, read in batches through Multicall3 and kept
 * current by re-reading exactly the pools that emitted logs in new blocks. It never guesses a
 * pool's state from an event: anything that changed is read again at the block just seen.
 */
export class Market {
  readonly pools: ReadonlyMap<Address, MarketPool>;

  /** Vault pool ID → pool address, for the Balancer pools. */
  private readonly byPoolId: ReadonlyMap<string, Address>;

  constructor(
    private readonly provider: Provider,
    private readonly multicall3: Address,
    pools: readonly MarketPool[],
    private readonly balancerVault?: Address,
  ) {
    this.pools = new Map(pools.map((p) => [p.address, p]));
    this.byPoolId = new Map(
      pools.flatMap((p) => (p.kind === "balancerWeighted" ? [[p.poolId.toLowerCase(), p.address] as const] : [])),
    );
    if (this.byPoolId.size > 0 && balancerVault === undefined)
      throw new BaseError("Balancer pools were given without the Balancer Vault's address.", {
        details: "Add balancerV2.vault to the address book, or leave its weighted pools out.",
      });
  }

  /** Reads every pool at `blockTag` (latest by default). */
  async loadAll(blockTag?: number): Promise<Unreadable[]> {
    return this.refresh([...this.pools.keys()], blockTag);
  }

  /**
   * Re-reads `addresses` at `blockTag`. V3 pools in `priceOnly` had only swaps since the last
   * read, so just their price and active liquidity are read; others are read in full. A pool
   * whose read reverts or returns what its kind cannot return is emptied (no rate, so no cycle
   * uses it) and reported, and the other pools are read as usual.
   * @returns The pools that could not be read, with why.
   */
  async refresh(
    addresses: readonly Address[],
    blockTag?: number,
    priceOnly: ReadonlySet<Address> = new Set(),
  ): Promise<Unreadable[]> {
    const unreadable: Unreadable[] = [];
    const pools = addresses.map((a) => this.pools.get(a)).filter((p) => p !== undefined);
    const failed = (pool: MarketPool, error: unknown) => {
      unreadable.push({ address: pool.address, reason: error instanceof Error ? error.message : String(error) });
      empty(pool);
    };
    const v2 = pools.filter((p): p is MarketPool & { kind: "uniswapV2" } => p.kind === "uniswapV2");
    if (v2.length > 0) {
      const results = await tryMulticall(
        this.provider,
        this.multicall3,
        v2.map((p) => ({ target: p.address, callData: pair.encodeFunctionData("getReserves") })),
        blockTag,
      );
      for (const [k, data] of results.entries()) {
        const pool = v2[k] as MarketPool & { kind: "uniswapV2" };
        try {
          if (data === undefined) throw new Error("getReserves() reverted");
          const [reserve0, reserve1] = pair.decodeFunctionResult("getReserves", data) as unknown as [bigint, bigint];
          pool.state = { reserve0, reserve1 };
        } catch (error) {
          failed(pool, error);
        }
      }
    }
    const weighted = pools.filter((p): p is MarketPool & { kind: "balancerWeighted" } => p.kind === "balancerWeighted");
    if (weighted.length > 0 && this.balancerVault !== undefined) {
      const vault = this.balancerVault;
      // One batch for all; if it fails, each pool alone, so only the broken ones are dropped.
      const batch = await loadWeightedPools(this.provider, this.multicall3, vault, weighted, blockTag).catch(
        () => undefined,
      );
      for (const [k, pool] of weighted.entries()) {
        try {
          const loaded =
            batch?.[k] ?? (await loadWeightedPools(this.provider, this.multicall3, vault, [pool], blockTag))[0];
          if (loaded === undefined) throw new Error("no answer from the Vault");
          const { tokens, state } = loaded;
          // The engine's token order must be the Vault's: a registry that disagrees is refused.
          if (tokens.join() !== pool.tokens.join())
            throw new Error(`the Vault lists ${tokens.join(", ")}, not ${pool.tokens.join(", ")}`);
          if (state.weights.length !== tokens.length || state.balances.length !== tokens.length)
            throw new Error("weights and balances do not match the tokens");
          pool.state = state;
        } catch (error) {
          failed(pool, error);
        }
      }
    }
    for (const pool of pools) {
      if (pool.kind !== "uniswapV3") continue;
      try {
        const state =
          priceOnly.has(pool.address) && pool.state.ticks.size > 0
            ? await refreshUniswapV3Price(this.provider, this.multicall3, pool.address, pool.state, blockTag)
            : await loadUniswapV3Pool(this.provider, this.multicall3, pool.address, blockTag);
        if (!(state.tickSpacing > 0) || state.sqrtPriceX96 <= 0n)
          throw new Error("uninitialized, or not a Uniswap V3 pool");
        pool.state = state;
      } catch (error) {
        failed(pool, error);
      }
    }
    return unreadable;
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

  /**
   * The pools that emitted any log in blocks `fromBlock`..`toBlock` (Sync, Swap, Mint, Burn…)
   * or whose balances the Balancer Vault moved, and which of the V3 ones emitted only swaps.
   */
  async changedBetween(fromBlock: number, toBlock: number): Promise<{ changed: Address[]; priceOnly: Set<Address> }> {
    if (toBlock < fromBlock) return { changed: [], priceOnly: new Set() };
    const watched = [...this.pools.keys()];
    if (this.balancerVault !== undefined && this.byPoolId.size > 0) watched.push(this.balancerVault);
    const logs = await this.provider.getLogs({ address: watched, fromBlock, toBlock });
    const byLower = new Map([...this.pools.keys()].map((a) => [a.toLowerCase(), a]));
    const vault = this.balancerVault?.toLowerCase();
    const changed = new Set<Address>();
    const other = new Set<Address>();
    for (const log of logs) {
      // A Vault event names the pool by its ID; any other log is the pool's own.
      const address =
        log.address.toLowerCase() === vault
          ? VAULT_TOPICS.includes(log.topics[0] as string)
            ? this.byPoolId.get((log.topics[1] ?? "").toLowerCase())
            : undefined
          : byLower.get(log.address.toLowerCase());
      if (address === undefined) continue;
      changed.add(address);
      if (log.topics[0] !== V3_SWAP_TOPIC) other.add(address);
    }
    const priceOnly = new Set([...changed].filter((a) => this.pools.get(a)?.kind === "uniswapV3" && !other.has(a)));
    return { changed: [...changed], priceOnly };
  }
}

/** A pool the market could not read, and why. */
export interface Unreadable {
  readonly address: Address;
  readonly reason: string;
}

/** Clears a pool's state so that no cycle uses it until it is read again. */
function empty(pool: MarketPool): void {
  venueOf(pool).empty(pool);
}

/** A pool's state as a comparable string. */
function fingerprint(pool: MarketPool): string {
  return venueOf(pool).fingerprint(pool);
}
