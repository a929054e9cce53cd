import { Transaction } from "ethers";

/** A transaction as the node returns it (`eth_getTransactionByHash`, a block with full transactions). */
export interface RpcTransaction {
  readonly hash: string;
  readonly from: string;
  readonly nonce: string;
  readonly to: string | null;
  readonly value: string;
  readonly input: string;
  readonly gas: string;
  readonly type: string;
  readonly chainId?: string;
  readonly gasPrice?: string;
  readonly maxFeePerGas?: string;
  readonly maxPriorityFeePerGas?: string;
  readonly accessList?: readonly { address: string; storageKeys: string[] }[];
  readonly r: string;
  readonly s: string;
  readonly v: string;
  readonly yParity?: string;
}

function q(v: string | undefined): bigint {
  return v === undefined ? 0n : BigInt(v);
}

/** Rebuilds the signed bytes of a transaction from the node's JSON answer. */
export function rawFromRpc(t: RpcTransaction): string {
  const type = Number(t.type);
  const tx = Transaction.from({
    type,
    ...(t.chainId === undefined ? {} : { chainId: BigInt(t.chainId) }),
    nonce: Number(t.nonce),
    to: t.to,
    value: q(t.value),
    data: t.input,
    gasLimit: q(t.gas),
    ...(type >= 2
      ? { maxFeePerGas: q(t.maxFeePerGas), maxPriorityFeePerGas: q(t.maxPriorityFeePerGas) }
      : { gasPrice: q(t.gasPrice) }),
    ...(type >= 1 ? { accessList: (t.accessList ?? []).map((a) => ({ ...a })) } : {}),
    signature: { r: t.r, s: t.s, ...(type >= 1 ? { yParity: Number(t.yParity ?? t.v) as 0 | 1 } : { v: Number(t.v) }) },
  });
  return tx.serialized;
}

/** A transaction waiting in the node's mempool. */
export interface PendingTransaction {
  readonly hash: string;
  /** Its signed bytes, rebuilt from the node's answer: a bundle can carry it. */
  readonly raw: string;
  readonly from: string;
  readonly to: string | null;
  readonly data: string;
  readonly nonce: number;
}

/** A node's JSON-RPC, as far as the pending-transaction filter needs it. */
export interface PendingRpc {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** How many hashes are remembered as already seen (the latest). */
const SEEN_LIMIT = 10_000;

/**
 * The node's new pending transactions, through a pending-transaction filter
 * (`eth_newPendingTransactionFilter`, then `eth_getFilterChanges`): each poll returns the
 * transactions that arrived since the last one and are still unmined. A filter the node forgot
 * (a restart, a timeout) is made again; what arrived meanwhile is missed, as a live node's
 * mempool would have let it pass.
 */
export class PendingTransactions {
  private filter: string | undefined;
  private readonly seen = new Set<string>();

  constructor(private readonly rpc: PendingRpc) {}

  /** Installs the filter: transactions from now on are reported. */
  async start(): Promise<void> {
    this.filter = (await this.rpc.send("eth_newPendingTransactionFilter", [])) as string;
  }

  /** The transactions that arrived since the last poll, oldest first. */
  async poll(): Promise<PendingTransaction[]> {
    if (this.filter === undefined) await this.start();
    let hashes: string[];
    try {
      hashes = (await this.rpc.send("eth_getFilterChanges", [this.filter])) as string[];
    } catch {
      this.filter = undefined;
      return [];
    }
    const out: PendingTransaction[] = [];
    for (const hash of hashes) {
      const key = hash.toLowerCase();
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as string);
      const tx = (await this.rpc.send("eth_getTransactionByHash", [hash])) as
        | (RpcTransaction & { blockNumber: string | null })
        | null;
      if (tx === null || tx.blockNumber !== null) continue;
      out.push({
        hash: key,
        raw: rawFromRpc(tx),
        from: tx.from.toLowerCase(),
        to: tx.to?.toLowerCase() ?? null,
        data: tx.input,
        nonce: Number(tx.nonce),
      });
    }
    return out;
  }
}
