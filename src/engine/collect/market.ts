import { Interface, type Provider } from "ethers";
import type { Address, UniswapV4Deployment } from "../../addressBook.js";
import { BaseError } from "../../errors.js";
import { loadWeightedPools } from "../../pools/balancerWeighted.js";
import { tryMulticall } from "../../pools/multicall.js";
import { loadUniswapV3Pool, refreshUniswapV3Price } from "../../pools/uniswapV3.js";
import { loadUniswapV4Pool, refreshUniswapV4Price } from "../../pools/uniswapV4.js";
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
/** The PoolManager's events about one pool; the PoolId is their first indexed topic. */
const poolManagerEvents = new Interface([
  "event Swap(bytes32 indexed id, address indexed sender, int128 amount0, int128 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick, uint24 fee)",
  "event ModifyLiquidity(bytes32 indexed id, address indexed sender, int24 tickLower, int24 tickUpper, int256 liquidityDelta, bytes32 salt)",
  "event ProtocolFeeUpdated(bytes32 indexed id, uint24 protocolFee)",
  "event Donate(bytes32 indexed id, address indexed sender, uint256 amount0, uint256 amount1)",
]);
/**
 * Of those, the ones after which re-reading slot0 and the active liquidity is enough: a swap
 * moves the price, a new protocol fee is in slot0, and a donation only pays the in-range
 * positions; none of them changes any tick's liquidity. A ModifyLiquidity does.
 */
const V4_PRICE_TOPICS = ["Swap", "ProtocolFeeUpdated", "Donate"].map(
  (name) => poolManagerEvents.getEvent(name)?.topicHash as string,
);
const V4_TOPICS = [...V4_PRICE_TOPICS, poolManagerEvents.getEvent("ModifyLiquidity")?.topicHash as string];

/**
 * The collector: the engine's view of every pool, read in batches through Multicall3 and kept
 * current by re-reading exactly the pools that emitted logs in new blocks. It never guesses a
 * pool's state from an event: anything that changed is read again at the block just seen.
 */
export class Market {
  readonly pools: ReadonlyMap<Address, MarketPool>;

  /** Vault pool ID → pool address, for the Balancer pools. */
  private readonly byPoolId: ReadonlyMap<string, Address>;
  /** PoolId in lower case → the pool's key in `pools`, for the Uniswap V4 pools. */
  private readonly byV4PoolId: ReadonlyMap<string, Address>;

  /**
   * @param uniswapV4 The PoolManager, whose logs name the V4 pools that changed, and StateView,
   *   which reads them: needed when `pools` has V4 pools.
   * @throws BaseError when `pools` has Balancer or Uniswap V4 pools and the contracts that hold
   *   them are not given.
   */
  constructor(
    private readonly provider: Provider,
    private readonly multicall3: Address,
    pools: readonly MarketPool[],
    private readonly balancerVault?: Address,
    private readonly uniswapV4?: Pick<UniswapV4Deployment, "poolManager" | "stateView">,
  ) {
    this.pools = new Map(pools.map((p) => [p.address, p]));
    this.byPoolId = new Map(
      pools.flatMap((p) => (p.kind === "balancerWeighted" ? [[p.poolId.toLowerCase(), p.address] as const] : [])),
    );
    this.byV4PoolId = new Map(
      pools.flatMap((p) => (p.kind === "uniswapV4" ? [[p.poolId.toLowerCase(), p.address] as const] : [])),
    );
    if (this.byPoolId.size > 0 && balancerVault === undefined)
      throw new BaseError("Balancer pools were given without the Balancer Vault's address.", {
        details: "Add balancerV2.vault to the address book, or leave its weighted pools out.",
      });
    if (this.byV4PoolId.size > 0 && uniswapV4 === undefined)
      throw new BaseError("Uniswap V4 pools were given without the PoolManager's and StateView's addresses.", {
        details: "Add uniswapV4 (poolManager, stateView, quoter) to the address book, or leave its V4 pools out.",
      });
  }

  /** Reads every pool at `blockTag` (latest by default). */
  async loadAll(blockTag?: number): Promise<Unreadable[]> {
    return this.refresh([...this.pools.keys()], blockTag);
  }

  /**
   * Re-reads `addresses` at `blockTag`. V3 and V4 pools in `priceOnly` had only swaps (or, for
   * V4, fee changes and donations) since the last read, so just their slot0 and active liquidity
   * are read; others are read in full. A pool whose read reverts or returns what its kind cannot
   * return is emptied (no rate, so no cycle uses it) and reported, and the other pools are read
   * as usual.
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
    for (const pool of pools) {
      if (pool.kind !== "uniswapV4" || this.uniswapV4 === undefined) continue;
      const { stateView } = this.uniswapV4;
      try {
        const state =
          priceOnly.has(pool.address) && pool.state.ticks.size > 0
            ? await refreshUniswapV4Price(this.provider, this.multicall3, stateView, pool.poolId, pool.state, blockTag)
            : await loadUniswapV4Pool(
                this.provider,
                this.multicall3,
                this.uniswapV4,
                pool.poolId,
                pool.fee,
                pool.tickSpacing,
                blockTag,
              );
        if (state.sqrtPriceX96 <= 0n) throw new Error("not initialized in the PoolManager");
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
   * or whose balances the Balancer Vault moved, or that the Uniswap V4 PoolManager swapped
   * through, changed the liquidity of, set a protocol fee on or donated to; and which of the V3
   * and V4 ones changed no tick's liquidity (`refresh`'s `priceOnly`).
   */
  async changedBetween(fromBlock: number, toBlock: number): Promise<{ changed: Address[]; priceOnly: Set<Address> }> {
    if (toBlock < fromBlock) return { changed: [], priceOnly: new Set() };
    // A V4 pool's key is its PoolId, not an address that could emit logs: the PoolManager does.
    const own = [...this.pools.values()].filter((p) => p.kind !== "uniswapV4").map((p) => p.address);
    const watched = [...own];
    if (this.balancerVault !== undefined && this.byPoolId.size > 0) watched.push(this.balancerVault);
    const logs = await this.provider.getLogs({ address: watched, fromBlock, toBlock });
    // The PoolManager logs every V4 pool's events and every ERC-6909 transfer: only the four
    // events that change a watched pool are asked for, by topic, in a query of their own.
    if (this.uniswapV4 !== undefined && this.byV4PoolId.size > 0)
      logs.push(
        ...(await this.provider.getLogs({
          address: this.uniswapV4.poolManager,
          topics: [V4_TOPICS, [...this.byV4PoolId.keys()]],
          fromBlock,
          toBlock,
        })),
      );
    const byLower = new Map(own.map((a) => [a.toLowerCase(), a]));
    const vault = this.balancerVault?.toLowerCase();
    const poolManager = this.uniswapV4?.poolManager.toLowerCase();
    const changed = new Set<Address>();
    const other = new Set<Address>();
    for (const log of logs) {
      const emitter = log.address.toLowerCase();
      const topic = log.topics[0] as string;
      // The Vault and the PoolManager name the pool by its ID; any other log is the pool's own.
      const address =
        emitter === vault
          ? VAULT_TOPICS.includes(topic)
            ? this.byPoolId.get((log.topics[1] ?? "").toLowerCase())
            : undefined
          : emitter === poolManager
            ? V4_TOPICS.includes(topic)
              ? this.byV4PoolId.get((log.topics[1] ?? "").toLowerCase())
              : undefined
            : byLower.get(emitter);
      if (address === undefined) continue;
      changed.add(address);
      if (emitter === poolManager ? !V4_PRICE_TOPICS.includes(topic) : topic !== V3_SWAP_TOPIC) other.add(address);
    }
    const priceOnly = new Set(
      [...changed].filter((a) => {
        const kind = this.pools.get(a)?.kind;
        return (kind === "uniswapV3" || kind === "uniswapV4") && !other.has(a);
      }),
    );
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
