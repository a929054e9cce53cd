import type { Provider } from "ethers";
import type { Address } from "../../addressBook.js";
import { type AaveEModeCategory, type AaveReserve, type AccountData, debtOf, reserveParams } from "./accountData.js";
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

  constructor(
    private readonly provider: Provider,
    private readonly source: AaveMarketSource,
    /** Blocks per log query, as the RPC provider allows. */
    private readonly pageBlocks = 10_000,
  ) {}

  /** How many positions are tracked. */
  get tracked(): number {
    return this.book?.size ?? 0;
  }

  /** Reads every borrower since `fromBlock` (the Pool's deployment) up to `block`. */
  async start(fromBlock: number, block: number): Promise<void> {
    const reserves = await readReserves(this.provider, this.source, block);
    this.book = new PositionBook(reserves, this.eModes);
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
    if (block > this.lastBlock)
      await this.reread(
        await changedPositions(this.provider, this.source.pool, this.lastBlock + 1, block, this.pageBlocks),
        reserves,
        block,
      );
    this.lastBlock = block;
    const header = await this.provider.getBlock(block);
    if (header === null) throw new Error(`block ${block} is not on the chain`);
    const now = BigInt(header.timestamp);
    const found: LiquidationOpportunity[] = [];
    for (const { user, data } of book.newlyLiquidatable(now)) {
      const best = this.bestPair(reserves, user, data, now);
      if (best !== undefined) found.push(best);
    }
    return found;
  }

  /** The (debt, collateral) pair whose liquidation now pays the largest bonus, at the Pool's arithmetic. */
  private bestPair(
    reserves: Map<number, AaveReserve>,
    user: Address,
    data: AccountData,
    now: bigint,
  ): LiquidationOpportunity | undefined {
    const position = this.book?.get(user);
    if (position === undefined) return undefined;
    let best: LiquidationOpportunity | undefined;
    for (const debt of reserves.values()) {
      if (debtOf(position, debt, now) === 0n) continue;
      for (const collateral of reserves.values()) {
        const amounts = liquidationAmounts(reserves, position, debt, collateral, (1n << 256n) - 1n, now, this.eModes);
        if (amounts === undefined) continue;
        const value = (amount: bigint, reserve: AaveReserve) =>
          (amount * reserve.price) / 10n ** reserveParams(reserve.configuration).decimals;
        const bonusBase = value(amounts.collateralSeized, collateral) - value(amounts.debtRepaid, debt);
        if (best === undefined || bonusBase > best.bonusBase)
          best = { user, data, debtAsset: debt.asset, collateralAsset: collateral.asset, amounts, bonusBase };
      }
    }
    return best;
  }

  private async reread(users: readonly Address[], reserves: Map<number, AaveReserve>, block: number): Promise<void> {
    const book = this.book as PositionBook;
    for (const user of users) {
      const position = await readPosition(this.provider, this.source, reserves, user, block);
      if (position.eModeCategory !== 0 && !this.eModes.has(position.eModeCategory))
        for (const [id, category] of await readEModeCategories(
          this.provider,
          this.source,
          [position.eModeCategory],
          block,
        ))
          this.eModes.set(id, category);
      book.set(position);
    }
  }
}
