import { existsSync, readFileSync, renameSync } from "node:fs";
import { type Provider, Wallet } from "ethers";
import { type AaveV3Deployment, type Address, type AddressBook, symbolsOf } from "../addressBook.js";
import { BaseError } from "../errors.js";
import { LOCAL_RECORD_PATH } from "../ops/deployment.js";
import { devWallet } from "../ops/devAccounts.js";
import { resolveExecutor } from "../ops/executorOps.js";
import { operatorSigner } from "../ops/secrets.js";
import { aTokensOf } from "./collect/aaveReserves.js";
import { chainIdentity } from "./collect/chain.js";
import { discoverPools } from "./collect/discovery.js";
import { liveBook, NetworkError } from "./collect/network.js";
import { publicUrl } from "./collect/publicUrl.js";
import { ResilientRpcProvider, type RpcHealthEvent } from "./collect/rpc.js";
import { ConfigError, type EngineConfig } from "./config.js";
import { submissionOf } from "./engine.js";
import type { LocalSigner } from "./execute/sender.js";
import type { AaveRules } from "./liquidations/accountData.js";
import { aaveMarketSource, KNOWN_POOL_REVISIONS, poolRevision } from "./liquidations/market.js";
import { childLogger, type Logger } from "./log.js";
import { type ChainIdentity, Records } from "./record/records.js";
import type { ServiceDeps } from "./service.js";

/** The local node's record, written by `npm run node` / `npm start`. */
export interface LocalRecord {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly executor: Address;
  readonly operator: Address;
  readonly book: AddressBook;
}

/** How to reach the chain and who trades, from the command line. */
export interface LaunchOptions {
  readonly config: EngineConfig;
  /** Executor address; default: the local record, or the chain's Ignition deployment. */
  readonly executor?: string | undefined;
  /** Operator address to simulate from in dry-run when no key is stored. */
  readonly operator?: string | undefined;
  /** Where the local node's record is (tests run several nodes). */
  readonly localRecordPath?: string;
  readonly log: Logger;
  /** Progress of pool discovery (factory reads done, total). */
  readonly progress?: (done: number, total: number) => void;
}

/**
 * Asks the RPC which chain it serves, before anything else is read from it.
 * @throws NetworkError when it does not answer or answers for another chain.
 */
async function checkChain(provider: ResilientRpcProvider, url: string, expected: number): Promise<void> {
  let chainId: number;
  try {
    chainId = Number((await provider.send("eth_chainId", [])) as string);
  } catch (cause) {
    provider.destroy();
    throw new NetworkError(`Cannot reach the RPC at ${url}.`, {
      details: "Check the URL and that the node is running (for the local node: npm run node).",
      cause,
    });
  }
  if (chainId !== expected) {
    provider.destroy();
    throw new NetworkError(`The RPC at ${url} answers for chain ${chainId}, not ${expected}.`, {
      details: "Point --rpc at a node of the chain named by --chain, or change --chain.",
    });
  }
}

/** Moves the records at `path` aside when they belong to another chain than `chain`. */
function setAsideOtherChain(path: string, chain: ChainIdentity, log: Logger): void {
  if (!existsSync(path)) return;
  const records = new Records(path);
  const bound = records.boundChain();
  records.close();
  if (bound === undefined || bound.genesisHash === chain.genesisHash) return;
  const aside = `${path.replace(/\.sqlite$/, "")}-${bound.genesisHash.slice(2, 10)}.sqlite`;
  for (const suffix of ["", "-wal", "-shm"])
    if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${aside}${suffix}`);
  log.warn("records_set_aside", { from: path, to: aside, reason: "they belong to an earlier local chain" });
}

/**
 * Reads the local node's record, or says how to make one: `npm run node`'s by default, or the one
 * `FLASH_ARB_LOCAL_RECORD` names (a node a test or benchmark started on another port and chain).
 */
export function readLocalRecord(path = process.env.FLASH_ARB_LOCAL_RECORD || LOCAL_RECORD_PATH): LocalRecord {
  if (!existsSync(path))
    throw new BaseError(`No local node record at ${path}.`, {
      details:
        "Start the local node first with `npm run node` (it deploys the replica and the executor and writes it).",
    });
  return JSON.parse(readFileSync(path, "utf8")) as LocalRecord;
}

/**
 * Refuses a `liquidationsFromBlock` past the chain's head: no event would ever be read from before
 * it, so every borrower of the market would be missed without a word.
 * @throws ConfigError naming both blocks.
 */
export function checkFromBlock(fromBlock: number, head: number): void {
  if (fromBlock > head)
    throw new ConfigError(`liquidationsFromBlock ${fromBlock} is past the chain's head (block ${head}).`, {
      details:
        "Set it to the block the Aave Pool was deployed at (0 on the local chain), or set liquidations to false.",
    });
}

/**
 * Whose liquidation arithmetic the market runs: the address book's `liquidationRules`, checked
 * against the Pool's revision where the engine knows that revision (it then also fills in rules
 * the book leaves out). A revision the engine has no port for is used with the book's rules and a
 * warning, and refused when the book states none.
 * @throws ConfigError when the book and the Pool disagree, or when neither says.
 */
export async function liquidationRules(provider: Provider, aave: AaveV3Deployment, log: Logger): Promise<AaveRules> {
  const revision = await poolRevision(provider, aave.pool);
  const known = KNOWN_POOL_REVISIONS[revision.toString()];
  const stated = aave.liquidationRules;
  if (known !== undefined && stated !== undefined && known !== stated)
    throw new ConfigError(
      `The address book says the Aave Pool runs ${stated}'s liquidation rules; it is revision ${revision}, which runs ${known}'s.`,
      {
        details: "Fix aaveV3.liquidationRules in the address book, or set liquidations to false.",
      },
    );
  if (known !== undefined) return known;
  if (stated === undefined)
    throw new ConfigError(
      `The Aave Pool is revision ${revision}, whose liquidation arithmetic the engine does not know.`,
      {
        details:
          'State aaveV3.liquidationRules ("3.0" for v3.0–3.2, "3.6" for v3.3 and later) in the address book, or set liquidations to false.',
      },
    );
  log.warn("aave_revision_unknown", {
    revision: revision.toString(),
    rules: stated,
    note: "liquidations priced with the address book's rules; the simulation still checks each one",
  });
  return stated;
}

/**
 * The key that signs requests to relays, when trades go as bundles: from the environment
 * variable the configuration names; on a local chain a fresh one when it is unset (it holds
 * nothing, and a local builder knows nobody's reputation).
 */
function reputationKey(config: EngineConfig, local: boolean, log: Logger): Wallet | undefined {
  if (!config.live) return undefined;
  const secret = process.env[config.reputationKeyEnv];
  if (secret !== undefined && secret !== "") {
    try {
      return new Wallet(secret);
    } catch (cause) {
      throw new ConfigError(`${config.reputationKeyEnv} does not hold a private key.`, {
        details: "Set it to a 32-byte hex private key of an account that holds nothing.",
        cause,
      });
    }
  }
  if (!local) return undefined;
  const fresh = Wallet.createRandom();
  log.info("reputation_key", {
    address: fresh.address,
    note: `a fresh key for this run (${config.reputationKeyEnv} unset)`,
  });
  return new Wallet(fresh.privateKey);
}

/**
 * Resolves everything the service needs from the configuration: the RPC (with failover and
 * retries; RPC health changes are logged), the address book, the executor, the operator (its
 * key only when live), the pools (discovered from the book's factories), and the records.
 */
export async function launch(options: LaunchOptions): Promise<ServiceDeps & { provider: ResilientRpcProvider }> {
  const { config, log } = options;
  const local = config.chain === "localhost" ? readLocalRecord(options.localRecordPath) : undefined;
  const book = local?.book ?? liveBook(config.chain);
  const rpcLog = childLogger(log, { stage: "rpc" });
  const provider = new ResilientRpcProvider([config.rpcUrl, ...config.rpcFallbackUrls], book.chainId, {
    requestTimeoutMs: config.rpcTimeoutMs,
    attempts: config.rpcAttempts,
    onHealth: (event: RpcHealthEvent) => {
      if (event.kind === "retry") rpcLog.debug?.("rpc_retry", { ...event });
      else if (event.kind === "failover")
        rpcLog.warn("rpc_failover", { from: event.from, to: event.to, reason: event.reason });
    },
  });
  await checkChain(provider, publicUrl(config.rpcUrl), book.chainId);
  const executor = (
    options.executor !== undefined
      ? await resolveExecutor(provider, { executor: options.executor })
      : (local?.executor ?? (await resolveExecutor(provider, {})))
  ) as Address;
  let operator: { address: Address; signer?: LocalSigner };
  if (local !== undefined) {
    const address = (options.operator ?? local.operator) as Address;
    operator = config.live ? { address, signer: devWallet(address) } : { address };
  } else {
    // The keystore plugin answers through the Hardhat runtime's hooks.
    const { hooks } = (await import("hardhat")).default;
    const signer = await operatorSigner(provider, hooks, { live: config.live, operator: options.operator });
    const address = (await signer.getAddress()) as Address;
    operator = config.live ? { address, signer: signer as unknown as LocalSigner } : { address };
  }
  // Every local node is a new chain: records of an earlier one are moved aside (and said so),
  // never deleted, never mixed. On a live chain a mismatch is refused instead (by the service).
  if (local !== undefined) setAsideOtherChain(config.databasePath, await chainIdentity(provider), log);
  const records = new Records(config.databasePath, config.databaseBusyTimeoutMs);
  const pools = await discoverPools(provider, book, options.progress ?? (() => {}));
  const baseTokens = [book.tokens.WETH, book.tokens.USDC, book.tokens.DAI].filter((t): t is Address => t !== undefined);
  const liquidating = config.liquidations && book.aaveV3 !== undefined;
  // Liquidations borrow whatever a position owes: every reserve of the book's tokens is a loan token.
  const loanTokens = liquidating
    ? [...new Set([...baseTokens, ...(Object.values(book.tokens) as Address[])])]
    : baseTokens;
  const aTokens = await aTokensOf(provider, book, loanTokens);
  let liquidations: ServiceDeps["liquidations"];
  if (liquidating && book.aaveV3 !== undefined) {
    const fromBlock = config.liquidationsFromBlock ?? (local === undefined ? undefined : 0);
    if (fromBlock === undefined)
      throw new ConfigError("liquidationsFromBlock: needed to liquidate on a live chain.", {
        details:
          "Set it to the block the Aave V3 Pool was deployed at (every borrower is found from its events), or set liquidations to false.",
      });
    checkFromBlock(fromBlock, await provider.getBlockNumber());
    liquidations = {
      source: await aaveMarketSource(provider, book.aaveV3),
      fromBlock,
      rules: await liquidationRules(provider, book.aaveV3, log),
    };
  }
  const reputation =
    submissionOf(config, book) === "bundle" ? reputationKey(config, local !== undefined, log) : undefined;
  return {
    provider,
    book,
    executor,
    operator,
    ...(reputation === undefined ? {} : { reputation }),
    pools,
    baseTokens,
    symbols: symbolsOf(book),
    aTokens,
    loanTokens: loanTokens.filter((t) => baseTokens.includes(t) || aTokens[t] !== undefined),
    ...(liquidations === undefined ? {} : { liquidations }),
    config,
    records,
    log,
  };
}
