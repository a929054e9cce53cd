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
 * candidates before simulation. From `snapshots/gas.json` (`liquidation:*:v2`, one V2 hop): the
 * Uniswap V4 PoolManager 484,650, Morpho Blue 485,591, Balancer 493,607, Aave 516,842, a Uniswap
 * V3 flash 519,135, less one hop, rounded up.
 */
export const LIQUIDATION_GAS_BASE: Record<string, bigint> = {
  UniswapV4: 431_000n,
  MorphoBlue: 432_000n,
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
  /** What to borrow: `sizing.debtToCover`, or a little more when the whole debt is taken (below). */
  readonly loanAmount: bigint;
  /**
   * What to pass as `debtToCover`: `sizing.debtToCover`, or `2²⁵⁶ − 1` where v3.3+ must take the
   * whole debt or all the collateral as they stand when mined (interest grows both between the
   * block priced and the block mined, and a few units left would be dust the Pool refuses).
   */
  readonly debtToCoverArgument: bigint;
  readonly quote: LenderQuote;
  /** The gas the liquidation is priced at, before simulation. */
  readonly gasUnits: bigint;
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

/** Blocks a position with a liquidation sent is left alone at least (and while the trade is open). */
const IN_FLIGHT_BLOCKS = 3;
/** Blocks a position whose liquidation failed is left alone: doubled each failure in a row, up to the cap. */
const BACKOFF_BLOCKS = 2;
const MAX_BACKOFF_BLOCKS = 256;
/** The pairs of one position priced, the largest bonus first. */
const PAIRS_PRICED = 3;
/** Above the whole debt a v3.3+ liquidation borrows this share more (basis points) to cover interest until it is mined. */
const WHOLE_DEBT_MARGIN_BPS = 1n;
const MAX_UINT256 = (1n << 256n) - 1n;

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
  /** Users with a liquidation sent: the block it was sent at and its record. */
  private readonly inFlight = new Map<Address, { block: number; id: number | undefined }>();
  /** Users whose liquidation failed: until which block they are left alone, and how many times in a row. */
  private readonly backoff = new Map<Address, { until: number; failures: number }>();

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

  /** Marks a user's liquidation as sent at `block` (record `id`): not priced again until it settles. */
  sent(user: Address, block: number, id?: number): void {
    this.inFlight.set(user, { block, id });
    this.backoff.delete(user);
  }

  /**
   * Marks a user's liquidation as failed or refused at `block`: the user is left alone for a
   * number of blocks that doubles with each failure in a row (a position the Pool refuses, or
   * that never clears the limits, is not priced, simulated and recorded every block).
   */
  failed(user: Address, block: number): void {
    const failures = (this.backoff.get(user)?.failures ?? 0) + 1;
    const wait = Math.min(BACKOFF_BLOCKS * 2 ** (failures - 1), MAX_BACKOFF_BLOCKS);
    this.backoff.set(user, { until: block + wait, failures });
  }

  /**
   * The block's liquidations, the most valuable first, and the newly found positions that cannot
   * be liquidated at a profit (each reported once, when found).
   */
  async onBlock(
    block: number,
    gasPrice: bigint,
    /** Whether the trade recorded as `id` is still open (signed or sent, not yet settled). */
    isOpen: (id: number) => boolean = () => false,
  ): Promise<{ candidates: LiquidationCandidate[]; dropped: LiquidationDropped[] }> {
    const found = await this.watcher.onBlock(block);
    const fresh = new Set(found.map((f) => f.user));
    for (const f of found) {
      this.waiting.add(f.user);
      // A position changed since it failed is judged afresh.
      this.backoff.delete(f.user);
    }
    const candidates: LiquidationCandidate[] = [];
    const dropped: LiquidationDropped[] = [];
    for (const user of this.waiting) {
      const sent = this.inFlight.get(user);
      if (sent !== undefined) {
        if (block - sent.block < IN_FLIGHT_BLOCKS || (sent.id !== undefined && isOpen(sent.id))) continue;
        this.inFlight.delete(user);
      }
      const pairs = this.watcher.pairs(user);
      if (pairs.length === 0) {
        this.waiting.delete(user);
        this.backoff.delete(user);
        continue;
      }
      const wait = this.backoff.get(user);
      if (wait !== undefined && block < wait.until) continue;
      let best: LiquidationCandidate | undefined;
      let why: LiquidationDropped | undefined;
      for (const opportunity of pairs.slice(0, PAIRS_PRICED)) {
        const priced = this.price(opportunity, gasPrice);
        if ("reason" in priced) why ??= priced;
        else if (best === undefined || priced.netUsd > best.netUsd) best = priced;
      }
      if (best !== undefined) candidates.push(best);
      else if (why !== undefined) {
        if (fresh.has(user)) dropped.push(why);
        // Not worth it now: judged again after a wait, not every block.
        this.failed(user, block);
      }
    }
    candidates.sort((a, b) => (a.netUsd > b.netUsd ? -1 : a.netUsd < b.netUsd ? 1 : 0));
    return { candidates, dropped };
  }

  /**
   * On a v3.3+ market a liquidation that takes the whole debt or all the collateral must take it
   * as it stands when mined, a few seconds of interest later: `debtToCover` is then 2²⁵⁶ − 1 and
   * the loan a basis point more than priced (what the Pool does not take is repaid from it). The
   * profit is then the priced one less the fee on that margin; what is realised differs from it by
   * those seconds of interest. Elsewhere both are the amount sized, and the estimate is exact.
   */
  private wholeDebtMargin(
    opportunity: LiquidationOpportunity,
    sizing: LiquidationSizing,
    quote: LenderQuote,
  ): { loanAmount: bigint; debtToCoverArgument: bigint; sizing: LiquidationSizing } {
    const plain = { loanAmount: sizing.debtToCover, debtToCoverArgument: sizing.debtToCover, sizing };
    if (this.watcher.rules !== "3.6") return plain;
    const { debt, collateral } = this.watcher.balancesOf(
      opportunity.user,
      opportunity.debtAsset,
      opportunity.collateralAsset,
    );
    const { amounts } = sizing;
    const whole = amounts.debtRepaid >= debt || amounts.collateralSeized + amounts.protocolFee >= collateral;
    if (!whole) return plain;
    const loanAmount = sizing.debtToCover + (sizing.debtToCover * WHOLE_DEBT_MARGIN_BPS) / 10_000n + 1n;
    const lenderFee = quote.fee(loanAmount);
    return {
      loanAmount,
      debtToCoverArgument: MAX_UINT256,
      sizing: { ...sizing, lenderFee, profit: sizing.proceeds - amounts.debtRepaid - lenderFee },
    };
  }

  /** Sizes one pair with every lender and path; the best net of gas, or why none. */
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
    let unvalued = false;
    const lendersSeen = new Set<string>();
    for (const path of paths) {
      const route: Cycle = { id: "", token: debtAsset, hops: path };
      for (const quote of lenders.quotes(route, v3Pools)) {
        lendersSeen.add(quote.lender);
        let cap = opportunity.amounts.debtRepaid;
        if (quote.available < cap) cap = quote.available;
        if (maxLoan < cap) cap = maxLoan;
        const sized = sizeLiquidation(amountsAt, [path], cap, quote.fee);
        if (sized === undefined) continue;
        const { loanAmount, debtToCoverArgument, sizing } = this.wholeDebtMargin(opportunity, sized, quote);
        if (loanAmount > quote.available || sizing.profit <= 0n) continue;
        // A lender that must hold more than the loan (the PoolManager, when the sale's last pool
        // is one of its own): the loan and the sale's proceeds at once. Not shrunk: skipped.
        if (
          quote.needs !== undefined &&
          quote.needs({ amountIn: loanAmount, amountOut: sizing.proceeds }) > quote.available
        )
          continue;
        const gasUnits = (LIQUIDATION_GAS_BASE[quote.lender] ?? 500_000n) + GAS_PER_HOP * BigInt(path.length);
        const gasWei = gasUnits * gasPrice;
        // Gas in the debt asset through a WETH pool, else through the oracle's dollar prices.
        const weth = book.tokens.WETH;
        const gasUsd6 = usd.toUsd6(weth, gasWei);
        const gasCostInToken =
          convert(pools, weth, debtAsset, gasWei) ??
          (gasUsd6 === undefined ? undefined : usd.fromUsd6(debtAsset, gasUsd6));
        const net = gasCostInToken === undefined ? undefined : sizing.profit - gasCostInToken;
        const netUsd =
          net === undefined
            ? undefined
            : (usd.toUsd6(debtAsset, net) ?? valueIn(pools, debtAsset, book.tokens.USDC, weth, net));
        if (gasCostInToken === undefined || net === undefined || netUsd === undefined) {
          unvalued = true;
          continue;
        }
        if (best === undefined || netUsd > best.netUsd)
          best = {
            user,
            debtAsset,
            collateralAsset,
            healthFactor: opportunity.data.healthFactor,
            sizing,
            loanAmount,
            debtToCoverArgument,
            quote,
            gasUnits,
            gasCostInToken,
            net,
            netUsd,
          };
      }
    }
    if (best !== undefined) return best;
    if (unvalued)
      return { opportunity, lender: "none", reason: "cannot value the gas or the profit in the debt asset" };
    if (lendersSeen.size === 0)
      return { opportunity, lender: "none", reason: "no lender holds the debt asset or may fund this liquidation" };
    return {
      opportunity,
      lender: [...lendersSeen].join("/"),
      reason: "no amount up to the close factor pays after the swap and the lender's fee",
    };
  }
}
