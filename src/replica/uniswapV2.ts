import { MaxUint256, type Signer } from "ethers";
import type { Address, UniswapV2Deployment } from "../addressBook.js";
import { initCodeHash, protocolArtifact } from "./artifacts.js";
import { type AnyContract, attach, deployArtifact } from "./deploy.js";
import { amountForUsd } from "./prices.js";
import type { ReplicaTokenSymbol, ReplicaTokens } from "./tokens.js";

/** A constant-product pair the replica seeded. */
export interface ReplicaV2Pair {
  readonly dex: "uniswapV2" | "sushiswap";
  readonly address: Address;
  readonly token0: ReplicaTokenSymbol;
  readonly token1: ReplicaTokenSymbol;
  readonly feeBps: number;
}

/** One side of a pair to seed: the two tokens and how many dollars of each to deposit. */
export interface V2PairSpec {
  readonly a: ReplicaTokenSymbol;
  readonly b: ReplicaTokenSymbol;
  readonly usdPerSide: bigint;
}

export interface ReplicaV2Dex {
  readonly factory: AnyContract;
  readonly router: AnyContract;
  readonly deployment: UniswapV2Deployment;
  readonly pairs: readonly ReplicaV2Pair[];
}

/**
 * Deploys a Uniswap V2 factory and Router02 from the npm build files and seeds `specs`
 * through the router, each at the reference prices.
 */
export async function deployUniswapV2Dex(
  deployer: Signer,
  dex: "uniswapV2" | "sushiswap",
  tokens: ReplicaTokens,
  specs: readonly V2PairSpec[],
): Promise<ReplicaV2Dex> {
  const me = await deployer.getAddress();
  const factory = await deployArtifact(deployer, protocolArtifact("UniswapV2Factory"), [me]);
  const router = await deployArtifact(deployer, protocolArtifact("UniswapV2Router02"), [
    await factory.getAddress(),
    await tokens.WETH.getAddress(),
  ]);
  const routerAddress = await router.getAddress();
  const approved = new Set<ReplicaTokenSymbol>();
  const pairs: ReplicaV2Pair[] = [];
  const pairArtifact = protocolArtifact("UniswapV2Pair");
  for (const spec of specs) {
    for (const symbol of [spec.a, spec.b]) {
      if (approved.has(symbol)) continue;
      approved.add(symbol);
      // USDT-like tokens return nothing from approve; ethers ignores the missing value.
      await (await tokens[symbol].connect(deployer).getFunction("approve")(routerAddress, MaxUint256)).wait();
    }
    const addressA = await tokens[spec.a].getAddress();
    const addressB = await tokens[spec.b].getAddress();
    await (
      await router.getFunction("addLiquidity")(
        addressA,
        addressB,
        amountForUsd(spec.a, spec.usdPerSide),
        amountForUsd(spec.b, spec.usdPerSide),
        0,
        0,
        me,
        MaxUint256,
      )
    ).wait();
    const pairAddress = (await factory.getFunction("getPair")(addressA, addressB)) as Address;
    const token0 = (await attach(pairArtifact, pairAddress, deployer).getFunction("token0")()) as string;
    const aIsToken0 = token0.toLowerCase() === addressA.toLowerCase();
    pairs.push({
      dex,
      address: pairAddress,
      token0: aIsToken0 ? spec.a : spec.b,
      token1: aIsToken0 ? spec.b : spec.a,
      feeBps: 30,
    });
  }
  return {
    factory,
    router,
    pairs,
    deployment: {
      factory: (await factory.getAddress()) as Address,
      router: routerAddress as Address,
      initCodeHash: initCodeHash(pairArtifact) as `0x${string}`,
      feeBps: 30,
    },
  };
}
