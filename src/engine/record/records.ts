import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { BaseError } from "../../errors.js";
import { type FunnelCounts, funnelCounts } from "./funnel.js";
import { migrate } from "./migrations.js";
import { orderOf, type ProfitPeriod, periodOf, sortOf, type TradeQuery, whereOf } from "./query.js";

/**
 * Where a trade got to. The live path runs detected → simulated → signed → sent → succeeded |
 * reverted | dropped; `filtered`, `simulation_failed`, `send_failed` and `dry_run` end it early,
 * each with a reason. A mined trade (`succeeded`, `reverted`) is `final` only after the
 * configured confirmations; a reorg can send it back to `sent`.
 */
export type TradeStatus =
  | "filtered"
  | "detected"
  | "simulation_failed"
  | "simulated"
  | "dry_run"
  | "signed"
  | "sent"
  | "send_failed"
  | "succeeded"
  | "reverted"
  | "dropped";

/** What kind of trade a record is. */
export type Strategy = "arbitrage" | "liquidation" | "backrun";

/** Statuses whose outcome the chain has not settled: reconciled on start, followed every block. */
export const OPEN_STATUSES: readonly TradeStatus[] = ["signed", "sent"];

/** One opportunity, from detection to outcome. Amounts are base units of `token`. */
export interface TradeRecord {
  readonly id: number;
  readonly createdAt: string;
  readonly updatedAt: string | null;
  readonly chainId: number | null;
  readonly block: number;
  readonly strategy: Strategy;
  /**
   * The pools in order, named for people (`Uniswap V3 WETH/USDC 0.05%`); for a liquidation, the
   * position and the pools that sell its collateral.
   */
  readonly cycle: string;
  /** The pools' addresses in order, comma-separated. */
  readonly route: string | null;
  readonly token: string;
  readonly tokenAddress: string | null;
  readonly decimals: number | null;
  readonly amountIn: bigint;
  readonly lender: string;
  readonly expectedProfit: bigint;
  /** The gas the trade was expected to cost, in `token`. */
  readonly gasCost: bigint;
  /** Expected profit net of gas, in micro-dollars at the time of detection. */
  readonly expectedProfitUsd6: bigint | null;
  readonly status: TradeStatus;
  readonly reason: string | null;
  readonly nonce: number | null;
  readonly txHash: string | null;
  readonly rawTx: string | null;
  readonly minedBlock: number | null;
  readonly minedBlockHash: string | null;
  readonly final: boolean;
  /** From the receipt's `ArbitrageExecuted` or `LiquidationExecuted` event: measured on chain, never estimated. */
  readonly realisedProfit: bigint | null;
  readonly realisedProfitUsd6: bigint | null;
  readonly gasUsed: bigint | null;
  readonly gasPaidWei: bigint | null;
  readonly gasPaidUsd6: bigint | null;
  /** Earlier transactions of this trade at the same nonce, replaced by `txHash`. */
  readonly replacedHashes: readonly string[];
  /** The mined outcome the risk guard has counted (`succeeded` or `reverted`), if any. */
  readonly riskCounted: string | null;
}

/** What is known of a trade when it is first recorded. */
export interface NewTrade {
  readonly block: number;
  /** Arbitrage when absent. */
  readonly strategy?: Strategy;
  readonly cycle: string;
  readonly route?: string;
  readonly token: string;
  readonly tokenAddress?: string;
  readonly decimals?: number;
  readonly amountIn: bigint;
  readonly lender: string;
  readonly expectedProfit: bigint;
  readonly gasCost: bigint;
  readonly expectedProfitUsd6?: bigint;
  readonly status: TradeStatus;
  readonly reason: string | null;
}

/** A change of status and whatever became known with it. */
export interface TradeChange {
  readonly status: TradeStatus;
  readonly reason?: string | null;
  readonly txHash?: string;
  readonly minedBlock?: number | null;
  readonly minedBlockHash?: string | null;
  readonly final?: boolean;
  readonly realisedProfit?: bigint | null;
  readonly realisedProfitUsd6?: bigint | null;
  readonly gasUsed?: bigint | null;
  readonly gasPaidWei?: bigint | null;
  readonly gasPaidUsd6?: bigint | null;
  readonly replacedHashes?: readonly string[];
  readonly riskCounted?: string | null;
}

/** A signed transaction of a trade, stored before it is broadcast. */
export interface SignedAttempt {
  readonly hash: string;
  readonly nonce: number;
  readonly rawTx: string;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  /** Sent in a bundle for this block only (never to the public mempool); absent when broadcast. */
  readonly targetBlock?: number;
}

/** The chain records belong to: its ID and the hash of its first block. */
export interface ChainIdentity {
  readonly chainId: number;
  readonly genesisHash: string;
}

/** Filters for {@link Records.list}. */
export interface TradeFilter {
  readonly status?: readonly TradeStatus[];
  /** ISO time: only trades recorded at or after it. */
  readonly since?: string;
  /** Only trades with an id above this. */
  readonly afterId?: number;
}

/** The records belong to another chain than the RPC's. */
export class RecordsChainMismatchError extends BaseError {
  override readonly name = "RecordsChainMismatchError";
}

/** Another running engine holds the records file. */
export class RecordsInUseError extends BaseError {
  override readonly name = "RecordsInUseError";
}

/** Whether a process with this id runs (on this machine). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What a run's records add up to: see {@link Records.totals}. */
export interface RunTotals {
  readonly byStatus: Partial<Record<TradeStatus, number>>;
  /** Realised profit of succeeded trades per token symbol, in base units. */
  readonly realisedProfit: Record<string, bigint>;
  realisedProfitUsd6: bigint;
  gasUsed: bigint;
  gasPaidWei: bigint;
  gasPaidUsd6: bigint;
  /** The liquidations among them: how many landed and what they realised (also in the totals above). */
  readonly liquidations: LiquidationTotals;
}

/** The liquidations of a run, from the chain's events. */
export interface LiquidationTotals {
  /** Liquidations that landed (`succeeded`). */
  count: number;
  /** Realised profit per token symbol, in base units. */
  readonly realisedProfit: Record<string, bigint>;
  realisedProfitUsd6: bigint;
}

/** One entry of the audit log. */
export interface AuditEvent {
  readonly id: number;
  readonly at: string;
  readonly kind: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Mined trades of one period: see {@link Records.profit}. */
export interface ProfitBucket {
  /** The period's first day, `YYYY-MM-DD` (UTC). */
  readonly period: string;
  succeeded: number;
  reverted: number;
  /** Realised profit of succeeded trades per token, in base units. */
  readonly profit: Array<{ token: string; decimals: number | null; amount: bigint }>;
  realisedProfitUsd6: bigint;
  /** Gas paid by every mined trade, succeeded or reverted. */
  gasPaidWei: bigint;
  gasPaidUsd6: bigint;
  /** Dollars realised minus dollars of gas paid. */
  netUsd6: bigint;
}

/** A period with nothing mined yet, to add trades to. */
export function emptyBucket(period: string): ProfitBucket {
  return {
    period,
    succeeded: 0,
    reverted: 0,
    profit: [],
    realisedProfitUsd6: 0n,
    gasPaidWei: 0n,
    gasPaidUsd6: 0n,
    netUsd6: 0n,
  };
}

/** A write the database refused (locked past the busy timeout, disk full…). */
export class RecordsWriteError extends BaseError {
  override readonly name = "RecordsWriteError";
}

const SELECT = `SELECT id, created_at AS createdAt, updated_at AS updatedAt, chain_id AS chainId, block, cycle, route,
  token, token_address AS tokenAddress, decimals, amount_in AS amountIn, lender, expected_profit AS expectedProfit,
  gas_cost AS gasCost, expected_profit_usd6 AS expectedProfitUsd6, status, reason, nonce, tx_hash AS txHash,
  raw_tx AS rawTx, mined_block AS minedBlock, mined_block_hash AS minedBlockHash, final,
  realised_profit AS realisedProfit, realised_profit_usd6 AS realisedProfitUsd6, gas_used AS gasUsed,
  gas_paid_wei AS gasPaidWei, gas_paid_usd6 AS gasPaidUsd6, replaced_hashes AS replacedHashes, risk_counted AS riskCounted,
  strategy FROM opportunities`;

type Row = Record<string, SQLInputValue>;

const big = (v: SQLInputValue): bigint | null => (v === null || v === undefined ? null : BigInt(v as string | number));

function toRecord(row: Row): TradeRecord {
  return {
    id: Number(row.id),
    createdAt: String(row.createdAt),
    updatedAt: row.updatedAt === null ? null : String(row.updatedAt),
    chainId: row.chainId === null ? null : Number(row.chainId),
    block: Number(row.block),
    strategy: (row.strategy ?? "arbitrage") as Strategy,
    cycle: String(row.cycle),
    route: row.route === null ? null : String(row.route),
    token: String(row.token),
    tokenAddress: row.tokenAddress === null ? null : String(row.tokenAddress),
    decimals: row.decimals === null ? null : Number(row.decimals),
    amountIn: BigInt(row.amountIn as string),
    lender: String(row.lender),
    expectedProfit: BigInt(row.expectedProfit as string),
    gasCost: BigInt(row.gasCost as string),
    expectedProfitUsd6: big(row.expectedProfitUsd6 ?? null),
    status: row.status as TradeStatus,
    reason: row.reason === null ? null : String(row.reason),
    nonce: row.nonce === null ? null : Number(row.nonce),
    txHash: row.txHash === null ? null : String(row.txHash),
    rawTx: row.rawTx === null ? null : String(row.rawTx),
    minedBlock: row.minedBlock === null ? null : Number(row.minedBlock),
    minedBlockHash: row.minedBlockHash === null ? null : String(row.minedBlockHash),
    final: Number(row.final) === 1,
    realisedProfit: big(row.realisedProfit ?? null),
    realisedProfitUsd6: big(row.realisedProfitUsd6 ?? null),
    gasUsed: big(row.gasUsed ?? null),
    gasPaidWei: big(row.gasPaidWei ?? null),
    gasPaidUsd6: big(row.gasPaidUsd6 ?? null),
    replacedHashes: row.replacedHashes === null ? [] : String(row.replacedHashes).split(",").filter(Boolean),
    riskCounted: row.riskCounted === null || row.riskCounted === undefined ? null : String(row.riskCounted),
  };
}

/** `undefined` leaves a column as it is; `null` clears it. */
function keep<T>(value: T | undefined): T | null | "__keep__" {
  return value === undefined ? "__keep__" : value;
}

/**
 * The engine's records in SQLite (Node's built-in driver): every opportunity with what was
 * expected and, for sent trades, what the chain says happened. Each step of a trade is written
 * before the step is taken (a signed transaction is stored before it is broadcast), so a crash
 * at any instant leaves a record the next start can reconcile from the chain.
 *
 * The file is bound to one chain (ID and genesis hash) on first use: records of two chains are
 * never mixed. Writes wait up to `busyTimeoutMs` for another process's lock.
 */
export class Records {
  readonly path: string;
  /** Told the id of every record written or moved on, after its transaction commits. */
  onChange: ((id: number) => void) | undefined;
  /** Told the id of every audit event appended. */
  onEvent: ((id: number) => void) | undefined;
  private readonly db: DatabaseSync;
  private chain: ChainIdentity | undefined;
  /** Ids changed inside {@link atomically}, told once it commits. */
  private changedInTransaction: number[] | undefined;

  /** @param busyTimeoutMs How long a write waits for a lock held by another reader or writer. */
  constructor(path: string, busyTimeoutMs = 10_000) {
    this.path = path;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new DatabaseSync(path);
      this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      this.db.exec("PRAGMA journal_mode = WAL");
    } catch (cause) {
      throw new BaseError(`Cannot open the records at ${path}.`, {
        details:
          "databasePath (--database) must name a file, in a directory this user can write, that is an SQLite database or does not exist yet.",
        cause,
      });
    }
    migrate(this.db, path);
  }

  /** This file's own identity, made once (random) and kept: a shared store tells files apart by it. */
  identity(): string {
    let id = this.getMeta("records_id");
    if (id === undefined) {
      id = randomBytes(16).toString("hex");
      this.setMeta("records_id", id);
    }
    return id;
  }

  /** The chain this file is bound to, if any. */
  boundChain(): ChainIdentity | undefined {
    const value = this.getMeta("chain");
    return value === undefined ? undefined : (JSON.parse(value) as ChainIdentity);
  }

  /**
   * Binds the file to `chain` on first use; afterwards refuses any other chain.
   * @throws RecordsChainMismatchError when the file holds another chain's records.
   */
  bindChain(chain: ChainIdentity): void {
    const bound = this.boundChain();
    if (bound === undefined) {
      this.setMeta("chain", JSON.stringify(chain));
    } else if (bound.chainId !== chain.chainId || bound.genesisHash !== chain.genesisHash) {
      throw new RecordsChainMismatchError(
        `The records at ${this.path} belong to chain ${bound.chainId} with genesis ${bound.genesisHash}, not to the RPC's chain ${chain.chainId} with genesis ${chain.genesisHash}.`,
        {
          details:
            "The node is another chain than the one these records were written on (a restarted local node is a new chain). Set databasePath to another file, or move this one away, and run again.",
        },
      );
    }
    this.chain = chain;
  }

  /**
   * Marks the file as used by this process, so that a second engine on the same records (and
   * the same key: two nonce counters) is refused. A claim left by a process that no longer
   * runs (a crash) is taken over.
   * @throws RecordsInUseError when another running engine holds it.
   */
  claim(): void {
    const mine = { pid: process.pid, host: hostname() };
    const held = this.getMeta("engine");
    if (held !== undefined) {
      const other = JSON.parse(held) as { pid: number; host: string };
      if (other.host === mine.host && other.pid !== mine.pid && isRunning(other.pid))
        throw new RecordsInUseError(`Another engine (process ${other.pid}) is using the records at ${this.path}.`, {
          details:
            "Two engines on one records file would send with the same key and overwrite each other's state. Stop the other one, or give this one another databasePath.",
        });
    }
    this.setMeta("engine", JSON.stringify(mine));
  }

  /** Gives up this process's claim on the file (at a clean stop). */
  release(): void {
    const held = this.getMeta("engine");
    if (held !== undefined && (JSON.parse(held) as { pid: number }).pid === process.pid)
      this.write(() => this.db.prepare("DELETE FROM meta WHERE key = 'engine'").run());
  }

  /** Records a detected opportunity and returns its id. */
  add(row: NewTrade): number {
    const result = this.write(() =>
      this.db
        .prepare(
          `INSERT INTO opportunities (block, cycle, route, token, token_address, decimals, amount_in, lender, expected_profit,
           gas_cost, expected_profit_usd6, status, reason, chain_id, genesis_hash, strategy, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
        )
        .run(
          row.block,
          row.cycle,
          row.route ?? null,
          row.token,
          row.tokenAddress ?? null,
          row.decimals ?? null,
          row.amountIn.toString(),
          row.lender,
          row.expectedProfit.toString(),
          row.gasCost.toString(),
          row.expectedProfitUsd6 ?? null,
          row.status,
          row.reason,
          this.chain?.chainId ?? null,
          this.chain?.genesisHash ?? null,
          row.strategy ?? "arbitrage",
        ),
    );
    const id = Number(result.lastInsertRowid);
    this.changed(id);
    return id;
  }

  /** Moves a trade on: a new status, and whatever is known now. */
  update(id: number, change: TradeChange): void {
    const columns: Array<[string, SQLInputValue]> = [["status", change.status]];
    const set = (column: string, value: unknown) => {
      const v = keep(value);
      if (v === "__keep__") return;
      columns.push([
        column,
        typeof v === "bigint" ? (column.endsWith("usd6") ? v : v.toString()) : (v as SQLInputValue),
      ]);
    };
    set("reason", change.reason);
    set("tx_hash", change.txHash);
    set("mined_block", change.minedBlock);
    set("mined_block_hash", change.minedBlockHash);
    set("final", change.final === undefined ? undefined : change.final ? 1 : 0);
    set("realised_profit", change.realisedProfit);
    set("realised_profit_usd6", change.realisedProfitUsd6);
    set("gas_used", change.gasUsed);
    set("gas_paid_wei", change.gasPaidWei);
    set("gas_paid_usd6", change.gasPaidUsd6);
    set("replaced_hashes", change.replacedHashes === undefined ? undefined : change.replacedHashes.join(","));
    set("risk_counted", change.riskCounted);
    const sql = `UPDATE opportunities SET ${columns.map(([c]) => `${c} = ?`).join(", ")},
      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`;
    this.write(() => this.db.prepare(sql).run(...columns.map(([, v]) => v), id));
    this.changed(id);
  }

  /**
   * Stores a signed transaction of trade `id` and marks the trade `signed`, in one transaction,
   * before the transaction is broadcast. A replacement at the same nonce moves the earlier hash
   * to the trade's replaced hashes.
   */
  addSigned(id: number, attempt: SignedAttempt): void {
    this.write(() => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        this.db
          .prepare(
            // The same trade signed again at a nonce a dropped bundle left free is the same
            // transaction, to the byte: it now belongs to the new attempt.
            `INSERT INTO transactions (hash, opportunity_id, nonce, raw_tx, max_fee_per_gas, max_priority_fee_per_gas, target_block)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (hash) DO UPDATE SET opportunity_id = excluded.opportunity_id, target_block = excluded.target_block`,
          )
          .run(
            attempt.hash,
            id,
            attempt.nonce,
            attempt.rawTx,
            attempt.maxFeePerGas.toString(),
            attempt.maxPriorityFeePerGas.toString(),
            attempt.targetBlock ?? null,
          );
        this.db
          .prepare(
            `UPDATE opportunities SET
               replaced_hashes = CASE WHEN tx_hash IS NULL THEN replaced_hashes
                 ELSE COALESCE(replaced_hashes || ',', '') || tx_hash END,
               status = CASE WHEN status = 'sent' THEN 'sent' ELSE 'signed' END,
               tx_hash = ?, raw_tx = ?, nonce = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?`,
          )
          .run(attempt.hash, attempt.rawTx, attempt.nonce, id);
        this.db.exec("COMMIT");
      } catch (error) {
        this.db.exec("ROLLBACK");
        throw error;
      }
    });
    this.changed(id);
  }

  /**
   * Runs `writes` in one transaction: all of them are kept, or (on an error or a crash) none.
   * @throws RecordsWriteError, or whatever `writes` threw, after rolling back.
   */
  atomically<T>(writes: () => T): T {
    this.write(() => this.db.exec("BEGIN IMMEDIATE"));
    this.changedInTransaction = [];
    let changed: number[] = [];
    try {
      const result = writes();
      this.db.exec("COMMIT");
      changed = this.changedInTransaction;
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    } finally {
      this.changedInTransaction = undefined;
      for (const id of new Set(changed)) this.changed(id);
    }
  }

  /**
   * A page of the records matching `query`, and how many match in all.
   * @example records.page({ status: ["succeeded"], token: "WETH", sort: "realisedProfitUsd6", limit: 20 })
   */
  page(query: TradeQuery): { total: number; rows: TradeRecord[] } {
    const where = whereOf(query);
    const counted =
      query.countCap === undefined
        ? `SELECT COUNT(*) AS n FROM opportunities ${where.sql}`
        : `SELECT COUNT(*) AS n FROM (SELECT 1 FROM opportunities ${where.sql} LIMIT ${Math.trunc(query.countCap) + 1})`;
    const total = Number((this.db.prepare(counted).get(...where.params) as Row).n);
    // The page's ids first, from the indexes where they cover the filter and the sort; then
    // only those rows are read whole (a signed row carries its raw transaction).
    const statement = this.db.prepare(
      `${SELECT} WHERE id IN (SELECT id FROM opportunities ${where.sql} ${orderOf(query)}) ${sortOf(query)}`,
    );
    statement.setReadBigInts(true);
    return { total, rows: (statement.all(...where.params) as Row[]).map(toRecord) };
  }

  /**
   * Mined trades per period (UTC day, ISO week from Monday, or month): realised profit per token
   * in base units, dollars realised, gas paid, and dollars net of gas. Newest period first.
   */
  profit(period: ProfitPeriod, chainId?: number): ProfitBucket[] {
    const statement = this.db.prepare(
      `SELECT ${periodOf(period)} AS period, status, token, decimals, realised_profit AS realisedProfit,
         realised_profit_usd6 AS realisedProfitUsd6, gas_paid_wei AS gasPaidWei, gas_paid_usd6 AS gasPaidUsd6
       FROM opportunities WHERE status IN ('succeeded', 'reverted')${chainId === undefined ? "" : " AND chain_id = ?"}
       ORDER BY period DESC, id`,
    );
    statement.setReadBigInts(true);
    const rows = (chainId === undefined ? statement.all() : statement.all(chainId)) as Row[];
    const buckets = new Map<string, ProfitBucket>();
    for (const r of rows) {
      const key = String(r.period);
      let b = buckets.get(key);
      if (b === undefined) {
        b = emptyBucket(key);
        buckets.set(key, b);
      }
      const gasUsd6 = big(r.gasPaidUsd6 ?? null) ?? 0n;
      b.gasPaidWei += big(r.gasPaidWei ?? null) ?? 0n;
      b.gasPaidUsd6 += gasUsd6;
      b.netUsd6 -= gasUsd6;
      if (r.status === "succeeded") {
        b.succeeded += 1;
        const amount = big(r.realisedProfit ?? null) ?? 0n;
        const usd6 = big(r.realisedProfitUsd6 ?? null) ?? 0n;
        const token = String(r.token);
        const entry = b.profit.find((p) => p.token === token);
        if (entry === undefined)
          b.profit.push({ token, decimals: r.decimals === null ? null : Number(r.decimals), amount });
        else entry.amount += amount;
        b.realisedProfitUsd6 += usd6;
        b.netUsd6 += usd6;
      } else b.reverted += 1;
    }
    return [...buckets.values()];
  }

  /** How many records matching `query` reached each stage of the funnel (its sort and page are ignored). */
  funnel(query: TradeQuery = {}): FunnelCounts {
    const where = whereOf(query);
    const rows = this.db
      .prepare(
        `SELECT status, amount_in = '0' AS unsized, COALESCE(reason LIKE 'risk guard%', 0) AS guarded, COUNT(*) AS n
         FROM opportunities ${where.sql} GROUP BY 1, 2, 3`,
      )
      .all(...where.params) as Row[];
    return funnelCounts(
      rows.map((r) => ({
        status: r.status as TradeStatus,
        unsized: Number(r.unsized) === 1,
        guarded: Number(r.guarded) === 1,
        count: Number(r.n),
      })),
    );
  }

  /**
   * What the records above id `afterId` add up to: the count per status, and over mined trades
   * the realised profit per token, dollars, gas used and paid. Counted in SQL; only mined rows
   * are read (their amounts are summed exactly as bigints), so it stays cheap however many
   * opportunities were filtered.
   */
  totals(afterId: number): RunTotals {
    const byStatus: Partial<Record<TradeStatus, number>> = {};
    for (const r of this.db
      .prepare("SELECT status, COUNT(*) AS n FROM opportunities WHERE id > ? GROUP BY status")
      .all(afterId) as Row[])
      byStatus[r.status as TradeStatus] = Number(r.n);
    const statement = this.db.prepare(
      `SELECT status, strategy, token, realised_profit AS realisedProfit, realised_profit_usd6 AS realisedProfitUsd6,
         gas_used AS gasUsed, gas_paid_wei AS gasPaidWei, gas_paid_usd6 AS gasPaidUsd6
       FROM opportunities WHERE id > ? AND (gas_used IS NOT NULL OR realised_profit IS NOT NULL)`,
    );
    statement.setReadBigInts(true);
    const totals: RunTotals = {
      byStatus,
      realisedProfit: {},
      realisedProfitUsd6: 0n,
      gasUsed: 0n,
      gasPaidWei: 0n,
      gasPaidUsd6: 0n,
      liquidations: { count: 0, realisedProfit: {}, realisedProfitUsd6: 0n },
    };
    for (const r of statement.all(afterId) as Row[]) {
      if (r.status === "succeeded" && r.realisedProfit !== null) {
        const token = String(r.token);
        const profit = BigInt(r.realisedProfit as string);
        const usd6 = big(r.realisedProfitUsd6 ?? null) ?? 0n;
        totals.realisedProfit[token] = (totals.realisedProfit[token] ?? 0n) + profit;
        totals.realisedProfitUsd6 += usd6;
        if (r.strategy === "liquidation") {
          const l = totals.liquidations;
          l.count += 1;
          l.realisedProfit[token] = (l.realisedProfit[token] ?? 0n) + profit;
          l.realisedProfitUsd6 += usd6;
        }
      }
      totals.gasUsed += big(r.gasUsed ?? null) ?? 0n;
      totals.gasPaidWei += big(r.gasPaidWei ?? null) ?? 0n;
      totals.gasPaidUsd6 += big(r.gasPaidUsd6 ?? null) ?? 0n;
    }
    return totals;
  }

  /** The chains these records hold trades of, by id. */
  chains(): number[] {
    return (
      this.db
        .prepare("SELECT DISTINCT chain_id AS id FROM opportunities WHERE chain_id IS NOT NULL ORDER BY id")
        .all() as Row[]
    ).map((r) => Number(r.id));
  }

  /** A page of the audit log, newest first. */
  auditPage(query: { kind?: string; afterId?: number; limit?: number; offset?: number }): {
    total: number;
    rows: AuditEvent[];
  } {
    const clauses: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.kind !== undefined) {
      clauses.push("kind = ?");
      params.push(query.kind);
    }
    if (query.afterId !== undefined) {
      clauses.push("id > ?");
      params.push(query.afterId);
    }
    const where = clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`;
    const total = Number((this.db.prepare(`SELECT COUNT(*) AS n FROM events ${where}`).get(...params) as Row).n);
    const rows = this.db
      .prepare(
        `SELECT id, at, kind, detail FROM events ${where} ORDER BY id DESC LIMIT ${Math.trunc(query.limit ?? 50)} OFFSET ${Math.trunc(query.offset ?? 0)}`,
      )
      .all(...params) as Row[];
    return {
      total,
      rows: rows.map((r) => ({
        id: Number(r.id),
        at: String(r.at),
        kind: String(r.kind),
        detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
      })),
    };
  }

  /** Every transaction signed for trade `id`, oldest first. */
  attempts(id: number): SignedAttempt[] {
    const rows = this.db
      .prepare(
        `SELECT hash, nonce, raw_tx AS rawTx, max_fee_per_gas AS maxFeePerGas, max_priority_fee_per_gas AS maxPriorityFeePerGas,
           target_block AS targetBlock
         FROM transactions WHERE opportunity_id = ? ORDER BY rowid`,
      )
      .all(id) as Row[];
    return rows.map((r) => ({
      hash: String(r.hash),
      nonce: Number(r.nonce),
      rawTx: String(r.rawTx),
      maxFeePerGas: BigInt(r.maxFeePerGas as string),
      maxPriorityFeePerGas: BigInt(r.maxPriorityFeePerGas as string),
      ...(r.targetBlock === null || r.targetBlock === undefined ? {} : { targetBlock: Number(r.targetBlock) }),
    }));
  }

  /** Trades the chain has not settled: signed or sent, or mined but not yet final. */
  open(): TradeRecord[] {
    return this.select(
      `WHERE (status IN ('signed', 'sent') OR (status IN ('succeeded', 'reverted') AND final = 0))${this.chainClause("AND")}`,
      [],
    );
  }

  /** One trade by id. */
  get(id: number): TradeRecord | undefined {
    return this.select("WHERE id = ?", [id])[0];
  }

  /** The trades matching `filter`, oldest first. */
  list(filter: TradeFilter = {}): TradeRecord[] {
    const clauses: string[] = [];
    const params: SQLInputValue[] = [];
    if (filter.status !== undefined && filter.status.length > 0) {
      clauses.push(`status IN (${filter.status.map(() => "?").join(", ")})`);
      params.push(...filter.status);
    }
    if (filter.since !== undefined) {
      clauses.push("created_at >= ?");
      params.push(filter.since);
    }
    if (filter.afterId !== undefined) {
      clauses.push("id > ?");
      params.push(filter.afterId);
    }
    return this.select(clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`, params);
  }

  /** Every record, oldest first. */
  all(): TradeRecord[] {
    return this.list();
  }

  /** The highest id so far (0 when empty). */
  lastId(): number {
    const row = this.db.prepare("SELECT COALESCE(MAX(id), 0) AS id FROM opportunities").get() as Row;
    return Number(row.id);
  }

  /** Appends to the audit log: a risk trip or resumption, a start, a stop, a preflight result. */
  event(kind: string, detail: Record<string, unknown>): void {
    const json = JSON.stringify(detail, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    const result = this.write(() => this.db.prepare("INSERT INTO events (kind, detail) VALUES (?, ?)").run(kind, json));
    this.onEvent?.(Number(result.lastInsertRowid));
  }

  /** The audit log, oldest first. */
  events(kind?: string): Array<{ id: number; at: string; kind: string; detail: Record<string, unknown> }> {
    const rows = (
      kind === undefined
        ? this.db.prepare("SELECT id, at, kind, detail FROM events ORDER BY id").all()
        : this.db.prepare("SELECT id, at, kind, detail FROM events WHERE kind = ? ORDER BY id").all(kind)
    ) as Row[];
    return rows.map((r) => ({
      id: Number(r.id),
      at: String(r.at),
      kind: String(r.kind),
      detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
    }));
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as Row | undefined;
    return row === undefined ? undefined : String(row.value);
  }

  setMeta(key: string, value: string): void {
    this.write(() =>
      this.db
        .prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .run(key, value),
    );
  }

  private changed(id: number): void {
    if (this.changedInTransaction !== undefined) {
      this.changedInTransaction.push(id);
      return;
    }
    this.onChange?.(id);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private chainClause(joiner: "AND" | "WHERE"): string {
    if (this.chain === undefined) return "";
    return ` ${joiner} (genesis_hash IS NULL OR genesis_hash = '${this.chain.genesisHash.replace(/[^0-9a-fA-Fx]/g, "")}')`;
  }

  private select(where: string, params: SQLInputValue[]): TradeRecord[] {
    const statement = this.db.prepare(`${SELECT} ${where} ORDER BY id`);
    // Micro-dollar sums can pass 2^53: integers come back as bigints, and are narrowed where small.
    statement.setReadBigInts(true);
    return (statement.all(...params) as Row[]).map(toRecord);
  }

  /** Runs a write; a refusal (a lock held past the busy timeout, a full disk) says what to do. */
  private write<T>(run: () => T): T {
    try {
      return run();
    } catch (cause) {
      throw new RecordsWriteError(`Cannot write the records at ${this.path}.`, {
        details:
          "Another process may hold a lock on the file for longer than the busy timeout, or the disk is full. The step that needed this record was not taken; the engine retries on the next block.",
        cause,
      });
    }
  }
}
