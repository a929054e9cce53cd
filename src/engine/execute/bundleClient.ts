import { id } from "ethers";
import { BaseError } from "../../errors.js";

/** A relay or builder that takes bundles. */
export interface Relay {
  readonly name: string;
  readonly url: string;
}

/** The key that signs requests to relays: a searcher's reputation there, never a key that holds funds. */
export interface ReputationKey {
  readonly address: string;
  signMessage(message: string): Promise<string>;
}

/** One relay's answer to one request. */
export interface RelayAnswer<T = unknown> {
  readonly relay: string;
  readonly accepted: boolean;
  /**
   * Whether the relay answered at all: a relay that timed out or could not be reached may still
   * hold the bundle.
   */
  readonly reached: boolean;
  /** From the request's start to its answer, measured here. */
  readonly latencyMs: number;
  readonly result?: T;
  /** The relay's error, or why it could not be reached. */
  readonly error?: string;
}

/** `eth_sendBundle`'s parameters. */
export interface SendBundleRequest {
  readonly txs: readonly string[];
  readonly blockNumber: number;
  readonly minTimestamp?: number;
  readonly maxTimestamp?: number;
  readonly revertingTxHashes?: readonly string[];
  readonly replacementUuid?: string;
}

/** MEV-Share's `mev_sendBundle` body: hashes of others' transactions and our signed ones, in order. */
export type MevBundleEntry = { readonly hash: string } | { readonly tx: string; readonly canRevert: boolean };

/** `eth_callBundle`'s answer, as far as the engine reads it. */
export interface CallBundleResult {
  readonly bundleHash: string;
  readonly coinbaseDiff: string;
  readonly totalGasUsed: number;
  readonly stateBlockNumber: number;
  readonly results: ReadonlyArray<{ readonly txHash: string; readonly gasUsed?: number; readonly error?: string }>;
}

/** A relay list or key that cannot be used. */
export class BundleClientError extends BaseError {
  override readonly name = "BundleClientError";
}

/** How long one relay may take to answer. */
const RELAY_TIMEOUT_MS = 5_000;

/**
 * Sends bundles to every configured relay and builder at once, each request signed in the
 * `X-Flashbots-Signature` header by the reputation key (an EIP-191 signature of the body's
 * keccak256, the relays' scheme). Every relay's acceptance and latency comes back to the caller to
 * record; inclusion is read from the chain afterwards, not from the relays.
 *
 * Written here rather than taken from `@flashbots/ethers-provider-bundle`, which pins an older
 * ethers 6 than the toolkit's; the interface is four JSON-RPC methods.
 */
export class BundleClient {
  private nextId = 0;

  /** @throws BundleClientError for an empty or duplicated relay list, or a relay URL that is not HTTP(S). */
  constructor(
    private readonly key: ReputationKey,
    readonly relays: readonly Relay[],
    private readonly timeoutMs = RELAY_TIMEOUT_MS,
  ) {
    if (relays.length === 0)
      throw new BundleClientError("No relays to send bundles to.", {
        details: "List at least one relay or builder (name and URL) under `relays` in the configuration.",
      });
    const names = new Set<string>();
    for (const relay of relays) {
      if (!/^https?:\/\//.test(relay.url))
        throw new BundleClientError(`Relay ${relay.name}: ${relay.url} is not an http(s) URL.`);
      if (names.has(relay.name)) throw new BundleClientError(`Relay ${relay.name} is listed twice.`);
      names.add(relay.name);
    }
  }

  /** The reputation key's address (what relays know the searcher by). */
  get signer(): string {
    return this.key.address;
  }

  /** `eth_sendBundle` to every relay; each answer carries the bundle hash it gave. */
  sendBundle(request: SendBundleRequest): Promise<RelayAnswer<{ bundleHash: string }>[]> {
    return this.toAll("eth_sendBundle", [
      {
        txs: request.txs,
        blockNumber: `0x${request.blockNumber.toString(16)}`,
        ...(request.minTimestamp === undefined ? {} : { minTimestamp: request.minTimestamp }),
        ...(request.maxTimestamp === undefined ? {} : { maxTimestamp: request.maxTimestamp }),
        ...(request.revertingTxHashes === undefined ? {} : { revertingTxHashes: request.revertingTxHashes }),
        ...(request.replacementUuid === undefined ? {} : { replacementUuid: request.replacementUuid }),
      },
    ]);
  }

  /** `eth_cancelBundle` of the bundle sent with `replacementUuid`, at every relay. */
  cancelBundle(replacementUuid: string): Promise<RelayAnswer<boolean>[]> {
    return this.toAll("eth_cancelBundle", [{ replacementUuid }]);
  }

  /** MEV-Share's `mev_sendBundle` for blocks `block` to `maxBlock`: a backrun is `[{hash}, {tx}]`. */
  mevSendBundle(
    body: readonly MevBundleEntry[],
    block: number,
    maxBlock = block,
  ): Promise<RelayAnswer<{ bundleHash: string }>[]> {
    return this.toAll("mev_sendBundle", [
      {
        version: "v0.1",
        inclusion: { block: `0x${block.toString(16)}`, maxBlock: `0x${maxBlock.toString(16)}` },
        body,
      },
    ]);
  }

  /** `eth_callBundle` at the first relay: the bundle simulated on the head's state. */
  async callBundle(txs: readonly string[], blockNumber: number): Promise<RelayAnswer<CallBundleResult>> {
    return this.request(this.relays[0] as Relay, "eth_callBundle", [
      { txs, blockNumber: `0x${blockNumber.toString(16)}`, stateBlockNumber: "latest" },
    ]);
  }

  private toAll<T>(method: string, params: unknown[]): Promise<RelayAnswer<T>[]> {
    return Promise.all(this.relays.map((relay) => this.request<T>(relay, method, params)));
  }

  /** One signed request to one relay; never throws: an unreachable relay is an answer too. */
  private async request<T>(relay: Relay, method: string, params: unknown[]): Promise<RelayAnswer<T>> {
    const body = JSON.stringify({ jsonrpc: "2.0", id: ++this.nextId, method, params });
    const signature = await this.key.signMessage(id(body));
    const started = performance.now();
    try {
      const response = await fetch(relay.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-flashbots-signature": `${this.key.address}:${signature}` },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const latencyMs = performance.now() - started;
      const text = await response.text();
      let answer: { result?: T; error?: { message?: string } };
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        return {
          relay: relay.name,
          accepted: false,
          reached: true,
          latencyMs,
          error: `HTTP ${response.status}: ${text.slice(0, 200)}`,
        };
      }
      if (answer.error !== undefined)
        return { relay: relay.name, accepted: false, reached: true, latencyMs, error: answer.error.message ?? "error" };
      return { relay: relay.name, accepted: true, reached: true, latencyMs, result: answer.result as T };
    } catch (error) {
      return {
        relay: relay.name,
        accepted: false,
        reached: false,
        latencyMs: performance.now() - started,
        error: (error as Error).message,
      };
    }
  }
}
