import { Contract, type Provider, parseUnits, type Signer } from "ethers";
import type { Address, AddressBook } from "../addressBook.js";
import { executorAbi } from "../executor/abi.js";
import { encodeLoan, encodeRoute, type RouteHop } from "../executor/route.js";
import { ConfigError, type EngineConfig } from "./config.js";
import type { Cycle } from "./cycles.js";
import { type LenderQuote, Lenders } from "./lenders.js";
import type { Logger } from "./log.js";
import { Market, type Unreadable } from "./market.js";
import { type MarketPool, poolLabel, poolTokens } from "./pools.js";
import { convert, valueIn } from "./prices.js";
import type { Records } from "./records.js";
import { RiskGuard } from "./risk.js";
import { type Estimate, RateGraph } from "./scan.js";
import { disjointBest } from "./select.js";
import { Sender } from "./sender.js";
import { type Sizing, sizeCycle } from "./size.js";
import { UsdPrices } from "./usd.js";

/** Gas a trade costs, by lender, plus per hop: only to price candidates before simulation. */
const GAS_BASE: Record<string, bigint> = { BalancerV2: 130_000n, UniswapV3: 155_000n, AaveV3: 220_000n };
const GAS_PER_HOP = 55_000n;
/** The cheapest trade there is: a Balancer loan and two hops. */
const CHEAPEST_TRADE_GAS = (GAS_BASE.BalancerV2 as bigint) + 2n * GAS_PER_HOP;
/** At most this many trades per block: after each, the pools it touched are read again. */
const MAX_TRADES_PER_BLOCK = 4;
/** How many of the best pool-disjoint estimates are sized exactly, with every lender, per trade. */
const SIZED_PER_TRADE = 8;

/**
 * A configured decimal amount in base units. `toFixed` keeps small values out of exponent
 * notation (`String(1e-7)` is "1e-7", which `parseUnits` refuses); digits past `decimals` are
 * rounded away.
 */
function units(value: number, decimals: number): bigint {
  return parseUnits(value.toFixed(decimals), decimals);
}

/** Everything the engine needs, resolved and validated by its caller. */
export interface EngineDeps {
  readonly provider: Provider;
  readonly operator: Signer;
  readonly executor: Address;
  readonly book: AddressBook;
  readonly pools: MarketPool[];
  /** Tokens the engine borrows and counts profit in. */
  readonly baseTokens: readonly Address[];
  /** Token address → symbol, for records and the summary. */
  readonly symbols: Readonly<Record<Address, string>>;
  /** Aave reserve token → its aToken (where the reserve's liquidity is). */
  readonly aTokens: Readonly<Record<Address, Address | undefined>>;
  readonly config: EngineConfig;
  readonly records: Records;
  readonly log: Logger;
}

/** Counts over a run; `realisedProfit` and `gasUsed` come from receipts, never from estimates. */
export interface EngineStats {
  opportunities: number;
  simulated: number;
  sent: number;
  succeeded: number;
  reverted: number;
  realisedProfit: Record<string, bigint>;
  gasUsed: bigint;
  filtered: Record<string, number>;
}

interface Candidate {
  readonly cycle: Cycle;
  readonly quote: LenderQuote;
  readonly sizing: Sizing;
  readonly gasCostInToken: bigint;
  readonly net: bigint;
  /** `net` in USDC base units: candidates in different tokens are ranked by this. */
  readonly netUsd: bigint;
}

/** The arbitrage engine: one `onBlock` per new block, from collected state to recorded outcome. */
export class Engine {
  readonly stats: EngineStats = {
    opportunities: 0,
    simulated: 0,
    sent: 0,
    succeeded: 0,
    reverted: 0,
    realisedProfit: {},
    gasUsed: 0n,
    filtered: {},
  };
  /** The collector's view of the pools (read-only outside the engine). */
  readonly market: Market;
  private lastVerified: number | undefined;
  private readonly lenders: Lenders;
  private readonly usd: UsdPrices;
  private readonly sender: Sender;
  private readonly risk: RiskGuard;
  private readonly executor: Contract;
  /** Milliseconds from a block's arrival to the first trade of it signed-ready (simulated, fees set). */
  readonly blockToTxMs: number[] = [];
  private blockSeenAt = 0;
  private tradedThisBlock = false;
  private graph = new RateGraph([]);
  private lastBlock: number | undefined;
  private lastHash: string | undefined;

  /** @throws ConfigError when the allowlist names a token the address book does not have. */
  constructor(private readonly deps: EngineDeps) {
    const known = Object.values(deps.symbols);
    const unknown = (deps.config.tokenAllowlist ?? []).filter((symbol) => !known.includes(symbol));
    if (unknown.length > 0) {
      throw new ConfigError(`tokenAllowlist: unknown token(s) ${unknown.join(", ")}.`, {
        details: `Use the symbols of the address book: ${known.join(", ")}.`,
      });
    }
    this.market = new Market(deps.provider, deps.book.multicall3, deps.pools, deps.book.balancerV2?.vault);
    this.lenders = new Lenders(deps.provider, deps.book, deps.aTokens);
    this.usd = new UsdPrices(deps.provider, deps.book);
    this.sender = new Sender(deps.operator, deps.provider, deps.config.transactionTimeoutMs);
    this.risk = new RiskGuard(
      deps.config.maxConsecutiveFailures,
      units(deps.config.dailyLossLimitEth, 18),
      units(deps.config.maxGasPriceGwei, 9),
      (reason, detail) => deps.log.warn("risk_trip", { reason, detail }),
      deps.config.cooldownMinutes * 60_000,
      (reason) => deps.log.info("risk_resumed", { after: reason }),
    );
    this.executor = new Contract(deps.executor, executorAbi(), deps.operator);
  }

  /** Reads every pool and lender, finds the cycles, and reconciles trades left pending by a crash. */
  async start(): Promise<void> {
    const { config, symbols, log, records, provider } = this.deps;
    this.reportUnreadable(await this.market.loadAll());
    const allowed = (token: Address) =>
      config.tokenAllowlist === undefined || config.tokenAllowlist.includes(symbols[token] ?? "");
    this.graph = new RateGraph(this.deps.pools.filter((p) => poolTokens(p).every(allowed)));
    const cycles = this.graph.scan(this.deps.baseTokens, () => {});
    await this.lenders.refresh(this.deps.baseTokens, this.v3Pools());
    await this.usd.refresh(this.deps.baseTokens);
    for (const pending of records.pending()) {
      const receipt = pending.txHash === null ? null : await provider.getTransactionReceipt(pending.txHash);
      if (receipt === null) continue;
      const profit = receipt.status === 1 ? this.profitFromReceipt(receipt.logs) : undefined;
      records.update(pending.id, {
        status: receipt.status === 1 ? "succeeded" : "reverted",
        reason: "reconciled after restart",
        gasUsed: receipt.gasUsed.toString(),
        ...(profit === undefined ? {} : { realisedProfit: profit.toString() }),
      });
    }
    log.info("engine_started", { pools: this.deps.pools.length, cycles, live: config.live });
  }

  /**
   * Handles one new block: re-reads the pools that changed, re-evaluates only their cycles.
   * When the last block it handled is no longer on the chain (a reorg), the logs it read may be
   * gone or different, so every pool is read again instead.
   */
  async onBlock(blockNumber?: number): Promise<void> {
    const { provider, log } = this.deps;
    const block = await provider.getBlock(blockNumber ?? "latest");
    if (block === null || block.hash === null) return;
    const head = block.number;
    this.blockSeenAt = performance.now();
    this.tradedThisBlock = false;
    let reorged = false;
    if (this.lastBlock !== undefined) {
      const ours = head === this.lastBlock ? block : await provider.getBlock(this.lastBlock);
      if (ours?.hash !== this.lastHash) {
        reorged = true;
        log.warn("reorg_detected", { block: this.lastBlock, had: this.lastHash, now: ours?.hash ?? null, head });
      } else if (head === this.lastBlock) {
        return;
      }
    }
    const { changed, priceOnly } =
      this.lastBlock === undefined || reorged
        ? { changed: [...this.market.pools.keys()], priceOnly: new Set<Address>() }
        : await this.market.changedBetween(this.lastBlock + 1, head);
    this.lastBlock = head;
    this.lastHash = block.hash;
    this.lastVerified ??= head;
    if (head - this.lastVerified >= this.deps.config.verifyEveryBlocks) {
      this.lastVerified = head;
      const drifted = await this.market.verify(head);
      if (drifted.length > 0) {
        this.deps.log.warn("state_resynced", { block: head, pools: drifted });
        changed.push(...drifted.filter((a) => !changed.includes(a)));
      }
    }
    if (changed.length === 0) return;
    this.reportUnreadable(await this.market.refresh(changed, head, priceOnly));
    await this.lenders.refresh(this.deps.baseTokens, this.v3Pools());
    await this.usd.refresh(this.deps.baseTokens);
    // Only the cycles through a changed pool can have changed; each is sized in closed form and
    // the best pool-disjoint ones are then sized exactly with every lender. Estimates below half
    // the gas of the cheapest trade are not worth sizing (half: the closed form can be off where
    // a V3 hop crosses into deeper liquidity).
    const gasPrice = (block.baseFeePerGas ?? 0n) * 2n + units(this.deps.config.priorityFeeGwei, 9);
    const allPools = [...this.market.pools.values()];
    const floors = new Map<Address, number>();
    const floor = (base: Address) => {
      let least = floors.get(base);
      if (least === undefined) {
        const gas = convert(allPools, this.deps.book.tokens.WETH, base, CHEAPEST_TRADE_GAS * gasPrice);
        least = gas === undefined ? 0 : Number(gas) / 2;
        floors.set(base, least);
      }
      return least;
    };
    const estimates = new Map<string, Estimate>();
    const rescan = (addresses: readonly Address[]) => {
      const pools = addresses.map((a) => this.market.pools.get(a)).filter((p) => p !== undefined);
      for (const pool of pools) this.graph.update(pool);
      for (const [id, e] of estimates)
        if (e.cycle.hops.some((h) => addresses.includes(h.pool.address))) estimates.delete(id);
      for (const pool of pools)
        this.graph.scanThrough(pool, this.deps.baseTokens, (found) => estimates.set(found.cycle.id, found), floor);
    };
    rescan(changed);
    let processed = 0;
    while (processed < MAX_TRADES_PER_BLOCK && estimates.size > 0) {
      const chosen = disjointBest([...estimates.values()], SIZED_PER_TRADE);
      const best = this.bestCandidate(
        chosen.map((e) => e.cycle),
        gasPrice,
        head,
      );
      if (best === undefined) {
        // None of them is profitable once sized exactly with a lender's fee: try the next ones.
        for (const e of chosen) estimates.delete(e.cycle.id);
        continue;
      }
      processed += 1;
      estimates.delete(best.cycle.id);
      const traded = await this.process(best, head);
      if (!traded && !this.deps.config.live) {
        // In dry-run nothing moves the pools, so a cycle sharing one with what would have been
        // sent would not be there to take after it: leave those out rather than report them.
        const used = new Set(best.cycle.hops.map((h) => h.pool.address));
        for (const [id, e] of estimates) if (e.cycle.hops.some((h) => used.has(h.pool.address))) estimates.delete(id);
      }
      if (traded) {
        // The trade swapped through its pools: read their prices again before sizing anything else.
        const touchedPools = [...new Set(best.cycle.hops.map((h) => h.pool.address))];
        this.reportUnreadable(await this.market.refresh(touchedPools, undefined, new Set(touchedPools)));
        await this.lenders.refresh(this.deps.baseTokens, this.v3Pools());
        rescan(touchedPools);
      }
    }
  }

  /** Logs the pools that could not be read: they are left out until a later read succeeds. */
  private reportUnreadable(unreadable: readonly Unreadable[]): void {
    for (const { address, reason } of unreadable)
      this.deps.log.warn("pool_unreadable", { pool: address, reason, action: "left out until it reads again" });
  }

  private v3Pools(): MarketPool[] {
    return this.deps.pools.filter((p) => p.kind === "uniswapV3");
  }

  /**
   * Sizes every cycle with each lender that can fund it and returns the most profitable net of
   * gas; a cycle that no lender can fund, or that no size makes profitable once the lender's fee
   * is paid, is recorded as dropped with the reason.
   */
  private bestCandidate(cycles: readonly Cycle[], gasPrice: bigint, block: number): Candidate | undefined {
    const { book, config } = this.deps;
    const pools = [...this.market.pools.values()];
    let best: Candidate | undefined;
    for (const cycle of cycles) {
      const maxLoanUsd6 = units(config.maxLoanUsd, 6);
      const maxLoan =
        this.usd.fromUsd6(cycle.token, maxLoanUsd6) ??
        valueIn(pools, book.tokens.USDC, cycle.token, book.tokens.WETH, maxLoanUsd6);
      const quotes = this.lenders.quotes(cycle, this.v3Pools());
      if (maxLoan === undefined || maxLoan <= 0n) {
        const why =
          maxLoan === undefined ? "cannot value maxLoanUsd in this token" : "maxLoanUsd is under one base unit";
        this.drop(cycle, block, "none", why);
        continue;
      }
      if (quotes.length === 0) {
        this.drop(cycle, block, "none", "no lender holds this token or may fund this cycle");
        continue;
      }
      let sized = false;
      for (const quote of quotes) {
        // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints.
        const cap = quote.available < maxLoan ? quote.available : maxLoan;
        const sizing = sizeCycle(cycle, cap, quote.fee);
        if (sizing === undefined) continue;
        sized = true;
        const gasUnits = (GAS_BASE[quote.lender] ?? 200_000n) + GAS_PER_HOP * BigInt(cycle.hops.length);
        const gasCostInToken = convert(pools, book.tokens.WETH, cycle.token, gasUnits * gasPrice) ?? 0n;
        const net = sizing.profit - gasCostInToken;
        const netUsd =
          this.usd.toUsd6(cycle.token, net) ??
          valueIn(pools, cycle.token, book.tokens.USDC, book.tokens.WETH, net) ??
          net;
        if (best === undefined || netUsd > best.netUsd) best = { cycle, quote, sizing, gasCostInToken, net, netUsd };
      }
      if (!sized)
        this.drop(
          cycle,
          block,
          quotes.map((q) => q.lender).join("/"),
          "no size up to the loan cap is profitable after the lender's fee",
        );
    }
    return best;
  }

  /** Records a cycle dropped before it had a size. */
  private drop(cycle: Cycle, block: number, lender: string, reason: string): void {
    const { records, log, symbols } = this.deps;
    const row = {
      block,
      cycle: cycle.hops.map((h) => poolLabel(h.pool)).join(" > "),
      token: symbols[cycle.token] ?? cycle.token,
      amountIn: "0",
      lender,
      expectedProfit: "0",
      gasCost: "0",
    };
    this.stats.filtered[reason] = (this.stats.filtered[reason] ?? 0) + 1;
    records.add({ ...row, status: "filtered", reason });
    log.info("opportunity_filtered", { ...row, reason });
  }

  /** Filters, records, simulates and (live) sends one candidate. Returns whether a trade was mined. */
  private async process(c: Candidate, block: number): Promise<boolean> {
    const { config, records, log, symbols } = this.deps;
    const symbol = symbols[c.cycle.token] ?? c.cycle.token;
    this.stats.opportunities += 1;
    const base = {
      block,
      cycle: c.cycle.hops.map((h) => poolLabel(h.pool)).join(" > "),
      token: symbol,
      amountIn: c.sizing.amountIn.toString(),
      lender: c.quote.lender,
      expectedProfit: c.sizing.profit.toString(),
      gasCost: c.gasCostInToken.toString(),
    };
    const usdValue = Number(c.netUsd) / 1e6;
    const reason =
      c.net <= 0n
        ? "unprofitable after gas"
        : usdValue < config.minProfitUsd
          ? `below minProfitUsd (${usdValue.toFixed(2)} < ${config.minProfitUsd})`
          : config.maxProfitUsd !== undefined && usdValue > config.maxProfitUsd
            ? `above maxProfitUsd (${usdValue.toFixed(2)} > ${config.maxProfitUsd})`
            : undefined;
    if (reason !== undefined) {
      this.stats.filtered[reason.split(" (")[0] as string] =
        (this.stats.filtered[reason.split(" (")[0] as string] ?? 0) + 1;
      records.add({ ...base, status: "filtered", reason });
      log.info("opportunity_filtered", { ...base, reason });
      return false;
    }
    const id = records.add({ ...base, status: "dry_run", reason: null });
    const loan = encodeLoan(c.quote.lender, c.cycle.token, c.sizing.amountIn, c.quote.uniswapV3);
    const route = encodeRoute(c.cycle.hops.map((h) => this.routeHop(h.pool, h.tokenOut)));
    // The floor is the gas the trade costs: a stale opportunity reverts instead of losing.
    const floor = c.gasCostInToken > 0n ? c.gasCostInToken : 1n;
    let simulated: bigint;
    try {
      simulated = (await this.executor.getFunction("execute").staticCall(loan, floor, route)) as bigint;
    } catch (error) {
      const why = this.describeRevert(error);
      records.update(id, { status: "simulation_failed", reason: why });
      log.warn("simulation_failed", { ...base, reason: why });
      return false;
    }
    this.stats.simulated += 1;
    const data = this.executor.interface.encodeFunctionData("execute", [loan, floor, route]);
    if (!config.live) {
      records.update(id, { status: "dry_run", reason: `would send to ${this.deps.executor}` });
      log.info("dry_run", { ...base, simulatedProfit: simulated, to: this.deps.executor, data });
      return false;
    }
    const latest = await this.deps.provider.getBlock("latest");
    const baseFee = latest?.baseFeePerGas ?? 0n;
    if (!this.risk.allows(baseFee)) {
      records.update(id, { status: "filtered", reason: `risk guard: ${this.risk.state ?? "gas price cap"}` });
      return false;
    }
    const gasLimit = ((await this.executor.getFunction("execute").estimateGas(loan, floor, route)) * 12n) / 10n;
    const tip = units(config.priorityFeeGwei, 9);
    if (!this.tradedThisBlock) this.blockToTxMs.push(performance.now() - this.blockSeenAt);
    this.tradedThisBlock = true;
    const receipt = await this.sender.send({
      to: this.deps.executor,
      data,
      gasLimit,
      maxFeePerGas: baseFee * 2n + tip,
      maxPriorityFeePerGas: tip,
    });
    this.stats.sent += 1;
    this.stats.gasUsed += receipt.gasUsed;
    const gasPaid = receipt.gasUsed * receipt.gasPrice;
    if (receipt.status !== 1) {
      this.stats.reverted += 1;
      this.risk.record(false, gasPaid);
      records.update(id, {
        status: "reverted",
        txHash: receipt.hash,
        gasUsed: receipt.gasUsed.toString(),
        gasPaidWei: gasPaid.toString(),
      });
      log.warn("trade_reverted", { ...base, tx: receipt.hash });
      return true;
    }
    const profit = this.profitFromReceipt(receipt.logs) ?? 0n;
    this.stats.succeeded += 1;
    this.stats.realisedProfit[symbol] = (this.stats.realisedProfit[symbol] ?? 0n) + profit;
    this.risk.record(true, gasPaid);
    records.update(id, {
      status: "succeeded",
      txHash: receipt.hash,
      realisedProfit: profit.toString(),
      gasUsed: receipt.gasUsed.toString(),
      gasPaidWei: gasPaid.toString(),
    });
    log.info("trade_succeeded", { ...base, tx: receipt.hash, realisedProfit: profit, gasUsed: receipt.gasUsed });
    return true;
  }

  private routeHop(pool: MarketPool, tokenOut: Address): RouteHop {
    if (pool.kind === "uniswapV2")
      return { kind: "UniswapV2", factoryIndex: pool.factoryIndex, tokenOut, feePips: pool.feePips };
    if (pool.kind === "uniswapV3") return { kind: "UniswapV3", tokenOut, fee: pool.fee };
    return { kind: "BalancerV2", poolId: pool.poolId, tokenOut };
  }

  /** The profit in the executor's `ArbitrageExecuted` event: measured on chain from balances. */
  private profitFromReceipt(
    logs: ReadonlyArray<{ topics: readonly string[]; data: string; address: string }>,
  ): bigint | undefined {
    for (const entry of logs) {
      if (entry.address.toLowerCase() !== this.deps.executor.toLowerCase()) continue;
      const parsed = this.executor.interface.parseLog(entry);
      if (parsed?.name === "ArbitrageExecuted") return parsed.args.profit as bigint;
    }
    return undefined;
  }

  private describeRevert(error: unknown): string {
    const data = (error as { data?: string }).data;
    if (typeof data === "string" && data.length >= 10) {
      const parsed = this.executor.interface.parseError(data);
      if (parsed !== null) return `${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(", ")})`;
    }
    return (error as Error).message.split("\n")[0] ?? "reverted";
  }
}
