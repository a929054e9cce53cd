import { type Interface, type Provider, Transaction, type TransactionReceipt } from "ethers";
import type { Address } from "../../addressBook.js";
import type { Logger } from "../log.js";
import type { Records, TradeRecord } from "../record/records.js";
import { bumped, type Sender } from "./sender.js";

/** Replacements at one nonce before the tracker only waits. */
const MAX_ATTEMPTS = 5;
/** Heads, at least, on which a trade's nonce must be seen used by another transaction before it is dropped. */
const DROP_AFTER_CHECKS = 2;

/** Dollar values of token amounts and of ETH, at the oracle's current price. */
export interface Valuer {
  usd6(token: Address, amount: bigint): bigint | undefined;
  ethUsd6(wei: bigint): bigint | undefined;
}

/** What became of a trade when the tracker looked. */
export type TradeOutcome =
  | {
      readonly kind: "mined";
      readonly trade: TradeRecord;
      readonly succeeded: boolean;
      readonly profit: bigint | null;
      readonly gasPaidWei: bigint;
    }
  | { readonly kind: "final"; readonly trade: TradeRecord }
  | { readonly kind: "reorged"; readonly trade: TradeRecord; readonly block: number }
  | { readonly kind: "dropped"; readonly trade: TradeRecord; readonly reason: string }
  | { readonly kind: "replaced"; readonly trade: TradeRecord; readonly hash: string }
  | { readonly kind: "rebroadcast"; readonly trade: TradeRecord; readonly hash: string };

/** The tracker's settings. */
export interface TrackerOptions {
  /** Blocks (counting the trade's own) after which a mined trade is final. */
  readonly confirmations: number;
  /** How long a sent transaction may wait unmined before it is replaced with higher fees. */
  readonly replaceAfterMs: number;
  readonly executor: Address;
  readonly executorInterface: Interface;
  readonly valuer: Valuer;
  readonly log: Logger;
  /**
   * Called for a trade's mined outcome, once per distinct outcome, inside the same records
   * transaction that writes it (the risk guard counts it here, and persists its state there too).
   */
  readonly onMined?: (trade: TradeRecord, succeeded: boolean, gasPaidWei: bigint) => void;
  readonly now?: () => number;
}

/**
 * Follows every trade the chain has not settled, from the records, on every block: a receipt
 * makes it `succeeded` or `reverted` (profit from the `ArbitrageExecuted` event, gas from the
 * receipt); it becomes final after the configured confirmations, checked against the block
 * hash; a trade whose block was reorganised away goes back to `sent`; one whose nonce another
 * transaction used is `dropped`; one unmined past the timeout is replaced at its nonce with
 * higher fees; one the node does not know (never broadcast, or lost) is broadcast again.
 * Everything it decides comes from the chain, so running it after a crash reconciles the records.
 */
export class Tracker {
  /** When each trade's latest transaction was broadcast (this run only). */
  private readonly sentAt = new Map<number, number>();
  /** Per trade: the heads on which its nonce was seen used by another transaction. */
  private readonly dropChecks = new Map<number, Set<number>>();
  private readonly now: () => number;

  constructor(
    private readonly provider: Provider,
    private readonly records: Records,
    private readonly sender: Sender,
    private readonly options: TrackerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Notes that trade `id`'s transaction was just broadcast. */
  sent(id: number): void {
    this.sentAt.set(id, this.now());
  }

  /** Trades signed or sent and not yet mined. */
  inFlight(): TradeRecord[] {
    return this.records.open().filter((t) => t.status === "signed" || t.status === "sent");
  }

  /** The pools of trades in flight: no other trade may use them until those are mined. */
  busyPools(): Set<string> {
    const busy = new Set<string>();
    for (const trade of this.inFlight()) for (const pool of (trade.route ?? "").split(",")) if (pool) busy.add(pool);
    return busy;
  }

  /** Looks at every open trade at `head`; returns what changed. */
  async check(head: number): Promise<TradeOutcome[]> {
    const outcomes: TradeOutcome[] = [];
    for (const trade of this.records.open()) outcomes.push(...(await this.settle(trade, head)));
    return outcomes;
  }

  private async settle(trade: TradeRecord, head: number): Promise<TradeOutcome[]> {
    const attempts = this.records.attempts(trade.id);
    let receipt: TransactionReceipt | null = null;
    for (const attempt of attempts) {
      receipt = await this.provider.getTransactionReceipt(attempt.hash);
      if (receipt !== null) break;
    }
    if (receipt !== null)
      return this.mined(
        trade,
        receipt,
        head,
        attempts.map((a) => a.hash),
      );
    const out: TradeOutcome[] = [];
    let current = trade;
    if (trade.status === "succeeded" || trade.status === "reverted") {
      // Mined before, no receipt now. Only a block that is gone (a shorter chain) or that has
      // another hash is a reorg: a missing receipt alone may be one lost answer.
      const block = trade.minedBlock ?? head;
      const now = head < block ? null : await this.provider.getBlock(block);
      const reorganised = head < block || (now !== null && now.hash !== trade.minedBlockHash);
      if (!reorganised) return out;
      this.records.update(trade.id, {
        status: "sent",
        reason: `its block ${block} was reorganised away; waiting for it to be mined again`,
        minedBlock: null,
        minedBlockHash: null,
        final: false,
        realisedProfit: null,
        realisedProfitUsd6: null,
        gasUsed: null,
        gasPaidWei: null,
        gasPaidUsd6: null,
      });
      this.sender.resetNonce();
      current = this.records.get(trade.id) as TradeRecord;
      out.push({ kind: "reorged", trade: current, block });
    }
    const nonce = current.nonce;
    if (nonce === null || attempts.length === 0) return out;
    const last = attempts[attempts.length - 1] as (typeof attempts)[number];
    if (last.targetBlock !== undefined) {
      // A bundle is never broadcast nor replaced: it waits for its block, and once that block
      // is on the chain without it, it was not included. Its nonce was never used.
      if (head < last.targetBlock) return out;
      // Only a nonce nobody used says the bundle is not in the chain: with it used, a receipt may
      // have been lost on the way (asked again next head), or another transaction took it.
      const used = await this.provider.getTransactionCount(this.sender.address, "latest");
      if (used > nonce) {
        const tx = await this.provider.getTransaction(last.hash);
        if (tx?.blockNumber != null) return out;
        const seen = this.dropChecks.get(trade.id) ?? new Set<number>();
        seen.add(head);
        this.dropChecks.set(trade.id, seen);
        if (seen.size < Math.max(DROP_AFTER_CHECKS, this.options.confirmations)) return out;
      }
      this.dropChecks.delete(trade.id);
      const reason = `bundle for block ${last.targetBlock} not included`;
      const block = await this.provider.getBlock(last.targetBlock);
      this.records.event("bundle_outcome", {
        id: trade.id,
        tx: last.hash,
        targetBlock: last.targetBlock,
        included: false,
        builder: block?.miner ?? null,
      });
      this.records.update(trade.id, { status: "dropped", reason, final: true });
      this.sentAt.delete(trade.id);
      this.sender.resetNonce();
      out.push({ kind: "dropped", trade: this.records.get(trade.id) as TradeRecord, reason });
      return out;
    }
    const used = await this.provider.getTransactionCount(this.sender.address, "latest");
    if (used > nonce) {
      // Another transaction may have taken the nonce, or a receipt was lost on the way: ask for
      // each transaction too (a mined one has a block), and decide only after several heads.
      for (const attempt of attempts) {
        const tx = await this.provider.getTransaction(attempt.hash);
        if (tx?.blockNumber != null) {
          this.dropChecks.delete(trade.id);
          return out;
        }
      }
      const seen = this.dropChecks.get(trade.id) ?? new Set<number>();
      seen.add(head);
      this.dropChecks.set(trade.id, seen);
      if (seen.size >= Math.max(DROP_AFTER_CHECKS, this.options.confirmations)) {
        const reason = `nonce ${nonce} was used by another transaction; none of ${attempts.map((a) => a.hash).join(", ")} was mined`;
        this.records.update(trade.id, { status: "dropped", reason, final: true });
        this.dropChecks.delete(trade.id);
        this.sentAt.delete(trade.id);
        this.sender.resetNonce();
        out.push({ kind: "dropped", trade: this.records.get(trade.id) as TradeRecord, reason });
      }
      return out;
    }
    this.dropChecks.delete(trade.id);
    const latest = attempts[attempts.length - 1] as (typeof attempts)[number];
    if ((await this.provider.getTransaction(latest.hash)) === null) {
      // The node does not have it: never broadcast (a crash after signing), or lost (a reorg, a
      // restarted node's mempool). It was meant to be sent; its profit floor still guards it.
      const result = await this.sender.rebroadcast(latest.rawTx);
      if (result.status === "sent") {
        if (current.status !== "sent") this.records.update(trade.id, { status: "sent" });
        this.sentAt.set(trade.id, this.now());
        out.push({ kind: "rebroadcast", trade: current, hash: latest.hash });
        return out;
      }
      // Refused (its fees below the base fee now, say): it is replaced with higher fees below
      // once the timeout has passed, instead of being offered as it is forever.
      this.options.log.warn("rebroadcast_failed", { id: trade.id, tx: latest.hash, reason: result.reason });
    } else if (current.status === "signed") {
      this.records.update(trade.id, { status: "sent" });
    }
    const since = this.sentAt.get(trade.id);
    if (since === undefined) {
      this.sentAt.set(trade.id, this.now());
    } else if (this.now() - since >= this.options.replaceAfterMs && attempts.length < MAX_ATTEMPTS) {
      const before = Transaction.from(latest.rawTx);
      const result = await this.sender.replace(trade.id, nonce, {
        to: before.to as string,
        data: before.data,
        gasLimit: before.gasLimit,
        maxFeePerGas: bumped(latest.maxFeePerGas),
        maxPriorityFeePerGas: bumped(latest.maxPriorityFeePerGas),
      });
      this.sentAt.set(trade.id, this.now());
      if (result.status === "sent" && current.status === "signed") this.records.update(trade.id, { status: "sent" });
      if (result.status === "sent" || result.status === "unknown")
        out.push({ kind: "replaced", trade: current, hash: result.hash });
    }
    return out;
  }

  private async mined(
    trade: TradeRecord,
    receipt: TransactionReceipt,
    head: number,
    hashes: readonly string[],
  ): Promise<TradeOutcome[]> {
    const out: TradeOutcome[] = [];
    const succeeded = receipt.status === 1;
    const status = succeeded ? "succeeded" : "reverted";
    const sameAsRecorded =
      (trade.status === "succeeded" || trade.status === "reverted") &&
      trade.minedBlockHash === receipt.blockHash &&
      trade.txHash === receipt.hash;
    if (!sameAsRecorded) {
      const profit = succeeded ? this.profitOf(receipt) : null;
      const gasPaidWei = receipt.gasUsed * receipt.gasPrice;
      const token = (trade.tokenAddress ?? "") as Address;
      // The outcome and its count by the risk guard in one transaction; a trade mined again after
      // a reorg with the outcome already counted is not counted twice.
      const counts = trade.riskCounted !== status;
      const updated = this.records.atomically(() => {
        this.records.update(trade.id, {
          status,
          reason: succeeded ? null : "the transaction reverted on chain",
          txHash: receipt.hash,
          minedBlock: receipt.blockNumber,
          minedBlockHash: receipt.blockHash,
          final: false,
          realisedProfit: profit,
          realisedProfitUsd6: profit === null ? null : (this.options.valuer.usd6(token, profit) ?? null),
          gasUsed: receipt.gasUsed,
          gasPaidWei,
          gasPaidUsd6: this.options.valuer.ethUsd6(gasPaidWei) ?? null,
          replacedHashes: hashes.filter((h) => h !== receipt.hash),
          riskCounted: status,
        });
        const row = this.records.get(trade.id) as TradeRecord;
        if (counts) this.options.onMined?.(row, succeeded, gasPaidWei);
        return row;
      });
      this.sentAt.delete(trade.id);
      this.dropChecks.delete(trade.id);
      const bundled = this.records.attempts(trade.id).find((a) => a.hash === receipt.hash)?.targetBlock;
      if (bundled !== undefined && trade.minedBlockHash !== receipt.blockHash) {
        // Which builder made the block that included it, and where in the block it sat.
        const block = await this.provider.getBlock(receipt.blockNumber);
        this.records.event("bundle_outcome", {
          id: trade.id,
          tx: receipt.hash,
          targetBlock: bundled,
          included: true,
          block: receipt.blockNumber,
          position: receipt.index,
          builder: block?.miner ?? null,
        });
      }
      if (counts) out.push({ kind: "mined", trade: updated, succeeded, profit, gasPaidWei });
    }
    if (head - receipt.blockNumber + 1 >= this.options.confirmations) {
      const block = await this.provider.getBlock(receipt.blockNumber);
      if (block?.hash === receipt.blockHash) {
        this.records.update(trade.id, { status, final: true });
        out.push({ kind: "final", trade: this.records.get(trade.id) as TradeRecord });
      }
    }
    return out;
  }

  /**
   * The profit in the executor's `ArbitrageExecuted` or `LiquidationExecuted` event: measured on
   * chain from balances.
   */
  private profitOf(receipt: TransactionReceipt): bigint | null {
    for (const entry of receipt.logs) {
      if (entry.address.toLowerCase() !== this.options.executor.toLowerCase()) continue;
      const parsed = this.options.executorInterface.parseLog(entry);
      if (parsed?.name === "ArbitrageExecuted" || parsed?.name === "LiquidationExecuted")
        return parsed.args.profit as bigint;
    }
    return null;
  }
}
