import { id, Transaction, verifyMessage } from "ethers";
import Fastify, { type FastifyInstance } from "fastify";
import { LOCAL_HOST } from "../../ops/localNode.js";
import { type Upstream, UpstreamError } from "../upstream.js";
import { BlockBuilder, type BuiltBlock, type BundleOutcome } from "./blockBuilder.js";
import {
  type Bundle,
  type BundleEntry,
  bundleHash,
  callBundleParams,
  cancelBundleParams,
  InvalidBundleError,
  parseMevSendBundle,
  parseSendBundle,
  transactionHash,
} from "./bundle.js";
import { Gate } from "./gate.js";

/**
 * The node's methods participants may call through the builder: reads of committed state and
 * `eth_sendRawTransaction`. Filters of logs and blocks would keep what simulated blocks emitted,
 * and `evm_*`/`hardhat_*` would let a participant mine or rewind: neither is passed on.
 */
const NODE_METHODS = new Set([
  "eth_chainId",
  "net_version",
  "web3_clientVersion",
  "eth_syncing",
  "eth_blockNumber",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_getBlockTransactionCountByNumber",
  "eth_getLogs",
  "eth_call",
  "eth_estimateGas",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_feeHistory",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getTransactionCount",
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
  "eth_sendRawTransaction",
]);

/** The relays' methods: each needs a signed request. */
const RELAY_METHODS = new Set(["eth_sendBundle", "eth_callBundle", "eth_cancelBundle", "mev_sendBundle"]);

interface JsonRpcRequest {
  readonly jsonrpc?: string;
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

interface JsonRpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

class RpcFailure extends Error {
  constructor(readonly error: JsonRpcError) {
    super(error.message);
  }
}

/** A bundle's candidacy at one block. */
interface Candidate {
  readonly bundle: Bundle;
  readonly entries: readonly BundleEntry[];
  readonly payment: bigint;
}

/** What one block's building did with the bundles it had. */
export interface BuildReport {
  readonly block: BuiltBlock;
  /** Each bundle considered, with what became of it at this block. */
  readonly outcomes: ReadonlyArray<{ readonly bundle: Bundle; readonly outcome: BundleOutcome }>;
}

/** The builder's settings. */
export interface LocalBuilderOptions {
  readonly node: Upstream;
  /** The builder's fee recipient. */
  readonly coinbase: string;
  /** Seconds between blocks' timestamps (12 by default, as on Ethereum). */
  readonly blockSeconds?: number;
  /** Port on 127.0.0.1 (0: any free port). */
  readonly port?: number;
}

/**
 * A block builder for tests and the arena, speaking the relays' documented JSON-RPC interface
 * (`eth_sendBundle`, `eth_callBundle`, `eth_cancelBundle`, MEV-Share's `mev_sendBundle`) on
 * loopback, on top of a real Hardhat node whose blocks it alone mines. Every other method is
 * passed to the node, so the same URL is the participants' RPC; `eth_sendRawTransaction` is the
 * public mempool. At each `buildNext` it simulates every bundle aimed at the next block (as a
 * real block, reverted), orders them by what they pay the coinbase, adds each that still holds on
 * top of the ones taken, then the public mempool by tip, and mines. It honours target blocks,
 * timestamps, `revertingTxHashes`, replacement UUIDs and cancellation. The bundle's transactions
 * keep their order, and a body's hash (a backrun's trigger) is placed where it stands: nothing is
 * ever put before a transaction that the bundle did not put there.
 */
export class LocalBuilder {
  private readonly gate = new Gate();
  private readonly blocks: BlockBuilder;
  private readonly bundles = new Map<string, Bundle>();
  private readonly byUuid = new Map<string, string>();
  private readonly filters = new Map<string, number>();
  /** Hashes of the transactions sent here to the public mempool, in arrival order. */
  private readonly publicLog: string[] = [];
  private sequence = 0;
  private server: FastifyInstance | undefined;
  /** Every bundle's latest outcome, by bundle hash. */
  readonly outcomes = new Map<string, BundleOutcome>();
  /** The latest outcome of a bundle holding each transaction, by transaction hash. */
  readonly byTransaction = new Map<string, BundleOutcome>();

  constructor(private readonly options: LocalBuilderOptions) {
    this.blocks = new BlockBuilder(options.node, options.coinbase, options.blockSeconds ?? 12);
  }

  /** Takes the node's mining over and listens; returns the URL. */
  async start(): Promise<string> {
    await this.blocks.init();
    const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
    app.post("/", async (request, reply) => {
      const raw = typeof request.body === "string" ? request.body : "";
      const signature = request.headers["x-flashbots-signature"];
      const answer = await this.handleBody(raw, typeof signature === "string" ? signature : undefined);
      return reply.type("application/json").send(answer);
    });
    await app.listen({ host: LOCAL_HOST, port: this.options.port ?? 0 });
    this.server = app;
    const address = app.server.address();
    const port = typeof address === "object" && address !== null ? address.port : this.options.port;
    return `http://${LOCAL_HOST}:${port}`;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** Bundles waiting for a block. */
  get pending(): readonly Bundle[] {
    return [...this.bundles.values()];
  }

  /** Builds and mines the next block (see the class). */
  buildNext(): Promise<BuildReport> {
    return this.gate.write(() => this.buildNow());
  }

  /** Answers one HTTP body: a request or a batch. */
  async handleBody(raw: string, signature: string | undefined): Promise<string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } });
    }
    const signer = this.verify(raw, signature);
    if (Array.isArray(parsed)) {
      const answers = await Promise.all(parsed.map((r) => this.answer(r as JsonRpcRequest, signer)));
      return JSON.stringify(answers);
    }
    return JSON.stringify(await this.answer(parsed as JsonRpcRequest, signer));
  }

  /**
   * The address that signed the body, or why not: the header is `address:signature`, the
   * signature an EIP-191 signature of the body's keccak256 as a hex string (the relays' scheme).
   */
  private verify(raw: string, header: string | undefined): { address: string } | { error: string } {
    if (header === undefined) return { error: "missing X-Flashbots-Signature header" };
    const [address, signature] = header.split(":");
    if (address === undefined || signature === undefined || !/^0x[0-9a-fA-F]{40}$/.test(address))
      return { error: "X-Flashbots-Signature must be address:signature" };
    try {
      const recovered = verifyMessage(id(raw), signature);
      if (recovered.toLowerCase() !== address.toLowerCase())
        return { error: `X-Flashbots-Signature signed by ${recovered}, not ${address}` };
    } catch {
      return { error: "X-Flashbots-Signature is not a valid signature" };
    }
    return { address: address.toLowerCase() };
  }

  private async answer(request: JsonRpcRequest, signer: { address: string } | { error: string }) {
    const idField = request.id ?? null;
    try {
      if (typeof request.method !== "string") throw new RpcFailure({ code: -32600, message: "invalid request" });
      const result = await this.dispatch(request.method, request.params ?? [], signer);
      return { jsonrpc: "2.0", id: idField, result };
    } catch (error) {
      if (error instanceof RpcFailure) return { jsonrpc: "2.0", id: idField, error: error.error };
      if (error instanceof InvalidBundleError)
        return { jsonrpc: "2.0", id: idField, error: { code: -32602, message: error.shortMessage } };
      if (error instanceof UpstreamError)
        return {
          jsonrpc: "2.0",
          id: idField,
          error: {
            code: error.code,
            message: error.shortMessage,
            ...(error.data === undefined ? {} : { data: error.data }),
          },
        };
      return { jsonrpc: "2.0", id: idField, error: { code: -32603, message: (error as Error).message } };
    }
  }

  private async dispatch(
    method: string,
    params: unknown,
    signer: { address: string } | { error: string },
  ): Promise<unknown> {
    const list = Array.isArray(params) ? params : [];
    if (RELAY_METHODS.has(method)) {
      if ("error" in signer) throw new RpcFailure({ code: -32600, message: signer.error });
      return this.relay(method, params, signer.address);
    }
    switch (method) {
      case "eth_sendRawTransaction": {
        const hash = await this.gate.read(() => this.options.node.request(method, list));
        this.publicLog.push(String(hash).toLowerCase());
        return hash;
      }
      case "eth_newPendingTransactionFilter": {
        const filterId = `0x${(0xb0000 + this.filters.size + 1).toString(16)}`;
        this.filters.set(filterId, this.publicLog.length);
        return filterId;
      }
      case "eth_getFilterChanges":
      case "eth_uninstallFilter": {
        const cursor = this.filters.get(String(list[0]));
        if (cursor === undefined) throw new RpcFailure({ code: -32000, message: "filter not found" });
        if (method === "eth_uninstallFilter") return this.filters.delete(String(list[0]));
        this.filters.set(String(list[0]), this.publicLog.length);
        return this.publicLog.slice(cursor);
      }
      default:
        if (!NODE_METHODS.has(method))
          throw new RpcFailure({
            code: -32601,
            message: `${method} is not served here: only the relays' methods, reads of the chain and eth_sendRawTransaction`,
          });
        return this.gate.read(() => this.options.node.request(method, list));
    }
  }

  private async relay(method: string, params: unknown, signer: string): Promise<unknown> {
    switch (method) {
      case "eth_sendBundle":
        return { bundleHash: this.add(parseSendBundle(params, signer, ++this.sequence)) };
      case "mev_sendBundle":
        return { bundleHash: this.add(parseMevSendBundle(params, signer, ++this.sequence)) };
      case "eth_cancelBundle": {
        const parsed = cancelBundleParams.safeParse(Array.isArray(params) ? params[0] : undefined);
        if (!parsed.success) throw new InvalidBundleError("eth_cancelBundle: replacementUuid: a UUID is required");
        const key = `${signer}:${parsed.data.replacementUuid}`;
        const hash = this.byUuid.get(key);
        if (hash === undefined) return false;
        this.byUuid.delete(key);
        const cancelled = this.bundles.get(hash);
        if (cancelled !== undefined) this.record(cancelled, { status: "cancelled" });
        this.bundles.delete(hash);
        return true;
      }
      default:
        return this.callBundle(params);
    }
  }

  /** Holds a bundle; one with a replacement UUID replaces the signer's earlier one with that UUID. */
  private add(bundle: Bundle): string {
    if (bundle.replacementUuid !== undefined) {
      const key = `${bundle.signer}:${bundle.replacementUuid}`;
      const earlier = this.byUuid.get(key);
      if (earlier !== undefined && earlier !== bundle.hash) {
        const replaced = this.bundles.get(earlier);
        if (replaced !== undefined) this.record(replaced, { status: "replaced", by: bundle.hash });
        this.bundles.delete(earlier);
      }
      this.byUuid.set(key, bundle.hash);
    }
    this.bundles.set(bundle.hash, bundle);
    return bundle.hash;
  }

  /** `eth_callBundle`: the transactions mined alone on the head, reverted; the relays' answer shape. */
  private async callBundle(params: unknown): Promise<unknown> {
    const parsed = callBundleParams.safeParse(Array.isArray(params) ? params[0] : undefined);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidBundleError(`eth_callBundle: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
    }
    const hashes = parsed.data.txs.map((raw) => transactionHash(raw, "eth_callBundle").toLowerCase());
    return this.gate.write(async () => {
      const head = await this.blocks.head();
      const state = parsed.data.stateBlockNumber;
      if (state !== undefined && state !== "latest" && state !== head.number)
        throw new InvalidBundleError(
          `eth_callBundle: only the head's state (${head.number}) can be simulated, not ${state}`,
        );
      const sim = await this.blocks.simulate(
        parsed.data.txs,
        parsed.data.timestamp ?? (await this.blocks.nextTimestamp()),
      );
      const totalGasUsed = sim.transactions.reduce((sum, t) => sum + (t.gasUsed ?? 0n), 0n);
      return {
        bundleHash: bundleHash(hashes),
        stateBlockNumber: head.number,
        coinbaseDiff: sim.coinbaseDiff.toString(),
        totalGasUsed: Number(totalGasUsed),
        bundleGasPrice: totalGasUsed === 0n ? "0" : (sim.coinbaseDiff / totalGasUsed).toString(),
        results: sim.transactions.map((t) => ({
          txHash: t.hash,
          ...(t.gasUsed === undefined ? {} : { gasUsed: Number(t.gasUsed) }),
          ...(t.error !== undefined ? { error: t.error } : t.status === 0 ? { error: "execution reverted" } : {}),
        })),
      };
    });
  }

  private async buildNow(): Promise<BuildReport> {
    const head = await this.blocks.head();
    const target = head.number + 1;
    const timestamp = head.timestamp + (this.options.blockSeconds ?? 12);
    const outcomes: Array<{ bundle: Bundle; outcome: BundleOutcome }> = [];
    const settle = (bundle: Bundle, outcome: BundleOutcome) => {
      outcomes.push({ bundle, outcome });
      this.record(bundle, outcome);
    };
    const mempool = new Map((await this.blocks.publicMempool()).map((t) => [t.hash, t]));
    const candidates: Candidate[] = [];
    for (const bundle of [...this.bundles.values()].sort((a, b) => a.sequence - b.sequence)) {
      if (bundle.maxBlock < target) {
        this.drop(bundle);
        settle(bundle, { status: "expired", block: target });
        continue;
      }
      if (bundle.minBlock > target) continue;
      const timely =
        (bundle.minTimestamp === undefined || timestamp >= bundle.minTimestamp) &&
        (bundle.maxTimestamp === undefined || timestamp <= bundle.maxTimestamp);
      if (!timely) {
        settle(bundle, { status: "failed", block: target, reason: `timestamp ${timestamp} outside its window` });
        continue;
      }
      const entries = this.blocks.resolve(bundle, mempool);
      if (typeof entries === "string") {
        settle(bundle, { status: "failed", block: target, reason: entries });
        continue;
      }
      const sim = await this.blocks.simulate(raws(entries), timestamp);
      const why = BlockBuilder.invalid(entries, sim);
      if (why !== undefined) settle(bundle, { status: "failed", block: target, reason: why });
      else candidates.push({ bundle, entries, payment: sim.coinbaseDiff });
    }
    candidates.sort((a, b) =>
      a.payment === b.payment ? a.bundle.sequence - b.bundle.sequence : a.payment > b.payment ? -1 : 1,
    );
    const taken: Candidate[] = [];
    for (const c of candidates) {
      // Checked on top of everything taken so far: a bundle that conflicts with one paying more
      // (the same opportunity, the same nonce) no longer holds there.
      const together = [...taken, c];
      const sim = await this.blocks.simulate(
        together.flatMap((t) => raws(t.entries)),
        timestamp,
      );
      const why = together.map((t) => BlockBuilder.invalid(t.entries, sim)).find((w) => w !== undefined);
      if (why === undefined) taken.push(c);
      else
        settle(c.bundle, {
          status: "outbid",
          block: target,
          reason: `does not hold after bundles paying more: ${why}`,
        });
    }
    const built = await this.blocks.build(
      taken.map((t) => t.entries),
      timestamp,
    );
    for (const t of taken) {
      this.drop(t.bundle);
      settle(t.bundle, { status: "included", block: built.number, payment: t.payment });
    }
    for (const bundle of [...this.bundles.values()]) if (bundle.maxBlock <= target) this.drop(bundle);
    return { block: { ...built, bundles: taken.map((t) => t.bundle.hash) }, outcomes };
  }

  private record(bundle: Bundle, outcome: BundleOutcome): void {
    this.outcomes.set(bundle.hash, outcome);
    for (const entry of bundle.body) this.byTransaction.set("raw" in entry ? entry.hash : entry.ref, outcome);
  }

  private drop(bundle: Bundle): void {
    this.bundles.delete(bundle.hash);
    if (bundle.replacementUuid !== undefined) this.byUuid.delete(`${bundle.signer}:${bundle.replacementUuid}`);
  }
}

function raws(entries: readonly BundleEntry[]): string[] {
  return entries.map((e) => ("raw" in e ? e.raw : "")).filter((r) => r !== "");
}

/** The hash of a signed transaction, lower-case. */
export function hashOf(raw: string): string {
  return (Transaction.from(raw).hash as string).toLowerCase();
}
