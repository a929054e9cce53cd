import { type Signer, ZeroAddress } from "ethers";
import { type Address, type AddressBook, type V2DexName, v2DexesOf } from "../addressBook.js";
import { BaseError } from "../errors.js";
import { type AnyContract, deployArtifact } from "../replica/deploy.js";
import { executorArtifact } from "./abi.js";

/** Who runs an executor: its cold owner, hot operators, where profit goes, and allowed Curve pools. */
export interface ExecutorRoles {
  readonly owner: Address;
  readonly operators?: readonly Address[];
  readonly profitReceiver?: Address;
  readonly curvePools?: readonly Address[];
}

/**
 * Index of a V2-style DEX in an executor deployed from `book`, for `RouteHop.factoryIndex`.
 * DEXes are trusted in the order uniswapV2, sushiswap, quickswap, skipping those the book lacks.
 * @throws BaseError when the book has no such DEX.
 */
export function v2DexIndex(dex: V2DexName, book?: AddressBook): number {
  if (book === undefined) return dex === "uniswapV2" ? 0 : dex === "sushiswap" ? 1 : 2;
  const index = v2DexesOf(book).findIndex(([name]) => name === dex);
  if (index < 0) throw new BaseError(`The ${book.name} address book has no ${dex}.`);
  return index;
}

/**
 * The executor constructor's `Deployment` argument: the lenders and DEXes of `book` (zero
 * where the book has none) and the given roles.
 */
export function executorDeployment(book: AddressBook, roles: ExecutorRoles) {
  return {
    owner: roles.owner,
    aavePool: book.aaveV3?.pool ?? ZeroAddress,
    balancerVault: book.balancerV2?.vault ?? ZeroAddress,
    morpho: book.morphoBlue?.morpho ?? ZeroAddress,
    poolManager: book.uniswapV4?.poolManager ?? ZeroAddress,
    uniswapV3Factory: book.uniswapV3.factory,
    uniswapV3InitCodeHash: book.uniswapV3.initCodeHash,
    v2Dexes: v2DexesOf(book).map(([, dex]) => ({ factory: dex.factory, initCodeHash: dex.initCodeHash })),
    operators: [...(roles.operators ?? [])],
    profitReceiver: roles.profitReceiver ?? ZeroAddress,
    curvePools: [...(roles.curvePools ?? [])],
  };
}

/** Deploys an executor trusting the protocols of `book`, configured with `roles`. */
export async function deployExecutor(
  deployer: Signer,
  book: AddressBook,
  roles: ExecutorRoles | Address,
): Promise<AnyContract> {
  const resolved = typeof roles === "string" ? { owner: roles } : roles;
  return deployArtifact(deployer, executorArtifact(), [executorDeployment(book, resolved)]);
}
