import type { FunnelCounts } from "./funnel.js";
import type { ProfitPeriod, TradeQuery } from "./query.js";
import type { AuditEvent, ProfitBucket, Records, SignedAttempt, TradeRecord } from "./records.js";

/** A page of the audit log. */
export interface AuditQuery {
  readonly kind?: string;
  readonly chainId?: number;
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * What the operator's surface reads from the records, whichever store holds them: this engine's
 * SQLite file, or the PostgreSQL database several engines (one per chain) write to.
 */
export interface RecordsReader {
  /** Where the records are, for logs and the status (never with a password). */
  readonly where: string;
  page(query: TradeQuery): Promise<{ total: number; rows: TradeRecord[] }>;
  funnel(query: TradeQuery): Promise<FunnelCounts>;
  profit(period: ProfitPeriod, chainId?: number): Promise<ProfitBucket[]>;
  auditPage(query: AuditQuery): Promise<{ total: number; rows: AuditEvent[] }>;
  /** One trade by id (of `chainId` where the store holds several chains). */
  get(id: number, chainId?: number): Promise<TradeRecord | undefined>;
  attempts(id: number, chainId?: number): Promise<SignedAttempt[]>;
  /** The chains the store holds records of. */
  chains(): Promise<number[]>;
}

/** The engine's own SQLite records, read by the surface. */
export class SqliteRecordsReader implements RecordsReader {
  constructor(private readonly records: Records) {}

  get where(): string {
    return `sqlite:${this.records.path}`;
  }

  async page(query: TradeQuery) {
    return this.records.page(query);
  }

  async funnel(query: TradeQuery) {
    return this.records.funnel(query);
  }

  async profit(period: ProfitPeriod, chainId?: number) {
    return this.records.profit(period, chainId);
  }

  async auditPage(query: AuditQuery) {
    // One engine's file holds one chain: another chain's log is empty.
    const { chainId, ...rest } = query;
    if (chainId !== undefined && chainId !== this.records.boundChain()?.chainId) return { total: 0, rows: [] };
    return this.records.auditPage(rest);
  }

  async get(id: number, chainId?: number) {
    const row = this.records.get(id);
    return chainId === undefined || row?.chainId === chainId ? row : undefined;
  }

  async attempts(id: number, chainId?: number) {
    return (await this.get(id, chainId)) === undefined ? [] : this.records.attempts(id);
  }

  async chains() {
    return this.records.chains();
  }
}
