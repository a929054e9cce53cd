import type { Logger } from "../log.js";
import { publicUrl } from "./publicUrl.js";

/** The longest wait between reconnection attempts. */
const MAX_BACKOFF_MS = 30_000;

/**
 * New heads by WebSocket subscription (`eth_subscribe("newHeads")`): calls `onHead` with each
 * new block's number as the node announces it, so the service handles a block without waiting
 * for its next poll. It only wakes the loop: the loop still polls, so a subscription that dies
 * quietly delays blocks by at most the poll interval and loses none. A lost connection is
 * logged once and retried with exponential backoff until it is back.
 */
export class HeadSubscription {
  private socket: WebSocket | undefined;
  private closed = false;
  private backoffMs = 500;
  private lost = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onHead: (blockNumber: number) => void,
    private readonly log: Logger,
  ) {}

  /** Connects and subscribes; reconnects by itself until {@link close}. */
  start(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
    };
    socket.onmessage = (message) => {
      let body: {
        id?: number;
        result?: unknown;
        error?: { message?: string };
        params?: { result?: { number?: string } };
      };
      try {
        body = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (body.id === 1) {
        if (body.error !== undefined) {
          this.log.warn("heads_subscription_refused", {
            url: publicUrl(this.url),
            reason: body.error.message,
            action: "polling only",
          });
          this.closed = true;
          socket.close();
          return;
        }
        this.backoffMs = 500;
        if (this.lost) this.log.info("heads_subscription_restored", { url: publicUrl(this.url) });
        else this.log.info("heads_subscribed", { url: publicUrl(this.url) });
        this.lost = false;
        return;
      }
      const number = body.params?.result?.number;
      if (typeof number === "string") this.onHead(Number(BigInt(number)));
    };
    socket.onclose = () => {
      if (this.closed) return;
      if (!this.lost)
        this.log.warn("heads_subscription_lost", { url: publicUrl(this.url), action: "polling, and reconnecting" });
      this.lost = true;
      this.retry = setTimeout(() => this.start(), this.backoffMs);
      this.retry.unref();
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    };
    // An error is followed by a close, which reconnects.
    socket.onerror = () => {};
  }

  /** Closes the connection and stops reconnecting. */
  close(): void {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.socket?.close();
  }
}
