import type { AddressBook } from "../addressBook.js";
import { arbitrum } from "./arbitrum.js";
import { base } from "./base.js";
import { mainnet } from "./mainnet.js";
import { optimism } from "./optimism.js";
import { polygon } from "./polygon.js";
import { sepolia } from "./sepolia.js";

/** The canonical book of every live network this toolkit deploys to, by Hardhat network name. */
export const LIVE_BOOKS: Readonly<Record<string, AddressBook>> = {
  mainnet,
  sepolia,
  polygon,
  arbitrum,
  optimism,
  base,
};

/** The live book for `chainId`, if there is one. */
export function bookForChainId(chainId: number): AddressBook | undefined {
  return Object.values(LIVE_BOOKS).find((book) => book.chainId === chainId);
}
