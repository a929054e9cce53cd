import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Contract, type ContractRunner, formatUnits, type Log, type Provider, type Signer, ZeroAddress } from "ethers";
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
    const addresses = readJson(addressesFile) as Record<string, string>;
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
    const entry = parseJournalLine(journal, line) as { type?: string; chainId?: number };
    if (entry.type === "DEPLOYMENT_INITIALIZE" && typeof entry.chainId === "number") return entry.chainId;
  }
  return undefined;
}

/** A JSON file of Ignition's, or a clear error naming it. */
function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new OpsError(`${path} is not valid JSON.`, {
      cause,
      details: "An interrupted deployment can leave it cut short: restore it from version control.",
    });
  }
}

/** One line of an Ignition journal, or a clear error naming the file. */
function parseJournalLine(journal: string, line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (cause) {
    throw new OpsError(`${journal} holds a line that is not valid JSON.`, {
      cause,
      details: "An interrupted deployment can leave it cut short: restore it from version control.",
    });
  }
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

/** Where `executor status` starts reading the executor's events, and how many blocks per query. */
export interface EventRange {
  /** The executor's deployment block (see `deploymentBlock`). */
  readonly fromBlock: number;
  /** Blocks per `eth_getLogs` query (hosted RPCs cap the range); halved on a refusal. */
  readonly pageBlocks?: number;
}

/**
 * Reads the executor's roles and balances. Operators are rebuilt from its `OperatorSet` events,
 * read in pages from its deployment block: hosted RPCs refuse a log query over the whole chain,
 * so the list is exact without an on-chain enumeration and without one.
 */
export async function executorStatus(
  provider: Provider,
  executor: Address,
  book: AddressBook,
  range: EventRange,
): Promise<ExecutorStatus> {
  const contract = executorAt(executor, provider);
  const operators = new Map<string, boolean>();
  const head = await provider.getBlockNumber();
  const topic = contract.interface.getEvent("OperatorSet")?.topicHash as string;
  for (const log of await logsInPages(provider, executor, topic, range.fromBlock, head, range.pageBlocks ?? 10_000)) {
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

/**
 * One contract's logs with one topic over `[from, to]`, in pages of `pageBlocks`. A page the
 * RPC refuses (too many results, too wide a range: each provider words it its own way) is
 * split in half and tried again, down to a single block.
 */
async function logsInPages(
  provider: Provider,
  address: Address,
  topic: string,
  from: number,
  to: number,
  pageBlocks: number,
): Promise<Log[]> {
  if (!(Number.isInteger(pageBlocks) && pageBlocks >= 1))
    throw new OpsError(`--page-blocks must be a whole number of at least 1, not ${pageBlocks}.`);
  const logs: Log[] = [];
  let page = pageBlocks;
  for (let start = from; start <= to; ) {
    const end = Math.min(to, start + page - 1);
    try {
      logs.push(...(await provider.getLogs({ address, topics: [topic], fromBlock: start, toBlock: end })));
      start = end + 1;
    } catch (cause) {
      if (end === start)
        throw new OpsError(`The RPC refused the executor's events at block ${start}.`, {
          cause,
          details: "Check the RPC URL; the provider may not serve logs.",
        });
      page = Math.max(1, Math.floor((end - start + 1) / 2));
    }
  }
  return logs;
}

/**
 * The block the executor was deployed in, where its events begin: `fromBlock` when given, else
 * the receipt Ignition recorded for it, else a binary search over its code's history (which
 * needs an archive node).
 * @throws OpsError when none of these can say.
 */
export async function deploymentBlock(
  provider: Provider,
  executor: Address,
  target: ExecutorTarget & { readonly fromBlock?: string },
): Promise<number> {
  if (target.fromBlock !== undefined && target.fromBlock !== "") {
    if (!/^\d+$/.test(target.fromBlock))
      throw new OpsError(`--from-block: "${target.fromBlock}" is not a block number.`);
    const head = await provider.getBlockNumber();
    if (Number(target.fromBlock) > head)
      throw new OpsError(`--from-block: ${target.fromBlock} is past the chain's head (${head}).`, {
        details: "Give the executor's deployment block.",
      });
    return Number(target.fromBlock);
  }
  const chainId = Number((await provider.getNetwork()).chainId);
  const id = target.deploymentId === undefined || target.deploymentId === "" ? `chain-${chainId}` : target.deploymentId;
  const recorded = recordedDeploymentBlock(join(IGNITION_DEPLOYMENTS, id), executor);
  if (recorded !== undefined) return recorded;
  try {
    let low = 0;
    let high = await provider.getBlockNumber();
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await provider.getCode(executor, middle)) === "0x") low = middle + 1;
      else high = middle;
    }
    return low;
  } catch (cause) {
    throw new OpsError(`Cannot find the block ${executor} was deployed in.`, {
      cause,
      details:
        "No Ignition record of it here, and the RPC keeps no history of its code. Pass --from-block <deployment block>.",
    });
  }
}

/** The block of the executor's deployment receipt in an Ignition journal, if it is the one recorded. */
function recordedDeploymentBlock(dir: string, executor: Address): number | undefined {
  const journal = join(dir, "journal.jsonl");
  if (!existsSync(journal)) return undefined;
  for (const line of readFileSync(journal, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const entry = parseJournalLine(journal, line) as {
      futureId?: string;
      receipt?: { blockNumber?: number; contractAddress?: string };
    };
    if (
      entry.futureId === EXECUTOR_FUTURE_ID &&
      typeof entry.receipt?.blockNumber === "number" &&
      entry.receipt.contractAddress?.toLowerCase() === executor.toLowerCase()
    )
      return entry.receipt.blockNumber;
  }
  return undefined;
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

/** Refuses unless `from` is the executor's owner (or, for `acceptOwnership`, its pending owner). */
async function requireRole(contract: Contract, from: Address, role: "owner" | "pendingOwner"): Promise<void> {
  const holder = (await contract.getFunction(role)()) as string;
  if (holder.toLowerCase() !== from.toLowerCase()) {
    const name = role === "owner" ? "owner" : "pending owner";
    throw new OpsError(`The signer ${from} is not the executor's ${name} (${holder}).`, {
      details: `Sign with the ${name}'s key (the keystore, --ledger <address>), or pass --safe <address> when a Safe holds the role.`,
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

/** One owner operation as the exact transaction to sign: by a key, a Ledger, or a Safe's owners. */
export interface OwnerTransaction {
  /** The executor. */
  readonly to: Address;
  /** The calldata, ABI-encoded. */
  readonly data: string;
  /** Wei sent with it: always zero for the executor's owner functions. */
  readonly value: bigint;
  /** The executor function called. */
  readonly method: string;
  /** Its arguments, in order, as the ABI encodes them. */
  readonly args: readonly (string | bigint | boolean)[];
}

/**
 * Builds the transaction for one owner operation, after checking that `from` holds the role and
 * that the operation would change something. An operation that would change nothing is refused
 * before anything is signed: a cold key's signature (and its gas) is not spent on withdrawing
 * nothing, pausing what is paused, revoking an account that is no operator, or proposing the
 * owner as owner.
 * @param from The account that will send it: the owner's key or Ledger, or the Safe that owns
 *   the executor.
 * @throws OpsError when `from` lacks the role, the amount exceeds the balance, or the
 *   operation would change nothing.
 */
export async function prepareOwnerTransaction(
  provider: Provider,
  executor: Address,
  from: Address,
  action: OwnerAction,
): Promise<OwnerTransaction> {
  const contract = executorAt(executor, provider);
  await requireRole(contract, from, action.kind === "acceptOwner" ? "pendingOwner" : "owner");
  const call = (method: string, ...args: (string | bigint | boolean)[]): OwnerTransaction => ({
    to: executor,
    data: contract.interface.encodeFunctionData(method, args),
    value: 0n,
    method,
    args,
  });
  switch (action.kind) {
    case "withdraw": {
      const balance =
        action.token === "ETH"
          ? await provider.getBalance(executor)
          : ((await new Contract(action.token, ERC20, provider).getFunction("balanceOf")(executor)) as bigint);
      const amount = action.amount === "all" ? balance : action.amount;
      if (amount > balance) throw new OpsError(`Cannot withdraw ${amount}: the executor holds ${balance}.`);
      if (amount === 0n) throw new OpsError("Nothing to withdraw: the amount is zero (or the executor holds none).");
      return action.token === "ETH" ? call("withdrawETH", amount) : call("withdrawToken", action.token, amount);
    }
    case "sweep": {
      const balance = (await new Contract(action.token, ERC20, provider).getFunction("balanceOf")(executor)) as bigint;
      if (balance <= action.keep)
        throw new OpsError(
          `Nothing to sweep: the executor holds ${balance}, not more than the ${action.keep} to keep.`,
        );
      return call("sweep", action.token, action.keep);
    }
    case "pause":
    case "unpause": {
      const paused = (await contract.getFunction("paused")()) as boolean;
      if (paused === (action.kind === "pause"))
        throw new OpsError(`The executor is already ${paused ? "paused" : "running (not paused)"}.`);
      return call(action.kind);
    }
    case "setOperator": {
      const is = (await contract.getFunction("isOperator")(action.account)) as boolean;
      if (is === action.allowed)
        throw new OpsError(`${action.account} is ${is ? "already" : "not"} an operator: nothing to change.`);
      return call("setOperator", action.account, action.allowed);
    }
    case "setProfitReceiver": {
      const current = (await contract.getFunction("profitReceiver")()) as string;
      if (current.toLowerCase() === action.account.toLowerCase())
        throw new OpsError(`The profit receiver is already ${action.account}: nothing to change.`);
      return call("setProfitReceiver", action.account);
    }
    case "setCurvePool": {
      const allowed = (await contract.getFunction("isCurvePool")(action.pool)) as boolean;
      if (allowed === action.allowed)
        throw new OpsError(
          `The Curve pool ${action.pool} is ${allowed ? "already" : "not"} allowed: nothing to change.`,
        );
      return call("setCurvePool", action.pool, action.allowed);
    }
    case "proposeOwner": {
      const owner = (await contract.getFunction("owner")()) as string;
      if (owner.toLowerCase() === action.account.toLowerCase())
        throw new OpsError(`${action.account} is already the owner.`);
      return call("transferOwnership", action.account);
    }
    case "acceptOwner":
      return call("acceptOwnership");
  }
}

/**
 * Checks the signer's role, sends one owner operation and waits for it; returns the transaction
 * hash. See `prepareOwnerTransaction` for what is refused.
 */
export async function runOwnerAction(signer: Signer, executor: Address, action: OwnerAction): Promise<string> {
  const provider = signer.provider;
  if (provider === null) throw new OpsError("The signer is not connected to a network.");
  const from = (await signer.getAddress()) as Address;
  const transaction = await prepareOwnerTransaction(provider, executor, from, action);
  const tx = await signer.sendTransaction({ to: transaction.to, data: transaction.data, value: transaction.value });
  await tx.wait();
  return tx.hash;
}
