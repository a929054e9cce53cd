import { keccak256, toUtf8Bytes } from "ethers";
import type { Address } from "../addressBook.js";
import type { OwnerTransaction } from "./executorOps.js";

/** One call in a Safe Transaction Builder batch file. */
export interface SafeBatchTransaction {
  readonly to: Address;
  /** Wei, as a decimal string. */
  readonly value: string;
  /** The exact calldata: the builder sends it as given when no method is decoded. */
  readonly data: string;
  readonly contractMethod: null;
  readonly contractInputsValues: null;
}

/** The Safe Transaction Builder's batch file (version 1.0), as its "Load" accepts it. */
export interface SafeBatch {
  readonly version: "1.0";
  readonly chainId: string;
  readonly createdAt: number;
  readonly meta: {
    readonly name: string;
    readonly description: string;
    readonly txBuilderVersion: string;
    readonly createdFromSafeAddress: Address;
    readonly createdFromOwnerAddress: string;
    readonly checksum: string;
  };
  readonly transactions: readonly SafeBatchTransaction[];
}

/**
 * The batch file the Safe Transaction Builder loads for the given transactions, with the
 * checksum it verifies on loading (a file without one, or with a wrong one, is flagged as
 * changed since it was made).
 */
export function safeBatch(
  chainId: number,
  safe: Address,
  transactions: readonly OwnerTransaction[],
  description: string,
  createdAt: number = Date.now(),
): SafeBatch {
  const unsigned = {
    version: "1.0" as const,
    chainId: String(chainId),
    createdAt,
    meta: {
      name: "flash-arb executor",
      description,
      txBuilderVersion: "1.18.0",
      createdFromSafeAddress: safe,
      createdFromOwnerAddress: "",
    },
    transactions: transactions.map((t) => ({
      to: t.to,
      value: t.value.toString(),
      data: t.data,
      contractMethod: null,
      contractInputsValues: null,
    })),
  };
  return { ...unsigned, meta: { ...unsigned.meta, checksum: safeBatchChecksum(unsigned) } };
}

type Json = string | number | boolean | null | undefined | readonly Json[] | { readonly [key: string]: Json };

/**
 * The Transaction Builder's checksum of a batch: the Keccak-256 of its canonical serialisation
 * with `meta.name` blanked and without the checksum itself.
 * The serialisation writes each object as its sorted keys (a JSON array) followed by each value
 * and a comma, arrays element by element, and scalars as JSON (`undefined` as `null`); it has
 * to be reproduced exactly, not approximated by `JSON.stringify`, or the builder rejects the file.
 */
export function safeBatchChecksum(batch: object & { readonly meta: object }): string {
  const { checksum: _ignored, ...meta } = batch.meta as { checksum?: string } & Record<string, Json>;
  return keccak256(toUtf8Bytes(canonical({ ...(batch as Record<string, Json>), meta: { ...meta, name: null } })));
}

function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map((element) => canonical(element)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as { readonly [key: string]: Json };
    const keys = Object.keys(record).sort();
    return `{${JSON.stringify(keys)}${keys.map((key) => `${canonical(record[key])},`).join("")}}`;
  }
  return JSON.stringify(value === undefined ? null : value);
}

/** An owner transaction's call as a person reads it: `withdrawToken(0xA0b8…, 5000000)`. */
export function describeCall(transaction: OwnerTransaction): string {
  return `${transaction.method}(${transaction.args.map(String).join(", ")})`;
}

/** The transaction a Safe's owners are to propose, for a person to check against what the Safe shows. */
export function describeSafeTransaction(safe: Address, chainId: number, transaction: OwnerTransaction): string {
  return [
    `Not sent. For the Safe ${safe} on chain ${chainId} to propose:`,
    `  to:    ${transaction.to}`,
    `  value: ${transaction.value}`,
    `  data:  ${transaction.data}`,
    `  call:  ${describeCall(transaction)}`,
    "Transaction Builder batch (the next line; save it as a .json file and load it in the Safe's Transaction Builder):",
  ].join("\n");
}
