import { ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { bookForProvider, OpsError, parseAddress, parseAmount, parseToken } from "../../src/ops/deployment.js";
import type { ExecutorTarget } from "../../src/ops/executorOps.js";
import { ownerTask, type SigningOptions } from "./run.js";

interface Target extends ExecutorTarget, SigningOptions {
  readonly executor: string;
  readonly deploymentId: string;
}

export async function withdraw(
  args: Target & { readonly token: string; readonly amount: string },
  hre: HardhatRuntimeEnvironment,
) {
  await ownerTask(
    hre,
    args,
    async (provider) => {
      const book = await bookForProvider(provider);
      const token = args.token.toUpperCase() === "ETH" ? "ETH" : parseToken("--token", args.token, book);
      return { kind: "withdraw", token, amount: await parseAmount("--amount", args.amount, token, provider) };
    },
    `Withdrew ${args.amount} ${args.token} to the owner`,
  );
}

export async function sweep(
  args: Target & { readonly token: string; readonly keep: string },
  hre: HardhatRuntimeEnvironment,
) {
  await ownerTask(
    hre,
    args,
    async (provider) => {
      const book = await bookForProvider(provider);
      const token = parseToken("--token", args.token, book);
      const keep = await parseAmount("--keep", args.keep, token, provider);
      if (keep === "all") throw new OpsError('--keep must be an amount, not "all".');
      return { kind: "sweep", token, keep };
    },
    `Swept ${args.token} above ${args.keep}`,
  );
}

export async function pause(args: Target, hre: HardhatRuntimeEnvironment) {
  await ownerTask(hre, args, () => ({ kind: "pause" }), "Paused");
}

export async function unpause(args: Target, hre: HardhatRuntimeEnvironment) {
  await ownerTask(hre, args, () => ({ kind: "unpause" }), "Unpaused");
}

export async function grantOperator(args: Target & { readonly account: string }, hre: HardhatRuntimeEnvironment) {
  await ownerTask(
    hre,
    args,
    () => ({ kind: "setOperator", account: parseAddress("--account", args.account), allowed: true }),
    `Granted operator ${args.account}`,
  );
}

export async function revokeOperator(args: Target & { readonly account: string }, hre: HardhatRuntimeEnvironment) {
  await ownerTask(
    hre,
    args,
    () => ({ kind: "setOperator", account: parseAddress("--account", args.account), allowed: false }),
    `Revoked operator ${args.account}`,
  );
}

export async function setProfitReceiver(args: Target & { readonly account: string }, hre: HardhatRuntimeEnvironment) {
  await ownerTask(
    hre,
    args,
    () => ({
      kind: "setProfitReceiver",
      account: args.account === "none" ? (ZeroAddress as `0x${string}`) : parseAddress("--account", args.account),
    }),
    args.account === "none" ? "Profit now stays in the executor" : `Profit now goes to ${args.account}`,
  );
}

export async function allowCurvePool(args: Target & { readonly pool: string }, hre: HardhatRuntimeEnvironment) {
  await ownerTask(
    hre,
    args,
    () => ({ kind: "setCurvePool", pool: parseAddress("--pool", args.pool), allowed: true }),
    `Allowed Curve pool ${args.pool}`,
  );
}

export async function disallowCurvePool(args: Target & { readonly pool: string }, hre: HardhatRuntimeEnvironment) {
  await ownerTask(
    hre,
    args,
    () => ({ kind: "setCurvePool", pool: parseAddress("--pool", args.pool), allowed: false }),
    `Disallowed Curve pool ${args.pool}`,
  );
}

export async function proposeOwner(args: Target & { readonly account: string }, hre: HardhatRuntimeEnvironment) {
  await ownerTask(
    hre,
    args,
    () => ({ kind: "proposeOwner", account: parseAddress("--account", args.account) }),
    `Proposed ${args.account} as owner`,
  );
}

export async function acceptOwner(args: Target, hre: HardhatRuntimeEnvironment) {
  await ownerTask(hre, args, () => ({ kind: "acceptOwner" }), "Accepted ownership");
}
