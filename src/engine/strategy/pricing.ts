import type { Address, AddressBook } from "../../addressBook.js";
import type { Market } from "../collect/market.js";
import type { UsdPrices } from "../collect/oraclePrices.js";
import { type EngineConfig, toUnits } from "../config.js";
import type { EngineStats } from "../engine.js";
import type { Logger } from "../log.js";
import type { Records } from "../record/records.js";
import { type MarketPool, poolName } from "../venues/pools.js";
import type { Candidate } from "./candidate.js";
import type { Cycle } from "./cycles.js";
import type { LenderQuote, Lenders } from "./lenders.js";
import { convert, valueIn } from "./poolPrices.js";
import { type Sizing, sizeCycle } from "./size.js";

/** Gas a trade costs, by lender, plus per hop: only to price candidates before simulation. */
export const GAS_BASE: Record<string, bigint> = {
  // A V4 loan measures about 950 gas less than a Morpho one (snapshots/gas.json, v2-v2:
  // 218,964 against 219,911), so where both hold enough the PoolManager lends.
  UniswapV4: 119_000n,
  MorphoBlue: 120_000n,
  BalancerV2: 130_000n,
  UniswapV3: 155_000n,
  AaveV3: 220_000n,
};
export const GAS_PER_HOP = 55_000n;
/**
 * The cheapest trade there is on a chain, a lower bound to filter by: the cheapest lender the
 * book has (a Uniswap V3 pool lends everywhere) and two hops.
 */
export function cheapestTradeGas(book: AddressBook): bigint {
  const present = [
    "UniswapV3",
    ...(book.balancerV2 === undefined ? [] : ["BalancerV2"]),
    ...(book.morphoBlue === undefined ? [] : ["MorphoBlue"]),
    ...(book.uniswapV4 === undefined ? [] : ["UniswapV4"]),
    ...(book.aaveV3 === undefined ? [] : ["AaveV3"]),
  ];
  const bases = present.map((lender) => GAS_BASE[lender] as bigint).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return (bases[0] as bigint) + 2n * GAS_PER_HOP;
}

/**
 * The cycle sized exactly for one lender: up to what it holds and `maxLoan`; for a lender that
 * must hold more than the loan (`LenderQuote.needs`), the largest size whose need fits what it
 * holds, by bisection on the loan (the need grows with the loan); none fits: undefined.
 */
export function sizeForLender(cycle: Cycle, quote: LenderQuote, maxLoan: bigint): Sizing | undefined {
  const cap = quote.available < maxLoan ? quote.available : maxLoan;
  const sizing = sizeCycle(cycle, cap, quote.fee);
  const needs = quote.needs;
  if (sizing === undefined || needs === undefined || needs(sizing) <= quote.available) return sizing;
  let fits: Sizing | undefined;
  let lo = 0n;
  let hi = sizing.amountIn;
  // Each round halves the range; 128 rounds cover any uint128 amount.
  for (let round = 0; round < 128 && hi - lo > 1n; round++) {
    const mid = (lo + hi) / 2n;
    const tried = sizeCycle(cycle, mid, quote.fee);
    if (tried !== undefined && needs(tried) <= quote.available) {
      fits = tried;
      lo = mid;
    } else hi = mid;
  }
  return fits;
}

/** What pricing reads: the collector's pools, lenders and oracle, and where drops are recorded. */
export interface CandidatePricerDeps {
  readonly market: Market;
  readonly lenders: Lenders;
  readonly usd: UsdPrices;
  readonly book: AddressBook;
  readonly config: EngineConfig;
  readonly records: Records;
  readonly log: Logger;
  readonly symbols: Readonly<Record<Address, string>>;
  readonly stats: EngineStats;
}

/**
 * Strategy's last step: turns cycles into candidates. Each cycle is sized exactly with every
 * lender that can fund it (up to the loan cap in dollars at the oracle's price), costed in gas
 * at the block's fees and valued in dollars; the best net of gas wins. A cycle no lender can
 * fund, or that no size makes pay after the lender's fee, is recorded as dropped with why.
 */
export class CandidatePricer {
  constructor(private readonly deps: CandidatePricerDeps) {}

  private get v3Pools(): MarketPool[] {
    return [...this.deps.market.pools.values()].filter((p) => p.kind === "uniswapV3");
  }

  /**
   * Sizes every cycle with each lender that can fund it and returns the most profitable net of
   * gas; a cycle that no lender can fund, or that no size makes profitable once the lender's fee
   * is paid, is recorded as dropped with the reason.
   */
  /**
   * @param score What "best" means: the net dollar value by default; the expected value under
   *   the landing model when one is loaded.
   */
  best(
    cycles: readonly Cycle[],
    gasPrice: bigint,
    block: number,
    score?: (c: Candidate) => number,
  ): Candidate | undefined {
    const { book, config } = this.deps;
    const pools = [...this.deps.market.pools.values()];
    let best: Candidate | undefined;
    for (const cycle of cycles) {
      const maxLoanUsd6 = toUnits(config.maxLoanUsd, 6);
      const maxLoan =
        this.deps.usd.fromUsd6(cycle.token, maxLoanUsd6) ??
        valueIn(pools, book.tokens.USDC, cycle.token, book.tokens.WETH, maxLoanUsd6);
      const quotes = this.deps.lenders.quotes(cycle, this.v3Pools);
      if (maxLoan === undefined || maxLoan <= 0n) {
        const why =
          maxLoan === undefined ? "cannot value maxLoanUsd in this token" : "maxLoanUsd is under one base unit";
        this.drop(cycle, block, "none", why);
        continue;
      }
      if (quotes.length === 0) {
        this.drop(cycle, block, "none", "no lender holds this token or may fund this cycle");
        continue;
      }
      let sized = false;
      for (const quote of quotes) {
        const sizing = sizeForLender(cycle, quote, maxLoan);
        if (sizing === undefined) continue;
        sized = true;
        const gasUnits = (GAS_BASE[quote.lender] ?? 200_000n) + GAS_PER_HOP * BigInt(cycle.hops.length);
        const gasCostInToken = convert(pools, book.tokens.WETH, cycle.token, gasUnits * gasPrice) ?? 0n;
        const net = sizing.profit - gasCostInToken;
        const netUsd =
          this.deps.usd.toUsd6(cycle.token, net) ??
          valueIn(pools, cycle.token, book.tokens.USDC, book.tokens.WETH, net) ??
          net;
        const candidate = { cycle, quote, sizing, gasUnits, gasCostInToken, net, netUsd };
        const better =
          best === undefined || (score === undefined ? candidate.netUsd > best.netUsd : score(candidate) > score(best));
        if (better) best = candidate;
      }
      if (!sized)
        this.drop(
          cycle,
          block,
          quotes.map((q) => q.lender).join("/"),
          "no size up to the loan cap is profitable after the lender's fee",
        );
    }
    return best;
  }

  /** Records a cycle dropped before it had a size. */
  private drop(cycle: Cycle, block: number, lender: string, reason: string): void {
    const { records, log, symbols } = this.deps;
    const row = {
      block,
      cycle: cycle.hops.map((h) => poolName(h.pool, this.deps.symbols)).join(" > "),
      route: cycle.hops.map((h) => h.pool.address).join(","),
      token: symbols[cycle.token] ?? cycle.token,
      tokenAddress: cycle.token,
      amountIn: 0n,
      lender,
      expectedProfit: 0n,
      gasCost: 0n,
    };
    this.deps.stats.filtered[reason] = (this.deps.stats.filtered[reason] ?? 0) + 1;
    records.add({ ...row, status: "filtered", reason });
    log.info("opportunity_filtered", { ...row, reason });
  }
}
