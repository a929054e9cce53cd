import { JsonRpcProvider, type Provider } from "ethers";
import type { AddressBook } from "../../addressBook.js";
import { LIVE_BOOKS } from "../../addressBooks/networks.js";
import { BaseError } from "../../errors.js";

/** An RPC that could not be reached, or that answers for the wrong chain. */
export class NetworkError extends BaseError {
  override readonly name = "NetworkError";
}

/**
 * Connects to `rpcUrl` and checks it answers for `expectedChainId`.
 * @throws NetworkError when the RPC does not answer within `timeoutMs` or is on another chain.
 */
export async function connectRpc(
  rpcUrl: string,
  expectedChainId: number,
  timeoutMs = 10_000,
): Promise<JsonRpcProvider> {
  // No response cache: a cached block number would make the engine read pools at an old block.
  const provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1, batchMaxCount: 1 });
  const chainId = await chainIdOf(provider, rpcUrl, timeoutMs);
  if (chainId !== expectedChainId) {
    provider.destroy();
    throw new NetworkError(`The RPC at ${rpcUrl} answers for chain ${chainId}, not ${expectedChainId}.`, {
      details: "Point --rpc at a node of the chain named by --chain, or change --chain.",
    });
  }
  return provider;
}

/** The chain ID an RPC answers with, or a NetworkError if it does not answer. */
export async function chainIdOf(provider: Provider, rpcUrl: string, timeoutMs: number): Promise<number> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  try {
    const network = await Promise.race([provider.getNetwork(), timeout]);
    return Number(network.chainId);
  } catch (cause) {
    (provider as JsonRpcProvider).destroy?.();
    throw new NetworkError(`Cannot reach the RPC at ${rpcUrl}.`, {
      details: "Check the URL and that the node is running (for the local node: npm run node).",
      cause,
    });
  }
}

/** The live address book named `chain`. */
export function liveBook(chain: string): AddressBook {
  const book = LIVE_BOOKS[chain];
  if (book === undefined) {
    throw new NetworkError(`Unknown chain "${chain}".`, {
      details: `Use one of: localhost, ${Object.keys(LIVE_BOOKS).join(", ")}.`,
    });
  }
  return book;
}
