import { Contract, Interface, type Provider } from "ethers";
import type { Address, AddressBook } from "../../addressBook.js";
import { tryMulticall } from "../../pools/multicall.js";

const oracle = new Interface([
  "function getAssetPrice(address asset) view returns (uint256)",
  "function BASE_CURRENCY_UNIT() view returns (uint256)",
]);
const erc20 = new Interface(["function decimals() view returns (uint8)"]);

/**
 * Dollar values from Aave's price oracle: read from the chain, like everything the engine
 * shows, but not moved by the pools it trades, so a dislocation cannot stretch the loan cap or
 * the dollar filters. Tokens the oracle does not price (or chains without Aave) have no value
 * here, and the engine falls back to the market's own pools.
 */
export class UsdPrices {
  private oracleAddress: Address | undefined;
  private unit = 0n;
  private readonly decimals = new Map<Address, number>();
  private readonly prices = new Map<Address, bigint>();

  constructor(
    private readonly provider: Provider,
    private readonly book: AddressBook,
  ) {}

  /** Reads the oracle's price of each token (and, once, the tokens' decimals). */
  async refresh(tokens: readonly Address[]): Promise<void> {
    if (this.book.aaveV3 === undefined) return;
    if (this.oracleAddress === undefined) {
      const provider = new Contract(
        this.book.aaveV3.poolAddressesProvider,
        ["function getPriceOracle() view returns (address)"],
        this.provider,
      );
      this.oracleAddress = (await provider.getFunction("getPriceOracle")()) as Address;
      const [unit] = await tryMulticall(this.provider, this.book.multicall3, [
        { target: this.oracleAddress, callData: oracle.encodeFunctionData("BASE_CURRENCY_UNIT") },
      ]);
      this.unit = unit === undefined || unit === "0x" ? 0n : BigInt(unit);
    }
    const missing = tokens.filter((t) => !this.decimals.has(t));
    const reads = [
      ...missing.map((t) => ({ target: t, callData: erc20.encodeFunctionData("decimals") })),
      ...tokens.map((t) => ({
        target: this.oracleAddress as string,
        callData: oracle.encodeFunctionData("getAssetPrice", [t]),
      })),
    ];
    const results = await tryMulticall(this.provider, this.book.multicall3, reads);
    for (const [k, token] of missing.entries()) {
      const data = results[k];
      if (data !== undefined && data !== "0x") this.decimals.set(token, Number(BigInt(data)));
    }
    for (const [k, token] of tokens.entries()) {
      const data = results[missing.length + k];
      const price = data === undefined || data === "0x" ? 0n : BigInt(data);
      if (price > 0n) this.prices.set(token, price);
      else this.prices.delete(token);
    }
  }

  /** `amount` of `token` in dollars with 6 decimals (USDC units), rounded down. */
  toUsd6(token: Address, amount: bigint): bigint | undefined {
    const q = this.quote(token);
    return q === undefined ? undefined : (amount * q.price * 1_000_000n) / (q.scale * this.unit);
  }

  /** The token's decimals, once read. */
  decimalsOf(token: Address): number | undefined {
    return this.decimals.get(token);
  }

  /** How much of `token` `usd6` dollars (6 decimals) buy, rounded down. */
  fromUsd6(token: Address, usd6: bigint): bigint | undefined {
    const q = this.quote(token);
    return q === undefined ? undefined : (usd6 * q.scale * this.unit) / (q.price * 1_000_000n);
  }

  private quote(token: Address): { price: bigint; scale: bigint } | undefined {
    const price = this.prices.get(token);
    const decimals = this.decimals.get(token);
    if (price === undefined || decimals === undefined || this.unit === 0n) return undefined;
    return { price, scale: 10n ** BigInt(decimals) };
  }
}
