import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Contract, type ContractRunner, formatUnits, type Provider, type Signer, ZeroAddress } from "ethers";
import type { Address, AddressBook } from "../addressBook.js";
import { executorAbi } from "../executor/abi.js";
import { EXECUTOR_FUTURE_ID, OpsError, parseAddress } from "./deployment.js";

const IGNITION_DEPLOYMENTS = fileURLToPath(new URL("../../ignition/deployments/", import.meta.url));
const ERC20 = [
  "function balanceOf(address) view returns (uint256)",
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
];

/** Which executor an operation targets: an explicit address, or an Ignition deployment id. */
export interface ExecutorTarget {
  /** The executor's address; overrides `deploymentId`. */
  readonly executor?: string;
  /** An Ignition deployment id (default `chain-<chainId>`). */
  readonly deploymentId?: string;
}

/**
 * Finds the executor an operation targets and checks it is on this chain: the Ignition
 * deployment must have been made on the chain the provider answers for, and there must be
 * code at the address.
 * @throws OpsError for a malformed address, a missing deployment, a deployment made on
 *   another chain, or an address without code.
 */
export async function resolveExecutor(provider: Provider, target: ExecutorTarget): Promise<Address> {
  const chainId = Number((await provider.getNetwork()).chainId);
  let address: Address;
  if (target.executor !== undefined && target.executor !== "") {
    address = parseAddress("--executor", target.executor);
  } else {
    const id =
      target.deploymentId === undefined || target.deploymentId === "" ? `chain-${chainId}` : target.deploymentId;
    const dir = join(IGNITION_DEPLOYMENTS, id);
    const addressesFile = join(dir, "deployed_addresses.json");
    if (!existsSync(addressesFile)) {
      throw new OpsError(`No Ignition deployment "${id}" with an executor.`, {
        details: "Deploy first (`npx hardhat executor deploy --network …`) or pass --executor <address>.",
      });
    }
    const recordedChain = deploymentChainId(dir);
    if (recordedChain !== undefined && recordedChain !== chainId) {
      throw new OpsError(
        `Deployment "${id}" was made on chain ${recordedChain}, but this network is chain ${chainId}.`,
        {
          details: "Pass the --network the executor was deployed on.",
        },
      );
    }
    const addresses = JSON.parse(readFileSync(addressesFile, "utf8")) as Record<string, string>;
    const found = addresses[EXECUTOR_FUTURE_ID];
    if (found === undefined) throw new OpsError(`Deployment "${id}" has no ${EXECUTOR_FUTURE_ID}.`);
    address = parseAddress("deployment", found);
  }
  if ((await provider.getCode(address)) === "0x") {
    throw new OpsError(`No contract at ${address} on chain ${chainId}.`, {
      details: "The executor lives on another network: check --network.",
    });
  }
  return address;
}

/** The chain ID Ignition recorded in a deployment's journal, if it did. */
function deploymentChainId(dir: string): number | undefined {
  const journal = join(dir, "journal.jsonl");
  if (!existsSync(journal)) return undefined;
  for (const line of readFileSync(journal, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const entry = JSON.parse(line) as { type?: string; chainId?: number };
    if (entry.type === "DEPLOYMENT_INITIALIZE" && typeof entry.chainId === "number") return entry.chainId;
  }
  return undefined;
}

/** The executor as an ethers contract. */
export function executorAt(address: Address, runner: ContractRunner): Contract {
  return new Contract(address, executorAbi(), runner);
}

/** What `executor status` reports. */
export interface ExecutorStatus {
  readonly executor: Address;
  readonly chainId: number;
  readonly owner: Address;
  readonly pendingOwner: Address;
  readonly operators: readonly Address[];
  readonly profitReceiver: Address;
  readonly paused: boolean;
  readonly ethBalance: bigint;
  readonly tokenBalances: ReadonlyArray<{
    readonly symbol: string;
    readonly token: Address;
    readonly balance: bigint;
    readonly decimals: number;
  }>;
}

/**
 * Reads the executor's roles and balances. Operators are rebuilt from its `OperatorSet` events,
 * so the list is exact without an on-chain enumeration.
 */
export async function executorStatus(
  provider: Provider,
  executor: Address,
  book: AddressBook,
): Promise<ExecutorStatus> {
  const contract = executorAt(executor, provider);
  const operators = new Map<string, boolean>();
  for (const log of await contract.queryFilter(contract.filters.OperatorSet?.() ?? "OperatorSet", 0)) {
    const parsed = contract.interface.parseLog(log);
    if (parsed !== null) operators.set(parsed.args[0] as string, parsed.args[1] as boolean);
  }
  const tokenBalances = [];
  for (const [symbol, token] of Object.entries(book.tokens)) {
    if (token === undefined) continue;
    const erc20 = new Contract(token, ERC20, provider);
    tokenBalances.push({
      symbol,
      token: token as Address,
      balance: (await erc20.getFunction("balanceOf")(executor)) as bigint,
      decimals: Number(await erc20.getFunction("decimals")()),
    });
  }
  return {
    executor,
    chainId: Number((await provider.getNetwork()).chainId),
    owner: (await contract.getFunction("owner")()) as Address,
    pendingOwner: (await contract.getFunction("pendingOwner")()) as Address,
    operators: [...operators].filter(([, allowed]) => allowed).map(([account]) => account as Address),
    profitReceiver: (await contract.getFunction("profitReceiver")()) as Address,
    paused: (await contract.getFunction("paused")()) as boolean,
    ethBalance: await provider.getBalance(executor),
    tokenBalances,
  };
}

/** A status as lines for a person. */
export function describeStatus(status: ExecutorStatus): string {
  return [
    `Executor:        ${status.executor} (chain ${status.chainId})`,
    `Owner:           ${status.owner}${status.pendingOwner === ZeroAddress ? "" : ` (pending: ${status.pendingOwner})`}`,
    `Operators:       ${status.operators.length === 0 ? "none" : status.operators.join(", ")}`,
    `Profit receiver: ${status.profitReceiver === ZeroAddress ? "none (profit stays in the executor)" : status.profitReceiver}`,
    `Paused:          ${status.paused ? "yes" : "no"}`,
    `ETH:             ${formatUnits(status.ethBalance, 18)}`,
    ...status.tokenBalances.map((t) => `${t.symbol.padEnd(16)} ${formatUnits(t.balance, t.decimals)}`),
  ].join("\n");
}

/** Refuses unless `signer` is the executor's owner (or, for `acceptOwnership`, its pending owner). */
async function requireRole(contract: Contract, signer: Signer, role: "owner" | "pendingOwner"): Promise<void> {
  const holder = (await contract.getFunction(role)()) as string;
  const me = await signer.getAddress();
  if (holder.toLowerCase() !== me.toLowerCase()) {
    const name = role === "owner" ? "owner" : "pending owner";
    throw new OpsError(`The signer ${me} is not the executor's ${name} (${holder}).`, {
      details: `Sign with the ${name}'s key: set it in the keystore for this network.`,
    });
  }
}

/** An owner operation on the executor. */
export type OwnerAction =
  | { readonly kind: "withdraw"; readonly token: Address | "ETH"; readonly amount: bigint | "all" }
  | { readonly kind: "sweep"; readonly token: Address; readonly keep: bigint }
  | { readonly kind: "pause" }
  | { readonly kind: "unpause" }
  | { readonly kind: "setOperator"; readonly account: Address; readonly allowed: boolean }
  /** Zero address: profit stays in the executor. */
  | { readonly kind: "setProfitReceiver"; readonly account: Address }
  | { readonly kind: "setCurvePool"; readonly pool: Address; readonly allowed: boolean }
  | { readonly kind: "proposeOwner"; readonly account: Address }
  | { readonly kind: "acceptOwner" };

/**
 * Checks the signer's role and sends one owner operation; returns the transaction hash. An
 * operation that would change nothing is refused before anything is signed: a cold key's
 * signature (and its gas) is not spent on withdrawing nothing, pausing what is paused, revoking
 * an account that is no operator, or proposing the owner as owner.
 * @throws OpsError when the signer lacks the role, the amount exceeds the balance, or the
 *   operation would change nothing.
 */
export async function runOwnerAction(signer: Signer, executor: Address, action: OwnerAction): Promise<string> {
  const contract = executorAt(executor, signer);
  await requireRole(contract, signer, action.kind === "acceptOwner" ? "pendingOwner" : "owner");
  let call: Promise<{ hash: string; wait(): Promise<unknown> }>;
  switch (action.kind) {
    case "withdraw": {
      const provider = signer.provider as Provider;
      const balance =
        action.token === "ETH"
          ? await provider.getBalance(executor)
          : ((await new Contract(action.token, ERC20, provider).getFunction("balanceOf")(executor)) as bigint);
      const amount = action.amount === "all" ? balance : action.amount;
      if (amount > balance) throw new OpsError(`Cannot withdraw ${amount}: the executor holds ${balance}.`);
      if (amount === 0n) throw new OpsError("Nothing to withdraw: the amount is zero (or the executor holds none).");
      call =
        action.token === "ETH"
          ? contract.getFunction("withdrawETH")(amount)
          : contract.getFunction("withdrawToken")(action.token, amount);
      break;
    }
    case "sweep": {
      const provider = signer.provider as Provider;
      const balance = (await new Contract(action.token, ERC20, provider).getFunction("balanceOf")(executor)) as bigint;
      if (balance <= action.keep)
        throw new OpsError(
          `Nothing to sweep: the executor holds ${balance}, not more than the ${action.keep} to keep.`,
        );
      call = contract.getFunction("sweep")(action.token, action.keep);
      break;
    }
    case "pause":
    case "unpause": {
      const paused = (await contract.getFunction("paused")()) as boolean;
      if (paused === (action.kind === "pause"))
        throw new OpsError(`The executor is already ${paused ? "paused" : "running (not paused)"}.`);
      call = contract.getFunction(action.kind)();
      break;
    }
    case "setOperator": {
      const is = (await contract.getFunction("isOperator")(action.account)) as boolean;
      if (is === action.allowed)
        throw new OpsError(`${action.account} is ${is ? "already" : "not"} an operator: nothing to change.`);
      call = contract.getFunction("setOperator")(action.account, action.allowed);
      break;
    }
    case "setProfitReceiver": {
      const current = (await contract.getFunction("profitReceiver")()) as string;
      if (current.toLowerCase() === action.account.toLowerCase())
        throw new OpsError(`The profit receiver is already ${action.account}: nothing to change.`);
      call = contract.getFunction("setProfitReceiver")(action.account);
      break;
    }
    case "setCurvePool": {
      const allowed = (await contract.getFunction("isCurvePool")(action.pool)) as boolean;
      if (allowed === action.allowed)
        throw new OpsError(
          `The Curve pool ${action.pool} is ${allowed ? "already" : "not"} allowed: nothing to change.`,
        );
      call = contract.getFunction("setCurvePool")(action.pool, action.allowed);
      break;
    }
    case "proposeOwner": {
      const owner = (await contract.getFunction("owner")()) as string;
      if (owner.toLowerCase() === action.account.toLowerCase())
        throw new OpsError(`${action.account} is already the owner.`);
      call = contract.getFunction("transferOwnership")(action.account);
      break;
    }
    case "acceptOwner":
      call = contract.getFunction("acceptOwnership")();
      break;
  }
  const tx = await call;
  await tx.wait();
  return tx.hash;
}
