import type { Provider } from "ethers";
import type { Address } from "../../addressBook.js";
import { BaseError } from "../../errors.js";
import type { ChainIdentity } from "../record/records.js";

/** The node answers for another chain than the one the engine started on. */
export class ChainReplacedError extends BaseError {
  override readonly name = "ChainReplacedError";
}

/** The chain behind `provider`: its ID and the hash of its genesis block. */
export async function chainIdentity(
  provider: Provider & { send(method: string, params: unknown[]): Promise<unknown> },
): Promise<ChainIdentity> {
  const chainId = Number((await provider.send("eth_chainId", [])) as string);
  const genesis = await provider.getBlock(0);
  if (genesis?.hash == null) throw new BaseError("The RPC did not return the chain's genesis block.");
  return { chainId, genesisHash: genesis.hash };
}

/**
 * Checks the node is still the chain the engine started on: the same ID, the same genesis
 * block, and the executor's code still there. A node restarted as a fresh chain with the same
 * ID fails this, where a reorg does not.
 * @throws ChainReplacedError saying what changed.
 */
export async function assertSameChain(
  provider: Provider & { send(method: string, params: unknown[]): Promise<unknown> },
  expected: ChainIdentity,
  executor: Address,
): Promise<void> {
  const now = await chainIdentity(provider);
  const what =
    now.chainId !== expected.chainId
      ? `its chain ID is now ${now.chainId}, not ${expected.chainId}`
      : now.genesisHash !== expected.genesisHash
        ? `its genesis block is now ${now.genesisHash}, not ${expected.genesisHash}`
        : (await provider.getCode(executor)) === "0x"
          ? `the executor ${executor} has no code there any more`
          : undefined;
  if (what !== undefined)
    throw new ChainReplacedError(`The node is no longer the chain the engine started on: ${what}.`, {
      details:
        "The node was replaced by another chain (a restarted local node is a new chain). The engine stopped so that records of two chains are not mixed: check the node, then start the engine again (with another databasePath if it is a new chain).",
    });
}
