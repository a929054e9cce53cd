/** Block explorers' transaction pages, by chain ID; a chain without one (the local node) has none. */
const EXPLORERS: Readonly<Record<number, string>> = {
  1: "https://etherscan.io",
  10: "https://optimistic.etherscan.io",
  137: "https://polygonscan.com",
  8453: "https://basescan.org",
  42161: "https://arbiscan.io",
  11155111: "https://sepolia.etherscan.io",
};

/** The explorer's page of transaction `hash` on chain `chainId`, or null where there is no explorer. */
export function transactionUrl(chainId: number | null, hash: string | null): string | null {
  if (chainId === null || hash === null) return null;
  const base = EXPLORERS[chainId];
  return base === undefined ? null : `${base}/tx/${hash}`;
}
