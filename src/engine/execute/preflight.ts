import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Provider, ZeroAddress } from "ethers";
import { FlashArbExecutor__factory } from "../../../types/ethers-contracts/factories/FlashArbExecutor__factory.js";
import type { Address } from "../../addressBook.js";
import { BaseError } from "../../errors.js";

/** Gas one trade is budgeted at when counting how many trades the operator's ETH pays for. */
export const GAS_PER_TRADE = 400_000n;

/** The engine must not start: each problem says what to do. */
export class PreflightError extends BaseError {
  override readonly name = "PreflightError";
  constructor(readonly problems: readonly string[]) {
    super(`Preflight refused to start the engine: ${problems.length} problem(s).`, {
      details: problems.map((p) => `- ${p}`).join("\n"),
    });
  }
}

/** What preflight checks against. */
export interface PreflightInput {
  /** Asked for the chain ID directly: a provider's cached network would not notice a wrong node. */
  readonly provider: Provider & { send(method: string, params: unknown[]): Promise<unknown> };
  /** The chain ID of the address book the engine was started with. */
  readonly expectedChainId: number;
  readonly executor: Address;
  readonly operator: Address;
  readonly live: boolean;
  /** The operator's ETH must cover at least this many trades at the current base fee (live only). */
  readonly minRunwayTrades: number;
  readonly priorityFeeWei: bigint;
  /** The lenders the address book names, which the executor must trust at the same addresses. */
  readonly lenders?: Readonly<Record<TrustedLender, Address | undefined>>;
}

/** The lenders an executor trusts by address, fixed at its deployment. */
export type TrustedLender = "Aave V3 Pool" | "Balancer V2 Vault" | "Morpho Blue" | "Uniswap V4 PoolManager";

/**
 * Which address the executor trusts as each lender. It has no getter for them: each lender's
 * callback, called by anyone else, refuses with `UnexpectedCallback(caller, lender)`, and the
 * refusal names the address (zero: deployed without that lender).
 */
async function trustedLenders(provider: Provider, executor: Address): Promise<Record<TrustedLender, Address>> {
  const contract = FlashArbExecutor__factory.connect(executor, provider);
  const probe = "0x0000000000000000000000000000000000000001";
  const calls: Record<TrustedLender, string> = {
    "Aave V3 Pool": contract.interface.encodeFunctionData("executeOperation", [probe, 0n, 0n, probe, "0x"]),
    "Balancer V2 Vault": contract.interface.encodeFunctionData("receiveFlashLoan", [[], [], [], "0x"]),
    "Morpho Blue": contract.interface.encodeFunctionData("onMorphoFlashLoan", [0n, "0x"]),
    "Uniswap V4 PoolManager": contract.interface.encodeFunctionData("unlockCallback", ["0x"]),
  };
  const out = {} as Record<TrustedLender, Address>;
  for (const [lender, data] of Object.entries(calls) as Array<[TrustedLender, string]>) {
    const refusal = await provider.call({ to: executor, from: probe, data }).then(
      () => undefined,
      (error: { data?: string }) => error.data,
    );
    const parsed = refusal === undefined ? null : contract.interface.parseError(refusal);
    if (parsed?.name !== "UnexpectedCallback")
      throw new BaseError(`The executor's ${lender} callback did not refuse a stranger as expected.`, {
        details: "It is not this version's executor: deploy this version or pass the right --executor.",
      });
    out[lender] = parsed.args[1] as Address;
  }
  return out;
}

/** What preflight found, for the log and the status. */
export interface PreflightReport {
  readonly chainId: number;
  readonly operatorBalanceWei: bigint;
  /** Trades the operator's ETH pays for at the current base fee. */
  readonly runwayTrades: bigint;
}

/** The deployed code the executor must have: its artifact's runtime code, immutables left open. */
function expectedRuntime(): { code: string; immutables: Array<{ start: number; length: number }> } {
  const path = fileURLToPath(
    new URL("../../../artifacts/contracts/FlashArbExecutor.sol/FlashArbExecutor.json", import.meta.url),
  );
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new BaseError("The executor's compiled artifact is missing.", {
      details: "Compile the contracts with `npm run build` and run again.",
      cause,
    });
  }
  const artifact = JSON.parse(text) as {
    deployedBytecode: string;
    immutableReferences?: Record<string, Array<{ start: number; length: number }>>;
  };
  return {
    code: artifact.deployedBytecode.toLowerCase(),
    immutables: Object.values(artifact.immutableReferences ?? {}).flat(),
  };
}

/** Whether `deployed` is the executor's runtime code, comparing every byte but the immutables. */
export function isExecutorCode(deployed: string): boolean {
  const { code, immutables } = expectedRuntime();
  const got = deployed.toLowerCase();
  if (got.length !== code.length) return false;
  let a = code;
  let b = got;
  // Immutables are written into the code at deployment (factories, Vault, Pool): mask them.
  for (const { start, length } of immutables) {
    const from = 2 + start * 2;
    const mask = "0".repeat(length * 2);
    a = a.slice(0, from) + mask + a.slice(from + length * 2);
    b = b.slice(0, from) + mask + b.slice(from + length * 2);
  }
  return withoutMetadata(a) === withoutMetadata(b);
}

/**
 * Runtime code without solc's trailing CBOR metadata (its length is the code's last two bytes):
 * the metadata hashes the sources, comments included, so two builds of the same code differ there.
 */
function withoutMetadata(code: string): string {
  const length = Number.parseInt(code.slice(-4), 16);
  const cut = (length + 2) * 2;
  return Number.isNaN(length) || cut >= code.length - 2 ? code : code.slice(0, -cut);
}

/**
 * Checks, before the engine reads a pool or sends anything, that it can trade at all: the RPC
 * is on the book's chain, the executor address holds the executor's code, the operator holds
 * the operator role, the executor is not paused, and (live) the operator's ETH pays for at
 * least `minRunwayTrades` trades. Every problem found is reported at once, each with what to do.
 * @throws PreflightError listing the problems.
 */
export async function preflight(input: PreflightInput): Promise<PreflightReport> {
  const { provider, executor, operator } = input;
  const problems: string[] = [];
  const chainId = Number((await provider.send("eth_chainId", [])) as string);
  if (chainId !== input.expectedChainId)
    problems.push(
      `The RPC is on chain ${chainId}, the address book on chain ${input.expectedChainId}: point --rpc at a node of the book's chain, or pick the book with --chain.`,
    );
  const code = await provider.getCode(executor);
  const hasExecutor = code !== "0x" && isExecutorCode(code);
  if (code === "0x") {
    problems.push(
      `No contract at the executor address ${executor}: deploy it (npx hardhat executor deploy) or pass the right --executor.`,
    );
  } else if (!hasExecutor) {
    problems.push(
      `The contract at ${executor} is not this version's executor (its code differs): deploy this version or pass the right --executor.`,
    );
  }
  if (hasExecutor) {
    const contract = FlashArbExecutor__factory.connect(executor, provider);
    if (!(await contract.isOperator(operator)))
      problems.push(
        `${operator} is not an operator of the executor: grant it with \`npx hardhat executor grant-operator --account ${operator}\` (signed by the owner).`,
      );
    if (await contract.paused())
      problems.push("The executor is paused: unpause it with `npx hardhat executor unpause` (signed by the owner).");
    const trusted = await trustedLenders(provider, executor);
    for (const [lender, named] of Object.entries(input.lenders ?? {}) as Array<[TrustedLender, Address | undefined]>) {
      const actual = trusted[lender];
      const expected = named ?? ZeroAddress;
      if (actual.toLowerCase() === expected.toLowerCase()) continue;
      problems.push(
        actual === ZeroAddress
          ? `The executor was deployed without the ${lender} the address book names (${expected}): the engine would borrow from it and every such trade would fail. Deploy an executor from this book (npx hardhat executor deploy).`
          : `The executor trusts the ${lender} at ${actual}, but the address book names ${expected === ZeroAddress ? "none" : expected}: deploy an executor from this book, or fix the book.`,
      );
    }
  }
  const balance = await provider.getBalance(operator);
  const block = await provider.getBlock("latest");
  const perTrade = GAS_PER_TRADE * ((block?.baseFeePerGas ?? 0n) * 2n + input.priorityFeeWei);
  const runwayTrades = perTrade === 0n ? 2n ** 64n : balance / perTrade;
  if (input.live && runwayTrades < BigInt(input.minRunwayTrades))
    problems.push(
      `The operator ${operator} holds ${balance} wei, enough for ${runwayTrades} trade(s) at the current base fee; minRunwayTrades is ${input.minRunwayTrades}: send it ETH.`,
    );
  if (problems.length > 0) throw new PreflightError(problems);
  return { chainId, operatorBalanceWei: balance, runwayTrades };
}
