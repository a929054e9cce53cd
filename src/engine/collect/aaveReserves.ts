import { Contract, type Provider } from "ethers";
import type { Address, AddressBook } from "../../addressBook.js";

/** Each token's aToken (where its Aave reserve's liquidity sits), read from the Pool; absent when not a reserve. */
export async function aTokensOf(
  provider: Provider,
  book: AddressBook,
  tokens: readonly Address[],
): Promise<Record<Address, Address | undefined>> {
  const out: Record<Address, Address | undefined> = {};
  if (book.aaveV3 === undefined) return out;
  const pool = new Contract(
    book.aaveV3.pool,
    [
      "function getReserveData(address) view returns ((uint256,uint128,uint128,uint128,uint128,uint128,uint40,uint16,address,address,address,address,uint128,uint128,uint128))",
    ],
    provider,
  );
  for (const token of tokens) {
    // One tuple comes back as the value itself; its ninth field is the aToken.
    const reserve = (await pool.getFunction("getReserveData")(token)) as unknown as unknown[];
    const aToken = reserve[8] as Address;
    out[token] = BigInt(aToken) === 0n ? undefined : aToken;
  }
  return out;
}
