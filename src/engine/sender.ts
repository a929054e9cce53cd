import type { Provider, Signer, TransactionReceipt, TransactionRequest } from "ethers";
import { BaseError } from "../errors.js";

/** Replacements before giving up on a nonce. */
const MAX_ATTEMPTS = 5;
/** How often a pending transaction's receipt is asked for. */
const POLL_MS = 100;

/**
 * Sends EIP-1559 transactions from one key with a nonce it manages itself: every nonce is
 * used once and none is skipped, even when sends overlap. A transaction not mined within the
 * timeout is replaced at the same nonce with fees raised by 12.5% (more than the 10% nodes
 * require), until one is mined.
 */
export class Sender {
  private next: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly signer: Signer,
    private readonly provider: Provider,
    private readonly timeoutMs: number,
  ) {}

  /** Sends `request` with the next nonce and waits for its receipt (replacing it if stuck). */
  send(request: TransactionRequest): Promise<TransactionReceipt> {
    const run = this.queue.then(() => this.sendNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sendNow(request: TransactionRequest): Promise<TransactionReceipt> {
    const from = await this.signer.getAddress();
    if (this.next === undefined) this.next = await this.provider.getTransactionCount(from, "pending");
    const nonce = this.next;
    let maxFeePerGas = BigInt(request.maxFeePerGas ?? 0n);
    let maxPriorityFeePerGas = BigInt(request.maxPriorityFeePerGas ?? 0n);
    // Every transaction sent at this nonce; whichever is mined is the outcome.
    const hashes: string[] = [];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        const response = await this.signer.sendTransaction({
          ...request,
          type: 2,
          nonce,
          maxFeePerGas,
          maxPriorityFeePerGas,
        });
        hashes.push(response.hash);
      } catch (cause) {
        if (hashes.length === 0) {
          // Nothing was accepted at this nonce: re-read it so it is neither reused nor skipped.
          this.next = undefined;
          throw new BaseError("Sending the transaction failed.", {
            details: "The node refused it; see the cause.",
            cause,
          });
        }
        // A replacement was refused (the original may have just been mined): keep waiting on what was sent.
      }
      this.next = nonce + 1;
      const receipt = await this.waitForAny(hashes, this.timeoutMs);
      if (receipt !== null) return receipt;
      maxFeePerGas = (maxFeePerGas * 1125n) / 1000n + 1n;
      maxPriorityFeePerGas = (maxPriorityFeePerGas * 1125n) / 1000n + 1n;
    }
    throw new BaseError(`Transaction at nonce ${nonce} was not mined after ${MAX_ATTEMPTS} fee bumps.`, {
      details: "Raise the gas price cap or check the node.",
    });
  }

  /** The receipt of whichever of `hashes` is mined first, or null after `timeoutMs`. */
  private async waitForAny(hashes: readonly string[], timeoutMs: number): Promise<TransactionReceipt | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const hash of hashes) {
        const receipt = await this.provider.getTransactionReceipt(hash);
        if (receipt !== null) return receipt;
      }
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
