import type { ReplicaTokenSymbol } from "./tokens.js";
import { TOKEN_DECIMALS } from "./tokens.js";

/**
 * Reference prices of the replica's tokens in whole US dollars. Every pool is seeded at
 * these prices and Aave's oracle reports them, so the market starts with no arbitrage.
 */
export const USD_PRICE: Readonly<Record<ReplicaTokenSymbol, bigint>> = {
  WETH: 3_000n,
  USDC: 1n,
  USDT: 1n,
  DAI: 1n,
  WBTC: 60_000n,
  FOT: 1n,
  BLOCK: 1n,
};

/** The raw amount of `symbol` worth `usd` dollars at the reference price (rounded down). */
export function amountForUsd(symbol: ReplicaTokenSymbol, usd: bigint): bigint {
  return (usd * 10n ** BigInt(TOKEN_DECIMALS[symbol])) / USD_PRICE[symbol];
}

/** Integer square root (floor), Newton's method on bigints. */
export function sqrtBigInt(value: bigint): bigint {
  if (value < 0n) throw new RangeError("square root of a negative number");
  if (value < 2n) return value;
  let x = value;
  let y = (x + 1n) >> 1n;
  while (y < x) {
    x = y;
    y = (x + value / x) >> 1n;
  }
  return x;
}

/**
 * Uniswap V3's sqrtPriceX96 for a pool whose token0 is `symbol0`, at the reference prices:
 * sqrt(raw token1 per raw token0) · 2^96.
 */
export function referenceSqrtPriceX96(symbol0: ReplicaTokenSymbol, symbol1: ReplicaTokenSymbol): bigint {
  const numerator = USD_PRICE[symbol0] * 10n ** BigInt(TOKEN_DECIMALS[symbol1]);
  const denominator = USD_PRICE[symbol1] * 10n ** BigInt(TOKEN_DECIMALS[symbol0]);
  return sqrtBigInt((numerator << 192n) / denominator);
}
