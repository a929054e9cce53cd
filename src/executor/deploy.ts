import type { Signer } from "ethers";
import type { Address, AddressBook } from "../addressBook.js";
import { type AnyContract, deployArtifact } from "../replica/deploy.js";
import { executorArtifact } from "./abi.js";

/**
 * The V2-style DEXes an executor trusts, in the order routes refer to them by index.
 * Index 0 is Uniswap V2, index 1 Sushiswap.
 */
export const V2_DEXES = ["uniswapV2", "sushiswap"] as const;
export type V2DexName = (typeof V2_DEXES)[number];

/** Index of a V2-style DEX in the executor's deployment, for `RouteHop.factoryIndex`. */
export function v2DexIndex(dex: V2DexName): number {
  return V2_DEXES.indexOf(dex);
}

/** The executor constructor's `Deployment` argument for a network's address book. */
export function executorDeployment(book: AddressBook, owner: Address) {
  return {
    owner,
    aavePool: book.aaveV3.pool,
    balancerVault: book.balancerV2.vault,
    uniswapV3Factory: book.uniswapV3.factory,
    uniswapV3InitCodeHash: book.uniswapV3.initCodeHash,
    v2Dexes: V2_DEXES.map((dex) => ({ factory: book[dex].factory, initCodeHash: book[dex].initCodeHash })),
  };
}

/** Deploys an executor trusting the protocols of `book`, owned by `owner`. */
export async function deployExecutor(deployer: Signer, book: AddressBook, owner: Address): Promise<AnyContract> {
  return deployArtifact(deployer, executorArtifact(), [executorDeployment(book, owner)]);
}
