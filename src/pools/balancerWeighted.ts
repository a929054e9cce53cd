import { Interface, type Provider } from "ethers";
import type { Address } from "../addressBook.js";
import type { WeightedPoolState } from "../math/weightedMath.js";
import { multicall } from "./multicall.js";

const vault = new Interface([
  "function getPoolTokens(bytes32 poolId) view returns (address[] tokens, uint256[] balances, uint256 lastChangeBlock)",
]);
const weightedPool = new Interface([
  "function getNormalizedWeights() view returns (uint256[])",
  "function getSwapFeePercentage() view returns (uint256)",
]);
const erc20 = new Interface(["function decimals() view returns (uint8)"]);

/** A weighted pool to read: its address and its Vault pool ID. */
export interface WeightedPoolRef {
  readonly address: Address;
  readonly poolId: string;
}

/**
 * Reads Balancer V2 weighted pools in one Multicall3 batch: the Vault's tokens and balances,
 * then the pools' weights and swap fees and the tokens' decimals (for the scaling factors the
 * pool applies). Returns each pool's tokens, in the Vault's order, and its state.
 */
export async function loadWeightedPools(
  provider: Provider,
  multicall3: Address,
  balancerVault: Address,
  pools: readonly WeightedPoolRef[],
  blockTag?: number,
): Promise<Array<{ tokens: Address[]; state: WeightedPoolState }>> {
  if (pools.length === 0) return [];
  const first = await multicall(
    provider,
    multicall3,
    pools.flatMap((p) => [
      { target: balancerVault, callData: vault.encodeFunctionData("getPoolTokens", [p.poolId]) },
      { target: p.address, callData: weightedPool.encodeFunctionData("getNormalizedWeights") },
      { target: p.address, callData: weightedPool.encodeFunctionData("getSwapFeePercentage") },
    ]),
    blockTag,
  );
  const read = pools.map((_, k) => {
    const [tokens, balances] = vault.decodeFunctionResult("getPoolTokens", first[3 * k] as string) as unknown as [
      string[],
      bigint[],
    ];
    const weights = weightedPool.decodeFunctionResult(
      "getNormalizedWeights",
      first[3 * k + 1] as string,
    )[0] as bigint[];
    const swapFee = weightedPool.decodeFunctionResult("getSwapFeePercentage", first[3 * k + 2] as string)[0] as bigint;
    return { tokens: tokens.map((t) => t as Address), balances: [...balances], weights: [...weights], swapFee };
  });
  const tokens = [...new Set(read.flatMap((r) => r.tokens))];
  const decimals = await multicall(
    provider,
    multicall3,
    tokens.map((t) => ({ target: t, callData: erc20.encodeFunctionData("decimals") })),
    blockTag,
  );
  const scaleOf = new Map(tokens.map((t, i) => [t, 10n ** (18n - BigInt(decimals[i] as string))]));
  return read.map((r) => ({
    tokens: r.tokens,
    state: {
      balances: r.balances,
      weights: r.weights,
      scalingFactors: r.tokens.map((t) => scaleOf.get(t) as bigint),
      swapFee: r.swapFee,
    },
  }));
}
