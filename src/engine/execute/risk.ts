/** Why the guard stopped trading by itself. (An operator's pause is apart from trips.) */
export type TripReason = "consecutive_failures" | "daily_loss_limit" | "gas_price_cap";

/** What kind of failure the guard is told of. */
export type FailureKind = "reverted" | "send_failed" | "estimate_failed";

/** The guard's whole state: persisted after every change so that a restart keeps a tripped breaker. */
export interface RiskState {
  readonly consecutiveFailures: number;
  /** Gas paid on reverted transactions today (UTC), in wei, as a decimal string. */
  readonly lossTodayWei: string;
  readonly day: string;
  readonly tripped: TripReason | null;
  /** Paused by an operator: kept apart from a trip, so that resuming the one never clears the other. */
  readonly paused?: boolean;
  readonly trippedAt: number;
  readonly trippedDetail: string | null;
  /** What the guard has kept from being sent, by reason, since its state was created. */
  readonly skipped: Readonly<Record<string, number>>;
}

/** The guard's limits and where it reports. */
export interface RiskGuardOptions {
  readonly maxConsecutiveFailures: number;
  readonly dailyLossLimitWei: bigint;
  readonly maxGasPriceWei: bigint;
  /** How long trading stays stopped after consecutive failures. */
  readonly cooldownMs?: number;
  readonly onTrip?: (reason: TripReason, detail: string) => void;
  /** Called when trading resumes, by itself (cooldown over, new day, base fee back under the cap) or by hand. */
  readonly onResume?: (reason: TripReason, by: "cooldown" | "new_day" | "base_fee" | "operator") => void;
  /** Called with the new state after every change: persist it here. */
  readonly onChange?: (state: RiskState) => void;
  /** The state a previous run left (from the records). */
  readonly restore?: RiskState;
  /** The clock, in milliseconds (injectable for tests). */
  readonly now?: () => number;
}

/**
 * The risk guard wrapped around execution: it stops trading after too many failures in a row
 * (reverted transactions, refused sends, failed estimates; until a cooldown has passed) or once
 * the day's gas on reverted transactions passes a limit (until the next UTC day), skips blocks
 * whose base fee is above the cap, and can be paused and resumed by hand. Its state survives a
 * restart through `onChange`/`restore`; every trip and resumption is reported with its reason.
 */
export class RiskGuard {
  private consecutiveFailures = 0;
  private lossToday = 0n;
  private day: string;
  private tripped: TripReason | undefined;
  private paused = false;
  private trippedAt = 0;
  private trippedDetail: string | undefined;
  private readonly skipped: Record<string, number> = {};
  private aboveCap = false;
  private maxGasPriceWei: bigint;
  private readonly now: () => number;
  private readonly cooldownMs: number;

  constructor(private readonly options: RiskGuardOptions) {
    this.now = options.now ?? Date.now;
    this.cooldownMs = options.cooldownMs ?? 15 * 60_000;
    this.maxGasPriceWei = options.maxGasPriceWei;
    this.day = this.today();
    const saved = options.restore;
    if (saved !== undefined) {
      this.consecutiveFailures = saved.consecutiveFailures;
      this.lossToday = BigInt(saved.lossTodayWei);
      this.day = saved.day;
      // A state written before pauses were kept apart had the pause as a trip.
      const legacyPause = (saved.tripped as string | null) === "paused";
      this.paused = saved.paused === true || legacyPause;
      this.tripped = legacyPause ? undefined : (saved.tripped ?? undefined);
      this.trippedAt = saved.trippedAt;
      this.trippedDetail = saved.trippedDetail ?? undefined;
      Object.assign(this.skipped, saved.skipped);
    }
  }

  /** Whether a trade may be sent now, at this base fee; a refusal is counted as skipped. */
  allows(baseFeeWei: bigint): boolean {
    this.rollDay();
    if (this.tripped === "consecutive_failures" && this.now() - this.trippedAt >= this.cooldownMs) {
      this.resumeWith("cooldown");
    }
    if (this.paused) {
      this.skip("paused");
      return false;
    }
    if (this.tripped !== undefined) {
      this.skip(this.tripped);
      return false;
    }
    if (baseFeeWei > this.maxGasPriceWei) {
      // Reported when the base fee crosses the cap, not for every candidate while it stays above.
      if (!this.aboveCap)
        this.options.onTrip?.("gas_price_cap", `base fee ${baseFeeWei} wei is above the cap ${this.maxGasPriceWei}`);
      this.aboveCap = true;
      this.skip("gas_price_cap");
      return false;
    }
    if (this.aboveCap) this.options.onResume?.("gas_price_cap", "base_fee");
    this.aboveCap = false;
    return true;
  }

  /** Records a mined trade: a success resets the failure count; a revert counts its gas as a loss. */
  record(succeeded: boolean, gasPaidWei: bigint): void {
    if (succeeded) {
      this.rollDay();
      this.consecutiveFailures = 0;
      this.changed();
      return;
    }
    this.fail("reverted", gasPaidWei);
  }

  /** Records a failure: a revert (with the gas it cost), a refused send or a failed gas estimate. */
  fail(kind: FailureKind, gasPaidWei = 0n): void {
    this.rollDay();
    this.consecutiveFailures += 1;
    this.lossToday += gasPaidWei;
    if (this.tripped !== undefined) {
      this.changed();
      return;
    }
    if (this.consecutiveFailures >= this.options.maxConsecutiveFailures) {
      this.trip("consecutive_failures", `${this.consecutiveFailures} failures in a row, the last ${kind}`);
    } else if (this.lossToday > this.options.dailyLossLimitWei) {
      this.trip("daily_loss_limit", `${this.lossToday} wei of gas lost on reverts today`);
    } else {
      this.changed();
    }
  }

  /** Changes the base-fee cap (a live configuration change). */
  setMaxGasPrice(wei: bigint): void {
    this.maxGasPriceWei = wei;
  }

  /** The base-fee cap in force. */
  get gasPriceCapWei(): bigint {
    return this.maxGasPriceWei;
  }

  /**
   * Stops trading until {@link resume} is called, whatever the guard's own state: a trip stays
   * recorded beside the pause, and is still there (or has cleared itself) after it.
   * @returns false when it was paused already.
   */
  pause(): boolean {
    if (this.paused) return false;
    this.paused = true;
    this.changed();
    return true;
  }

  /**
   * Ends an operator's pause; a trip the guard is in stays.
   * @returns false when it was not paused.
   */
  resume(): boolean {
    if (!this.paused) return false;
    this.paused = false;
    this.changed();
    return true;
  }

  /**
   * Clears a trip by hand (consecutive failures, the daily loss limit) before it clears itself.
   * @returns the reason cleared, or undefined when it was not tripped.
   */
  reset(): TripReason | undefined {
    const was = this.tripped;
    if (was !== undefined) this.resumeWith("operator");
    return was;
  }

  /** Why trading is stopped — an operator's pause first, else the guard's trip — or undefined while it is allowed. */
  get state(): TripReason | "paused" | undefined {
    return this.paused ? "paused" : this.tripped;
  }

  /** Whether an operator paused trading. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** The guard's own trip, if any, whether or not an operator also paused. */
  get trippedBy(): TripReason | undefined {
    return this.tripped;
  }

  /** The whole state, as persisted. */
  snapshot(): RiskState {
    return {
      consecutiveFailures: this.consecutiveFailures,
      lossTodayWei: this.lossToday.toString(),
      day: this.day,
      tripped: this.tripped ?? null,
      paused: this.paused,
      trippedAt: this.trippedAt,
      trippedDetail: this.trippedDetail ?? null,
      skipped: { ...this.skipped },
    };
  }

  private resumeWith(by: "cooldown" | "new_day" | "base_fee" | "operator"): void {
    const was = this.tripped;
    this.tripped = undefined;
    this.trippedDetail = undefined;
    this.consecutiveFailures = 0;
    if (was !== undefined) this.options.onResume?.(was, by);
    this.changed();
  }

  private skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
    this.changed();
  }

  private trip(reason: TripReason, detail: string): void {
    this.tripped = reason;
    this.trippedAt = this.now();
    this.trippedDetail = detail;
    this.options.onTrip?.(reason, detail);
    this.changed();
  }

  private changed(): void {
    this.options.onChange?.(this.snapshot());
  }

  private today(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  private rollDay(): void {
    const today = this.today();
    if (today !== this.day) {
      this.day = today;
      this.lossToday = 0n;
      if (this.tripped === "daily_loss_limit") this.resumeWith("new_day");
      else this.changed();
    }
  }
}
