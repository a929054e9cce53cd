import { createInterface } from "node:readline/promises";
import type { Provider, Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address } from "../../src/addressBook.js";
import { BaseError } from "../../src/errors.js";
import { bookForProvider, OpsError, parseAddress } from "../../src/ops/deployment.js";
import {
  type ExecutorTarget,
  type OwnerAction,
  prepareOwnerTransaction,
  resolveExecutor,
} from "../../src/ops/executorOps.js";
import { describeCall, describeSafeTransaction, safeBatch } from "../../src/ops/safeBatch.js";

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

/** How an owner task's transaction is signed: `--ledger <address>`, `--safe <address>`, or neither (the keystore's key). */
export interface SigningOptions {
  readonly ledger: string;
  readonly safe: string;
  /** Send with the keystore's key without asking. */
  readonly yes: boolean;
}

/**
 * Resolves the target executor and runs one owner operation: signed by the network's key (after
 * a confirmation, or `--yes`), by a Ledger (`--ledger`: the device is where it is approved), or
 * printed for the Safe that owns the executor (`--safe`: the exact transaction, then a
 * Transaction Builder batch as the last line), in which case nothing is sent.
 */
export async function ownerTask(
  hre: HardhatRuntimeEnvironment,
  target: ExecutorTarget & SigningOptions,
  build: (provider: Provider) => Promise<OwnerAction> | OwnerAction,
  summary: string,
): Promise<void> {
  await reportErrors(async () => {
    if (target.ledger !== "" && target.safe !== "")
      throw new OpsError("Pass --ledger or --safe, not both: a Safe's owners sign in the Safe.");
    if (target.safe !== "") {
      const safe = parseAddress("--safe", target.safe);
      // No accounts: printing for a Safe needs no key, and none is read from the keystore.
      const { ethers } = await hre.network.create({ override: { accounts: [] } });
      const provider = ethers.provider;
      await bookForProvider(provider);
      const executor = await resolveExecutor(provider, target);
      if ((await provider.getCode(safe)) === "0x")
        throw new OpsError(`--safe: ${safe} has no code on this chain, so it is no Safe.`, {
          details: "Give the Safe's own address (the contract), not one of its owners.",
        });
      const transaction = await prepareOwnerTransaction(provider, executor, safe, await build(provider));
      const chainId = Number((await provider.getNetwork()).chainId);
      console.log(describeSafeTransaction(safe, chainId, transaction));
      console.log(
        JSON.stringify(safeBatch(chainId, safe, [transaction], `${describeCall(transaction)} on ${executor}`)),
      );
      return;
    }
    const onLedger = target.ledger !== "";
    const { provider, signer } = onLedger ? await connectLedger(hre, target.ledger) : await connect(hre);
    await bookForProvider(provider);
    const executor: Address = await resolveExecutor(provider, target);
    const from = (await signer.getAddress()) as Address;
    const transaction = await prepareOwnerTransaction(provider, executor, from, await build(provider));
    const chainId = Number((await provider.getNetwork()).chainId);
    // A hot key sends nothing unasked (an empty --safe or --ledger falls through to it); a
    // Ledger asks on the device.
    if (
      !onLedger &&
      !(await confirm(
        `Send ${describeCall(transaction)} to ${executor} on chain ${chainId}, signed by ${from}?`,
        target.yes,
      ))
    ) {
      console.log("Not sent.");
      return;
    }
    let sent: { hash: string; wait(): Promise<{ blockNumber: number } | null> };
    try {
      sent = await signer.sendTransaction({ to: transaction.to, data: transaction.data, value: transaction.value });
    } catch (error) {
      if (!onLedger || error instanceof BaseError) throw error;
      throw new OpsError(`The Ledger did not sign: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
        details: "Connect and unlock the device, open its Ethereum app, and approve the transaction on it.",
      });
    }
    // Sent: from here a failure is the transaction's, not the signing's, and its hash is known.
    console.log(`Sent ${describeCall(transaction)}: transaction ${sent.hash}; waiting for it to be mined…`);
    const receipt = await sent.wait();
    console.log(`${summary} on ${executor}: transaction ${sent.hash} (block ${receipt?.blockNumber})`);
  });
}

/** The network with a Ledger account added, and that account's signer. */
async function connectLedger(hre: HardhatRuntimeEnvironment, account: string) {
  const address = parseAddress("--ledger", account);
  if (!hre.config.plugins.some((plugin) => plugin.id === "hardhat-ledger"))
    throw new OpsError("Ledger signing is not installed here.", {
      details:
        "Its USB driver (@nomicfoundation/hardhat-ledger, an optional dependency) needs libusb and libudev headers: " +
        "apt-get install libusb-1.0-0-dev libudev-dev, then run the set-up again.",
    });
  // The Ledger's account only: no key is read from the keystore.
  const connection = await hre.network.create({ override: { accounts: [], ledgerAccounts: [address] } });
  return {
    connection,
    provider: connection.ethers.provider,
    signer: (await connection.ethers.getSigner(address)) as Signer,
  };
}
