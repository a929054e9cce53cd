import type { Provider } from "ethers";
import type { Address } from "../../addressBook.js";
import type { Logger } from "../log.js";
import type { Lenders } from "../strategy/lenders.js";
import type { MarketPool } from "../venues/pools.js";
import type { Market, Unreadable } from "./market.js";
import type { UsdPrices } from "./oraclePrices.js";

/** A new block as collection hands it on: the pools whose state changed, read at that block. */
export interface CollectedBlock {
  readonly head: number;
  readonly baseFeePerGas: bigint;
  readonly changed: Address[];
  /**
   * Whether everything was read again (the first block, after a reorg or a failed block): state
   * kept from earlier blocks may be wrong.
   */
  readonly resynced: boolean;
  /** When the last block handled was no longer on the chain: that block. */
  readonly reorgedFrom?: number;
}

/** What collection reads and where it reports. */
export interface BlockCollectorDeps {
  readonly provider: Provider;
  readonly market: Market;
  readonly lenders: Lenders;
  readonly usd: UsdPrices;
  readonly baseTokens: readonly Address[];
  readonly weth: Address | undefined;
  readonly verifyEveryBlocks: number;
  readonly log: Logger;
  /**
   * Called when the last block handled is no longer on the chain, before every pool is read
   * again (the service checks the chain is still the same one; it may throw to stop).
   */
  readonly onReorg?: (info: { readonly block: number; readonly head: number }) => Promise<void>;
}

/**
 * Collection, block by block: the pools that emitted logs since the last block handled are read
 * again at the new block, with the lenders' balances and the oracle's prices. When the last
 * block handled is no longer on the chain (a reorg), the logs read may be gone or different, so
 * every pool is read again; every `verifyEveryBlocks` all of them are, and any difference is
 * repaired and reported; after a block whose handling failed part-way, all of them are too.
 */
export class BlockCollector {
  private lastBlock: number | undefined;
  private lastHash: string | undefined;
  private lastVerified: number | undefined;
  private resync = false;

  constructor(private readonly deps: BlockCollectorDeps) {}

  /** The last block collected, if any. */
  get lastHandled(): number | undefined {
    return this.lastBlock;
  }

  /** Reads every pool, lender and price once, in full (the long read of a start). */
  async start(): Promise<void> {
    const { market, log } = this.deps;
    const reading = performance.now();
    log.info("reading_pools", { pools: market.pools.size, note: "every pool in full, once" });
    this.reportUnreadable(await market.loadAll());
    log.info("pools_read", { pools: market.pools.size, ms: Math.round(performance.now() - reading) });
    await this.refreshReads();
  }

  /** Makes the next block read every pool again (the last one's handling failed part-way). */
  resyncNext(): void {
    this.resync = true;
  }

  /** Collects `blockNumber` (default: the latest); undefined when it was collected already. */
  async next(blockNumber?: number): Promise<CollectedBlock | undefined> {
    const { provider, market, log } = this.deps;
    const resync = this.resync;
    this.resync = false;
    const block = await provider.getBlock(blockNumber ?? "latest");
    if (block === null || block.hash === null) {
      this.resync ||= resync;
      return undefined;
    }
    const head = block.number;
    let reorged = false;
    const first = this.lastBlock === undefined;
    let reorgedFrom: number | undefined;
    if (this.lastBlock !== undefined) {
      // Asked twice when missing: one lost answer must not look like a reorg.
      let ours = head === this.lastBlock ? block : await provider.getBlock(this.lastBlock);
      if (ours === null) ours = await provider.getBlock(this.lastBlock);
      if (ours?.hash !== this.lastHash) {
        reorged = true;
        reorgedFrom = this.lastBlock;
        log.warn("reorg_detected", { block: this.lastBlock, had: this.lastHash, now: ours?.hash ?? null, head });
        await this.deps.onReorg?.({ block: this.lastBlock, head });
      } else if (head === this.lastBlock && !resync) {
        return undefined;
      }
    }
    const { changed, priceOnly } =
      this.lastBlock === undefined || reorged || resync
        ? { changed: [...market.pools.keys()], priceOnly: new Set<Address>() }
        : await market.changedBetween(this.lastBlock + 1, head);
    this.lastBlock = head;
    this.lastHash = block.hash;
    this.lastVerified ??= head;
    if (head - this.lastVerified >= this.deps.verifyEveryBlocks) {
      this.lastVerified = head;
      // Pools with logs since the last block handled changed for a known reason; only a
      // difference in any other pool means the view had drifted.
      const drifted = (await market.verify(head)).filter((a) => !changed.includes(a));
      if (drifted.length > 0) {
        log.warn("state_resynced", { block: head, pools: drifted });
        changed.push(...drifted);
      }
    }
    if (changed.length > 0) {
      this.reportUnreadable(await market.refresh(changed, head, priceOnly));
      await this.refreshReads();
    }
    return {
      head,
      baseFeePerGas: block.baseFeePerGas ?? 0n,
      changed,
      resynced: first || reorged || resync,
      ...(reorgedFrom === undefined ? {} : { reorgedFrom }),
    };
  }

  /** The lenders' balances and fees, and the oracle's prices. */
  private async refreshReads(): Promise<void> {
    const { lenders, usd, baseTokens, weth, market } = this.deps;
    const v3 = [...market.pools.values()].filter(
      (p): p is MarketPool & { kind: "uniswapV3" } => p.kind === "uniswapV3",
    );
    await lenders.refresh(baseTokens, v3);
    await usd.refresh([...new Set([...baseTokens, ...(weth === undefined ? [] : [weth])])]);
  }

  /** Logs the pools that could not be read: they are left out until a later read succeeds. */
  private reportUnreadable(unreadable: readonly Unreadable[]): void {
    for (const { address, reason } of unreadable)
      this.deps.log.warn("pool_unreadable", { pool: address, reason, action: "left out until it reads again" });
  }
}
