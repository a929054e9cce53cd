import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { BaseError } from "../errors.js";
import { mulberry32 } from "./random.js";

/** The only address the proxy binds: it is a rehearsal tool and must never be reachable from another host. */
export const FAULT_PROXY_HOST = "127.0.0.1";
/** How long a `delay` fault holds a request before forwarding it when `delayMs` is not given. */
export const DEFAULT_DELAY_MS = 2000;
/** The fault kinds a request can draw, in the order their rates are laid end to end on [0, 1). */
export const FAULT_KINDS = ["drop", "delay", "error500", "garble"] as const;

/** One of the faults the proxy draws at random per request. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The probability, from 0 to 1, that a request draws each fault; a missing rate is 0. The rates
 * are exclusive (a request draws at most one fault), so they must add up to at most 1; whatever
 * is left over is the chance that the request is forwarded untouched.
 */
export interface FaultRates {
  /** Destroy the client's socket without answering, before or (half the time) after forwarding the request. */
  readonly drop?: number;
  /** Wait `delayMs`, then forward and answer faithfully. */
  readonly delay?: number;
  /** Answer HTTP 500 with a plain-text body, without forwarding. */
  readonly error500?: number;
  /** Forward, then answer with a malformed reply: truncated JSON, HTML, a null `result` or the wrong `id`. */
  readonly garble?: number;
}

/** How to start a `FaultProxy`. */
export interface FaultProxyOptions {
  /** The JSON-RPC node every request is forwarded to (http or https). */
  readonly upstream: string;
  /** The port to listen on, on 127.0.0.1; 0 (the default) picks any free port. */
  readonly port?: number;
  /** Seeds the fault draws, so that the same seed and the same requests give the same faults; random by default. */
  readonly seed?: number;
  /** The fault mix; all 0 (a transparent proxy) by default. */
  readonly rates?: FaultRates;
  /** How long a `delay` fault holds a request, in milliseconds; `DEFAULT_DELAY_MS` by default. */
  readonly delayMs?: number;
}

/**
 * What the proxy did with the requests it received. Every JSON-RPC request lands in exactly one
 * count once the proxy is done with it (a hung one as soon as it arrives), so the counts add up to
 * the requests received, except those whose client hung up before sending the whole body.
 */
export interface FaultCounts {
  /** Answered with the upstream's reply, unchanged and at once (a 502 if the upstream could not be reached). */
  readonly forwarded: number;
  /** Cut without an answer by a `drop` fault. */
  readonly dropped: number;
  /** Answered with the upstream's reply, unchanged, after `delayMs`. */
  readonly delayed: number;
  /** Answered with an injected HTTP 500. */
  readonly error500: number;
  /** Answered with a malformed reply after the request was forwarded unchanged. */
  readonly garbled: number;
  /**
   * Cut without an answer by `down()` while in flight. Connections the operating system refuses while the
   * proxy is down never reach the proxy, so they are not counted anywhere.
   */
  readonly refused: number;
  /** Held without an answer because they arrived while the proxy was hung. */
  readonly hung: number;
}

/** What goes back to the client: status, content type and body bytes. */
interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: Uint8Array;
}

/** One request the proxy has not finished with yet. */
interface Exchange {
  readonly socket: Socket;
  readonly response: ServerResponse;
  // Cancels a pending delay or upstream fetch when the proxy goes down, so a request the client
  // saw cut does not reach the node afterwards.
  readonly abort: AbortController;
  settled: boolean;
}

/** A fault drawn for one request, and the second draw that picks its variant. */
interface Draw {
  readonly kind: FaultKind | "none";
  readonly variant: number;
}

// Rates such as 0.1 + 0.2 + 0.3 + 0.4 add up to a hair over 1 in floating point.
const RATE_SUM_TOLERANCE = 1e-9;

// What a load balancer in front of a dead node typically sends, with a 200 to make it worse.
const HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n";

function checkRates(rates: FaultRates): Required<FaultRates> {
  let sum = 0;
  for (const kind of FAULT_KINDS) {
    const rate = rates[kind] ?? 0;
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new BaseError(`The ${kind} rate ${rate} is not a probability.`, {
        details: "Give each fault rate as a number from 0 to 1.",
      });
    }
    sum += rate;
  }
  if (sum > 1 + RATE_SUM_TOLERANCE) {
    throw new BaseError(`The fault rates add up to ${sum}, more than 1.`, {
      details: "A request draws at most one fault; lower the rates so that they add up to 1 or less.",
    });
  }
  return { drop: rates.drop ?? 0, delay: rates.delay ?? 0, error500: rates.error500 ?? 0, garble: rates.garble ?? 0 };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
    // A client that hangs up mid-body emits neither `end` nor always `error`.
    request.once("close", () => {
      if (!request.complete) reject(new Error("The client closed the connection before sending the whole request."));
    });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function jsonReply(value: unknown): Reply {
  return { status: 200, type: "application/json", body: Buffer.from(JSON.stringify(value)) };
}

/**
 * Replaces the upstream's answer (never the request, which has already gone through unchanged) with
 * one of four malformed ones, picked by `variant` in [0, 1).
 */
function garble(reply: Reply, variant: number): Reply {
  const text = Buffer.from(reply.body).toString("utf8");
  // A proper prefix of a JSON object or array always lacks its closing bracket, so it never parses.
  const truncated: Reply = {
    status: 200,
    type: "application/json",
    body: Buffer.from(text.trimEnd().slice(0, Math.floor(text.trimEnd().length / 2))),
  };
  const pick = Math.floor(variant * 4);
  if (pick === 0) return truncated;
  if (pick === 1) return { status: 200, type: "text/html", body: Buffer.from(HTML_PAGE) };
  const parsed = parseJson(text);
  if (parsed === undefined) return truncated;
  const responses = (Array.isArray(parsed) ? parsed : [parsed]).map((response) => (isRecord(response) ? response : {}));
  const batch = Array.isArray(parsed);
  if (pick === 2) {
    // What a lagging node behind a load balancer says about a block or receipt it has not seen yet.
    const nulled = responses.map((response) => ({ jsonrpc: "2.0", id: response.id ?? null, result: null }));
    return jsonReply(batch ? nulled : nulled[0]);
  }
  // Numbering past the largest numeric id guarantees that no response keeps any id of the batch.
  let next =
    1 + responses.reduce((max, response) => (typeof response.id === "number" ? Math.max(max, response.id) : max), 0);
  const renumbered = responses.map((response) => ({ ...response, id: next++ }));
  return jsonReply(batch ? renumbered : renumbered[0]);
}

/**
 * A JSON-RPC HTTP proxy on 127.0.0.1 that forwards every POST to an upstream node and, with seeded
 * probabilities, injects the faults a flaky RPC provider shows: dropped connections, delays, HTTP
 * 500s and malformed answers; and, on command, an unreachable node (`down`) or a hung one (`hang`).
 * It exists to show that the engine survives them. A fault never alters the request the node sees:
 * the worst it does is keep the node's answer from the client, which is the case that matters for
 * `eth_sendRawTransaction` (the transaction may be in the pool although the client heard nothing).
 * @example
 * const proxy = await FaultProxy.start({ upstream: "http://127.0.0.1:8545", seed: 1, rates: { drop: 0.1 } });
 * const provider = new JsonRpcProvider(proxy.url);
 * // … run the engine against `provider` …
 * proxy.setRates({}); // let the run settle
 * await proxy.close();
 */
export class FaultProxy {
  /** The seed of the fault draws: pass it again to replay the same faults for the same requests. */
  readonly seed: number;
  private readonly upstream: string;
  private readonly delayMs: number;
  private readonly random: () => number;
  private rates: Required<FaultRates>;
  private port = 0;
  private server: Server | undefined;
  private hung = false;
  private closed = false;
  private readonly tally: { -readonly [K in keyof FaultCounts]: number } = {
    forwarded: 0,
    dropped: 0,
    delayed: 0,
    error500: 0,
    garbled: 0,
    refused: 0,
    hung: 0,
  };
  // Tracked by hand because `down()` must destroy idle keep-alive connections too, which the
  // server would otherwise wait on before it stops.
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new Set<Exchange>();
  private readonly held = new Set<Exchange>();

  private constructor(upstream: string, seed: number, rates: Required<FaultRates>, delayMs: number) {
    this.upstream = upstream;
    this.seed = seed;
    this.random = mulberry32(seed);
    this.rates = rates;
    this.delayMs = delayMs;
  }

  /**
   * Starts a proxy in front of `options.upstream`, listening on 127.0.0.1.
   * @throws BaseError when an option is invalid or the port cannot be bound.
   */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    let upstream: URL;
    try {
      upstream = new URL(options.upstream);
    } catch (cause) {
      throw new BaseError(`The upstream ${options.upstream} is not a URL.`, {
        details: "Give the node's JSON-RPC URL, such as http://127.0.0.1:8545.",
        cause,
      });
    }
    if (upstream.protocol !== "http:" && upstream.protocol !== "https:") {
      throw new BaseError(`The upstream ${options.upstream} is not an http(s) URL.`, {
        details: "The proxy forwards JSON-RPC over HTTP; give the node's http:// or https:// URL.",
      });
    }
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new BaseError(`The port ${port} is not a TCP port.`, {
        details: "Give a port from 1 to 65535, or 0 for any.",
      });
    }
    const delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      throw new BaseError(`The delay ${delayMs} ms is not a duration.`, { details: "Give delayMs as 0 or more." });
    }
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
    if (!Number.isSafeInteger(seed)) {
      throw new BaseError(`The seed ${seed} is not an integer.`, { details: "Give the seed as a whole number." });
    }
    const proxy = new FaultProxy(upstream.href, seed >>> 0, checkRates(options.rates ?? {}), delayMs);
    proxy.server = await proxy.listen(port);
    proxy.port = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** Where clients reach the proxy: `http://127.0.0.1:<port>`, the same port across `down()` and `up()`. */
  get url(): string {
    return `http://${FAULT_PROXY_HOST}:${this.port}`;
  }

  /** A snapshot of what the proxy has done with the requests so far. */
  get counts(): FaultCounts {
    return { ...this.tally };
  }

  /**
   * Changes the fault mix for the requests that arrive from now on (for example to all 0 to let a run settle).
   * @throws BaseError when a rate is not a probability or the rates add up to more than 1.
   */
  setRates(rates: FaultRates): void {
    this.rates = checkRates(rates);
  }

  /**
   * Simulates the node being unreachable: closes the listening socket and every open connection, so clients
   * get ECONNREFUSED or "socket hang up"; requests in flight are cut (counted `refused`) and never reach the
   * node if they had not already. Does nothing when already down.
   */
  async down(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const exchange of this.inFlight) {
      this.settle(exchange, "refused");
      exchange.abort.abort();
    }
    this.held.clear();
    for (const socket of this.sockets) socket.destroy();
    await stopped;
  }

  /**
   * Listens again on the same port after `down()`. Does nothing when already up.
   * @throws BaseError when the proxy is closed or another process took the port meanwhile.
   */
  async up(): Promise<void> {
    if (this.closed) {
      throw new BaseError("The fault proxy is closed.", { details: "Start a new one with FaultProxy.start()." });
    }
    if (this.server !== undefined) return;
    this.server = await this.listen(this.port);
  }

  /**
   * Simulates a hung node: from now on requests are accepted and never answered (counted `hung`), until
   * `unhang()`. Requests already in flight carry on.
   */
  hang(): void {
    this.hung = true;
  }

  /** Ends a `hang()`: the held requests are dropped by destroying their sockets, and new ones are served again. */
  unhang(): void {
    this.hung = false;
    for (const exchange of this.held) exchange.socket.destroy();
    this.held.clear();
  }

  /** Stops the proxy for good: cuts every connection, as `down()` does, and releases the port. */
  async close(): Promise<void> {
    this.closed = true;
    this.unhang();
    await this.down();
  }

  private listen(port: number): Promise<Server> {
    const server = createServer((request, response) => this.onRequest(request, response));
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once("error", (cause) =>
        reject(
          new BaseError(`The fault proxy could not listen on ${FAULT_PROXY_HOST}:${port}.`, {
            details: "Pick another port, or stop the process that holds this one.",
            cause,
          }),
        ),
      );
      server.listen(port, FAULT_PROXY_HOST, () => resolve(server));
    });
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    if (request.method !== "POST") {
      response.writeHead(405, { allow: "POST", "content-type": "text/plain" });
      response.end("The fault proxy forwards JSON-RPC POST requests only.\n");
      return;
    }
    const exchange: Exchange = { socket: request.socket, response, abort: new AbortController(), settled: false };
    this.inFlight.add(exchange);
    response.once("close", () => {
      this.inFlight.delete(exchange);
      this.held.delete(exchange);
    });
    if (this.hung) {
      this.held.add(exchange);
      this.settle(exchange, "hung");
      return;
    }
    // Drawn on arrival, before any await, so the sequence follows the order requests come in.
    const draw = this.draw();
    this.serve(request, exchange, draw).catch(() => {
      // Cut by down() or by the client; either way there is no one left to answer.
      exchange.socket.destroy();
    });
  }

  private draw(): Draw {
    // Always two draws per request, so a fault's variant never shifts which fault the next request gets.
    const pick = this.random();
    const variant = this.random();
    let edge = 0;
    for (const kind of FAULT_KINDS) {
      edge += this.rates[kind];
      if (pick < edge) return { kind, variant };
    }
    return { kind: "none", variant };
  }

  private async serve(request: IncomingMessage, exchange: Exchange, draw: Draw): Promise<void> {
    const body = await readBody(request);
    const { signal } = exchange.abort;
    const type = request.headers["content-type"] ?? "application/json";
    switch (draw.kind) {
      case "drop":
        // After forwarding, the node acted on the request but the client never hears of it.
        if (draw.variant >= 0.5) await this.forward(body, type, signal);
        if (this.settle(exchange, "dropped")) exchange.socket.destroy();
        return;
      case "delay":
        await sleep(this.delayMs, undefined, { signal });
        return this.answer(exchange, "delayed", await this.forward(body, type, signal));
      case "error500":
        return this.answer(exchange, "error500", {
          status: 500,
          type: "text/plain",
          body: Buffer.from("Internal Server Error (injected by the fault proxy)\n"),
        });
      case "garble":
        return this.answer(exchange, "garbled", garble(await this.forward(body, type, signal), draw.variant));
      case "none":
        return this.answer(exchange, "forwarded", await this.forward(body, type, signal));
    }
  }

  private async forward(body: Buffer, type: string, signal: AbortSignal): Promise<Reply> {
    try {
      const response = await fetch(this.upstream, {
        method: "POST",
        headers: { "content-type": type },
        body: new Uint8Array(body),
        signal,
      });
      return {
        status: response.status,
        type: response.headers.get("content-type") ?? "application/json",
        body: new Uint8Array(await response.arrayBuffer()),
      };
    } catch (error) {
      if (signal.aborted) throw error;
      // A real outage upstream: say so as a gateway would, rather than inventing a fault.
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      return {
        status: 502,
        type: "text/plain",
        body: Buffer.from(`The fault proxy could not reach the upstream node: ${reason}\n`),
      };
    }
  }

  private answer(exchange: Exchange, outcome: keyof FaultCounts, reply: Reply): void {
    if (!this.settle(exchange, outcome) || exchange.response.destroyed) return;
    exchange.response.writeHead(reply.status, { "content-type": reply.type, "content-length": reply.body.byteLength });
    exchange.response.end(reply.body);
  }

  /** Counts the exchange's outcome unless it already has one; says whether this call settled it. */
  private settle(exchange: Exchange, outcome: keyof FaultCounts): boolean {
    if (exchange.settled) return false;
    exchange.settled = true;
    this.tally[outcome] += 1;
    return true;
  }
}
