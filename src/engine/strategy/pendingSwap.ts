import { AbiCoder, getAddress, Interface, keccak256 } from "ethers";
import type { Address, AddressBook } from "../../addressBook.js";
import type { PendingTransaction } from "../collect/pending.js";
import type { MarketPool } from "../venues/pools.js";

/** The routers users swap through whose calls a backrun can read, from the address book. */
export interface SwapRouters {
  /** Uniswap V2-style routers, by address (lower case), to their DEX's name. */
  readonly v2: ReadonlyMap<string, string>;
  /** Uniswap V3's SwapRouter (v1). */
  readonly v3?: string;
  /** A router with v4-core's `swap(key, params, settings, hookData)`. */
  readonly v4?: string;
  readonly balancerVault?: string;
}

/** The routers of `book` a backrun reads. */
export function swapRoutersOf(book: AddressBook): SwapRouters {
  const v2 = new Map<string, string>();
  if (book.uniswapV2 !== undefined) v2.set(book.uniswapV2.router.toLowerCase(), "uniswapV2");
  if (book.sushiswap !== undefined) v2.set(book.sushiswap.router.toLowerCase(), "sushiswap");
  if (book.quickswap !== undefined) v2.set(book.quickswap.router.toLowerCase(), "quickswap");
  return {
    v2,
    ...(book.uniswapV3.swapRouter === undefined ? {} : { v3: book.uniswapV3.swapRouter.toLowerCase() }),
    ...(book.uniswapV4?.swapRouter === undefined ? {} : { v4: book.uniswapV4.swapRouter.toLowerCase() }),
    ...(book.balancerV2 === undefined ? {} : { balancerVault: book.balancerV2.vault.toLowerCase() }),
  };
}

/** One pool a pending swap goes through, in order. */
export interface PendingHop {
  readonly pool: MarketPool;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
}

/** What a pending transaction will do to the pools the engine watches: an exact-input swap. */
export interface PendingSwap {
  readonly hops: readonly PendingHop[];
  /** What the first hop takes in; each later hop takes the one before's output. */
  readonly amountIn: bigint;
  /** The least the swap accepts out of its last hop: below it, the swap reverts. */
  readonly minAmountOut: bigint;
}

// Only the plain exact-input call: the fee-on-transfer variant's pairs receive less than the amount.
const v2Router = new Interface([
  "function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline)",
]);
const v3Router = new Interface([
  "function exactInputSingle((address tokenIn, address tokenOut, uint24 fee, address recipient, uint256 deadline, uint256 amountIn, uint256 amountOutMinimum, uint160 sqrtPriceLimitX96) params)",
  "function exactInput((bytes path, address recipient, uint256 deadline, uint256 amountIn, uint256 amountOutMinimum) params)",
]);
const v4Router = new Interface([
  "function swap((address currency0, address currency1, uint24 fee, int24 tickSpacing, address hooks) key, (bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96) params, (bool takeClaims, bool settleUsingBurn) testSettings, bytes hookData)",
]);
const vault = new Interface([
  "function swap((bytes32 poolId, uint8 kind, address assetIn, address assetOut, uint256 amount, bytes userData) singleSwap, (address sender, bool fromInternalBalance, address recipient, bool toInternalBalance) funds, uint256 limit, uint256 deadline)",
]);
/** TickMath's MIN_SQRT_PRICE + 1 and MAX_SQRT_PRICE − 1: a V4 swap without a price limit. */
const MIN_PRICE_LIMIT = 4_295_128_740n;
const MAX_PRICE_LIMIT = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_341n;

/** Pools of the market by what routers name them with. */
export class PoolIndex {
  private readonly byKey = new Map<string, MarketPool>();

  constructor(pools: Iterable<MarketPool>) {
    for (const pool of pools) {
      if (pool.kind === "uniswapV2") this.byKey.set(`v2:${pool.dex}:${pair(pool.token0, pool.token1)}`, pool);
      else if (pool.kind === "uniswapV3") this.byKey.set(`v3:${pair(pool.token0, pool.token1)}:${pool.fee}`, pool);
      else if (pool.kind === "uniswapV4") this.byKey.set(`v4:${pool.poolId.toLowerCase()}`, pool);
      else this.byKey.set(`bal:${pool.poolId.toLowerCase()}`, pool);
    }
  }

  v2(dex: string, a: string, b: string): MarketPool | undefined {
    return this.byKey.get(`v2:${dex}:${pair(a, b)}`);
  }
  v3(a: string, b: string, fee: number): MarketPool | undefined {
    return this.byKey.get(`v3:${pair(a, b)}:${fee}`);
  }
  v4(poolId: string): MarketPool | undefined {
    return this.byKey.get(`v4:${poolId.toLowerCase()}`);
  }
  balancer(poolId: string): MarketPool | undefined {
    return this.byKey.get(`bal:${poolId.toLowerCase()}`);
  }
}

function pair(a: string, b: string): string {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()].sort();
  return `${x}/${y}`;
}

/**
 * What a pending transaction does to the watched pools, when it is an exact-input swap through a
 * known router without a price limit, every pool of which the engine watches; `undefined` for
 * anything else (the engine never guesses at a call it cannot read exactly).
 */
export function decodePendingSwap(
  tx: Pick<PendingTransaction, "to" | "data">,
  routers: SwapRouters,
  pools: PoolIndex,
): PendingSwap | undefined {
  const to = tx.to?.toLowerCase();
  if (to === undefined || tx.data.length < 10) return undefined;
  try {
    const dex = routers.v2.get(to);
    if (dex !== undefined) {
      const call = v2Router.parseTransaction({ data: tx.data });
      if (call === null) return undefined;
      const path = (call.args.path as string[]).map((a) => getAddress(a) as Address);
      return swapThrough(
        path.slice(1).map((tokenOut, i) => [pools.v2(dex, path[i] as string, tokenOut), path[i] as Address, tokenOut]),
        call.args.amountIn as bigint,
        call.args.amountOutMin as bigint,
      );
    }
    if (to === routers.v3) {
      const call = v3Router.parseTransaction({ data: tx.data });
      if (call === null) return undefined;
      const p = call.args.params;
      if (call.name === "exactInputSingle") {
        if ((p.sqrtPriceLimitX96 as bigint) !== 0n) return undefined;
        const tokenIn = getAddress(p.tokenIn) as Address;
        const tokenOut = getAddress(p.tokenOut) as Address;
        return swapThrough(
          [[pools.v3(tokenIn, tokenOut, Number(p.fee)), tokenIn, tokenOut]],
          p.amountIn as bigint,
          p.amountOutMinimum as bigint,
        );
      }
      const path = (p.path as string).slice(2);
      const hops: Array<[MarketPool | undefined, Address, Address]> = [];
      for (let i = 0; i + 46 <= path.length; i += 46) {
        const tokenIn = getAddress(`0x${path.slice(i, i + 40)}`) as Address;
        const fee = Number.parseInt(path.slice(i + 40, i + 46), 16);
        const tokenOut = getAddress(`0x${path.slice(i + 46, i + 86)}`) as Address;
        hops.push([pools.v3(tokenIn, tokenOut, fee), tokenIn, tokenOut]);
      }
      return swapThrough(hops, p.amountIn as bigint, p.amountOutMinimum as bigint);
    }
    if (to === routers.v4) {
      const call = v4Router.parseTransaction({ data: tx.data });
      if (call === null) return undefined;
      const { key, params } = call.args;
      const amount = params.amountSpecified as bigint;
      const limit = params.sqrtPriceLimitX96 as bigint;
      const zeroForOne = params.zeroForOne as boolean;
      if (amount >= 0n || limit !== (zeroForOne ? MIN_PRICE_LIMIT : MAX_PRICE_LIMIT)) return undefined;
      if (BigInt(key.hooks) !== 0n) return undefined;
      const poolId = keccak256(
        AbiCoder.defaultAbiCoder().encode(
          ["address", "address", "uint24", "int24", "address"],
          [key.currency0, key.currency1, key.fee, key.tickSpacing, key.hooks],
        ),
      );
      const [c0, c1] = [getAddress(key.currency0) as Address, getAddress(key.currency1) as Address];
      const [tokenIn, tokenOut] = zeroForOne ? [c0, c1] : [c1, c0];
      // v4-core's swap router takes no minimum: the swap pays whatever the pool gives.
      return swapThrough([[pools.v4(poolId), tokenIn, tokenOut]], -amount, 0n);
    }
    if (to === routers.balancerVault) {
      const call = vault.parseTransaction({ data: tx.data });
      if (call === null) return undefined;
      const s = call.args.singleSwap;
      // GIVEN_IN only: the amount is what goes in.
      if (Number(s.kind) !== 0) return undefined;
      const tokenIn = getAddress(s.assetIn) as Address;
      const tokenOut = getAddress(s.assetOut) as Address;
      // With GIVEN_IN, the limit is the least out.
      return swapThrough(
        [[pools.balancer(s.poolId as string), tokenIn, tokenOut]],
        s.amount as bigint,
        call.args.limit as bigint,
      );
    }
  } catch {
    // Not a call these routers' ABIs can read.
    return undefined;
  }
  return undefined;
}

function swapThrough(
  hops: ReadonlyArray<readonly [MarketPool | undefined, Address, Address]>,
  amountIn: bigint,
  minAmountOut: bigint,
): PendingSwap | undefined {
  if (hops.length === 0 || amountIn <= 0n || hops.some(([pool]) => pool === undefined)) return undefined;
  // A route through one pool twice: a router computes every amount before any swap, the pools'
  // math here would not match it.
  if (new Set(hops.map(([pool]) => pool?.address)).size !== hops.length) return undefined;
  return {
    hops: hops.map(([pool, tokenIn, tokenOut]) => ({ pool: pool as MarketPool, tokenIn, tokenOut })),
    amountIn,
    minAmountOut,
  };
}
