import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Contract, formatEther, getAddress, isAddress, type Provider, parseUnits, ZeroAddress } from "ethers";
import type { Address, AddressBook } from "../addressBook.js";
import { v2DexesOf, validateAddressBook } from "../addressBook.js";
import { bookForChainId } from "../addressBooks/networks.js";
import { BaseError } from "../errors.js";
import { type ExecutorRoles, executorDeployment } from "../executor/deploy.js";

/** The Ignition module's id, and the future id Ignition records the executor under. */
export const EXECUTOR_MODULE_ID = "FlashArbExecutor";
export const EXECUTOR_FUTURE_ID = "FlashArbExecutor#FlashArbExecutor";

/** Chain IDs of chains that only exist on this machine: deploying there needs no confirmation. */
export const LOCAL_CHAIN_IDS: ReadonlySet<number> = new Set([31337]);

/** Where the local node writes its deployment record (see `npm run node`). */
export const LOCAL_RECORD_PATH = fileURLToPath(new URL("../../deployments/localhost.json", import.meta.url));

/** Thrown when an owner operation or a deployment must not go ahead; says why and what to do. */
export class OpsError extends BaseError {
  override readonly name = "OpsError";
}

/**
 * Parses a user-given address, or throws naming the option.
 * @example parseAddress("--owner", "0xabc…")
 */
export function parseAddress(option: string, value: string): Address {
  if (!isAddress(value))
    throw new OpsError(`${option}: "${value}" is not an address.`, {
      details: "Give a 0x-prefixed 20-byte hex address.",
    });
  return getAddress(value) as Address;
}

/**
 * A token given as an address or as the address book's symbol (`WETH`, `usdc`: any case).
 * @throws OpsError naming the symbols the book has when it is neither.
 */
export function parseToken(option: string, value: string, book: AddressBook): Address {
  const wanted = value.toLowerCase();
  // Anything written as hex is meant as an address: it is judged as one.
  if (wanted.startsWith("0x")) return parseAddress(option, value);
  const entry = Object.entries(book.tokens).find(([symbol]) => symbol.toLowerCase() === wanted);
  if (entry?.[1] !== undefined) return entry[1];
  throw new OpsError(`${option}: "${value}" is not a token of this chain's address book.`, {
    details: `Give a 0x-prefixed address or one of: ${Object.keys(book.tokens).join(", ")}.`,
  });
}

/**
 * A human amount ("1.5", or "all") in a token's own decimals (ETH: 18).
 * @throws OpsError for something that is not a number, more decimals than the token has, or a
 *   token address that answers no `decimals()`.
 */
export async function parseAmount(
  option: string,
  value: string,
  token: Address | "ETH",
  provider: Provider,
): Promise<bigint | "all"> {
  if (value === "all") return "all";
  if (!/^\d+(\.\d+)?$/.test(value)) throw new OpsError(`${option}: "${value}" is not a number or "all".`);
  let decimals = 18;
  if (token !== "ETH") {
    try {
      decimals = Number(
        await new Contract(token, ["function decimals() view returns (uint8)"], provider).getFunction("decimals")(),
      );
    } catch (cause) {
      throw new OpsError(`${token} does not answer decimals(): it is not a token on this chain.`, { cause });
    }
  }
  const fraction = value.split(".")[1] ?? "";
  if (fraction.length > decimals)
    throw new OpsError(`${option}: "${value}" has ${fraction.length} decimals; the token has ${decimals}.`);
  return parseUnits(value, decimals);
}

/** Parses a comma-separated list of addresses (empty string: none). */
export function parseAddressList(option: string, value: string): Address[] {
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => parseAddress(option, part));
}

/** The address book for the chain a provider answers for: a live book, or the local node's record. */
export async function bookForProvider(provider: Provider): Promise<AddressBook> {
  const chainId = Number((await provider.getNetwork()).chainId);
  const live = bookForChainId(chainId);
  if (live !== undefined) return live;
  if (LOCAL_CHAIN_IDS.has(chainId)) {
    try {
      return (JSON.parse(readFileSync(LOCAL_RECORD_PATH, "utf8")) as { book: AddressBook }).book;
    } catch (cause) {
      throw new OpsError(`No address book for the local chain ${chainId}.`, {
        details: "Start the local node with `npm run node`; it writes deployments/localhost.json.",
        cause,
      });
    }
  }
  throw new OpsError(`No address book for chain ${chainId}.`, {
    details: "Supported: mainnet, sepolia, polygon, arbitrum, optimism, base, and the local node.",
  });
}

/** What is about to be deployed, ready to print and to hand to Ignition. */
export interface DeploymentPlan {
  readonly chainId: number;
  readonly book: AddressBook;
  readonly deployer: Address;
  readonly deployerBalance: bigint;
  readonly parameters: ReturnType<typeof executorDeployment>;
  /** Whether a person must confirm before sending (any chain but a local one). */
  readonly needsConfirmation: boolean;
}

/**
 * Checks a deployment before anything is sent: the network answers for the book's chain, the
 * roles are valid, the book is well-formed, and every lender and factory the executor will
 * trust has code on this chain.
 * @throws OpsError saying what is wrong and how to fix it.
 */
export async function planDeployment(
  provider: Provider,
  deployer: Address,
  book: AddressBook,
  roles: ExecutorRoles,
): Promise<DeploymentPlan> {
  const chainId = Number((await provider.getNetwork()).chainId);
  if (chainId !== book.chainId) {
    throw new OpsError(
      `The network answers for chain ${chainId}, but the ${book.name} book is for chain ${book.chainId}.`,
      {
        details: "Check --network and the RPC URL it uses.",
      },
    );
  }
  if (roles.owner === ZeroAddress)
    throw new OpsError("The owner cannot be the zero address.", { details: "Pass --owner." });
  validateAddressBook(book);
  const trusted: Array<[string, string]> = [["uniswapV3.factory", book.uniswapV3.factory]];
  if (book.aaveV3 !== undefined) trusted.push(["aaveV3.pool", book.aaveV3.pool]);
  if (book.balancerV2 !== undefined) trusted.push(["balancerV2.vault", book.balancerV2.vault]);
  if (book.morphoBlue !== undefined) trusted.push(["morphoBlue.morpho", book.morphoBlue.morpho]);
  if (book.uniswapV4 !== undefined) trusted.push(["uniswapV4.poolManager", book.uniswapV4.poolManager]);
  for (const [name, dex] of v2DexesOf(book)) trusted.push([`${name}.factory`, dex.factory]);
  for (const pool of roles.curvePools ?? []) trusted.push(["curve pool", pool]);
  const missing: string[] = [];
  for (const [field, address] of trusted) {
    if ((await provider.getCode(address)) === "0x") missing.push(`${field} ${address}`);
  }
  if (missing.length > 0) {
    throw new OpsError(`No contract on chain ${chainId} at: ${missing.join(", ")}.`, {
      details: `The ${book.name} address book does not match this chain; fix src/addressBooks/${book.name}.ts.`,
    });
  }
  return {
    chainId,
    book,
    deployer,
    deployerBalance: await provider.getBalance(deployer),
    parameters: executorDeployment(book, roles),
    needsConfirmation: !LOCAL_CHAIN_IDS.has(chainId),
  };
}

/** A plan as the lines a person reads before confirming. */
export function describePlan(plan: DeploymentPlan): string {
  const p = plan.parameters;
  return [
    `Network:          ${plan.book.name} (chain ${plan.chainId})`,
    `Deployer:         ${plan.deployer} (${formatEther(plan.deployerBalance)} ETH)`,
    `Owner:            ${p.owner}`,
    `Operators:        ${p.operators.length === 0 ? "none" : p.operators.join(", ")}`,
    `Profit receiver:  ${p.profitReceiver === ZeroAddress ? "none (profit stays in the executor)" : p.profitReceiver}`,
    `Aave V3 Pool:     ${p.aavePool === ZeroAddress ? "none" : p.aavePool}`,
    `Balancer Vault:   ${p.balancerVault === ZeroAddress ? "none" : p.balancerVault}`,
    `Morpho Blue:      ${p.morpho === ZeroAddress ? "none" : p.morpho}`,
    `Uniswap V3:       ${p.uniswapV3Factory}`,
    `Uniswap V4:       ${p.poolManager === ZeroAddress ? "none" : p.poolManager}`,
    ...v2DexesOf(plan.book).map(([name, dex], i) => `V2 DEX ${i}:         ${name} ${dex.factory}`),
    `Curve pools:      ${p.curvePools.length === 0 ? "none" : p.curvePools.join(", ")}`,
  ].join("\n");
}

/** Ignition's parameters for the executor module from a plan. */
export function ignitionParameters(plan: DeploymentPlan): Record<string, Record<string, unknown>> {
  return { [EXECUTOR_MODULE_ID]: { ...plan.parameters } };
}
