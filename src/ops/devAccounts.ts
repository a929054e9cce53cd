import { HDNodeWallet, type Provider } from "ethers";
import { BaseError } from "../errors.js";

/** The mnemonic of Hardhat's local accounts: public, known to everyone, never for real funds. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
/** Hardhat's local node has twenty accounts. */
const ACCOUNTS = 20;

/**
 * The key of one of the local node's well-known accounts, to sign locally as the engine does
 * on a real chain (the raw transaction is stored before it is broadcast).
 * @throws BaseError when `address` is not one of the local node's accounts.
 */
export function devWallet(address: string, provider?: Provider): HDNodeWallet {
  for (let i = 0; i < ACCOUNTS; i++) {
    const wallet = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
    if (wallet.address.toLowerCase() === address.toLowerCase())
      return provider === undefined ? wallet : wallet.connect(provider);
  }
  throw new BaseError(`${address} is not one of the local node's accounts.`, {
    details:
      "On the local node the operator must be a Hardhat account; elsewhere store its key with `npx hardhat keystore set OPERATOR_PRIVATE_KEY`.",
  });
}

/**
 * The local node's account `index` (0–19) with its key: the arena's traders and searchers.
 * @throws BaseError for an index the local node does not have.
 */
export function devAccount(index: number, provider?: Provider): HDNodeWallet {
  if (!Number.isInteger(index) || index < 0 || index >= ACCOUNTS)
    throw new BaseError(`The local node has accounts 0 to ${ACCOUNTS - 1}, not ${index}.`);
  const wallet = HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return provider === undefined ? wallet : wallet.connect(provider);
}
