import { Contract, Interface, type Provider } from "ethers";
import type { Address, AddressBook } from "../../addressBook.js";
import type { LenderName } from "../../executor/route.js";
import { multicall } from "../../pools/multicall.js";
import type { MarketPool } from "../venues/pools.js";
import type { Cycle } from "./cycles.js";

const erc20 = new Interface(["function balanceOf(address) view returns (uint256)"]);

/** A lender that could fund a cycle, with what it charges and how much it holds. */
export interface LenderQuote {
  readonly lender: LenderName;
  readonly fee: (amount: bigint) => bigint;
  readonly available: bigint;
  /**
   * What the lender must hold for a trade of this size, where that is more than the loan: the
   * PoolManager lends from the balance its V4 pools also pay out of, so a cycle ending in a V4
   * pool needs the loan and that pool's payout of the same token at once. Absent: the loan.
   */
  readonly needs?: (sizing: { readonly amountIn: bigint; readonly amountOut: bigint }) => bigint;
  /** For a Uniswap V3 flash: the lending pool's other token and fee tier. */
  readonly uniswapV3?: { readonly pairToken: Address; readonly fee: number; readonly pool: Address };
}

/** What the lenders hold and charge, read from the chain (refreshed each block). */
export class Lenders {
  private aavePremiumBps = 5n;
  private readonly balances = new Map<string, bigint>();

  constructor(
    private readonly provider: Provider,
    private readonly book: AddressBook,
    private readonly aTokens: Readonly<Record<string, Address | undefined>>,
    /** The Aave market's version: v3.5 and later round the flash-loan premium up. */
    private readonly aaveRules: "3.0" | "3.6" = "3.0",
    /** The engine's configuration, read at each quote: its `lenders` may change while it runs. */
    private readonly config: { readonly lenders?: readonly LenderName[] | undefined } = {},
  ) {}

  /** Reads Aave's premium and every lender's balance of each base token. */
  async refresh(tokens: readonly Address[], v3Pools: readonly MarketPool[]): Promise<void> {
    if (this.book.aaveV3 !== undefined) {
      const pool = new Contract(
        this.book.aaveV3.pool,
        ["function FLASHLOAN_PREMIUM_TOTAL() view returns (uint128)"],
        this.provider,
      );
      this.aavePremiumBps = (await pool.getFunction("FLASHLOAN_PREMIUM_TOTAL")()) as bigint;
    }
    // Every lender's balance of every base token, in one batched read.
    const reads: Array<{ key: string; target: string; callData: string }> = [];
    for (const token of tokens) {
      const holders = [
        this.book.balancerV2?.vault,
        this.book.morphoBlue?.morpho,
        this.book.uniswapV4?.poolManager,
        this.aTokens[token],
      ];
      for (const pool of v3Pools)
        if (pool.kind === "uniswapV3" && (pool.token0 === token || pool.token1 === token)) holders.push(pool.address);
      for (const holder of holders) {
        if (holder === undefined) continue;
        reads.push({
          key: `${holder}:${token}`,
          target: token,
          callData: erc20.encodeFunctionData("balanceOf", [holder]),
        });
      }
    }
    const results = await multicall(this.provider, this.book.multicall3, reads);
    for (const [k, data] of results.entries())
      this.balances.set((reads[k] as (typeof reads)[number]).key, BigInt(data));
  }

  /**
   * Every lender able to fund `cycle`, cheapest first: the Balancer Vault (no fee) unless the
   * cycle swaps through Balancer, Morpho Blue (no fee: it lends whatever its markets hold), the
   * Uniswap V4 PoolManager (no fee: within one unlock it lets any token it holds be taken, so long
   * as it is settled before the unlock ends), a Uniswap V3 pool the cycle does not touch (its fee
   * tier), then Aave (its premium). Between the free lenders, gas decides (`pricing.ts`).
   */
  quotes(cycle: Cycle, v3Pools: readonly MarketPool[]): LenderQuote[] {
    const token = cycle.token;
    const out: LenderQuote[] = [];
    const vault = this.book.balancerV2?.vault;
    // The Vault holds its reentrancy lock during a loan: a cycle through a Balancer pool cannot
    // borrow from it (the executor refuses the combination too).
    const throughBalancer = cycle.hops.some((h) => h.pool.kind === "balancerWeighted");
    if (vault !== undefined && !throughBalancer) {
      out.push({ lender: "BalancerV2", fee: () => 0n, available: this.balances.get(`${vault}:${token}`) ?? 0n });
    }
    const morpho = this.book.morphoBlue?.morpho;
    if (morpho !== undefined)
      out.push({ lender: "MorphoBlue", fee: () => 0n, available: this.balances.get(`${morpho}:${token}`) ?? 0n });
    const poolManager = this.book.uniswapV4?.poolManager;
    if (poolManager !== undefined) {
      // Inside the loan's unlock the manager first sends the loan; a first hop through a V4 pool
      // pays it straight back (settled), and a last hop through one is paid out of the same
      // balance before the loan is repaid.
      const first = cycle.hops[0];
      const firstV4 = first?.pool.kind === "uniswapV4" && first.tokenIn === token;
      const lastV4 = cycle.hops[cycle.hops.length - 1]?.pool.kind === "uniswapV4";
      out.push({
        lender: "UniswapV4",
        fee: () => 0n,
        available: this.balances.get(`${poolManager}:${token}`) ?? 0n,
        ...(lastV4
          ? {
              needs: (s: { amountIn: bigint; amountOut: bigint }) =>
                // biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints.
                firstV4 ? (s.amountIn > s.amountOut ? s.amountIn : s.amountOut) : s.amountIn + s.amountOut,
            }
          : {}),
      });
    }
    const used = new Set(cycle.hops.map((h) => h.pool.address));
    const flash = v3Pools
      .filter((p) => p.kind === "uniswapV3" && !used.has(p.address) && (p.token0 === token || p.token1 === token))
      .sort((a, b) => (a.kind === "uniswapV3" && b.kind === "uniswapV3" ? a.fee - b.fee : 0))[0];
    if (flash?.kind === "uniswapV3") {
      const feePips = BigInt(flash.fee);
      out.push({
        lender: "UniswapV3",
        fee: (a) => (a * feePips + 999_999n) / 1_000_000n,
        available: this.balances.get(`${flash.address}:${token}`) ?? 0n,
        uniswapV3: {
          pairToken: flash.token0 === token ? flash.token1 : flash.token0,
          fee: flash.fee,
          pool: flash.address,
        },
      });
    }
    const aToken = this.aTokens[token];
    if (this.book.aaveV3 !== undefined && aToken !== undefined) {
      const bps = this.aavePremiumBps;
      // PercentageMath.percentMul (half up) before v3.5, percentMulCeil from it.
      const fee =
        this.aaveRules === "3.6"
          ? (a: bigint) => (a * bps + 9_999n) / 10_000n
          : (a: bigint) => (a * bps + 5_000n) / 10_000n;
      out.push({
        lender: "AaveV3",
        fee,
        available: this.balances.get(`${aToken}:${token}`) ?? 0n,
      });
    }
    const allowed = this.config.lenders;
    return out.filter((q) => q.available > 0n && (allowed === undefined || allowed.includes(q.lender)));
  }
}
