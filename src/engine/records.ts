import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Where an opportunity got to. */
export type OpportunityStatus = "filtered" | "simulation_failed" | "dry_run" | "sent" | "succeeded" | "reverted";

/** One opportunity, from detection to outcome. Amounts are base-unit decimal strings. */
export interface OpportunityRecord {
  readonly id: number;
  readonly block: number;
  readonly cycle: string;
  readonly token: string;
  readonly amountIn: string;
  readonly lender: string;
  readonly expectedProfit: string;
  readonly gasCost: string;
  readonly status: OpportunityStatus;
  readonly reason: string | null;
  readonly txHash: string | null;
  readonly realisedProfit: string | null;
  readonly gasUsed: string | null;
  readonly gasPaidWei: string | null;
}

/**
 * The engine's records in SQLite (Node's built-in driver): every opportunity with what was
 * expected and, for sent trades, what the receipt says happened. Each write is a single
 * statement, so a crash leaves every row either written or not.
 */
export class Records {
  private readonly db: DatabaseSync;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS opportunities (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        block INTEGER NOT NULL,
        cycle TEXT NOT NULL,
        token TEXT NOT NULL,
        amount_in TEXT NOT NULL,
        lender TEXT NOT NULL,
        expected_profit TEXT NOT NULL,
        gas_cost TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        tx_hash TEXT,
        realised_profit TEXT,
        gas_used TEXT,
        gas_paid_wei TEXT
      );
      CREATE INDEX IF NOT EXISTS opportunities_status ON opportunities (status);
    `);
  }

  /** Records a detected opportunity and returns its id. */
  add(row: Omit<OpportunityRecord, "id" | "txHash" | "realisedProfit" | "gasUsed" | "gasPaidWei">): number {
    const result = this.db
      .prepare(
        `INSERT INTO opportunities (block, cycle, token, amount_in, lender, expected_profit, gas_cost, status, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.block,
        row.cycle,
        row.token,
        row.amountIn,
        row.lender,
        row.expectedProfit,
        row.gasCost,
        row.status,
        row.reason,
      );
    return Number(result.lastInsertRowid);
  }

  /** Moves an opportunity on: a new status, and whatever is known now. */
  update(
    id: number,
    change: {
      status: OpportunityStatus;
      reason?: string;
      txHash?: string;
      realisedProfit?: string;
      gasUsed?: string;
      gasPaidWei?: string;
    },
  ): void {
    this.db
      .prepare(
        `UPDATE opportunities SET status = ?, reason = COALESCE(?, reason), tx_hash = COALESCE(?, tx_hash),
         realised_profit = COALESCE(?, realised_profit), gas_used = COALESCE(?, gas_used), gas_paid_wei = COALESCE(?, gas_paid_wei)
         WHERE id = ?`,
      )
      .run(
        change.status,
        change.reason ?? null,
        change.txHash ?? null,
        change.realisedProfit ?? null,
        change.gasUsed ?? null,
        change.gasPaidWei ?? null,
        id,
      );
  }

  /** Sent trades whose outcome is not recorded yet: reconciled from their receipts on restart. */
  pending(): OpportunityRecord[] {
    return this.rows("WHERE status = 'sent'");
  }

  /** Every record, oldest first. */
  all(): OpportunityRecord[] {
    return this.rows("");
  }

  close(): void {
    this.db.close();
  }

  private rows(where: string): OpportunityRecord[] {
    return this.db
      .prepare(
        `SELECT id, block, cycle, token, amount_in AS amountIn, lender, expected_profit AS expectedProfit, gas_cost AS gasCost,
         status, reason, tx_hash AS txHash, realised_profit AS realisedProfit, gas_used AS gasUsed, gas_paid_wei AS gasPaidWei
         FROM opportunities ${where} ORDER BY id`,
      )
      .all() as unknown as OpportunityRecord[];
  }
}
