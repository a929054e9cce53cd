import { type BaseContract, Contract, ContractFactory, type ContractRunner, type Signer } from "ethers";
import { type Artifact, linkBytecode } from "./artifacts.js";

/** An ethers contract whose methods are looked up by name from its ABI. */
export type AnyContract = Contract;

/**
 * Deploys `artifact` from `signer` and waits until it is mined.
 * @param libraries Library name → deployed address, for artifacts with link references.
 */
export async function deployArtifact(
  signer: Signer,
  artifact: Artifact,
  args: readonly unknown[] = [],
  libraries: Readonly<Record<string, string>> = {},
): Promise<AnyContract> {
  const factory = new ContractFactory(artifact.abi, linkBytecode(artifact, libraries), signer);
  const deployed = await factory.deploy(...args);
  await deployed.waitForDeployment();
  return attach(artifact, await deployed.getAddress(), signer);
}

/** An ethers contract for `artifact`'s ABI at `address`. */
export function attach(artifact: Artifact, address: string, runner: ContractRunner): AnyContract {
  return new Contract(address, artifact.abi, runner);
}

/** Sends a contract call and waits for it to be mined; throws if it reverted. */
export async function send(contract: BaseContract, method: string, ...args: unknown[]): Promise<void> {
  const tx = await contract.getFunction(method).send(...args);
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`${method} reverted`);
}
