import { Transaction } from "ethers";
import { type RpcTransaction, rawFromRpc } from "../../engine/collect/pending.js";
import type { Upstream } from "../upstream.js";
import type { Bundle, BundleEntry } from "./bundle.js";

/** A transaction of the public mempool, rebuilt from the node's answer. */
export interface PublicTransaction {
  readonly hash: string;
  readonly raw: string;
  readonly from: string;
  readonly nonce: number;
  /** What it pays the block's producer per gas at most (`maxPriorityFeePerGas`, or the legacy price). */
  readonly tip: bigint;
}

/** One transaction's part in a simulated block. */
export interface SimulatedTransaction {
  readonly hash: string;
  /** Absent when the node refused it or left it out of the block. */
  readonly status?: 0 | 1;
  readonly gasUsed?: bigint;
  /** The node's words when it refused the transaction. */
  readonly error?: string;
}

/** A block simulated on top of the head and reverted. */
export interface Simulation {
  readonly transactions: readonly SimulatedTransaction[];
  /** The builder's balance after the block minus before: priority fees plus direct payments. */
  readonly coinbaseDiff: bigint;
  readonly gasUsed: bigint;
  readonly baseFeePerGas: bigint;
}

/** What became of a bundle at a block. */
export type BundleOutcome =
  | { readonly status: "included"; readonly block: number; readonly payment: bigint }
  | { readonly status: "failed"; readonly block: number; readonly reason: string }
  | { readonly status: "outbid"; readonly block: number; readonly reason: string }
  | { readonly status: "cancelled" }
  | { readonly status: "replaced"; readonly by: string }
  | { readonly status: "expired"; readonly block: number };

/** What one block held. */
export interface BuiltBlock {
  readonly number: number;
  readonly hash: string;
  readonly timestamp: number;
  /** Bundles included, in block order. */
  readonly bundles: readonly string[];
  /** Public transactions included after them. */
  readonly publicTransactions: number;
  /** Public transactions the node no longer took (a bundle used their nonce). */
  readonly evicted: readonly string[];
}

/** The node does not keep the order transactions were sent in: a bundle's order cannot be kept. */
export class MempoolOrderError extends Error {
  override readonly name = "MempoolOrderError";
}

/**
 * Checks that `intended` (the bundles' transactions, in order) are the block's first
 * transactions, in that order. A node whose mempool orders by tip could put a backrun before its
 * trigger: the builder stops rather than make such a block.
 */
function keptOrder(block: readonly string[], intended: readonly string[]): void {
  const mined = block.map((h) => h.toLowerCase());
  const included = intended.filter((h) => mined.includes(h));
  const prefix = mined.slice(0, included.length);
  if (prefix.some((h, i) => h !== included[i]))
    throw new MempoolOrderError(
      'The node reordered the bundles\' transactions: start it on a network whose mempool is first-in-first-out (mining.mempool.order: "fifo", the arena network).',
    );
}

function quantity(v: string | undefined): bigint {
  return v === undefined ? 0n : BigInt(v);
}

/**
 * The public transactions in the order a producer paying attention to tips would put them:
 * highest tip first, each sender's transactions in nonce order, ties by arrival.
 */
export function orderByTip(txs: readonly PublicTransaction[]): PublicTransaction[] {
  const bySender = new Map<string, PublicTransaction[]>();
  for (const tx of txs) {
    const list = bySender.get(tx.from) ?? [];
    list.push(tx);
    bySender.set(tx.from, list);
  }
  for (const list of bySender.values()) list.sort((a, b) => a.nonce - b.nonce);
  const arrival = new Map(txs.map((tx, i) => [tx.hash, i]));
  const ordered: PublicTransaction[] = [];
  for (;;) {
    let best: PublicTransaction | undefined;
    for (const list of bySender.values()) {
      const head = list[0];
      if (head === undefined) continue;
      if (
        best === undefined ||
        head.tip > best.tip ||
        (head.tip === best.tip && (arrival.get(head.hash) ?? 0) < (arrival.get(best.hash) ?? 0))
      )
        best = head;
    }
    if (best === undefined) return ordered;
    ordered.push(best);
    bySender.get(best.from)?.shift();
  }
}

/**
 * The block-building half of the local builder, on top of a Hardhat node whose mempool is
 * first-in-first-out and whose automine is off: it owns the node's blocks. Every simulation is a
 * real block mined on a snapshot and reverted, so the chain's own execution decides what a
 * bundle does and what it pays; only `build` leaves a block behind.
 *
 * Not thread-safe by itself: the server runs one simulation or build at a time and holds the
 * other clients' requests meanwhile, so that nobody reads a simulated block.
 */
export class BlockBuilder {
  constructor(
    private readonly node: Upstream,
    /** The builder's fee recipient (`block.coinbase`). */
    readonly coinbase: string,
    /** Seconds between blocks' timestamps. */
    private readonly blockSeconds: number,
  ) {}

  /** Makes the node mine only when told, to `coinbase`. */
  async init(): Promise<void> {
    await this.node.request("evm_setAutomine", [false]);
    await this.node.request("hardhat_setCoinbase", [this.coinbase]);
  }

  /** The head's number and timestamp. */
  async head(): Promise<{ number: number; timestamp: number }> {
    const block = (await this.node.request("eth_getBlockByNumber", ["latest", false])) as {
      number: string;
      timestamp: string;
    };
    return { number: Number(block.number), timestamp: Number(block.timestamp) };
  }

  /** The next block's timestamp: the head's plus the block time. */
  async nextTimestamp(): Promise<number> {
    return (await this.head()).timestamp + this.blockSeconds;
  }

  /** The node's pending transactions, in its (arrival) order. */
  async publicMempool(): Promise<PublicTransaction[]> {
    const pending = (await this.node.request("eth_getBlockByNumber", ["pending", true])) as {
      transactions: RpcTransaction[];
    } | null;
    return (pending?.transactions ?? []).map((t) => ({
      hash: t.hash.toLowerCase(),
      raw: rawFromRpc(t),
      from: t.from.toLowerCase(),
      nonce: Number(t.nonce),
      tip: Number(t.type) >= 2 ? quantity(t.maxPriorityFeePerGas) : quantity(t.gasPrice),
    }));
  }

  /**
   * Mines `txs` alone (the public mempool set aside) on top of the head at `timestamp`, reads
   * what happened, and reverts the chain and the mempool to where they were.
   */
  async simulate(txs: readonly string[], timestamp: number): Promise<Simulation> {
    const snapshot = (await this.node.request("evm_snapshot")) as string;
    try {
      await this.clearMempool();
      return await this.mine(txs, timestamp);
    } finally {
      await this.node.request("evm_revert", [snapshot]);
    }
  }

  /**
   * Resolves a bundle's body against the public mempool: its transactions' signed bytes, or why
   * it cannot be built (a hash the mempool does not have).
   */
  resolve(bundle: Bundle, mempool: ReadonlyMap<string, PublicTransaction>): BundleEntry[] | string {
    const resolved: BundleEntry[] = [];
    for (const entry of bundle.body) {
      if ("raw" in entry) {
        resolved.push(entry);
        continue;
      }
      const found = mempool.get(entry.ref);
      if (found === undefined) return `transaction ${entry.ref} is not in the public mempool`;
      resolved.push({ raw: found.raw, hash: found.hash, canRevert: entry.canRevert });
    }
    return resolved;
  }

  /**
   * Why a bundle's transactions in a simulated block make it invalid, if they do: one left out or
   * refused, or one reverted that the bundle did not allow to revert.
   */
  static invalid(entries: readonly BundleEntry[], sim: Simulation): string | undefined {
    const byHash = new Map(sim.transactions.map((t) => [t.hash, t]));
    for (const entry of entries) {
      const hash = "raw" in entry ? entry.hash : entry.ref;
      const t = byHash.get(hash);
      if (t === undefined || t.status === undefined)
        return `transaction ${hash} was not included: ${t?.error ?? "the node left it out"}`;
      if (t.status === 0 && !entry.canRevert) return `transaction ${hash} reverted`;
    }
    return undefined;
  }

  /**
   * Builds and mines the next block: the bundles in `order` (already chosen and ordered), then
   * the public mempool's other transactions by tip.
   */
  async build(bundles: readonly (readonly BundleEntry[])[], timestamp: number): Promise<BuiltBlock> {
    const mempool = await this.publicMempool();
    await this.clearMempool(mempool);
    const inBundles = new Set(bundles.flat().map((e) => ("raw" in e ? e.hash : e.ref)));
    const evicted: string[] = [];
    for (const entries of bundles)
      for (const e of entries) if ("raw" in e) await this.node.request("eth_sendRawTransaction", [e.raw]);
    let publicCount = 0;
    for (const tx of orderByTip(mempool.filter((t) => !inBundles.has(t.hash)))) {
      try {
        await this.node.request("eth_sendRawTransaction", [tx.raw]);
        publicCount += 1;
      } catch {
        // Its nonce went to a bundle's transaction of the same sender: like any node, the
        // mempool no longer holds it.
        evicted.push(tx.hash);
      }
    }
    await this.node.request("evm_setNextBlockTimestamp", [timestamp]);
    await this.node.request("evm_mine");
    const block = (await this.node.request("eth_getBlockByNumber", ["latest", false])) as {
      number: string;
      hash: string;
      timestamp: string;
      transactions: string[];
    };
    keptOrder(
      block.transactions,
      bundles.flat().map((e) => ("raw" in e ? e.hash : e.ref)),
    );
    return {
      number: Number(block.number),
      hash: block.hash,
      timestamp: Number(block.timestamp),
      bundles: [],
      publicTransactions: publicCount,
      evicted,
    };
  }

  private async clearMempool(mempool?: readonly PublicTransaction[]): Promise<void> {
    for (const tx of mempool ?? (await this.publicMempool()))
      await this.node.request("hardhat_dropTransaction", [tx.hash]);
  }

  private async mine(txs: readonly string[], timestamp: number): Promise<Simulation> {
    const before = quantity((await this.node.request("eth_getBalance", [this.coinbase, "latest"])) as string);
    const sent: SimulatedTransaction[] = [];
    for (const raw of txs) {
      const hash = (Transaction.from(raw).hash as string).toLowerCase();
      try {
        await this.node.request("eth_sendRawTransaction", [raw]);
        sent.push({ hash });
      } catch (error) {
        sent.push({ hash, error: (error as Error).message.split("\n")[0] ?? "refused" });
      }
    }
    await this.node.request("evm_setNextBlockTimestamp", [timestamp]);
    await this.node.request("evm_mine");
    const block = (await this.node.request("eth_getBlockByNumber", ["latest", false])) as {
      gasUsed: string;
      baseFeePerGas?: string;
      transactions: string[];
    };
    keptOrder(
      block.transactions,
      sent.filter((t) => t.error === undefined).map((t) => t.hash),
    );
    const after = quantity((await this.node.request("eth_getBalance", [this.coinbase, "latest"])) as string);
    const transactions: SimulatedTransaction[] = [];
    for (const t of sent) {
      if (t.error !== undefined) {
        transactions.push(t);
        continue;
      }
      const receipt = (await this.node.request("eth_getTransactionReceipt", [t.hash])) as {
        status: string;
        gasUsed: string;
      } | null;
      transactions.push(
        receipt === null
          ? { hash: t.hash, error: "the node left it out of the block" }
          : { hash: t.hash, status: Number(receipt.status) as 0 | 1, gasUsed: BigInt(receipt.gasUsed) },
      );
    }
    return {
      transactions,
      coinbaseDiff: after - before,
      gasUsed: BigInt(block.gasUsed),
      baseFeePerGas: quantity(block.baseFeePerGas),
    };
  }
}
