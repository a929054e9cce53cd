import type { FastifyReply, FastifyRequest } from "fastify";
import type { EventBus, ServiceEventName, ServiceEvents } from "../engine/events.js";
import { jsonSafe, tradeView } from "./views.js";

/** A client further behind than this many bytes is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1 << 20;
const HEARTBEAT_MS = 15_000;
/** At most this many streams at once: a dashboard or two, not whatever a local process opens. */
export const MAX_STREAM_CLIENTS = 32;

/** The events the stream carries, each as the API shows it. */
const STREAMED: { [K in ServiceEventName]?: (e: ServiceEvents[K]) => unknown } = {
  block: (e) => e,
  opportunity: (e) => tradeView(e),
  trade: (e) => ({ kind: e.kind, trade: tradeView(e.record) }),
  risk: (e) => e,
  control: (e) => jsonSafe(e),
  rpc: (e) => e,
  runway: (e) => jsonSafe(e),
};

/**
 * The live stream as server-sent events: blocks, opportunities (every record change), trades'
 * outcomes, risk events, control actions, RPC loss and return, the operator's runway. A comment
 * every 15 s keeps proxies from closing an idle stream; a client that cannot keep up is dropped.
 */
export class EventStream {
  private readonly clients = new Set<FastifyReply>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;

  constructor(events: EventBus) {
    for (const [name, view] of Object.entries(STREAMED) as Array<[ServiceEventName, (e: unknown) => unknown]>)
      this.unsubscribe.push(
        events.on(name, (e) => {
          if (this.clients.size > 0) this.broadcast(name, view(e));
        }),
      );
    this.heartbeat = setInterval(() => this.write(": keep-alive\n\n"), HEARTBEAT_MS).unref();
  }

  /** How many clients are connected. */
  get size(): number {
    return this.clients.size;
  }

  /** Takes over `reply` as an event stream until the client goes. */
  attach(request: FastifyRequest, reply: FastifyReply): void {
    if (this.clients.size >= MAX_STREAM_CLIENTS) {
      void reply
        .code(503)
        .header("retry-after", "10")
        .send({ error: "too_many_streams", message: `At most ${MAX_STREAM_CLIENTS} live streams at once.` });
      return;
    }
    reply.hijack();
    reply.raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    reply.raw.write("retry: 2000\n\n");
    this.clients.add(reply);
    request.raw.on("close", () => this.clients.delete(reply));
  }

  /** Ends every stream and stops listening. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const off of this.unsubscribe) off();
    for (const reply of this.clients) reply.raw.end();
    this.clients.clear();
  }

  private broadcast(name: string, data: unknown): void {
    this.write(`id: ${this.nextId++}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(chunk: string): void {
    for (const reply of this.clients) {
      if (reply.raw.writableLength > MAX_BUFFERED_BYTES) {
        this.clients.delete(reply);
        reply.raw.destroy();
        continue;
      }
      reply.raw.write(chunk);
    }
  }
}
