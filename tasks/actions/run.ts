import { createInterface } from "node:readline/promises";
import type { Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address } from "../../src/addressBook.js";
import { BaseError } from "../../src/errors.js";
import { bookForProvider } from "../../src/ops/deployment.js";
import { type ExecutorTarget, type OwnerAction, resolveExecutor, runOwnerAction } from "../../src/ops/executorOps.js";

/**
 * Runs a task body; a `BaseError` (bad input, wrong network, missing role) is printed as a
 * clear message and the process exits non-zero, instead of a stack trace.
 */
export async function reportErrors(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (!(error instanceof BaseError)) throw error;
    console.error(`Error: ${error.message}`);
    process.exitCode = 1;
  }
}

/** The connected network's provider and first signer (from the keystore on live networks). */
export async function connect(hre: HardhatRuntimeEnvironment) {
  const connection = await hre.network.create();
  const [signer] = await connection.ethers.getSigners();
  if (signer === undefined) {
    throw new BaseError("This network has no account to sign with.", {
      details: "Set DEPLOYER_PRIVATE_KEY in the keystore: npx hardhat keystore set DEPLOYER_PRIVATE_KEY",
    });
  }
  return { connection, provider: connection.ethers.provider, signer: signer as Signer };
}

/** Asks a person to confirm; refuses when nobody can answer (no terminal) unless `yes`. */
export async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new BaseError("Refusing to send without confirmation: there is no terminal to ask.", {
      details: "Pass --yes to confirm non-interactively.",
    });
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

/** Resolves the target executor, runs one owner operation, and prints the transaction. */
export async function ownerTask(
  hre: HardhatRuntimeEnvironment,
  target: ExecutorTarget,
  build: (signer: Signer) => Promise<OwnerAction> | OwnerAction,
  summary: string,
): Promise<void> {
  await reportErrors(async () => {
    const { provider, signer } = await connect(hre);
    await bookForProvider(provider);
    const executor: Address = await resolveExecutor(provider, target);
    const action = await build(signer);
    const hash = await runOwnerAction(signer, executor, action);
    console.log(`${summary} on ${executor}: transaction ${hash}`);
  });
}
