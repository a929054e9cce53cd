import type { Signer } from "ethers";
import { projectArtifact, protocolArtifact } from "./artifacts.js";
import { type AnyContract, deployArtifact } from "./deploy.js";

/** The replica's tokens: the address book's five, plus two misbehaving ones for adversarial tests. */
export interface ReplicaTokens {
  readonly WETH: AnyContract;
  readonly USDC: AnyContract;
  readonly USDT: AnyContract;
  readonly DAI: AnyContract;
  readonly WBTC: AnyContract;
  /** Burns 1% of every transfer. */
  readonly FOT: AnyContract;
  /** Reverts transfers to or from addresses its deployer blocks. */
  readonly BLOCK: AnyContract;
}

export type ReplicaTokenSymbol = keyof ReplicaTokens;

/** Decimals of each replica token, matching the mainnet token it stands in for. */
export const TOKEN_DECIMALS: Readonly<Record<ReplicaTokenSymbol, number>> = {
  WETH: 18,
  USDC: 6,
  USDT: 6,
  DAI: 18,
  WBTC: 8,
  FOT: 18,
  BLOCK: 18,
};

/** The fee-on-transfer token's burn, in basis points. */
export const FOT_FEE_BPS = 100n;

/** Deploys WETH9 (the real bytecode) and the stand-in ERC-20s. */
export async function deployTokens(deployer: Signer): Promise<ReplicaTokens> {
  const mintable = projectArtifact("test/tokens/MintableERC20.sol", "MintableERC20");
  return {
    WETH: await deployArtifact(deployer, protocolArtifact("WETH9")),
    USDC: await deployArtifact(deployer, mintable, ["USD Coin", "USDC", 6]),
    USDT: await deployArtifact(deployer, projectArtifact("test/tokens/NoReturnERC20.sol", "NoReturnERC20"), [
      "Tether USD",
      "USDT",
      6,
    ]),
    DAI: await deployArtifact(deployer, mintable, ["Dai Stablecoin", "DAI", 18]),
    WBTC: await deployArtifact(deployer, mintable, ["Wrapped BTC", "WBTC", 8]),
    FOT: await deployArtifact(deployer, projectArtifact("test/tokens/FeeOnTransferERC20.sol", "FeeOnTransferERC20"), [
      "Fee On Transfer",
      "FOT",
      FOT_FEE_BPS,
    ]),
    BLOCK: await deployArtifact(deployer, projectArtifact("test/tokens/BlocklistERC20.sol", "BlocklistERC20"), [
      "Blocklist Token",
      "BLOCK",
    ]),
  };
}

/**
 * Gives `to` `amount` of `token`: WETH by depositing ETH, the others by minting.
 * The caller (`from`) must hold the ETH for WETH.
 */
export async function fund(
  tokens: ReplicaTokens,
  symbol: ReplicaTokenSymbol,
  from: Signer,
  to: string,
  amount: bigint,
): Promise<void> {
  const token = tokens[symbol].connect(from) as AnyContract;
  if (symbol === "WETH") {
    await (await token.getFunction("deposit")({ value: amount })).wait();
    if (to !== (await from.getAddress())) await (await token.getFunction("transfer")(to, amount)).wait();
    return;
  }
  await (await token.getFunction("mint")(to, amount)).wait();
}
