import type { Provider } from "ethers";
import type { Address, AddressBook } from "../../addressBook.js";
import type { Market } from "../collect/market.js";
import type { UsdPrices } from "../collect/oraclePrices.js";
import { type EngineConfig, toUnits } from "../config.js";
import type { Cycle } from "../strategy/cycles.js";
import type { LenderQuote, Lenders } from "../strategy/lenders.js";
import { convert, valueIn } from "../strategy/poolPrices.js";
import { GAS_PER_HOP } from "../strategy/pricing.js";
import type { AaveRules } from "./accountData.js";
import type { AaveMarketSource } from "./market.js";
import { type LiquidationSizing, sizeLiquidation, swapPaths } from "./sizing.js";
import { type LiquidationOpportunity, LiquidationWatcher } from "./watcher.js";

/**
 * Gas of a liquidation by lender, before its swap hops (each `GAS_PER_HOP`): only to price
 * candidates before simulation. From `snapshots/gas.json` (`liquidation:*:v2`, one V2 hop):
 * Balancer 493,118, Aave 516,469, a Uniswap V3 flash 518,511, rounded up.
 */
export const LIQUIDATION_GAS_BASE: Record<string, bigint> = {
  BalancerV2: 440_000n,
  AaveV3: 465_000n,
  UniswapV3: 465_000n,
};

/** A liquidation sized exactly with its cheapest lender and valued net of gas. */
export interface LiquidationCandidate {
  readonly user: Address;
  readonly debtAsset: Address;
  readonly collateralAsset: Address;
  /** The health factor (wad) the position was found at. */
  readonly healthFactor: bigint;
  readonly sizing: LiquidationSizing;
  readonly quote: LenderQuote;
  readonly gasCostInToken: bigint;
  /** `sizing.profit − gasCostInToken`, in the debt asset. */
  readonly net: bigint;
  /** `net` in micro-dollars. */
  readonly netUsd: bigint;
}

/** A position found under one that no liquidation of can be priced, with why. */
export interface LiquidationDropped {
  readonly opportunity: LiquidationOpportunity;
  readonly lender: string;
  readonly reason: string;
}

export interface LiquidationStrategyDeps {
  readonly provider: Provider;
  readonly book: AddressBook;
  readonly source: AaveMarketSource;
  /** The block the Pool's events are read from (its deployment on a live chain). */
  readonly fromBlock: number;
  /** Blocks per log query. */
  readonly pageBlocks?: number;
  readonly market: Market;
  readonly lenders: Lenders;
  readonly usd: UsdPrices;
  readonly config: EngineConfig;
  /** Tokens a two-hop sale of collateral may go through. */
  readonly via: readonly Address[];
  /** The market's Aave version. */
  readonly rules?: AaveRules;
}

/** Blocks a position with a liquidation in flight is left alone (the trade settles first). */
const IN_FLIGHT_BLOCKS = 3;

/**
 * Liquidations as a strategy beside arbitrage: the watcher keeps every borrower of the Aave
 * market current and says which positions a block put under one; each of those, and each found
 * earlier and still under one, is sized exactly (debt covered, collateral seized at the Pool's
 * arithmetic, the sale of that collateral through the engine's pools) with every lender that can
 * fund it, and valued net of gas.
 */
export class LiquidationStrategy {
  readonly watcher: LiquidationWatcher;
  /** Positions under one not yet liquidated: judged again every block. */
  private readonly waiting = new Set<Address>();
  /** Users with a liquidation sent, by the block it was sent at. */
  private readonly inFlight = new Map<Address, number>();

  constructor(private readonly deps: LiquidationStrategyDeps) {
    this.watcher = new LiquidationWatcher(deps.provider, deps.source, deps.pageBlocks, deps.rules);
  }

  /** How many positions are tracked. */
  get tracked(): number {
    return this.watcher.tracked;
  }

  /** Reads every borrower since `fromBlock` up to `block`. */
  async start(block: number): Promise<void> {
    await this.watcher.start(this.deps.fromBlock, block);
  }

  /** Marks a user's liquidation as sent at `block`: it is not priced again until it settles. */
  sent(user: Address, block: number): void {
    this.inFlight.set(user, block);
  }

  /**
   * The block's liquidations, the most valuable first, and the newly found positions that cannot
   * be liquidated at a profit (each reported once, when found).
   */
  async onBlock(
    block: number,
    gasPrice: bigint,
  ): Promise<{ candidates: LiquidationCandidate[]; dropped: LiquidationDropped[] }> {
    const found = await this.watcher.onBlock(block);
    const fresh = new Set(found.map((f) => f.user));
    for (const f of found) this.waiting.add(f.user);
    const candidates: LiquidationCandidate[] = [];
    const dropped: LiquidationDropped[] = [];
    for (const user of this.waiting) {
      const sentAt = this.inFlight.get(user);
      if (sentAt !== undefined) {
        if (block - sentAt < IN_FLIGHT_BLOCKS) continue;
        this.inFlight.delete(user);
      }
      const opportunity = this.watcher.current(user);
      if (opportunity === undefined) {
        this.waiting.delete(user);
        continue;
      }
      const priced = this.price(opportunity, gasPrice);
      if ("reason" in priced) {
        if (fresh.has(user)) dropped.push(priced);
      } else candidates.push(priced);
    }
    candidates.sort((a, b) => (a.netUsd > b.netUsd ? -1 : a.netUsd < b.netUsd ? 1 : 0));
    return { candidates, dropped };
  }

  /** Sizes one position's best pair with every lender and path; the best net of gas, or why none. */
  price(opportunity: LiquidationOpportunity, gasPrice: bigint): LiquidationCandidate | LiquidationDropped {
    const { market, lenders, usd, book, config, via } = this.deps;
    const { user, debtAsset, collateralAsset } = opportunity;
    const pools = [...market.pools.values()];
    const paths = swapPaths(pools, collateralAsset, debtAsset, via);
    if (paths.length === 0)
      return {
        opportunity,
        lender: "none",
        reason: "no pool the engine reads sells the collateral for the debt asset",
      };
    const maxLoan =
      usd.fromUsd6(debtAsset, toUnits(config.maxLoanUsd, 6)) ??
      valueIn(pools, book.tokens.USDC, debtAsset, book.tokens.WETH, toUnits(config.maxLoanUsd, 6));
    if (maxLoan === undefined || maxLoan <= 0n)
      return { opportunity, lender: "none", reason: "cannot value maxLoanUsd in the debt asset" };
    const v3Pools = pools.filter((p) => p.kind === "uniswapV3");
    const amountsAt = (debtToCover: bigint) => this.watcher.amountsFor(user, debtAsset, collateralAsset, debtToCover);
    let best: LiquidationCandidate | undefined;
    const lendersSeen = new Set<string>();
    for (const path of paths) {
      const route: Cycle = { id: "", token: debtAsset, hops: path };
      for (const quote of lenders.quotes(route, v3Pools)) {
        lendersSeen.add(quote.lender);
        let cap = opportunity.amounts.debtRepaid;
        if (quote.available < cap) cap = quote.available;
        if (maxLoan < cap) cap = maxLoan;
        const sizing = sizeLiquidation(amountsAt, [path], cap, quote.fee);
        if (sizing === undefined) continue;
        const gasUnits = (LIQUIDATION_GAS_BASE[quote.lender] ?? 500_000n) + GAS_PER_HOP * BigInt(path.length);
        const gasCostInToken = convert(pools, book.tokens.WETH, debtAsset, gasUnits * gasPrice) ?? 0n;
        const net = sizing.profit - gasCostInToken;
        const netUsd =
          usd.toUsd6(debtAsset, net) ?? valueIn(pools, debtAsset, book.tokens.USDC, book.tokens.WETH, net) ?? net;
        if (best === undefined || netUsd > best.netUsd)
          best = {
            user,
            debtAsset,
            collateralAsset,
            healthFactor: opportunity.data.healthFactor,
            sizing,
            quote,
            gasCostInToken,
            net,
            netUsd,
          };
      }
    }
    if (best !== undefined) return best;
    if (lendersSeen.size === 0)
      return { opportunity, lender: "none", reason: "no lender holds the debt asset or may fund this liquidation" };
    return {
      opportunity,
      lender: [...lendersSeen].join("/"),
      reason: "no amount up to the close factor pays after the swap and the lender's fee",
    };
  }
}
