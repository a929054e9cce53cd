import { type JsonRpcPayload, JsonRpcProvider, type JsonRpcResult, Network } from "ethers";
import { BaseError } from "../../errors.js";
import { publicUrl } from "./publicUrl.js";

/** No RPC URL gave a usable answer after every retry. */
export class RpcUnavailableError extends BaseError {
  override readonly name = "RpcUnavailableError";
}

/** How the provider retries and fails over. */
export interface RpcOptions {
  /** How long one request may take before it counts as lost. */
  readonly requestTimeoutMs?: number;
  /** Attempts per request across all URLs before giving up. */
  readonly attempts?: number;
  /** The first retry's delay; each further retry doubles it. */
  readonly backoffMs?: number;
  /** Told when the RPC stops answering and when it answers again. */
  readonly onHealth?: (event: RpcHealthEvent) => void;
}

/** A change in whether the RPC answers. */
export type RpcHealthEvent =
  | { readonly kind: "down"; readonly url: string; readonly reason: string }
  | { readonly kind: "up"; readonly url: string; readonly downForMs: number }
  | { readonly kind: "failover"; readonly from: string; readonly to: string; readonly reason: string }
  | {
      readonly kind: "retry";
      readonly url: string;
      readonly method: string;
      readonly attempt: number;
      readonly reason: string;
    };

/** Methods for which `null` is never a valid answer: a `null` there is a garbled response. */
const NEVER_NULL = new Set([
  "eth_chainId",
  "net_version",
  "eth_blockNumber",
  "eth_call",
  "eth_estimateGas",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getTransactionCount",
  "eth_getLogs",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_feeHistory",
  "eth_sendRawTransaction",
]);

/** Block tags that always name an existing block. */
const ALWAYS_THERE = new Set(["latest", "earliest", "safe", "finalized", "pending"]);

/** A transient fault worth another attempt (lost connection, timeout, 5xx, garbled answer). */
class Transient extends Error {}

/**
 * A JSON-RPC provider over one or more URLs that survives the faults a long-running engine
 * meets: each request has a timeout, a lost, refused, timed-out, 5xx or malformed answer is
 * retried with exponential backoff, moving to the next URL on each failure, and only after
 * every attempt has failed does the request fail with {@link RpcUnavailableError}. An answer is
 * malformed when it is not JSON, its `id` is not the request's, it has neither `result` nor
 * `error`, or its `result` is `null` for a method that never returns null.
 *
 * The chain is fixed at construction (`staticNetwork`): ethers then never re-detects it in the
 * background, which would otherwise retry forever and print to the console while a node is down.
 */
export class ResilientRpcProvider extends JsonRpcProvider {
  readonly urls: readonly string[];
  private current = 0;
  /** Requests retried after a transient fault, since start. */
  retries = 0;
  /** Told of every attempt: its method, how long it took, and whether it was answered (metrics). */
  onRequest: ((method: string, ms: number, ok: boolean) => void) | undefined = undefined;
  private downSince: number | undefined;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly onHealth: (event: RpcHealthEvent) => void;

  constructor(urls: readonly string[], chainId: number, options: RpcOptions = {}) {
    if (urls.length === 0) throw new BaseError("No RPC URL was given.", { details: "Pass --rpc <url> (repeatable)." });
    const network = Network.from(chainId);
    super(urls[0], network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1 });
    this.urls = urls;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.attempts = options.attempts ?? Math.max(4, urls.length * 2);
    this.backoffMs = options.backoffMs ?? 250;
    this.onHealth = options.onHealth ?? (() => {});
  }

  /** Whether the last request failed on every attempt (and none has succeeded since). */
  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  /** The URL requests go to first. */
  get activeUrl(): string {
    return this.urls[this.current] as string;
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const requests = Array.isArray(payload) ? payload : [payload];
    let lastError: unknown;
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      const url = this.activeUrl;
      const began = performance.now();
      const method = requests[0]?.method ?? "";
      try {
        const answers = await this.post(url, payload, requests);
        this.onRequest?.(method, performance.now() - began, true);
        if (this.downSince !== undefined) {
          this.onHealth({ kind: "up", url: publicUrl(url), downForMs: Date.now() - this.downSince });
          this.downSince = undefined;
        }
        return answers;
      } catch (error) {
        this.onRequest?.(method, performance.now() - began, false);
        if (!(error instanceof Transient)) throw error;
        lastError = error;
        this.retries += 1;
        this.onHealth({
          kind: "retry",
          url: publicUrl(url),
          method: requests[0]?.method ?? "",
          attempt: attempt + 1,
          reason: error.message,
        });
        if (this.urls.length > 1) {
          const next = (this.current + 1) % this.urls.length;
          this.onHealth({
            kind: "failover",
            from: publicUrl(url),
            to: publicUrl(this.urls[next] as string),
            reason: error.message,
          });
          this.current = next;
        }
        if (attempt + 1 < this.attempts) await sleep(this.backoffMs * 2 ** attempt);
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.onHealth({ kind: "down", url: publicUrl(this.activeUrl), reason });
    }
    const method = requests[0]?.method ?? "a request";
    throw new RpcUnavailableError(`No RPC answered ${method} after ${this.attempts} attempts: ${reason}`, {
      details: `Tried ${this.urls.map(publicUrl).join(", ")}. The engine keeps trying and resumes when one answers.`,
      cause: lastError,
    });
  }

  private async post(
    endpoint: string,
    payload: unknown,
    requests: readonly JsonRpcPayload[],
  ): Promise<JsonRpcResult[]> {
    // Messages name the endpoint without its path: that is where providers put the API key.
    const url = publicUrl(endpoint);
    const { target, authorization } = withoutCredentials(endpoint);
    let response: Response;
    let text: string;
    try {
      response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      const why = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : "";
      // The fetch error may quote the URL it was given.
      throw new Transient(`no answer from ${url} (${why.split(target).join(url)})`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (response.status >= 500 || response.status === 429) throw new Transient(`HTTP ${response.status} from ${url}`);
      if (response.status >= 400) throw new BaseError(`HTTP ${response.status} from ${url}: ${text.slice(0, 200)}`);
      throw new Transient(`an answer from ${url} that is not JSON`);
    }
    // Rate limits and server errors are transient whatever their body says; a JSON-RPC error
    // with a success status (a revert, a refused transaction) is an answer.
    if (response.status >= 500 || response.status === 429) throw new Transient(`HTTP ${response.status} from ${url}`);
    const answers = (Array.isArray(body) ? body : [body]) as Array<Record<string, unknown>>;
    for (const request of requests) {
      const answer = answers.find((a) => a !== null && typeof a === "object" && a.id === request.id);
      if (answer === undefined) throw new Transient(`an answer from ${url} without the request's id`);
      if (!("result" in answer) && !("error" in answer))
        throw new Transient(`an answer from ${url} with neither result nor error`);
      if ("error" in answer && isTransientError(answer.error))
        throw new Transient(`a transient error from ${url}: ${(answer.error as { message?: string }).message ?? ""}`);
      if ("result" in answer && answer.result === null && nullIsGarbled(request))
        throw new Transient(`a null result for ${request.method} from ${url}`);
    }
    return answers as unknown as JsonRpcResult[];
  }
}

/**
 * `endpoint` without its user part, and that part as an HTTP Basic authorization: fetch refuses
 * URLs with credentials, and some node providers authenticate this way.
 */
function withoutCredentials(endpoint: string): { target: string; authorization?: string } {
  const url = new URL(endpoint);
  if (url.username === "" && url.password === "") return { target: endpoint };
  const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = "";
  url.password = "";
  return { target: url.toString(), authorization: `Basic ${Buffer.from(user).toString("base64")}` };
}

/** JSON-RPC errors that say "not now" rather than "no": rate limits and a node behind its peers. */
function isTransientError(error: unknown): boolean {
  const e = error as { code?: number; message?: string } | null;
  return (
    e?.code === -32005 ||
    /rate limit|too many requests|limit exceeded|header not found|try again/i.test(e?.message ?? "")
  );
}

/** Whether a `null` result for `request` can only be a garbled answer. */
function nullIsGarbled(request: JsonRpcPayload): boolean {
  if (NEVER_NULL.has(request.method)) return true;
  if (request.method === "eth_getBlockByNumber") {
    const tag = (request.params as unknown[] | undefined)?.[0];
    return typeof tag === "string" && (ALWAYS_THERE.has(tag) || tag === "0x0");
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
