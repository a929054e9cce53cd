import { randomUUID } from "node:crypto";
import { Interface, type Provider, type Signer } from "ethers";
import type { FlashArbExecutor } from "../../../types/ethers-contracts/FlashArbExecutor.js";
import { FlashArbExecutor__factory } from "../../../types/ethers-contracts/factories/FlashArbExecutor__factory.js";
import type { Address } from "../../addressBook.js";
import { encodeLiquidation, encodeLoan, encodeRoute, type Liquidation, type Loan } from "../../executor/route.js";
import type { PendingTransaction } from "../collect/pending.js";
import { RpcUnavailableError } from "../collect/rpc.js";
import { type EngineConfig, toUnits } from "../config.js";
import type { EngineStats } from "../engine.js";
import { formatAmount } from "../format.js";
import type { LandingModel } from "../learn/model.js";
import type { LiquidationCandidate } from "../liquidations/strategy.js";
import type { Logger } from "../log.js";
import type { NewTrade, Records } from "../record/records.js";
import type { Candidate } from "../strategy/candidate.js";
import { expectedValueUsd, type SendPlan } from "../strategy/landing.js";
import { amountOut, poolName, routeHop } from "../venues/pools.js";
import type { BundleClient, RelayAnswer } from "./bundleClient.js";
import type { RiskGuard } from "./risk.js";
import type { Sender } from "./sender.js";

/**
 * Aave V3's revert codes a liquidation meets, by name (its `Errors` library): the Pool reverts
 * with the number alone.
 */
const AAVE_ERRORS: Readonly<Record<string, string>> = {
  "26": "INVALID_AMOUNT",
  "27": "RESERVE_INACTIVE",
  "29": "RESERVE_PAUSED",
  "43": "UNDERLYING_BALANCE_ZERO",
  "45": "HEALTH_FACTOR_NOT_BELOW_THRESHOLD",
  "46": "COLLATERAL_CANNOT_BE_LIQUIDATED",
  "47": "SPECIFIED_CURRENCY_NOT_BORROWED_BY_USER",
  "59": "PRICE_ORACLE_SENTINEL_CHECK_FAILED",
  "91": "FLASHLOAN_DISABLED",
};

/** Aave V3's custom errors from v3.3 on (aave-v3-origin's `Errors`) that a liquidation meets. */
const AAVE_CUSTOM_ERRORS = new Interface([
  "error InvalidAmount()",
  "error ReserveInactive()",
  "error ReservePaused()",
  "error HealthFactorNotBelowThreshold()",
  "error CollateralCannotBeLiquidated()",
  "error SpecifiedCurrencyNotBorrowedByUser()",
  "error PriceOracleSentinelCheckFailed()",
  "error LiquidationGraceSentinelCheckFailed()",
  "error MustNotLeaveDust()",
  "error SelfLiquidation()",
]);

/** How one priced trade ended in this stage. */
export type Outcome = "filtered" | "failed" | "dry_run" | "sent";

/** The executor function a trade calls, with its arguments. */
type ExecutorCall =
  | { readonly method: "execute"; readonly args: [Loan, bigint, string] }
  | { readonly method: "executeWithBidToBuilder"; readonly args: [Loan, bigint, string, number] }
  | { readonly method: "liquidate"; readonly args: [Loan, Liquidation, bigint, string] };

/** What execution needs: the chain, the executor, the guard around sending, and where to record. */
export interface TradeExecutorDeps {
  readonly provider: Provider;
  /** Simulations are called from the operator's address. */
  readonly operator: Signer;
  readonly executor: Address;
  readonly config: EngineConfig;
  readonly records: Records;
  readonly log: Logger;
  readonly risk: RiskGuard;
  /** Signs and broadcasts; absent in dry-run, where nothing is ever sent. */
  readonly sender?: Sender | undefined;
  readonly symbols: Readonly<Record<Address, string>>;
  readonly decimalsOf: (token: Address) => number | undefined;
  /** Dollar values at the oracle's price, in micro-dollars. */
  readonly usd6: (token: Address, amount: bigint) => bigint | undefined;
  /** The stages' shared counters. */
  readonly stats: EngineStats;
  /** Called when a trade is simulated, priced and about to be signed. */
  readonly onSignedReady?: () => void;
  /** Told of each trade broadcast (or possibly broadcast), with its record id. */
  readonly onSent?: ((id: number) => void) | undefined;
  /** How trades are sent (see `EngineConfig.submission`); resolved from the address book. */
  readonly submission: Submission;
  /** The chain's WETH: a bid to the builder is paid from profit in it. */
  readonly weth?: Address;
  /** The landing model, when configured: a trade of no positive expected value is not sent. */
  readonly model?: LandingModel | undefined;
  /** The relays' client; needed with `bundle`. */
  readonly bundles?: BundleClient | undefined;
}

/** How trades reach a block. */
export type Submission = "bundle" | "direct" | "public";

/** What `amount` is worth after a tolerance of `bps` basis points off. */
export function lessTolerance(amount: bigint, bps: number): bigint {
  return amount - (amount * BigInt(bps)) / 10_000n;
}

/** Each hop's output for `amountIn` through `hops`, with each pool's exact math. */
export function hopOutputs(hops: ReadonlyArray<Candidate["cycle"]["hops"][number]>, amountIn: bigint): bigint[] {
  const outputs: bigint[] = [];
  let amount = amountIn;
  for (const hop of hops) {
    amount = amountOut(hop.pool, hop.tokenIn, hop.tokenOut, amount);
    outputs.push(amount);
  }
  return outputs;
}

/**
 * Execution: filters a candidate by its dollar value, records it, simulates it through the
 * executor with the exact calldata, and (live) asks the risk guard, estimates gas and hands it
 * to the sender. Each step is recorded before the next is taken; a refusal at any step is
 * recorded with its reason and counted by the risk guard where it cost or may cost money.
 */
export class TradeExecutor {
  /** Typed from the executor's ABI (generated at build): a renamed function fails type-checking. */
  private readonly executor: FlashArbExecutor;
  /** When each trade of this run was detected (recorded), for its detection-to-send delay. */
  private readonly detectedAt = new Map<number, number>();
  /** The bundle of the block trades are being sent for, when sending bundles. */
  private blockBundle:
    | { readonly targetBlock: number; readonly uuid: string; readonly txs: string[]; readonly backrun?: true }
    | undefined;

  constructor(private readonly deps: TradeExecutorDeps) {
    this.executor = FlashArbExecutor__factory.connect(deps.executor, deps.operator);
  }

  /**
   * Filters, records, simulates and (live) sends one candidate. Each step is recorded before the
   * next is taken; sending returns once the transaction is broadcast (the tracker follows it).
   */
  async execute(c: Candidate, block: number, gasPrice?: bigint): Promise<Outcome> {
    const unlikely = gasPrice === undefined ? undefined : this.unlikely(c, gasPrice, false);
    const base = this.candidateRow(c, block);
    const loan = encodeLoan(c.quote.lender, c.cycle.token, c.sizing.amountIn, c.quote.uniswapV3);
    // Sent directly, every hop's minimum is its exact output less the tolerance: a transaction
    // copied or run after a front-runner's reverts instead of paying them.
    const minimums =
      this.deps.submission === "direct"
        ? hopOutputs(c.cycle.hops, c.sizing.amountIn).map((o) => lessTolerance(o, this.deps.config.toleranceBps))
        : undefined;
    const route = encodeRoute(
      c.cycle.hops.map((h, i) => ({
        ...routeHop(h.pool, h.tokenOut),
        ...(minimums === undefined ? {} : { minAmountOut: minimums[i] as bigint }),
      })),
    );
    return (
      await this.run(
        base,
        c.net,
        c.netUsd,
        c.gasUnits,
        (floor) => this.arbitrageCall(loan, floor, route, c.cycle.token),
        unlikely,
      )
    ).outcome;
  }

  /**
   * The bid to the builder for a trade in `token`, in basis points of the profit above the floor:
   * `bidShareBps` for a bundle whose profit is in WETH (the executor unwraps it and pays
   * `block.coinbase`), 0 otherwise (the priority fee is the payment).
   */
  bidFor(token: Address): number {
    const { config, submission, weth } = this.deps;
    return submission === "bundle" && config.bidShareBps > 0 && weth !== undefined && token === weth
      ? config.bidShareBps
      : 0;
  }

  private arbitrageCall(loan: Loan, floor: bigint, route: string, token: Address): ExecutorCall {
    const bid = this.bidFor(token);
    return bid > 0
      ? { method: "executeWithBidToBuilder", args: [loan, floor, route, bid] }
      : { method: "execute", args: [loan, floor, route] };
  }

  /**
   * With a landing model, why a candidate is not worth sending: its expected value is not
   * positive. `undefined` without a model or when it is.
   */
  private unlikely(c: Candidate, gasPrice: bigint, backrun: boolean): string | undefined {
    const model = this.deps.model;
    if (model === undefined) return undefined;
    const ev = expectedValueUsd(model, c, this.plan(gasPrice, backrun)(c));
    return ev > 0 ? undefined : `expected value ${ev.toFixed(2)} USD under the landing model`;
  }

  /** How a candidate would be sent at `gasPrice`: what the landing model is asked about. */
  plan(gasPrice: bigint, backrun: boolean): (c: Candidate) => SendPlan {
    const { config, submission, bundles } = this.deps;
    return (c) => {
      const bidBps = this.bidFor(c.cycle.token);
      return {
        submission,
        tipWei: bidBps > 0 ? 0n : toUnits(config.priorityFeeGwei, 9),
        gasPrice,
        bidBps,
        builders: submission === "bundle" ? (bundles?.relays.length ?? 0) : 0,
        backrun,
      };
    };
  }

  /**
   * Whether a backrun may be sent for `targetBlock`: only with bundles, and when no other bundle
   * of ours is aimed at it (a second one's nonce would wait on the first, and no builder includes
   * a bundle that waits on another).
   */
  laneFree(targetBlock: number): boolean {
    return (
      this.deps.submission === "bundle" &&
      this.deps.bundles !== undefined &&
      this.deps.sender !== undefined &&
      this.deps.config.live &&
      this.blockBundle?.targetBlock !== targetBlock
    );
  }

  /**
   * Records, signs and sends one backrun: a bundle of the pending `trigger` and then our trade,
   * priced on the pools as the trigger leaves them. Simulated by the first relay on the head
   * (`eth_callBundle` of both transactions, in that order) before it is sent to every relay with
   * `mev_sendBundle`. The body puts the trigger first and nothing before it.
   */
  async executeBackrun(c: Candidate, trigger: PendingTransaction, block: number, gasPrice?: bigint): Promise<Outcome> {
    const { config, records, log, risk, stats } = this.deps;
    const sender = this.deps.sender as Sender;
    const bundles = this.deps.bundles as BundleClient;
    const targetBlock = block + 1;
    const base = this.candidateRow(c, block, trigger);
    stats.opportunities += 1;
    const usdValue = Number(c.netUsd) / 1e6;
    const unlikely = gasPrice === undefined ? undefined : this.unlikely(c, gasPrice, true);
    const tooMuch = config.maxProfitUsd !== undefined && usdValue > config.maxProfitUsd;
    if (usdValue < config.minProfitUsd || tooMuch || unlikely !== undefined) {
      const reason =
        usdValue < config.minProfitUsd
          ? `below minProfitUsd (${usdValue.toFixed(2)} < ${config.minProfitUsd})`
          : tooMuch
            ? `above maxProfitUsd (${usdValue.toFixed(2)} > ${config.maxProfitUsd})`
            : (unlikely as string);
      this.countFiltered(reason.split(" (")[0] as string);
      records.add({ ...base, status: "filtered", reason });
      return "filtered";
    }
    const id = records.add({ ...base, status: "detected", reason: null });
    this.detectedAt.set(id, performance.now());
    const loan = encodeLoan(c.quote.lender, c.cycle.token, c.sizing.amountIn, c.quote.uniswapV3);
    const route = encodeRoute(c.cycle.hops.map((h) => routeHop(h.pool, h.tokenOut)));
    const floor = c.gasCostInToken > 0n ? c.gasCostInToken : 1n;
    const call = this.arbitrageCall(loan, floor, route, c.cycle.token);
    const data =
      call.method === "executeWithBidToBuilder"
        ? this.executor.interface.encodeFunctionData("executeWithBidToBuilder", call.args)
        : this.executor.interface.encodeFunctionData("execute", [loan, floor, route]);
    const latest = await this.deps.provider.getBlock("latest");
    const baseFee = latest?.baseFeePerGas ?? 0n;
    if (!risk.allows(baseFee)) {
      const why = `risk guard: ${risk.state ?? "gas price cap"}`;
      this.countFiltered(why);
      records.update(id, { status: "filtered", reason: why });
      return "filtered";
    }
    const tip = call.method === "executeWithBidToBuilder" ? 0n : toUnits(config.priorityFeeGwei, 9);
    this.deps.onSignedReady?.();
    // The state it runs on does not exist yet, so the node cannot estimate it: the limit is
    // twice the priced gas (only the gas used is paid), and the simulation below checks it.
    const signed = await sender.signForBundle(
      id,
      {
        to: this.deps.executor,
        data,
        gasLimit: c.gasUnits * 2n,
        maxFeePerGas: baseFee * 2n + tip,
        maxPriorityFeePerGas: tip,
      },
      targetBlock,
      () => (risk.state === undefined ? undefined : `risk guard: ${risk.state}`),
    );
    if (signed.status === "withheld") {
      this.countFiltered(signed.reason);
      records.update(id, { status: "filtered", reason: signed.reason });
      return "filtered";
    }
    // A backrun's bundle is never grown: a trade added to it would go without its trigger.
    this.blockBundle = { targetBlock, uuid: randomUUID(), txs: [signed.rawTx], backrun: true };
    const simulation = await bundles.callBundle([trigger.raw, signed.rawTx], targetBlock);
    const ours = simulation.result?.results[1];
    const why = !simulation.accepted
      ? `the relay could not simulate it: ${simulation.error}`
      : ours === undefined
        ? "the relay's simulation has no result for it"
        : ours.error;
    if (why !== undefined) {
      // Signed, never sent: the nonce is free again and the tracker has nothing to follow.
      this.blockBundle = undefined;
      sender.resetNonce();
      stats.simulationFailed += 1;
      records.update(id, { status: "simulation_failed", reason: `after its trigger: ${why}` });
      log.warn("simulation_failed", { ...base, id, reason: why });
      return "failed";
    }
    stats.simulated += 1;
    const answers = await bundles.mevSendBundle(
      [{ hash: trigger.hash }, { tx: signed.rawTx, canRevert: false }],
      targetBlock,
    );
    return this.settleSend(
      id,
      base,
      signed,
      targetBlock,
      answers,
      { trigger: trigger.hash, gasUsed: ours?.gasUsed },
      { tipWei: tip, bidBps: call.method === "executeWithBidToBuilder" ? call.args[3] : 0, gasLimit: c.gasUnits * 2n },
    );
  }

  /**
   * Records, in dry-run, the backrun the engine would send after `trigger`: priced by the exact
   * math on the pools as the trigger leaves them, and not simulated (that state does not exist
   * before the trigger is mined, and dry-run has no key to ask a relay with).
   */
  recordBackrun(c: Candidate, trigger: PendingTransaction, block: number): void {
    this.deps.stats.opportunities += 1;
    const row = this.candidateRow(c, block, trigger);
    const id = this.deps.records.add({
      ...row,
      status: "dry_run",
      reason: `would send [${trigger.hash}, this trade] to the relays; not simulated (dry-run)`,
    });
    this.deps.log.info("dry_run", { ...row, id });
  }

  /**
   * A candidate's record row; a backrun's names its trigger first. The expected profit is gross,
   * like the token amount beside it and like the realised value: gas is its own column.
   */
  private candidateRow(c: Candidate, block: number, trigger?: PendingTransaction) {
    const pools = c.cycle.hops.map((h) => poolName(h.pool, this.deps.symbols));
    const usd6 = this.deps.usd6(c.cycle.token, c.sizing.profit);
    return {
      block,
      ...(trigger === undefined ? {} : { strategy: "backrun" as const }),
      cycle: (trigger === undefined ? pools : [`backrun of ${trigger.hash}`, ...pools]).join(" > "),
      route: c.cycle.hops.map((h) => h.pool.address).join(","),
      token: this.deps.symbols[c.cycle.token] ?? c.cycle.token,
      tokenAddress: c.cycle.token,
      amountIn: c.sizing.amountIn,
      lender: c.quote.lender,
      expectedProfit: c.sizing.profit,
      gasCost: c.gasCostInToken,
      ...(usd6 === undefined ? {} : { expectedProfitUsd6: usd6 }),
      ...this.decimalsField(c.cycle.token),
    };
  }

  /**
   * Filters, records, simulates and (live) sends one liquidation, as `execute` does a cycle:
   * recorded as the `liquidation` strategy, through the executor's `liquidate`.
   */
  async executeLiquidation(l: LiquidationCandidate, block: number): Promise<{ outcome: Outcome; id?: number }> {
    const { symbols } = this.deps;
    const name = (token: Address) => symbols[token] ?? token;
    const { path, profit } = l.sizing;
    const position = `Aave V3 liquidation of ${l.user} (${name(l.debtAsset)} debt, ${name(l.collateralAsset)} collateral)`;
    const base = {
      block,
      strategy: "liquidation" as const,
      cycle: [position, ...path.map((h) => poolName(h.pool, symbols))].join(" > "),
      route: path.map((h) => h.pool.address).join(","),
      token: name(l.debtAsset),
      tokenAddress: l.debtAsset,
      amountIn: l.loanAmount,
      lender: l.quote.lender,
      expectedProfit: profit,
      gasCost: l.gasCostInToken,
      ...(this.deps.usd6(l.debtAsset, profit) === undefined
        ? {}
        : { expectedProfitUsd6: this.deps.usd6(l.debtAsset, profit) as bigint }),
      ...this.decimalsField(l.debtAsset),
    };
    const loan = encodeLoan(l.quote.lender, l.debtAsset, l.loanAmount, l.quote.uniswapV3);
    const liquidation = encodeLiquidation(l.collateralAsset, l.user, l.debtToCoverArgument);
    // Collateral in the debt asset itself needs no sale: the executor takes an empty route.
    const route = path.length === 0 ? "0x" : encodeRoute(path.map((h) => routeHop(h.pool, h.tokenOut)));
    return this.run(base, l.net, l.netUsd, l.gasUnits, (floor) => ({
      method: "liquidate",
      args: [loan, liquidation, floor, route],
    }));
  }

  /** The steps every trade goes through once priced: filter, record, simulate, guard, send. */
  private async run(
    base: Omit<NewTrade, "status" | "reason"> & { readonly tokenAddress: string },
    net: bigint,
    netUsd: bigint,
    pricedGasUnits: bigint,
    callWith: (floor: bigint) => ExecutorCall,
    unlikely?: string,
  ): Promise<{ outcome: Outcome; id?: number }> {
    const { config, records, log, symbols, risk, sender, stats } = this.deps;
    const token = base.tokenAddress as Address;
    const symbol = symbols[token] ?? token;
    stats.opportunities += 1;
    const usdValue = Number(netUsd) / 1e6;
    const reason =
      net <= 0n
        ? "unprofitable after gas"
        : usdValue < config.minProfitUsd
          ? `below minProfitUsd (${usdValue.toFixed(2)} < ${config.minProfitUsd})`
          : config.maxProfitUsd !== undefined && usdValue > config.maxProfitUsd
            ? `above maxProfitUsd (${usdValue.toFixed(2)} > ${config.maxProfitUsd})`
            : unlikely;
    if (reason !== undefined) {
      this.countFiltered(reason.split(" (")[0] as string);
      records.add({ ...base, status: "filtered", reason });
      log.info("opportunity_filtered", { ...base, reason });
      return { outcome: "filtered" };
    }
    const id = records.add({ ...base, status: "detected", reason: null });
    this.detectedAt.set(id, performance.now());
    // The floor is the gas the trade costs: a stale opportunity reverts instead of losing. Sent
    // directly, it is the expected profit less the tolerance, so that nobody can take the rest.
    const gasFloor = base.gasCost > 0n ? base.gasCost : 1n;
    const protectedFloor =
      this.deps.submission === "direct" ? lessTolerance(base.expectedProfit, config.toleranceBps) : 0n;
    const floor = protectedFloor > gasFloor ? protectedFloor : gasFloor;
    let call = callWith(floor);
    let simulated: bigint;
    try {
      simulated =
        call.method === "execute"
          ? await this.executor.execute.staticCall(...call.args)
          : call.method === "executeWithBidToBuilder"
            ? await this.executor.executeWithBidToBuilder.staticCall(...call.args)
            : await this.executor.liquidate.staticCall(...call.args);
    } catch (error) {
      const why = this.describeRevert(error);
      if (this.isTransport(error)) throw error;
      stats.simulationFailed += 1;
      records.update(id, { status: "simulation_failed", reason: why });
      log.warn("simulation_failed", { ...base, id, reason: why });
      return { outcome: "failed", id };
    }
    stats.simulated += 1;
    const encode = (c: ExecutorCall) =>
      c.method === "execute"
        ? this.executor.interface.encodeFunctionData("execute", c.args)
        : c.method === "executeWithBidToBuilder"
          ? this.executor.interface.encodeFunctionData("executeWithBidToBuilder", c.args)
          : this.executor.interface.encodeFunctionData("liquidate", c.args);
    let data = encode(call);
    if (!config.live || sender === undefined) {
      records.update(id, { status: "dry_run", reason: `would send to ${this.deps.executor}; not sent (dry-run)` });
      log.info("dry_run", { ...base, id, simulatedProfit: simulated, to: this.deps.executor, data });
      return { outcome: "dry_run", id };
    }
    const decimals = this.deps.decimalsOf(token);
    records.update(id, {
      status: "simulated",
      reason: `simulated profit ${decimals === undefined ? `${simulated} base units of ${symbol}` : formatAmount(simulated, decimals, symbol)}`,
    });
    const latest = await this.deps.provider.getBlock("latest");
    const baseFee = latest?.baseFeePerGas ?? 0n;
    if (!risk.allows(baseFee)) {
      const why = `risk guard: ${risk.state ?? "gas price cap"}`;
      this.countFiltered(why);
      records.update(id, { status: "filtered", reason: why });
      log.info("opportunity_filtered", { ...base, id, reason: why });
      return { outcome: "filtered", id };
    }
    let estimate: bigint;
    // A bundle runs at the top of the next block, on the head's state; a transaction sent to the
    // node runs after what is pending, which is what the node estimates on by default.
    // ethers asks without a block, and nodes then estimate on the pending block.
    const rpc = this.deps.provider as Partial<{ send(method: string, params: unknown[]): Promise<unknown> }>;
    try {
      estimate =
        this.deps.submission === "bundle" && rpc.send !== undefined
          ? BigInt(
              (await rpc.send("eth_estimateGas", [
                { from: await this.deps.operator.getAddress(), to: this.deps.executor, data },
                "latest",
              ])) as string,
            )
          : call.method === "execute"
            ? await this.executor.execute.estimateGas(...call.args)
            : call.method === "executeWithBidToBuilder"
              ? await this.executor.executeWithBidToBuilder.estimateGas(...call.args)
              : await this.executor.liquidate.estimateGas(...call.args);
    } catch (error) {
      if (this.isTransport(error)) throw error;
      const why = `gas estimate failed: ${this.describeRevert(error)}`;
      stats.sendFailed += 1;
      records.update(id, { status: "send_failed", reason: why });
      risk.fail("estimate_failed");
      log.warn("send_failed", { ...base, id, reason: why });
      return { outcome: "failed", id };
    }
    const gasLimit = (estimate * 12n) / 10n;
    // The trade was priced at a gas figure from the snapshot; the node's estimate for this exact
    // call is closer. At that gas the profit must still pay for it, and the on-chain floor rises
    // to it, so that a trade landing later than simulated reverts instead of losing.
    const estimatedCost =
      pricedGasUnits > 0n ? (base.gasCost * estimate + pricedGasUnits - 1n) / pricedGasUnits : base.gasCost;
    if (simulated < estimatedCost) {
      const why = `unprofitable at the estimated gas (${estimate} gas, priced at ${pricedGasUnits})`;
      this.countFiltered("unprofitable at the estimated gas");
      records.update(id, { status: "filtered", reason: why });
      log.info("opportunity_filtered", { ...base, id, reason: why });
      return { outcome: "filtered", id };
    }
    if (estimatedCost > floor) {
      call = callWith(estimatedCost);
      data = encode(call);
    }
    // A bid to the builder is the payment: no tip on top of it.
    const tip = call.method === "executeWithBidToBuilder" ? 0n : toUnits(config.priorityFeeGwei, 9);
    this.deps.onSignedReady?.();
    if (this.deps.submission === "bundle")
      return this.sendBundle(
        id,
        base,
        { to: this.deps.executor, data, gasLimit, maxFeePerGas: baseFee * 2n + tip, maxPriorityFeePerGas: tip },
        base.block + 1,
      );
    const result = await sender.send(
      id,
      { to: this.deps.executor, data, gasLimit, maxFeePerGas: baseFee * 2n + tip, maxPriorityFeePerGas: tip },
      // A pause or a trip that came while the gas was estimated or the send waited its turn.
      () => (risk.state === undefined ? undefined : `risk guard: ${risk.state}`),
    );
    if (result.status === "withheld") {
      this.countFiltered(result.reason);
      records.update(id, { status: "filtered", reason: result.reason });
      log.info("opportunity_filtered", { ...base, id, reason: result.reason });
      return { outcome: "filtered", id };
    }
    if (result.status === "refused") {
      stats.sendFailed += 1;
      records.update(id, { status: "send_failed", reason: `the node refused it: ${result.reason}` });
      risk.fail("send_failed");
      log.warn("send_failed", { ...base, id, reason: result.reason });
      return { outcome: "failed", id };
    }
    stats.sent += 1;
    this.recordAttempt(id, { tipWei: tip, bidBps: 0, gasLimit, builders: 0 });
    if (result.status === "sent") {
      records.update(id, { status: "sent" });
      log.info("trade_sent", { ...base, id, tx: result.hash, nonce: result.nonce });
    } else {
      // Maybe broadcast: it stays `signed`, and the tracker finds out from the chain.
      log.warn("trade_send_unknown", { ...base, id, tx: result.hash, nonce: result.nonce, reason: result.reason });
    }
    this.deps.onSent?.(id);
    return { outcome: "sent", id };
  }

  /**
   * Signs the trade for `targetBlock`, records it, and sends it to every relay at once in the
   * block's bundle (see below). Each relay's answer and latency goes to the records' audit log; the
   * tracker reads inclusion from the chain.
   */
  private async sendBundle(
    id: number,
    base: Omit<NewTrade, "status" | "reason">,
    tx: Parameters<Sender["send"]>[1],
    targetBlock: number,
  ): Promise<{ outcome: Outcome; id?: number }> {
    const { records, log, risk } = this.deps;
    const sender = this.deps.sender as Sender;
    const bundles = this.deps.bundles;
    if (bundles === undefined) throw new Error("submission is bundle but no relay client was configured");
    if (this.blockBundle?.targetBlock === targetBlock && this.blockBundle.backrun === true) {
      const why = `a backrun holds block ${targetBlock}'s bundle`;
      this.countFiltered("a backrun holds the block's bundle");
      records.update(id, { status: "filtered", reason: why });
      log.info("opportunity_filtered", { ...base, id, reason: why });
      return { outcome: "filtered", id };
    }
    const signed = await sender.signForBundle(id, tx, targetBlock, () =>
      risk.state === undefined ? undefined : `risk guard: ${risk.state}`,
    );
    if (signed.status === "withheld") {
      this.countFiltered(signed.reason);
      records.update(id, { status: "filtered", reason: signed.reason });
      log.info("opportunity_filtered", { ...base, id, reason: signed.reason });
      return { outcome: "filtered", id };
    }
    // One bundle per block, grown by each trade and sent again under the same replacement UUID:
    // a trade's transaction follows the one before it by nonce, and a bundle of it alone could
    // never be included before that one.
    if (this.blockBundle?.targetBlock !== targetBlock) this.blockBundle = { targetBlock, uuid: randomUUID(), txs: [] };
    this.blockBundle.txs.push(signed.rawTx);
    const answers = await bundles.sendBundle({
      txs: this.blockBundle.txs,
      blockNumber: targetBlock,
      replacementUuid: this.blockBundle.uuid,
    });
    return {
      outcome: this.settleSend(
        id,
        base,
        signed,
        targetBlock,
        answers,
        { transactions: this.blockBundle.txs.length },
        {
          tipWei: tx.maxPriorityFeePerGas,
          bidBps: base.strategy === "liquidation" ? 0 : this.bidFor(base.tokenAddress as Address),
          gasLimit: tx.gasLimit,
        },
      ),
      id,
    };
  }

  /**
   * Records each relay's answer to a bundle (acceptance, latency, its hash, its error) in the
   * audit log, and the trade as sent when any relay took it; when none did, nobody has the
   * transaction and its nonce is free again.
   */
  private settleSend(
    id: number,
    base: Omit<NewTrade, "status" | "reason">,
    signed: { readonly hash: string; readonly nonce: number },
    targetBlock: number,
    answers: readonly RelayAnswer<{ bundleHash: string }>[],
    detail: Record<string, unknown>,
    payment: { readonly tipWei: bigint; readonly bidBps: number; readonly gasLimit: bigint },
  ): Outcome {
    const { records, log, risk, stats } = this.deps;
    for (const a of answers)
      records.event("bundle_sent", {
        id,
        tx: signed.hash,
        targetBlock,
        ...detail,
        relay: a.relay,
        accepted: a.accepted,
        latencyMs: Math.round(a.latencyMs * 10) / 10,
        ...(a.result?.bundleHash === undefined ? {} : { bundleHash: a.result.bundleHash }),
        ...(a.error === undefined ? {} : { error: a.error }),
      });
    const accepted = answers.filter((a) => a.accepted).map((a) => a.relay);
    if (accepted.length === 0 && answers.some((a) => !a.reached)) {
      // A relay that did not answer may hold it: the trade stays signed, and the tracker settles
      // it from the chain at its block (included, or dropped with its nonce free again).
      const why = `no relay confirmed the bundle for block ${targetBlock}: ${answers.map((a) => `${a.relay}: ${a.error}`).join("; ")}`;
      stats.sent += 1;
      records.update(id, { status: "signed", reason: why });
      log.warn("trade_send_unknown", { ...base, id, tx: signed.hash, nonce: signed.nonce, reason: why });
      this.deps.onSent?.(id);
      return "sent";
    }
    if (accepted.length === 0) {
      const why = `no relay accepted the bundle: ${answers.map((a) => `${a.relay}: ${a.error}`).join("; ")}`;
      stats.sendFailed += 1;
      // Nobody has the transaction: its nonce is free again.
      this.blockBundle = undefined;
      (this.deps.sender as Sender).resetNonce();
      records.update(id, { status: "send_failed", reason: why });
      risk.fail("send_failed");
      log.warn("send_failed", { ...base, id, reason: why });
      return "failed";
    }
    stats.sent += 1;
    this.recordAttempt(id, { ...payment, builders: accepted.length });
    records.update(id, { status: "sent", reason: `bundle for block ${targetBlock} to ${accepted.join(", ")}` });
    log.info("trade_sent", { ...base, id, tx: signed.hash, nonce: signed.nonce, targetBlock, relays: accepted });
    this.deps.onSent?.(id);
    return "sent";
  }

  /**
   * Records, for a trade just sent, what it paid and how fast it went: the features an outcome
   * model learns from (with the trade's own record, and its outcome from the chain).
   */
  private recordAttempt(
    id: number,
    a: { readonly tipWei: bigint; readonly bidBps: number; readonly gasLimit: bigint; readonly builders: number },
  ): void {
    const detected = this.detectedAt.get(id);
    this.detectedAt.delete(id);
    this.deps.records.event("attempt", {
      id,
      submission: this.deps.submission,
      tipWei: a.tipWei.toString(),
      bidBps: a.bidBps,
      gasLimit: a.gasLimit.toString(),
      builders: a.builders,
      ...(detected === undefined ? {} : { detectToSendMs: Math.round((performance.now() - detected) * 10) / 10 }),
    });
  }

  private countFiltered(reason: string): void {
    this.deps.stats.filtered[reason] = (this.deps.stats.filtered[reason] ?? 0) + 1;
  }

  private decimalsField(token: Address): { decimals?: number } {
    const decimals = this.deps.decimalsOf(token);
    return decimals === undefined ? {} : { decimals };
  }

  /** An error of the RPC itself (not an answer): the block is handled again once it answers. */
  private isTransport(error: unknown): boolean {
    return error instanceof RpcUnavailableError;
  }

  private describeRevert(error: unknown): string {
    const data = (error as { data?: string }).data;
    if (typeof data === "string" && data.length >= 10) {
      const parsed = this.executor.interface.parseError(data);
      if (parsed?.name === "Error" && typeof parsed.args[0] === "string" && parsed.args[0] in AAVE_ERRORS)
        return `Aave V3 Pool: ${AAVE_ERRORS[parsed.args[0]]} (${parsed.args[0]})`;
      if (parsed !== null) return `${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(", ")})`;
      const aave = AAVE_CUSTOM_ERRORS.parseError(data);
      if (aave !== null) return `Aave V3 Pool: ${aave.name}`;
    }
    return (error as Error).message.split("\n")[0] ?? "reverted";
  }
}
