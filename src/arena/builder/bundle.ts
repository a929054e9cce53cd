import { keccak256, Transaction } from "ethers";
import { z } from "zod";
import { BaseError } from "../../errors.js";

/** A relay method's parameters that do not describe a bundle: answered with JSON-RPC's invalid-params. */
export class InvalidBundleError extends BaseError {
  override readonly name = "InvalidBundleError";
}

/** One entry of a bundle's body: a signed transaction, or the hash of one in the public mempool. */
export type BundleEntry =
  | { readonly raw: string; readonly hash: string; readonly canRevert: boolean }
  | { readonly ref: string; readonly canRevert: boolean };

/** A bundle as the builder holds it, from either `eth_sendBundle` or `mev_sendBundle`. */
export interface Bundle {
  /** keccak256 of its transactions' hashes, concatenated (as the relays compute it). */
  readonly hash: string;
  readonly method: "eth_sendBundle" | "mev_sendBundle";
  /** The address that signed the request's `X-Flashbots-Signature` (the searcher's reputation key). */
  readonly signer: string;
  /** With `eth_sendBundle`: a later bundle with the same UUID and signer replaces it; `eth_cancelBundle` drops it. */
  readonly replacementUuid?: string;
  readonly body: readonly BundleEntry[];
  readonly minBlock: number;
  readonly maxBlock: number;
  readonly minTimestamp?: number;
  readonly maxTimestamp?: number;
  /** In arrival order, for ties. */
  readonly sequence: number;
}

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "a 0x-prefixed hex string");
const quantity = z.union([
  z
    .string()
    .regex(/^0x[0-9a-fA-F]+$/, "a hex quantity")
    .transform((v) => Number(BigInt(v))),
  z.number().int().nonnegative(),
]);

/** `eth_sendBundle`'s one parameter (Flashbots' relay interface). */
const sendBundleParams = z.object({
  txs: z.array(hex).min(1, "a bundle needs at least one transaction"),
  blockNumber: quantity,
  minTimestamp: z.number().int().nonnegative().optional(),
  maxTimestamp: z.number().int().nonnegative().optional(),
  revertingTxHashes: z.array(hex).optional(),
  replacementUuid: z.string().uuid().optional(),
});

/** `mev_sendBundle`'s one parameter (MEV-Share, version v0.1): a body of hashes and transactions. */
const mevSendBundleParams = z.object({
  version: z.literal("v0.1"),
  inclusion: z.object({ block: quantity, maxBlock: quantity.optional() }),
  body: z
    .array(
      z.union([
        z.object({ hash: hex }),
        z.object({ tx: hex, canRevert: z.boolean() }),
        z.object({ bundle: z.unknown() }),
      ]),
    )
    .min(1, "a bundle needs at least one entry"),
  validity: z.unknown().optional(),
  privacy: z.unknown().optional(),
});

/** `eth_cancelBundle`'s one parameter. */
export const cancelBundleParams = z.object({ replacementUuid: z.string().uuid() });

/** `eth_callBundle`'s one parameter. */
export const callBundleParams = z.object({
  txs: z.array(hex).min(1, "a bundle needs at least one transaction"),
  blockNumber: quantity,
  stateBlockNumber: z.union([quantity, z.literal("latest")]).optional(),
  timestamp: z.number().int().nonnegative().optional(),
});

function first<T>(schema: z.ZodType<T>, params: unknown, method: string): T {
  const parsed = schema.safeParse(Array.isArray(params) ? params[0] : undefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidBundleError(
      `${method}: ${issue === undefined ? "invalid parameters" : `${issue.path.join(".") || "params[0]"}: ${issue.message}`}`,
    );
  }
  return parsed.data;
}

/** A signed transaction's hash, or a clear error for bytes that are not one. */
export function transactionHash(raw: string, method: string): string {
  try {
    return Transaction.from(raw).hash as string;
  } catch (error) {
    throw new InvalidBundleError(`${method}: ${raw.slice(0, 18)}… is not a signed transaction`, { cause: error });
  }
}

/** The relays' bundle hash: keccak256 of the transaction hashes, concatenated. */
export function bundleHash(txHashes: readonly string[]): string {
  return keccak256(`0x${txHashes.map((h) => h.slice(2)).join("")}`);
}

/** Reads `eth_sendBundle`'s parameters into a bundle. */
export function parseSendBundle(params: unknown, signer: string, sequence: number): Bundle {
  const p = first(sendBundleParams, params, "eth_sendBundle");
  const reverting = new Set((p.revertingTxHashes ?? []).map((h) => h.toLowerCase()));
  const body = p.txs.map((raw) => {
    const hash = transactionHash(raw, "eth_sendBundle").toLowerCase();
    return { raw, hash, canRevert: reverting.has(hash) };
  });
  if (p.minTimestamp !== undefined && p.maxTimestamp !== undefined && p.minTimestamp > p.maxTimestamp)
    throw new InvalidBundleError(
      `eth_sendBundle: minTimestamp ${p.minTimestamp} is after maxTimestamp ${p.maxTimestamp}`,
    );
  return {
    hash: bundleHash(body.map((e) => e.hash)),
    method: "eth_sendBundle",
    signer,
    ...(p.replacementUuid === undefined ? {} : { replacementUuid: p.replacementUuid }),
    body,
    minBlock: p.blockNumber,
    maxBlock: p.blockNumber,
    ...(p.minTimestamp === undefined ? {} : { minTimestamp: p.minTimestamp }),
    ...(p.maxTimestamp === undefined ? {} : { maxTimestamp: p.maxTimestamp }),
    sequence,
  };
}

/**
 * Reads `mev_sendBundle`'s parameters into a bundle. Its body's hashes name transactions of the
 * public mempool, included where they stand in the body: a backrun is `[{hash}, {tx}]`.
 */
export function parseMevSendBundle(params: unknown, signer: string, sequence: number): Bundle {
  const p = first(mevSendBundleParams, params, "mev_sendBundle");
  const body: BundleEntry[] = p.body.map((entry) => {
    if ("hash" in entry) return { ref: entry.hash.toLowerCase(), canRevert: false };
    if ("tx" in entry) {
      return {
        raw: entry.tx,
        hash: transactionHash(entry.tx, "mev_sendBundle").toLowerCase(),
        canRevert: entry.canRevert,
      };
    }
    throw new InvalidBundleError("mev_sendBundle: nested bundles are not supported by this builder");
  });
  const maxBlock = p.inclusion.maxBlock ?? p.inclusion.block;
  if (maxBlock < p.inclusion.block)
    throw new InvalidBundleError(`mev_sendBundle: inclusion.maxBlock ${maxBlock} is before block ${p.inclusion.block}`);
  return {
    hash: bundleHash(body.map((e) => ("ref" in e ? e.ref : e.hash))),
    method: "mev_sendBundle",
    signer,
    body,
    minBlock: p.inclusion.block,
    maxBlock,
    sequence,
  };
}
