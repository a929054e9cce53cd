import type { Provider } from "ethers";
import type { Address } from "../../addressBook.js";
import {
  type AaveEModeCategory,
  type AaveReserve,
  type AaveRules,
  type AccountData,
  accountData,
  collateralOf,
  debtOf,
  reserveParams,
} from "./accountData.js";
import { changedPositions } from "./borrowers.js";
import { type LiquidationAmounts, liquidationAmounts } from "./liquidationAmounts.js";
import { type AaveMarketSource, readEModeCategories, readPosition, readReserves } from "./market.js";
import { PositionBook } from "./positionBook.js";

/** A position under a health factor of one and the liquidation of it that pays the most bonus. */
export interface LiquidationOpportunity {
  readonly user: Address;
  readonly data: AccountData;
  readonly debtAsset: Address;
  readonly collateralAsset: Address;
  readonly amounts: LiquidationAmounts;
  /** The bonus in the base currency: collateral seized less debt repaid, at the oracle's prices. */
  readonly bonusBase: bigint;
}

/**
 * Keeps every borrower of one Aave V3 market current, block by block: the users named by the
 * Pool's events since the last block are read again, every reserve's indexes and price are read
 * again, and the positions a block has just put under one are returned with the pair of debt
 * and collateral whose liquidation pays the most.
 */
export class LiquidationWatcher {
  private book: PositionBook | undefined;
  private lastBlock = -1;
  /** The efficiency mode categories of the users tracked, read as users in them appear. */
  private readonly eModes = new Map<number, AaveEModeCategory>();
  /** The reserves and the block time of the last block handled. */
  private reserves = new Map<number, AaveReserve>();
  private now = 0n;
  /** The block each user's position was last read because of an event. */
  private readonly readAt = new Map<Address, number>();
  /** Users to read again at the next block whatever the events say (after a reorg). */
  private readonly stale = new Set<Address>();
  /** Users in an efficiency mode on a v3.6 market, whose arithmetic is not modelled: not tracked. */
  private readonly unmodelledUsers = new Set<Address>();

  constructor(
    private readonly provider: Provider,
    private readonly source: AaveMarketSource,
    /** Blocks per log query, as the RPC provider allows. */
    private readonly pageBlocks = 10_000,
    /** The market's Aave version: whose arithmetic and liquidation rules apply. */
    readonly rules: AaveRules = "3.0",
  ) {}

  /** How many positions are tracked. */
  get tracked(): number {
    return this.book?.size ?? 0;
  }

  /** How many borrowers are left out because their efficiency mode is not modelled (v3.6 markets). */
  get unmodelled(): number {
    return this.unmodelledUsers.size;
  }

  /** A user's debt in `debtAsset` and collateral in `collateralAsset`, at the last block's time. */
  balancesOf(user: Address, debtAsset: Address, collateralAsset: Address): { debt: bigint; collateral: bigint } {
    const position = this.book?.get(user);
    const reserves = [...this.reserves.values()];
    const debt = reserves.find((r) => r.asset === debtAsset);
    const collateral = reserves.find((r) => r.asset === collateralAsset);
    if (position === undefined || debt === undefined || collateral === undefined) return { debt: 0n, collateral: 0n };
    return {
      debt: debtOf(position, debt, this.now, this.rules),
      collateral: collateralOf(position, collateral, this.now, this.rules),
    };
  }

  /** Reads every borrower since `fromBlock` (the Pool's deployment) up to `block`. */
  async start(fromBlock: number, block: number): Promise<void> {
    const reserves = await readReserves(this.provider, this.source, block);
    this.reserves = reserves;
    this.book = new PositionBook(reserves, this.eModes, this.rules);
    await this.reread(
      await changedPositions(this.provider, this.source.pool, fromBlock, block, this.pageBlocks),
      reserves,
      block,
    );
    this.lastBlock = block;
  }

  /** Handles a new block: what it changed, then the positions it put under one. */
  async onBlock(block: number): Promise<LiquidationOpportunity[]> {
    const book = this.book;
    if (book === undefined) throw new Error("LiquidationWatcher.onBlock before start");
    const reserves = await readReserves(this.provider, this.source, block);
    for (const reserve of reserves.values()) book.updateReserve(reserve);
    const changed = new Set(this.stale);
    if (block > this.lastBlock)
      for (const user of await changedPositions(
        this.provider,
        this.source.pool,
        this.lastBlock + 1,
        block,
        this.pageBlocks,
      ))
        changed.add(user);
    await this.reread([...changed], reserves, block);
    // Only once they are read: a block whose reads fail leaves them to the next.
    this.stale.clear();
    this.lastBlock = block;
    const header = await this.provider.getBlock(block);
    if (header === null) throw new Error(`block ${block} is not on the chain`);
    const now = BigInt(header.timestamp);
    this.reserves = reserves;
    this.now = now;
    const found: LiquidationOpportunity[] = [];
    for (const { user, data } of book.newlyLiquidatable(now)) {
      const best = this.bestPair(reserves, user, data, now);
      if (best !== undefined) found.push(best);
    }
    return found;
  }

  /**
   * After a reorg that may reach back to `fromBlock`: every position read because of an event at
   * or after it is read again at the next block, and the events from it are read again.
   */
  rewind(fromBlock: number): void {
    for (const [user, at] of this.readAt) if (at >= fromBlock) this.stale.add(user);
    if (this.lastBlock >= fromBlock) this.lastBlock = fromBlock - 1;
  }

  /**
   * The position of `user` as the last block left it, if still under one: its best pair now
   * (a position seen before and not yet liquidated is judged again each block this way).
   */
  current(user: Address): LiquidationOpportunity | undefined {
    const position = this.book?.get(user);
    if (position === undefined) return undefined;
    const data = accountData(this.reserves, position, this.now, this.eModes, this.rules);
    if (data.healthFactor >= 10n ** 18n) return undefined;
    return this.bestPair(this.reserves, user, data, this.now);
  }

  /**
   * What `liquidationCall(collateralAsset, debtAsset, user, debtToCover)` does at the last block's
   * state and time, at the Pool's arithmetic; undefined where the Pool would refuse it.
   */
  amountsFor(
    user: Address,
    debtAsset: Address,
    collateralAsset: Address,
    debtToCover: bigint,
  ): LiquidationAmounts | undefined {
    const position = this.book?.get(user);
    const reserves = [...this.reserves.values()];
    const debt = reserves.find((r) => r.asset === debtAsset);
    const collateral = reserves.find((r) => r.asset === collateralAsset);
    if (position === undefined || debt === undefined || collateral === undefined) return undefined;
    return liquidationAmounts(
      this.reserves,
      position,
      debt,
      collateral,
      debtToCover,
      this.now,
      this.eModes,
      this.rules,
    );
  }

  /** The reserve assets of the market, as last read. */
  get assets(): Address[] {
    return [...this.reserves.values()].map((r) => r.asset);
  }

  /** The (debt, collateral) pair whose liquidation now pays the largest bonus, at the Pool's arithmetic. */
  private bestPair(
    reserves: Map<number, AaveReserve>,
    user: Address,
    data: AccountData,
    now: bigint,
  ): LiquidationOpportunity | undefined {
    return this.pairsOf(reserves, user, data, now)[0];
  }

  /** Every (debt, collateral) pair the Pool would liquidate, the largest bonus first. */
  private pairsOf(
    reserves: Map<number, AaveReserve>,
    user: Address,
    data: AccountData,
    now: bigint,
  ): LiquidationOpportunity[] {
    const position = this.book?.get(user);
    if (position === undefined) return [];
    const pairs: LiquidationOpportunity[] = [];
    for (const debt of reserves.values()) {
      if (debtOf(position, debt, now, this.rules) === 0n) continue;
      for (const collateral of reserves.values()) {
        const amounts = liquidationAmounts(
          reserves,
          position,
          debt,
          collateral,
          (1n << 256n) - 1n,
          now,
          this.eModes,
          this.rules,
        );
        if (amounts === undefined) continue;
        const value = (amount: bigint, reserve: AaveReserve) =>
          (amount * reserve.price) / 10n ** reserveParams(reserve.configuration).decimals;
        const bonusBase = value(amounts.collateralSeized, collateral) - value(amounts.debtRepaid, debt);
        pairs.push({ user, data, debtAsset: debt.asset, collateralAsset: collateral.asset, amounts, bonusBase });
      }
    }
    return pairs.sort((a, b) => (a.bonusBase > b.bonusBase ? -1 : a.bonusBase < b.bonusBase ? 1 : 0));
  }

  /**
   * Every pair by which `user`'s position can be liquidated as the last block left it, the
   * largest bonus first; none when it is no longer under one.
   */
  pairs(user: Address): LiquidationOpportunity[] {
    const position = this.book?.get(user);
    if (position === undefined) return [];
    const data = accountData(this.reserves, position, this.now, this.eModes, this.rules);
    if (data.healthFactor >= 10n ** 18n) return [];
    return this.pairsOf(this.reserves, user, data, this.now);
  }

  private async reread(users: readonly Address[], reserves: Map<number, AaveReserve>, block: number): Promise<void> {
    const book = this.book as PositionBook;
    for (const user of users) {
      const position = await readPosition(this.provider, this.source, reserves, user, block);
      this.readAt.set(user, block);
      if (this.rules === "3.6" && position.eModeCategory !== 0) {
        // v3.2's efficiency modes (bitmaps of reserves) are not modelled: the user is not
        // tracked rather than valued wrongly.
        this.unmodelledUsers.add(user);
        book.set({
          ...position,
          configuration: 0n,
          eModeCategory: 0,
          scaledCollateral: new Map(),
          scaledVariableDebt: new Map(),
          stableDebt: new Map(),
        });
        continue;
      }
      if (position.eModeCategory !== 0 && !this.eModes.has(position.eModeCategory))
        for (const [id, category] of await readEModeCategories(
          this.provider,
          this.source,
          [position.eModeCategory],
          block,
        ))
          this.eModes.set(id, category);
      this.unmodelledUsers.delete(user);
      book.set(position);
    }
  }
}
