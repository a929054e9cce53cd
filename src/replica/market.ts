import { Interface, MaxUint256, type Provider, type Signer } from "ethers";
import type { Address } from "../addressBook.js";
import { protocolArtifact } from "./artifacts.js";
import type { AnyContract } from "./deploy.js";
import type { Replica, ReplicaPool } from "./replica.js";
import { fund, type ReplicaTokenSymbol } from "./tokens.js";

/** The state of one pool, read from the chain in one block. */
export type PoolState =
  | {
      readonly dex: "uniswapV2" | "sushiswap";
      readonly address: Address;
      readonly reserve0: bigint;
      readonly reserve1: bigint;
    }
  | {
      readonly dex: "uniswapV3" | "uniswapV4";
      readonly address: Address;
      readonly sqrtPriceX96: bigint;
      readonly tick: number;
      readonly liquidity: bigint;
    }
  | {
      readonly dex: "balancerV2";
      readonly address: Address;
      readonly tokens: readonly Address[];
      readonly balances: readonly bigint[];
    };

const v2Pair = new Interface(protocolArtifact("UniswapV2Pair").abi);
const v3Pool = new Interface(protocolArtifact("UniswapV3Pool").abi);
const vault = new Interface(protocolArtifact("BalancerVault").abi);
const stateView = new Interface(protocolArtifact("UniswapV4StateView").abi);

interface Call3 {
  readonly target: string;
  readonly allowFailure: boolean;
  readonly callData: string;
}

/**
 * Reads the state of every pool in one `eth_call` through Multicall3's `aggregate3`.
 * @throws if any read fails, naming the pool.
 */
export async function readPoolStates(
  replica: Replica,
  provider: Provider,
  pools: readonly ReplicaPool[] = replica.pools,
): Promise<PoolState[]> {
  const calls: Call3[] = [];
  for (const pool of pools) {
    if (pool.dex === "uniswapV3") {
      calls.push(call(pool.address, v3Pool.encodeFunctionData("slot0")));
      calls.push(call(pool.address, v3Pool.encodeFunctionData("liquidity")));
    } else if (pool.dex === "uniswapV4") {
      calls.push(call(replica.book.uniswapV4.stateView, stateView.encodeFunctionData("getSlot0", [pool.id])));
      calls.push(call(replica.book.uniswapV4.stateView, stateView.encodeFunctionData("getLiquidity", [pool.id])));
    } else if (pool.dex === "balancerV2") {
      calls.push(call(replica.book.balancerV2.vault, vault.encodeFunctionData("getPoolTokens", [pool.poolId])));
    } else {
      calls.push(call(pool.address, v2Pair.encodeFunctionData("getReserves")));
    }
  }
  const multicall = replica.multicall3.connect(provider) as AnyContract;
  const results = (await multicall.getFunction("aggregate3").staticCall(calls)) as Array<{
    success: boolean;
    returnData: string;
  }>;
  let next = 0;
  const take = (pool: ReplicaPool): string => {
    const result = results[next++];
    if (result === undefined || !result.success) throw new Error(`Reading pool ${pool.address} (${pool.dex}) failed`);
    return result.returnData;
  };
  return pools.map((pool): PoolState => {
    if (pool.dex === "uniswapV3") {
      const slot0 = v3Pool.decodeFunctionResult("slot0", take(pool));
      const [liquidity] = v3Pool.decodeFunctionResult("liquidity", take(pool));
      return {
        dex: pool.dex,
        address: pool.address,
        sqrtPriceX96: slot0[0] as bigint,
        tick: Number(slot0[1]),
        liquidity: liquidity as bigint,
      };
    }
    if (pool.dex === "uniswapV4") {
      const slot0 = stateView.decodeFunctionResult("getSlot0", take(pool));
      const [liquidity] = stateView.decodeFunctionResult("getLiquidity", take(pool));
      return {
        dex: pool.dex,
        address: pool.address,
        sqrtPriceX96: slot0[0] as bigint,
        tick: Number(slot0[1]),
        liquidity: liquidity as bigint,
      };
    }
    if (pool.dex === "balancerV2") {
      const [tokens, balances] = vault.decodeFunctionResult("getPoolTokens", take(pool));
      return { dex: pool.dex, address: pool.address, tokens: [...tokens] as Address[], balances: [...balances] };
    }
    const [reserve0, reserve1] = v2Pair.decodeFunctionResult("getReserves", take(pool));
    return { dex: pool.dex, address: pool.address, reserve0: reserve0 as bigint, reserve1: reserve1 as bigint };
  });
}

/** TickMath's MIN_SQRT_PRICE + 1 and MAX_SQRT_PRICE - 1: no price limit. */
const MIN_PRICE_LIMIT = 4_295_128_740n;
const MAX_PRICE_LIMIT = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_341n;

function call(target: string, callData: string): Call3 {
  return { target, allowFailure: false, callData };
}

/**
 * Swaps `amountIn` of `tokenIn` for the pool's other token (the first other token, for
 * Balancer pools with more than two) through that protocol's own router or Vault, from
 * `trader`, which must hold the tokens. Returns the amount received, measured from balances.
 */
export async function swapExactIn(
  replica: Replica,
  pool: ReplicaPool,
  trader: Signer,
  tokenIn: ReplicaTokenSymbol,
  amountIn: bigint,
  tokenOut: ReplicaTokenSymbol = otherToken(pool, tokenIn),
): Promise<bigint> {
  const me = await trader.getAddress();
  const outToken = replica.tokens[tokenOut].connect(trader) as AnyContract;
  const before = (await outToken.getFunction("balanceOf")(me)) as bigint;
  // The fee-on-transfer variant also works for ordinary tokens and for FOT.
  const { to, data } = swapCall(replica, pool, me as Address, tokenIn, tokenOut, amountIn, true);
  const token = replica.tokens[tokenIn].connect(trader) as AnyContract;
  // Reset first: USDT-like tokens refuse to change one non-zero allowance into another.
  await (await token.getFunction("approve")(to, 0)).wait();
  await (await token.getFunction("approve")(to, amountIn)).wait();
  await (await trader.sendTransaction({ to, data })).wait();
  return ((await outToken.getFunction("balanceOf")(me)) as bigint) - before;
}

/**
 * The call that swaps exactly `amountIn` of `tokenIn` for `tokenOut` through `pool`, by that
 * protocol's own router (Uniswap V2-style routers, V3's SwapRouter, v4-core's swap router with no
 * price limit, Balancer's Vault), paying `me`, with no minimum output. With `feeOnTransfer`, a
 * V2 swap uses the router's fee-on-transfer variant.
 */
export function swapCall(
  replica: Replica,
  pool: ReplicaPool,
  me: Address,
  tokenIn: ReplicaTokenSymbol,
  tokenOut: ReplicaTokenSymbol,
  amountIn: bigint,
  feeOnTransfer = false,
): { to: string; data: string } {
  const inAddress = replica.tokenAddresses[tokenIn];
  const outAddress = replica.tokenAddresses[tokenOut];
  if (pool.dex === "uniswapV3")
    return {
      to: replica.book.uniswapV3.swapRouter,
      data: (replica.uniswapV3.swapRouter as AnyContract).interface.encodeFunctionData("exactInputSingle", [
        {
          tokenIn: inAddress,
          tokenOut: outAddress,
          fee: pool.fee,
          recipient: me,
          deadline: MaxUint256,
          amountIn,
          amountOutMinimum: 0,
          sqrtPriceLimitX96: 0,
        },
      ]),
    };
  if (pool.dex === "uniswapV4") {
    const zeroForOne = BigInt(inAddress) < BigInt(outAddress);
    return {
      to: replica.uniswapV4.deployment.swapRouter,
      data: (replica.uniswapV4.swapRouter as AnyContract).interface.encodeFunctionData("swap", [
        pool.key,
        { zeroForOne, amountSpecified: -amountIn, sqrtPriceLimitX96: zeroForOne ? MIN_PRICE_LIMIT : MAX_PRICE_LIMIT },
        { takeClaims: false, settleUsingBurn: false },
        "0x",
      ]),
    };
  }
  if (pool.dex === "balancerV2")
    return {
      to: replica.book.balancerV2.vault,
      data: (replica.balancer.vault as AnyContract).interface.encodeFunctionData("swap", [
        { poolId: pool.poolId, kind: 0, assetIn: inAddress, assetOut: outAddress, amount: amountIn, userData: "0x" },
        { sender: me, fromInternalBalance: false, recipient: me, toInternalBalance: false },
        0,
        MaxUint256,
      ]),
    };
  return {
    to: replica.book[pool.dex].router,
    data: (replica[pool.dex].router as AnyContract).interface.encodeFunctionData(
      feeOnTransfer ? "swapExactTokensForTokensSupportingFeeOnTransferTokens" : "swapExactTokensForTokens",
      [amountIn, 0, [inAddress, outAddress], me, MaxUint256],
    ),
  };
}

/**
 * Moves a pool's price away from the others by a large one-sided swap, so that an
 * arbitrage between it and the other pools of the same pair exists. `trader` is given the
 * tokens by minting (or wrapping ETH for WETH) and the swap goes through the protocol's
 * own router. Returns the amount the swap paid out.
 */
export async function dislocate(
  replica: Replica,
  pool: ReplicaPool,
  trader: Signer,
  tokenIn: ReplicaTokenSymbol,
  amountIn: bigint,
): Promise<bigint> {
  await fund(replica.tokens, tokenIn, trader, await trader.getAddress(), amountIn);
  return swapExactIn(replica, pool, trader, tokenIn, amountIn);
}

/** The token of `pool` that is not `token` (for Balancer pools: the first such token). */
export function otherToken(pool: ReplicaPool, token: ReplicaTokenSymbol): ReplicaTokenSymbol {
  const symbols = pool.dex === "balancerV2" ? pool.tokens : [pool.token0, pool.token1];
  if (!symbols.includes(token)) throw new Error(`Pool ${pool.address} does not hold ${token}`);
  const other = symbols.find((s) => s !== token);
  if (other === undefined) throw new Error(`Pool ${pool.address} has no token other than ${token}`);
  return other;
}

/** The replica's pool on `dex` holding `a` and `b` (and, for V3, at fee tier `fee`). */
export function findPool(
  replica: Replica,
  dex: ReplicaPool["dex"],
  a: ReplicaTokenSymbol,
  b: ReplicaTokenSymbol,
  fee?: number,
): ReplicaPool {
  const pool = replica.pools.find((p) => {
    if (p.dex !== dex) return false;
    const symbols: readonly ReplicaTokenSymbol[] = p.dex === "balancerV2" ? p.tokens : [p.token0, p.token1];
    if (!symbols.includes(a) || !symbols.includes(b)) return false;
    return (
      fee === undefined || (p.dex === "uniswapV3" && p.fee === fee) || (p.dex === "uniswapV4" && p.key.fee === fee)
    );
  });
  if (pool === undefined) throw new Error(`The replica has no ${dex} pool for ${a}/${b}${fee ? ` at ${fee}` : ""}`);
  return pool;
}
