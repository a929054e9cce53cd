import { Contract, Interface, type Provider } from "ethers";
import type { Address } from "../addressBook.js";
import { BaseError } from "../errors.js";

const multicallInterface = new Interface([
  "function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)",
]);

/** One read in a batch. */
export interface Read {
  readonly target: string;
  readonly callData: string;
}

/** At most this many reads go in one `eth_call`, to stay inside RPC gas caps. */
const BATCH = 500;

/**
 * Runs many reads through Multicall3 in as few `eth_call`s as fit, optionally at one block.
 * @returns Each read's return data; a failed read throws naming its target.
 */
export async function multicall(
  provider: Provider,
  multicall3: Address,
  reads: readonly Read[],
  blockTag?: number,
): Promise<string[]> {
  const results = await tryMulticall(provider, multicall3, reads, blockTag);
  return results.map((data, k) => {
    if (data === undefined) {
      throw new BaseError(`Reading ${reads[k]?.target} failed.`, {
        details: "The contract reverted the call; check that the address is what the configuration says it is.",
      });
    }
    return data;
  });
}

/**
 * Like `multicall`, but a read that reverts gives `undefined` instead of failing the batch, so
 * one broken pool cannot stop the reads of the others.
 */
export async function tryMulticall(
  provider: Provider,
  multicall3: Address,
  reads: readonly Read[],
  blockTag?: number,
): Promise<Array<string | undefined>> {
  const contract = new Contract(multicall3, multicallInterface, provider);
  const out: Array<string | undefined> = [];
  for (let i = 0; i < reads.length; i += BATCH) {
    const chunk = reads
      .slice(i, i + BATCH)
      .map((r) => ({ target: r.target, allowFailure: true, callData: r.callData }));
    const results = (await contract
      .getFunction("aggregate3")
      .staticCall(chunk, blockTag === undefined ? {} : { blockTag })) as Array<{
      success: boolean;
      returnData: string;
    }>;
    for (const result of results) out.push(result.success ? result.returnData : undefined);
  }
  return out;
}
