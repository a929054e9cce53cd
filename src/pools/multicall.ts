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
  const contract = new Contract(multicall3, multicallInterface, provider);
  const out: string[] = [];
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
    for (const [k, result] of results.entries()) {
      if (!result.success) {
        throw new BaseError(`Reading ${chunk[k]?.target} failed.`, {
          details: "The pool returned an error; it is skipped until it answers.",
        });
      }
      out.push(result.returnData);
    }
  }
  return out;
}
