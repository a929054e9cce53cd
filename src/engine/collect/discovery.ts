import { getAddress, Interface, type Provider, ZeroAddress } from "ethers";
import { type Address, type AddressBook, v2DexesOf } from "../../addressBook.js";
import { v2DexIndex } from "../../executor/deploy.js";
import { multicall } from "../../pools/multicall.js";
import { decodeGetSlot0, encodeGetSlot0, v4PoolId } from "../../pools/uniswapV4.js";
import type { MarketPool } from "../venues/pools.js";

const v2Factory = new Interface(["function getPair(address, address) view returns (address)"]);
const v3Factory = new Interface(["function getPool(address, address, uint24) view returns (address)"]);
const vault = new Interface([
  "function getPoolTokens(bytes32 poolId) view returns (address[] tokens, uint256[] balances, uint256 lastChangeBlock)",
]);

/** Uniswap V3's fee tiers. */
export const V3_FEE_TIERS = [100, 500, 3000, 10_000] as const;

/**
 * The fee and tick spacing pairs Uniswap V4 pools without hooks are created with: V3's tiers
 * with V3's spacings. A V4 pool's key may pair any fee with any spacing, but a pool is only found
 * by guessing its key, and these are the ones the interfaces offer.
 */
export const V4_FEE_TIERS = [
  { fee: 100, tickSpacing: 1 },
  { fee: 500, tickSpacing: 10 },
  { fee: 3000, tickSpacing: 60 },
  { fee: 10_000, tickSpacing: 200 },
] as const;

/**
 * Finds the pools the engine watches: for every pair of the book's tokens, the pair of each
 * Uniswap V2-style factory and the pool of each Uniswap V3 fee tier, asked of the factories
 * themselves, and the Uniswap V4 pool without hooks of each of `V4_FEE_TIERS`, whose PoolId is
 * computed and whose slot0 is asked of StateView (a price of zero: no such pool), all in one
 * batched read; and the book's listed Balancer weighted pools whose tokens are all the book's,
 * with their tokens asked of the Vault. State is left empty; the market reads it.
 * @param onProgress Called with (done, total) as the batches return, for a progress display.
 */
export async function discoverPools(
  provider: Provider,
  book: AddressBook,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<MarketPool[]> {
  const tokens = Object.values(book.tokens).filter((t): t is Address => t !== undefined);
  const pairs: Array<[Address, Address]> = [];
  for (let i = 0; i < tokens.length; i++) {
    for (let j = i + 1; j < tokens.length; j++) {
      const [a, b] = [tokens[i] as Address, tokens[j] as Address];
      pairs.push(BigInt(a) < BigInt(b) ? [a, b] : [b, a]);
    }
  }
  /** One read of the batch, and the pool its answer shows, if any. */
  const reads: Array<{ target: string; callData: string; make: (data: string) => MarketPool | undefined }> = [];
  /** A factory's answer: the pool's address, or zero where there is none. */
  const fromFactory = (make: (address: Address) => MarketPool) => (data: string) => {
    const address = getAddress(`0x${data.slice(-40)}`) as Address;
    return BigInt(address) === 0n ? undefined : make(address);
  };
  for (const [name, dex] of v2DexesOf(book)) {
    for (const [token0, token1] of pairs) {
      reads.push({
        target: dex.factory,
        callData: v2Factory.encodeFunctionData("getPair", [token0, token1]),
        make: fromFactory((address) => ({
          kind: "uniswapV2",
          address,
          token0,
          token1,
          dex: name,
          factoryIndex: v2DexIndex(name, book),
          feePips: dex.feeBps * 100,
          state: { reserve0: 0n, reserve1: 0n },
        })),
      });
    }
  }
  for (const fee of V3_FEE_TIERS) {
    for (const [token0, token1] of pairs) {
      reads.push({
        target: book.uniswapV3.factory,
        callData: v3Factory.encodeFunctionData("getPool", [token0, token1, fee]),
        make: fromFactory((address) => ({
          kind: "uniswapV3",
          address,
          token0,
          token1,
          fee,
          state: { sqrtPriceX96: 0n, tick: 0, liquidity: 0n, fee, tickSpacing: 1, ticks: new Map() },
        })),
      });
    }
  }
  const v4 = book.uniswapV4;
  if (v4 !== undefined) {
    for (const { fee, tickSpacing } of V4_FEE_TIERS) {
      for (const [token0, token1] of pairs) {
        const poolId = v4PoolId({
          currency0: token0,
          currency1: token1,
          fee,
          tickSpacing,
          hooks: ZeroAddress as Address,
        });
        reads.push({
          target: v4.stateView,
          callData: encodeGetSlot0(poolId),
          make: (data) =>
            decodeGetSlot0(data).sqrtPriceX96 === 0n
              ? undefined
              : {
                  kind: "uniswapV4",
                  address: poolId,
                  poolId,
                  token0,
                  token1,
                  fee,
                  tickSpacing,
                  state: {
                    sqrtPriceX96: 0n,
                    tick: 0,
                    liquidity: 0n,
                    lpFee: fee,
                    protocolFee: 0,
                    tickSpacing,
                    ticks: new Map(),
                  },
                },
        });
      }
    }
  }
  const poolIds = book.balancerV2?.weightedPools ?? [];
  const total = reads.length + poolIds.length;
  onProgress(0, total);
  const results = await multicall(provider, book.multicall3, reads);
  onProgress(reads.length, total);
  const pools: MarketPool[] = [];
  for (const [k, data] of results.entries()) {
    const pool = (reads[k] as (typeof reads)[number]).make(data);
    if (pool !== undefined) pools.push(pool);
  }
  if (book.balancerV2 !== undefined && poolIds.length > 0) {
    const listed = await multicall(
      provider,
      book.multicall3,
      poolIds.map((id) => ({
        target: book.balancerV2?.vault as string,
        callData: vault.encodeFunctionData("getPoolTokens", [id]),
      })),
    );
    const known = new Set<string>(tokens);
    for (const [k, data] of listed.entries()) {
      const poolTokens = (vault.decodeFunctionResult("getPoolTokens", data)[0] as string[]).map((t) => t as Address);
      if (!poolTokens.every((t) => known.has(t))) continue;
      const poolId = poolIds[k] as `0x${string}`;
      pools.push({
        kind: "balancerWeighted",
        // A Vault pool ID starts with the pool's address.
        address: getAddress(poolId.slice(0, 42)) as Address,
        poolId,
        tokens: poolTokens,
        state: { balances: [], weights: [], scalingFactors: [], swapFee: 0n },
      });
    }
    onProgress(total, total);
  }
  return pools;
}
