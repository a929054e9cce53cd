import { MaxUint256, type Signer, ZeroAddress } from "ethers";
import type { Address } from "../addressBook.js";
import { morphoArtifact } from "./artifacts.js";
import { type AnyContract, deployArtifact } from "./deploy.js";
import { amountForUsd } from "./prices.js";
import type { ReplicaTokenSymbol, ReplicaTokens } from "./tokens.js";

/** Morpho Blue on the replica, with a market per lent token holding supplied liquidity (Morpho lends, through `flashLoan`, any token it holds). */
export interface ReplicaMorpho {
  readonly morpho: AnyContract;
  readonly deployment: { readonly morpho: Address };
}

/** The liquidation LTV the markets use (86%, one Morpho enables on mainnet). */
const LLTV = 860_000_000_000_000_000n;

/**
 * Deploys Morpho Blue from its own compiled sources, owned by the deployer, and supplies
 * `usdPerToken` dollars of each token to a market lending it. A market needs an interest rate
 * model and an oracle only to borrow against collateral, which nobody does here: the zero
 * address serves as both, as Morpho allows for an enabled IRM (no interest) and an oracle it
 * never calls until a borrow.
 */
export async function deployMorpho(
  deployer: Signer,
  tokens: ReplicaTokens,
  lent: readonly ReplicaTokenSymbol[],
  usdPerToken: bigint,
): Promise<ReplicaMorpho> {
  const me = await deployer.getAddress();
  const morpho = await deployArtifact(deployer, morphoArtifact(), [me]);
  const morphoAddress = (await morpho.getAddress()) as Address;
  await (await morpho.getFunction("enableIrm")(ZeroAddress)).wait();
  await (await morpho.getFunction("enableLltv")(LLTV)).wait();
  for (const symbol of lent) {
    const loanToken = await tokens[symbol].getAddress();
    const collateral = await tokens[symbol === "WBTC" ? "WETH" : "WBTC"].getAddress();
    const params = {
      loanToken,
      collateralToken: collateral,
      oracle: ZeroAddress,
      irm: ZeroAddress,
      lltv: LLTV,
    };
    await (await morpho.getFunction("createMarket")(params)).wait();
    const supplied = amountForUsd(symbol, usdPerToken);
    await (await tokens[symbol].connect(deployer).getFunction("approve")(morphoAddress, MaxUint256)).wait();
    await (await morpho.getFunction("supply")(params, supplied, 0, me, "0x")).wait();
  }
  return { morpho, deployment: { morpho: morphoAddress } };
}
