import { type Provider, type Signer, VoidSigner, Wallet } from "ethers";
import { configVariable } from "hardhat/config";
import type { HookManager } from "hardhat/types/hooks";
import { BaseError } from "../errors.js";
import { parseAddress } from "./deployment.js";

/** The name under which the operator's key is stored. */
export const OPERATOR_KEY = "OPERATOR_PRIVATE_KEY";

/** A secret that neither the keystore nor the environment holds. */
class MissingSecret extends Error {}

/**
 * Reads a secret the way Hardhat resolves a configuration variable: from the encrypted keystore
 * (`npx hardhat keystore set NAME`; hardhat-keystore asks for its password), and else from the
 * environment variable of the same name. Returns undefined when neither holds it.
 * @param hooks The Hardhat runtime's hooks (`hre.hooks`), where the keystore plugin answers.
 */
export async function readSecret(hooks: HookManager, name: string): Promise<string | undefined> {
  try {
    return await hooks.runHandlerChain(
      "configurationVariables",
      "fetchValue",
      // The empty default marks the secret optional: hardhat-keystore then hands a key it does
      // not hold on to this handler instead of failing (it would during tests), and this
      // handler reports it missing.
      [configVariable(name, { default: "" })],
      async (_context, variable) => {
        const value = process.env[variable.name];
        if (value === undefined || value === "") throw new MissingSecret(variable.name);
        return value;
      },
    );
  } catch (error) {
    if (error instanceof MissingSecret) return undefined;
    throw error;
  }
}

/**
 * Who the engine signs or simulates as on a live chain. Live trading needs the operator's key
 * (from the keystore or the environment); dry-run only simulates, so an address is enough:
 * `operator` if given, else the key's address.
 * @throws BaseError saying where to put the key, when it is needed and missing or malformed.
 */
export async function operatorSigner(
  provider: Provider,
  hooks: HookManager,
  options: { readonly live: boolean; readonly operator?: string | undefined },
): Promise<Signer> {
  const key = await readSecret(hooks, OPERATOR_KEY);
  const wallet = (k: string) => {
    try {
      return new Wallet(k, provider);
    } catch (cause) {
      throw new BaseError(`${OPERATOR_KEY} is not a private key.`, {
        details: "It must be 32 bytes of hex. Store it again with `npx hardhat keystore set OPERATOR_PRIVATE_KEY`.",
        cause,
      });
    }
  };
  if (options.live) {
    if (key === undefined) {
      throw new BaseError("--live needs the operator's key.", {
        details: `Store it with \`npx hardhat keystore set ${OPERATOR_KEY}\` (or set the environment variable ${OPERATOR_KEY}) and run again.`,
      });
    }
    return wallet(key);
  }
  if (options.operator !== undefined) return new VoidSigner(parseAddress("--operator", options.operator), provider);
  if (key !== undefined) return new VoidSigner(wallet(key).address, provider);
  throw new BaseError("Dry-run needs to know the operator to simulate from.", {
    details: `Pass --operator <an operator of the executor>, or store the operator's key as ${OPERATOR_KEY}.`,
  });
}
