import type { TripReason } from "./execute/risk.js";
import type { TradeRecord } from "./record/records.js";

/** What the service tells its watchers (the API's stream, metrics, alerts), by event name. */
export interface ServiceEvents {
  /** A head handled: its number, when, and how long the engine took over it. */
  readonly block: {
    readonly number: number;
    readonly at: string;
    readonly handledMs: number;
    /** From the block's arrival to its first trade ready to sign, when it had one. */
    readonly blockToTradeMs?: number;
  };
  /** An opportunity's record was written or moved on (any status). */
  readonly opportunity: TradeRecord;
  /** A sent trade's outcome on chain: mined (succeeded or reverted), dropped, or undone by a reorg. */
  readonly trade: {
    readonly kind: "succeeded" | "reverted" | "dropped" | "reorged";
    readonly record: TradeRecord;
  };
  /** The risk guard stopped trading, or trading resumed. */
  readonly risk: {
    readonly kind: "trip" | "resume";
    readonly reason: TripReason;
    readonly detail: string;
  };
  /** An operator's action: pause, resume, a configuration change. */
  readonly control: {
    readonly action: string;
    readonly from: string;
    readonly detail: Readonly<Record<string, unknown>>;
  };
  /** The RPC stopped answering, or answers again. */
  readonly rpc: { readonly kind: "lost" | "back"; readonly reason?: string; readonly downForMs?: number };
  /** The operator's ETH, checked against the configured runway. */
  readonly runway: { readonly low: boolean; readonly balanceWei: bigint; readonly runwayTrades: bigint };
  /** How long one RPC request took, and whether it failed. */
  readonly rpcCall: { readonly method: string; readonly ms: number; readonly ok: boolean };
}

export type ServiceEventName = keyof ServiceEvents;
type Listener<K extends ServiceEventName> = (event: ServiceEvents[K]) => void;

/**
 * A typed publish–subscribe channel. A listener that throws is reported and skipped: a broken
 * watcher (a dashboard, an alert channel) must never stop the engine that emits.
 */
export class EventBus {
  private readonly listeners = new Map<ServiceEventName, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (name: ServiceEventName, error: unknown) => void = () => {}) {}

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends ServiceEventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends ServiceEventName>(name: K, event: ServiceEvents[K]): void {
    const set = this.listeners.get(name);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as Listener<K>)(event);
      } catch (error) {
        this.onListenerError(name, error);
      }
    }
  }

  /** Whether anyone listens to `name` (to skip building events nobody reads). */
  has(name: ServiceEventName): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }
}
