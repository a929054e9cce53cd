import { AbiCoder, concat, Interface, keccak256, type Provider, toBeHex } from "ethers";
import type { Address, UniswapV4Deployment } from "../addressBook.js";
import { MAX_TICK, MIN_TICK } from "../math/tickMath.js";
import type { UniswapV4PoolState } from "../math/uniswapV4Pool.js";
import { multicall } from "./multicall.js";

/**
 * v4-periphery's StateView: the PoolManager keeps every pool in its own storage, which it
 * exposes only through `extsload`; StateView decodes those slots per PoolId.
 */
const stateView = new Interface([
  "function getSlot0(bytes32 poolId) view returns (uint160 sqrtPriceX96, int24 tick, uint24 protocolFee, uint24 lpFee)",
  "function getLiquidity(bytes32 poolId) view returns (uint128 liquidity)",
  "function getTickBitmap(bytes32 poolId, int16 tick) view returns (uint256 tickBitmap)",
  "function getTickLiquidity(bytes32 poolId, int24 tick) view returns (uint128 liquidityGross, int128 liquidityNet)",
]);

const manager = new Interface(["function extsload(bytes32[] slots) view returns (bytes32[] values)"]);

/** Where the PoolManager keeps `mapping(PoolId => Pool.State) _pools` (StateLibrary.POOLS_SLOT). */
const POOLS_SLOT = 6n;
/** The tick bitmap's place inside Pool.State (StateLibrary.TICK_BITMAP_OFFSET). */
const TICK_BITMAP_OFFSET = 5n;
/** Bitmap slots per `extsload` call: about 2.1 M gas of cold reads each. */
const SLOTS_PER_READ = 1_000;

/**
 * The storage slots of a pool's tick bitmap words, as StateLibrary.getTickBitmap computes them:
 * keccak256(word · (keccak256(poolId · POOLS_SLOT) + TICK_BITMAP_OFFSET)).
 */
export function tickBitmapSlots(poolId: `0x${string}`, words: readonly number[]): string[] {
  const state = BigInt(keccak256(concat([poolId, toBeHex(POOLS_SLOT, 32)])));
  const mapping = toBeHex(state + TICK_BITMAP_OFFSET, 32);
  const coder = AbiCoder.defaultAbiCoder();
  return words.map((w) => keccak256(concat([coder.encode(["int256"], [w]), mapping])));
}

/** A Uniswap V4 pool key: what identifies a pool inside the PoolManager. */
export interface UniswapV4PoolKey {
  /** The lower-sorted token (address zero for native ether). */
  readonly currency0: Address;
  readonly currency1: Address;
  /** LP fee in millionths (500 = 0.05%). */
  readonly fee: number;
  readonly tickSpacing: number;
  readonly hooks: Address;
}

/** The PoolId of a key, as `PoolIdLibrary.toId` computes it: keccak256 of the ABI-encoded key. */
export function v4PoolId(key: UniswapV4PoolKey): `0x${string}` {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "address", "uint24", "int24", "address"],
      [key.currency0, key.currency1, key.fee, key.tickSpacing, key.hooks],
    ),
  ) as `0x${string}`;
}

/** `getSlot0(poolId)` as StateView encodes it, for batched reads (discovery asks it of every candidate key). */
export function encodeGetSlot0(poolId: `0x${string}`): string {
  return stateView.encodeFunctionData("getSlot0", [poolId]);
}

/** What `getSlot0` returned, decoded; `sqrtPriceX96` is zero for a pool never initialised. */
export function decodeGetSlot0(data: string): {
  sqrtPriceX96: bigint;
  tick: number;
  protocolFee: number;
  lpFee: number;
} {
  const [sqrtPriceX96, tick, protocolFee, lpFee] = stateView.decodeFunctionResult("getSlot0", data) as unknown as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  return { sqrtPriceX96, tick: Number(tick), protocolFee: Number(protocolFee), lpFee: Number(lpFee) };
}

/**
 * Re-reads only the price, tick, fees and active liquidity of a pool whose ticks have not
 * changed: after a `Swap` (or a protocol-fee change), which adds or removes no liquidity at any
 * tick. The fees come with slot0 at no extra cost, so a new protocol fee is read here too.
 */
export async function refreshUniswapV4Price(
  provider: Provider,
  multicall3: Address,
  stateViewAddress: Address,
  poolId: `0x${string}`,
  state: UniswapV4PoolState,
  blockTag?: number,
): Promise<UniswapV4PoolState> {
  return { ...state, ...(await readPrice(provider, multicall3, stateViewAddress, poolId, blockTag)) };
}

/** Slot0 (price, tick, both fees) and the active liquidity, through StateView in one batch. */
async function readPrice(
  provider: Provider,
  multicall3: Address,
  stateViewAddress: Address,
  poolId: `0x${string}`,
  blockTag?: number,
): Promise<Pick<UniswapV4PoolState, "sqrtPriceX96" | "tick" | "liquidity" | "lpFee" | "protocolFee">> {
  const [slot0, liquidity] = await multicall(
    provider,
    multicall3,
    [
      { target: stateViewAddress, callData: encodeGetSlot0(poolId) },
      { target: stateViewAddress, callData: stateView.encodeFunctionData("getLiquidity", [poolId]) },
    ],
    blockTag,
  );
  return {
    ...decodeGetSlot0(slot0 as string),
    liquidity: stateView.decodeFunctionResult("getLiquidity", liquidity as string)[0] as bigint,
  };
}

/**
 * Reads everything a Uniswap V4 swap depends on: price, tick, fees, liquidity, and every
 * initialized tick with its net liquidity (every bitmap word the pool's tick range spans, then
 * each set bit's tick), all at one block, through StateView but for the bitmap. The bitmap is
 * read straight from the PoolManager's storage with `extsload`, a thousand words a call: a pool
 * with tick spacing 1 spans 6,932 words, which StateView would read one call each (about 6
 * times slower on the local node). The spacing is the key's: the PoolManager
 * does not store it.
 * @param fee The key's fee: a pool without hooks charges exactly it as its LP fee, and one whose
 *   slot0 says otherwise has a dynamic fee, which only its hook knows, so it is refused.
 * @throws Error when slot0's LP fee is not `fee` on an initialised pool.
 */
export async function loadUniswapV4Pool(
  provider: Provider,
  multicall3: Address,
  v4: Pick<UniswapV4Deployment, "poolManager" | "stateView">,
  poolId: `0x${string}`,
  fee: number,
  tickSpacing: number,
  blockTag?: number,
): Promise<UniswapV4PoolState> {
  const stateViewAddress = v4.stateView;
  const price = await readPrice(provider, multicall3, stateViewAddress, poolId, blockTag);
  const { sqrtPriceX96, lpFee } = price;
  if (sqrtPriceX96 !== 0n && lpFee !== fee)
    throw new Error(`the pool's LP fee is ${lpFee}, not its key's ${fee}: a dynamic fee the engine cannot predict`);
  const minWord = Math.floor(Math.floor(MIN_TICK / tickSpacing) / 256);
  const maxWord = Math.floor(Math.floor(MAX_TICK / tickSpacing) / 256);
  const words: number[] = [];
  for (let w = minWord; w <= maxWord; w++) words.push(w);
  const slots = tickBitmapSlots(poolId, words);
  const reads: Array<Promise<string>> = [];
  // One call per thousand slots, side by side: together they would pass a node's call gas cap.
  for (let i = 0; i < slots.length; i += SLOTS_PER_READ)
    reads.push(
      provider.call({
        to: v4.poolManager,
        data: manager.encodeFunctionData("extsload", [slots.slice(i, i + SLOTS_PER_READ)]),
        ...(blockTag === undefined ? {} : { blockTag }),
      }),
    );
  const bitmaps = (await Promise.all(reads)).flatMap(
    (data) => manager.decodeFunctionResult("extsload", data)[0] as string[],
  );
  if (bitmaps.length !== words.length)
    throw new Error(`the PoolManager returned ${bitmaps.length} bitmap words for ${words.length} slots`);
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
    initialized.map((t) => ({
      target: stateViewAddress,
      callData: stateView.encodeFunctionData("getTickLiquidity", [poolId, t]),
    })),
    blockTag,
  );
  const ticks = new Map<number, bigint>();
  for (const [k, data] of tickData.entries()) {
    ticks.set(initialized[k] as number, stateView.decodeFunctionResult("getTickLiquidity", data)[1] as bigint);
  }
  return { ...price, tickSpacing, ticks };
}
