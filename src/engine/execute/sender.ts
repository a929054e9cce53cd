import { type Provider, Transaction, type TransactionRequest } from "ethers";
import { RpcUnavailableError } from "../collect/rpc.js";
import type { Records } from "../record/records.js";

/** A key that signs locally: the raw transaction must exist before it is broadcast. */
export interface LocalSigner {
  readonly address: string;
  signTransaction(tx: TransactionRequest): Promise<string>;
}

/** What the engine asks to send: the call and its fees; the nonce is the sender's. */
export interface TradeTransaction {
  readonly to: string;
  readonly data: string;
  readonly gasLimit: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

/**
 * The outcome of one send: `sent` (the node has it), `refused` (the node said no and does not
 * have it), or `unknown` (the RPC could not be reached to broadcast or to ask: the transaction
 * may be out there, so it stays `signed` in the records for the tracker to settle).
 */
export type SendResult =
  | { readonly status: "sent"; readonly hash: string; readonly nonce: number }
  | { readonly status: "refused"; readonly reason: string }
  | { readonly status: "unknown"; readonly hash: string; readonly nonce: number; readonly reason: string }
  /** Not signed into the records nor broadcast: `stillAllowed` said no at the last moment. */
  | { readonly status: "withheld"; readonly reason: string };

/** Node messages meaning the nonce is taken, possibly by this very transaction. */
const MAYBE_OURS =
  /nonce too low|already known|known transaction|already imported|alreadyknown|replacement transaction underpriced/i;

/** Raise fees by 12.5% on a replacement: more than the 10% nodes require. */
export function bumped(fee: bigint): bigint {
  return (fee * 1125n) / 1000n + 1n;
}

/** The node's own words for a refusal: the innermost message, without ethers' wrapping. */
export function nodeMessage(error: unknown): string {
  const e = error as { error?: { message?: string }; info?: { error?: { message?: string } }; shortMessage?: string };
  return e?.info?.error?.message ?? e?.error?.message ?? e?.shortMessage ?? (error as Error)?.message ?? String(error);
}

/**
 * Signs and broadcasts the engine's transactions from one key, with a nonce it manages itself.
 * Each transaction is signed locally and stored (raw and hash) in the records before it is
 * broadcast, so a crash at any instant leaves a record the next start reconciles. `send`
 * returns once the node has the transaction; receipts are followed by the tracker.
 *
 * Nonces: read from the chain (pending) when unknown, then counted up; sends are serialised so
 * every nonce is used once and none is skipped. After a refusal, a reorg or a restart the count
 * is dropped and read from the chain again.
 */
export class Sender {
  private next: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly signer: LocalSigner,
    private readonly provider: Provider,
    private readonly chainId: number,
    private readonly records: Records,
  ) {}

  get address(): string {
    return this.signer.address;
  }

  /** Forgets the nonce count: the next send reads it from the chain. */
  resetNonce(): void {
    this.next = undefined;
  }

  /**
   * Signs `tx` for trade `id` with the next nonce, records it, broadcasts it. `stillAllowed` is
   * asked at the last moment, after signing and before the transaction is stored or broadcast:
   * a pause acknowledged while this send waited its turn must hold it back.
   */
  send(
    id: number,
    tx: TradeTransaction,
    stillAllowed: () => string | undefined = () => undefined,
  ): Promise<SendResult> {
    const run = this.queue.then(() => this.sendNow(id, tx, stillAllowed));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Signs `tx` for trade `id` with the next nonce and records it as aimed at `targetBlock` in a
   * bundle, without broadcasting it: the caller hands the signed bytes to relays. The nonce is
   * counted as used; when the bundle is not included, the tracker resets the count.
   */
  signForBundle(
    id: number,
    tx: TradeTransaction,
    targetBlock: number,
    stillAllowed: () => string | undefined = () => undefined,
  ): Promise<
    | { readonly status: "signed"; readonly hash: string; readonly nonce: number; readonly rawTx: string }
    | { readonly status: "withheld"; readonly reason: string }
  > {
    const run = this.queue.then(async () => {
      // Bundles never reach the node's mempool: only mined transactions count.
      this.next ??= await this.provider.getTransactionCount(this.signer.address, "latest");
      const nonce = this.next;
      const signed = await this.sign(tx, nonce);
      const refusal = stillAllowed();
      if (refusal !== undefined) return { status: "withheld" as const, reason: refusal };
      this.records.addSigned(id, { ...signed, targetBlock });
      this.next = nonce + 1;
      return { status: "signed" as const, hash: signed.hash, nonce, rawTx: signed.rawTx };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends trade `id` again at `nonce` with fees raised by 12.5%: the earlier transaction was not
   * mined in time. The earlier hash stays in the records; whichever is mined is the outcome.
   * A refusal (the earlier one may have just been mined) is returned, not thrown.
   */
  replace(id: number, nonce: number, tx: TradeTransaction): Promise<SendResult> {
    const run = this.queue.then(async () => {
      const raw = await this.sign(tx, nonce);
      this.records.addSigned(id, raw);
      return this.broadcast(raw.rawTx, raw.hash, nonce);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Broadcasts an already recorded transaction again (the node lost it, or never had it). */
  async rebroadcast(rawTx: string): Promise<SendResult> {
    const parsed = Transaction.from(rawTx);
    return this.broadcast(rawTx, parsed.hash as string, parsed.nonce);
  }

  private async sendNow(id: number, tx: TradeTransaction, stillAllowed: () => string | undefined): Promise<SendResult> {
    this.next ??= await this.provider.getTransactionCount(this.signer.address, "pending");
    const nonce = this.next;
    const signed = await this.sign(tx, nonce);
    // No await between this check and the record: nothing can pause in between.
    const refusal = stillAllowed();
    if (refusal !== undefined) return { status: "withheld", reason: refusal };
    // Stored before broadcast: if the process dies after this line, the next start finds the
    // transaction by its hash (or sees its nonce used) instead of losing it.
    this.records.addSigned(id, signed);
    this.next = nonce + 1;
    const result = await this.broadcast(signed.rawTx, signed.hash, nonce);
    if (result.status === "refused") this.next = undefined;
    return result;
  }

  private async sign(tx: TradeTransaction, nonce: number) {
    const rawTx = await this.signer.signTransaction({
      to: tx.to,
      data: tx.data,
      gasLimit: tx.gasLimit,
      maxFeePerGas: tx.maxFeePerGas,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      nonce,
      type: 2,
      chainId: this.chainId,
      value: 0n,
    });
    const hash = Transaction.from(rawTx).hash as string;
    return { hash, nonce, rawTx, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas };
  }

  /**
   * Broadcasts `rawTx`. When the node answers with an error, it may still have the transaction
   * (an earlier attempt whose answer was lost, "already known"), so the node is asked for the
   * hash before the send is called refused.
   */
  private async broadcast(rawTx: string, hash: string, nonce: number): Promise<SendResult> {
    try {
      await this.provider.broadcastTransaction(rawTx);
      return { status: "sent", hash, nonce };
    } catch (error) {
      const reason = nodeMessage(error);
      // The RPC could not be reached, or the node says it has this nonce already (an earlier
      // attempt whose answer was lost may be that transaction): not a refusal; the tracker
      // settles it from the chain.
      if (error instanceof RpcUnavailableError || MAYBE_OURS.test(reason))
        return { status: "unknown", hash, nonce, reason };
      try {
        // Asked twice: one lost or garbled answer must not turn a transaction the node has into a refusal.
        for (let i = 0; i < 2; i++)
          if ((await this.provider.getTransaction(hash)) !== null) return { status: "sent", hash, nonce };
      } catch (askError) {
        return { status: "unknown", hash, nonce, reason: `${reason}; then ${nodeMessage(askError)}` };
      }
      return { status: "refused", reason };
    }
  }
}
