import type { InterfaceAbi } from "ethers";
import { type Artifact, projectArtifact } from "../replica/artifacts.js";

/**
 * The executor's compiled artifact (ABI and bytecode). Its errors and events are those of
 * `IFlashArbExecutor`, so decoding a revert or a log with this ABI gives their names and values.
 */
export function executorArtifact(): Artifact {
  return projectArtifact("FlashArbExecutor.sol", "FlashArbExecutor");
}

/** The executor's ABI. */
export function executorAbi(): InterfaceAbi {
  return executorArtifact().abi;
}
