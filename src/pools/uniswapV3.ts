import { Interface, type Provider } from "ethers";
import type { Address } from "../addressBook.js";
import { MAX_TICK, MIN_TICK } from "../math/tickMath.js";
import type { UniswapV3PoolState } from "../math/uniswapV3Pool.js";
import { multicall } from "./multicall.js";

const pool = new Interface([
  "function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool)",
  "function liquidity() view returns (uint128)",
  "function fee() view returns (uint24)",
  "function tickSpacing() view returns (int24)",
  "function tickBitmap(int16) view returns (uint256)",
  "function ticks(int24) view returns (uint128 liquidityGross, int128 liquidityNet, uint256, uint256, int56, uint160, uint32, bool)",
]);

/**
 * Re-reads only the price, tick and active liquidity of a pool whose ticks have not changed:
 * after a `Swap`, which moves the price but adds or removes no liquidity at any tick.
 */
export async function refreshUniswapV3Price(
  provider: Provider,
  multicall3: Address,
  address: Address,
  state: UniswapV3PoolState,
  blockTag?: number,
): Promise<UniswapV3PoolState> {
  const [slot0, liquidity] = await multicall(
    provider,
    multicall3,
    ["slot0", "liquidity"].map((name) => ({ target: address, callData: pool.encodeFunctionData(name) })),
    blockTag,
  );
  const [sqrtPriceX96, tick] = pool.decodeFunctionResult("slot0", slot0 as string) as unknown as [bigint, bigint];
  return {
    ...state,
    sqrtPriceX96,
    tick: Number(tick),
    liquidity: pool.decodeFunctionResult("liquidity", liquidity as string)[0] as bigint,
  };
}

/**
 * Reads everything a Uniswap V3 swap depends on: price, tick, liquidity, fee, spacing, and every
 * initialized tick with its net liquidity (every bitmap word the pool's tick range spans, then
 * each set bit's tick), all at one block.
 */
export async function loadUniswapV3Pool(
  provider: Provider,
  multicall3: Address,
  address: Address,
  blockTag?: number,
): Promise<UniswapV3PoolState> {
  const [slot0, liquidity, fee, spacing] = await multicall(
    provider,
    multicall3,
    ["slot0", "liquidity", "fee", "tickSpacing"].map((name) => ({
      target: address,
      callData: pool.encodeFunctionData(name),
    })),
    blockTag,
  );
  const [sqrtPriceX96, tick] = pool.decodeFunctionResult("slot0", slot0 as string) as unknown as [bigint, bigint];
  const tickSpacing = Number(pool.decodeFunctionResult("tickSpacing", spacing as string)[0]);
  const minWord = Math.floor(Math.floor(MIN_TICK / tickSpacing) / 256);
  const maxWord = Math.floor(Math.floor(MAX_TICK / tickSpacing) / 256);
  const words: number[] = [];
  for (let w = minWord; w <= maxWord; w++) words.push(w);
  const bitmaps = await multicall(
    provider,
    multicall3,
    words.map((w) => ({ target: address, callData: pool.encodeFunctionData("tickBitmap", [w]) })),
    blockTag,
  );
  const initialized: number[] = [];
  for (const [k, data] of bitmaps.entries()) {
    let bits = BigInt(data);
    for (let bit = 0; bits !== 0n; bit++, bits >>= 1n) {
      if (bits & 1n) initialized.push(((words[k] as number) * 256 + bit) * tickSpacing);
    }
  }
  const tickData = await multicall(
    provider,
    multicall3,
    initialized.map((t) => ({ target: address, callData: pool.encodeFunctionData("ticks", [t]) })),
    blockTag,
  );
  const ticks = new Map<number, bigint>();
  for (const [k, data] of tickData.entries()) {
    ticks.set(initialized[k] as number, pool.decodeFunctionResult("ticks", data)[1] as bigint);
  }
  return {
    sqrtPriceX96,
    tick: Number(tick),
    liquidity: pool.decodeFunctionResult("liquidity", liquidity as string)[0] as bigint,
    fee: Number(pool.decodeFunctionResult("fee", fee as string)[0]),
    tickSpacing,
    ticks,
  };
}
