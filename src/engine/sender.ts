import type { Provider, Signer, TransactionReceipt, TransactionRequest } from "ethers";
import { BaseError } from "../errors.js";

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
    for (let attempt = 0; attempt < 5; attempt++) {
      let response: Awaited<ReturnType<Signer["sendTransaction"]>>;
      try {
        response = await this.signer.sendTransaction({
          ...request,
          type: 2,
          nonce,
          maxFeePerGas,
          maxPriorityFeePerGas,
        });
      } catch (cause) {
        // Nothing was accepted at this nonce: re-read it so it is neither reused nor skipped.
        this.next = undefined;
        throw new BaseError("Sending the transaction failed.", {
          details: "The node refused it; see the cause.",
          cause,
        });
      }
      this.next = nonce + 1;
      const receipt = await Promise.race([
        response.wait(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), this.timeoutMs)),
      ]);
      if (receipt !== null) return receipt;
      maxFeePerGas = (maxFeePerGas * 1125n) / 1000n + 1n;
      maxPriorityFeePerGas = (maxPriorityFeePerGas * 1125n) / 1000n + 1n;
    }
    throw new BaseError(`Transaction at nonce ${nonce} was not mined after 5 fee bumps.`);
  }
}
