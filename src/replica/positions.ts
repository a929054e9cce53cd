import { MaxUint256, parseUnits, type Signer } from "ethers";
import type { Address } from "../addressBook.js";
import type { ReplicaAave } from "./aave.js";
import type { AnyContract } from "./deploy.js";
import type { Replica } from "./replica.js";
import { fund, type ReplicaTokenSymbol, TOKEN_DECIMALS } from "./tokens.js";

/** `amount` of `symbol` in its base units ("1.5" WBTC is 150,000,000). */
export function unitsOf(symbol: ReplicaTokenSymbol, amount: string): bigint {
  return parseUnits(amount, TOKEN_DECIMALS[symbol]);
}

/**
 * `user` supplies each of `collateral` (minted or wrapped for it) and borrows each of `debt` at
 * the variable rate on the replica's Aave (or on `market`); returns the user's address. Amounts
 * are decimal strings of whole tokens.
 */
export async function openPosition(
  replica: Replica,
  user: Signer,
  collateral: readonly [ReplicaTokenSymbol, string][],
  debt: readonly [ReplicaTokenSymbol, string][],
  market: ReplicaAave = replica.aave,
): Promise<Address> {
  const pool = market.pool.connect(user) as AnyContract;
  const me = (await user.getAddress()) as Address;
  for (const [symbol, amount] of collateral) {
    const units = unitsOf(symbol, amount);
    await fund(replica.tokens, symbol, user, me, units);
    await (await (replica.tokens[symbol].connect(user) as AnyContract).getFunction("approve")(pool, MaxUint256)).wait();
    await (await pool.getFunction("supply")(replica.tokenAddresses[symbol], units, me, 0)).wait();
  }
  for (const [symbol, amount] of debt)
    await (await pool.getFunction("borrow")(replica.tokenAddresses[symbol], unitsOf(symbol, amount), 2, 0, me)).wait();
  return me;
}
