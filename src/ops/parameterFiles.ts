import type { AddressBook } from "../addressBook.js";
import { executorDeployment } from "../executor/deploy.js";
import { EXECUTOR_MODULE_ID } from "./deployment.js";

/**
 * The Ignition parameter file for a network: what the executor trusts there, from its address
 * book. The roles (owner, operators, profit receiver) are not in it: `executor deploy` adds them
 * from its options, and a bare `hardhat ignition deploy` stops on the missing owner.
 */
export function parameterFileFor(book: AddressBook, extra: Record<string, unknown> = {}): string {
  const {
    owner: _owner,
    operators: _operators,
    profitReceiver: _receiver,
    ...trusted
  } = executorDeployment(book, {
    owner: "0x0000000000000000000000000000000000000000",
  });
  const curvePools = book.curve === undefined ? [] : [book.curve.threePool];
  return `${JSON.stringify({ [EXECUTOR_MODULE_ID]: { ...trusted, curvePools, ...extra } }, null, 2)}\n`;
}
