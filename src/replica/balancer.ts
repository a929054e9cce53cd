import { AbiCoder, MaxUint256, parseUnits, type Signer } from "ethers";
import type { Address, BalancerV2Deployment } from "../addressBook.js";
import { protocolArtifact } from "./artifacts.js";
import { type AnyContract, attach, deployArtifact } from "./deploy.js";
import { amountForUsd } from "./prices.js";
import type { ReplicaTokenSymbol, ReplicaTokens } from "./tokens.js";

/** A Balancer V2 weighted pool the replica created and seeded. */
export interface ReplicaBalancerPool {
  readonly dex: "balancerV2";
  readonly address: Address;
  readonly poolId: `0x${string}`;
  /** Tokens in the Vault's (address-sorted) order. */
  readonly tokens: readonly ReplicaTokenSymbol[];
  /** Normalised weights, 18 decimals, in the same order. */
  readonly weights: readonly bigint[];
  /** Swap fee, 18 decimals (3e15 = 0.3%). */
  readonly swapFee: bigint;
}

/** A weighted pool to create: token → weight in percent, and the dollars deposited in all. */
export interface BalancerPoolSpec {
  readonly weights: Readonly<Partial<Record<ReplicaTokenSymbol, bigint>>>;
  readonly usdTotal: bigint;
  readonly swapFeeBps: bigint;
}

export interface ReplicaBalancer {
  readonly vault: AnyContract;
  readonly authorizer: AnyContract;
  readonly weightedPoolFactory: AnyContract;
  readonly deployment: BalancerV2Deployment;
  readonly pools: readonly ReplicaBalancerPool[];
}

/** WeightedPool's JoinKind.INIT: the first join, which sets the pool's balances. */
const JOIN_KIND_INIT = 0n;

/**
 * Deploys Balancer V2's Authorizer and Vault and the weighted-pool factory from the
 * deployment artifacts, then creates and seeds each weighted pool at the reference prices
 * (each token's share of `usdTotal` equals its weight, so spot prices match).
 */
export async function deployBalancer(
  deployer: Signer,
  tokens: ReplicaTokens,
  specs: readonly BalancerPoolSpec[],
): Promise<ReplicaBalancer> {
  const me = await deployer.getAddress();
  const authorizer = await deployArtifact(deployer, protocolArtifact("BalancerAuthorizer"), [me]);
  // No pause window: the replica never pauses the Vault.
  const vault = await deployArtifact(deployer, protocolArtifact("BalancerVault"), [
    await authorizer.getAddress(),
    await tokens.WETH.getAddress(),
    0,
    0,
  ]);
  const vaultAddress = await vault.getAddress();
  const weightedPoolFactory = await deployArtifact(deployer, protocolArtifact("BalancerWeightedPoolFactory"), [
    vaultAddress,
  ]);
  const poolArtifact = protocolArtifact("BalancerWeightedPool");
  const approved = new Set<ReplicaTokenSymbol>();
  const pools: ReplicaBalancerPool[] = [];
  for (const spec of specs) {
    const entries = await Promise.all(
      (Object.entries(spec.weights) as Array<[ReplicaTokenSymbol, bigint]>).map(async ([symbol, percent]) => ({
        symbol,
        percent,
        address: await tokens[symbol].getAddress(),
      })),
    );
    entries.sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
    for (const { symbol } of entries) {
      if (approved.has(symbol)) continue;
      approved.add(symbol);
      await (await tokens[symbol].connect(deployer).getFunction("approve")(vaultAddress, MaxUint256)).wait();
    }
    const weights = entries.map((e) => parseUnits(e.percent.toString(), 16));
    const swapFee = parseUnits(spec.swapFeeBps.toString(), 14);
    const name = entries.map((e) => `${e.percent}${e.symbol}`).join("-");
    const receipt = await (
      await weightedPoolFactory.getFunction("create")(
        name,
        `B-${name}`,
        entries.map((e) => e.address),
        weights,
        swapFee,
        me,
      )
    ).wait();
    const created = receipt?.logs
      .map((log: { topics: readonly string[]; data: string }) => weightedPoolFactory.interface.parseLog(log))
      .find((parsed: { name: string } | null) => parsed?.name === "PoolCreated");
    if (created === undefined || created === null) throw new Error(`Balancer pool ${name} was not created`);
    const poolAddress = created.args[0] as Address;
    const pool = attach(poolArtifact, poolAddress, deployer);
    const poolId = (await pool.getFunction("getPoolId")()) as `0x${string}`;
    const amounts = entries.map((e) => amountForUsd(e.symbol, (spec.usdTotal * e.percent) / 100n));
    await (
      await vault.getFunction("joinPool")(poolId, me, me, {
        assets: entries.map((e) => e.address),
        maxAmountsIn: amounts,
        userData: AbiCoder.defaultAbiCoder().encode(["uint256", "uint256[]"], [JOIN_KIND_INIT, amounts]),
        fromInternalBalance: false,
      })
    ).wait();
    pools.push({
      dex: "balancerV2",
      address: poolAddress,
      poolId,
      tokens: entries.map((e) => e.symbol),
      weights,
      swapFee,
    });
  }
  return {
    vault,
    authorizer,
    weightedPoolFactory,
    pools,
    deployment: { vault: vaultAddress as Address, weightedPools: pools.map((p) => p.poolId) },
  };
}
