import { getAddress, isHexString } from "ethers";

/** A 20-byte address, checksummed. */
export type Address = `0x${string}`;

/** The tokens every address book names. */
export const BOOK_TOKENS = ["WETH", "USDC", "USDT", "DAI", "WBTC"] as const;
export type BookToken = (typeof BOOK_TOKENS)[number];

/** A Uniswap V2-style DEX: factory, router and the pair init code hash its router hard-codes. */
export interface UniswapV2Deployment {
  readonly factory: Address;
  readonly router: Address;
  readonly initCodeHash: `0x${string}`;
  /** Swap fee in basis points (30 for Uniswap V2 and Sushiswap). */
  readonly feeBps: number;
}

export interface UniswapV3Deployment {
  readonly factory: Address;
  /** SwapRouter (v1), where deployed; Base has only SwapRouter02. */
  readonly swapRouter?: Address;
  readonly quoterV2: Address;
  readonly positionManager: Address;
  readonly initCodeHash: `0x${string}`;
}

export interface UniswapV4Deployment {
  /** The singleton that holds every V4 pool and their tokens; it also lends them, fee-free. */
  readonly poolManager: Address;
  /** Periphery reader of pool state (slot0, liquidity, ticks, bitmap). */
  readonly stateView: Address;
  /** V4Quoter: what a swap would pay, by simulating it in the PoolManager. */
  readonly quoter: Address;
  /**
   * A router whose `swap(key, params, settings, hookData)` traders call (the replica's is v4-core's
   * PoolSwapTest), for backruns to read pending swaps from. Mainnet traders go through the
   * Universal Router instead, which backruns do not read yet.
   */
  readonly swapRouter?: Address;
}

export interface AaveV3Deployment {
  readonly poolAddressesProvider: Address;
  readonly pool: Address;
  /**
   * Whose liquidation arithmetic the market runs: "3.0" for `@aave/core-v3` (v3.0 to v3.2: half
   * the debt above a health factor of 0.95), "3.6" for `aave-v3-origin` v3.6 (v3.3's rules: the
   * whole position when small, no dust; v3.5's rounding). "3.0" when absent; the engine checks the
   * Pool's revision against it at start.
   */
  readonly liquidationRules?: "3.0" | "3.6";
}

export interface BalancerV2Deployment {
  readonly vault: Address;
  /** Vault pool IDs of the weighted pools the engine watches (their tokens are read from the Vault). */
  readonly weightedPools?: readonly `0x${string}`[];
}

export interface MorphoBlueDeployment {
  /** The Morpho Blue singleton: it lends, fee-free, any token its markets hold. */
  readonly morpho: Address;
}

export interface CurveDeployment {
  /** The DAI/USDC/USDT 3pool. */
  readonly threePool: Address;
}

/** The V2-style DEXes a book can name, in the order an executor trusts them (its route indices). */
export const V2_DEX_NAMES = ["uniswapV2", "sushiswap", "quickswap"] as const;
export type V2DexName = (typeof V2_DEX_NAMES)[number];

/**
 * Where the protocols and tokens live on one chain. The replica writes one of these for
 * the local chain, and the same type holds the canonical addresses of real networks, so
 * everything downstream (executor deployment, engine) reads addresses from one shape.
 * A venue that a chain does not have is absent.
 */
export interface AddressBook {
  readonly name: string;
  readonly chainId: number;
  /** WETH (the chain's wrapped ETH) and native USDC everywhere; the others where they exist. */
  readonly tokens: Readonly<Partial<Record<BookToken, Address>>> & { readonly WETH: Address; readonly USDC: Address };
  readonly multicall3: Address;
  readonly aaveV3?: AaveV3Deployment;
  readonly balancerV2?: BalancerV2Deployment;
  readonly morphoBlue?: MorphoBlueDeployment;
  readonly uniswapV2?: UniswapV2Deployment;
  readonly sushiswap?: UniswapV2Deployment;
  /** Polygon's Uniswap V2 fork. */
  readonly quickswap?: UniswapV2Deployment;
  readonly uniswapV3: UniswapV3Deployment;
  readonly uniswapV4?: UniswapV4Deployment;
  readonly curve?: CurveDeployment;
  /**
   * How trades reach a block: `builders` (the chain has block builders taking private bundles:
   * a failed bundle costs nothing) or `direct` (the sequencer's or the public mempool, where the
   * floor and every hop minimum come from the simulation, less a tolerance).
   */
  readonly submission: "builders" | "direct";
  /** The relays and builders bundles go to by default, where the chain has them. */
  readonly relays?: readonly BookRelay[];
}

/** A relay or block builder's bundle endpoint. */
export interface BookRelay {
  readonly name: string;
  readonly url: string;
}

/** A book with every venue the replica deploys: what tests and the local node work with. */
export type CompleteAddressBook = AddressBook & {
  readonly tokens: Readonly<Record<BookToken, Address>>;
  readonly aaveV3: AaveV3Deployment;
  readonly balancerV2: BalancerV2Deployment;
  readonly morphoBlue: MorphoBlueDeployment;
  readonly uniswapV2: UniswapV2Deployment;
  readonly sushiswap: UniswapV2Deployment;
  readonly uniswapV3: UniswapV3Deployment & { readonly swapRouter: Address };
  readonly uniswapV4: UniswapV4Deployment;
};

/** The V2-style DEXes present in `book`, in executor index order. */
export function v2DexesOf(book: AddressBook): ReadonlyArray<readonly [V2DexName, UniswapV2Deployment]> {
  const out: Array<readonly [V2DexName, UniswapV2Deployment]> = [];
  for (const name of V2_DEX_NAMES) {
    const dex = book[name];
    if (dex !== undefined) out.push([name, dex]);
  }
  return out;
}

/** Every `Address` field of a book, by its path, for validation and display. */
export function bookAddresses(book: AddressBook): ReadonlyArray<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  const walk = (prefix: string, value: unknown): void => {
    if (typeof value === "string") {
      const notAnAddress =
        prefix.endsWith("initCodeHash") ||
        prefix.endsWith("name") ||
        prefix.includes("weightedPools") ||
        prefix === "submission" ||
        prefix.startsWith("relays.");
      if (!notAnAddress) out.push([prefix, value]);
    } else if (value !== null && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) walk(prefix === "" ? key : `${prefix}.${key}`, inner);
    }
  };
  walk("", book);
  return out;
}

/**
 * Checks that every address in a book is well-formed and checksummed and every init code
 * hash is 32 bytes. Throws one error naming every bad field.
 */
export function validateAddressBook(book: AddressBook): void {
  const problems: string[] = [];
  for (const [path, value] of bookAddresses(book)) {
    let checksummed: string;
    try {
      checksummed = getAddress(value);
    } catch {
      problems.push(`${path}: ${value} is not an address`);
      continue;
    }
    if (checksummed !== value) problems.push(`${path}: ${value} should be checksummed as ${checksummed}`);
  }
  for (const dex of [...v2DexesOf(book).map(([, d]) => d), book.uniswapV3]) {
    if (!isHexString(dex.initCodeHash, 32)) problems.push(`initCodeHash ${dex.initCodeHash} is not 32 bytes`);
  }
  for (const [name, dex] of v2DexesOf(book)) {
    if (!Number.isInteger(dex.feeBps) || dex.feeBps <= 0 || dex.feeBps >= 10_000) {
      problems.push(`${name}.feeBps ${dex.feeBps} is not a fee in basis points`);
    }
  }
  for (const id of book.balancerV2?.weightedPools ?? []) {
    if (!isHexString(id, 32)) problems.push(`balancerV2.weightedPools: ${id} is not a 32-byte pool ID`);
  }
  if (book.aaveV3 === undefined && book.balancerV2 === undefined) {
    problems.push("no lender: a book needs aaveV3 or balancerV2 (or both)");
  }
  if (!Number.isInteger(book.chainId) || book.chainId <= 0) problems.push(`chainId ${book.chainId} is not valid`);
  if (book.submission !== "builders" && book.submission !== "direct")
    problems.push(`submission ${String(book.submission)} is neither "builders" nor "direct"`);
  if (book.submission === "builders" && (book.relays ?? []).length === 0)
    problems.push("submission is builders, but no relays are listed");
  for (const relay of book.relays ?? [])
    if (!/^https:\/\//.test(relay.url)) problems.push(`relays.${relay.name}: ${relay.url} is not an https URL`);
  if (problems.length > 0) {
    throw new Error(`Address book "${book.name}" is invalid:\n  ${problems.join("\n  ")}`);
  }
}

/** Token address → symbol for the book's tokens. */
export function symbolsOf(book: AddressBook): Record<Address, string> {
  const out: Record<Address, string> = {};
  for (const [symbol, address] of Object.entries(book.tokens)) if (address !== undefined) out[address] = symbol;
  return out;
}
