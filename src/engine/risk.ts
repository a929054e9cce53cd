/** Why the guard stopped trading. */
export type TripReason = "consecutive_failures" | "daily_loss_limit" | "gas_price_cap" | "paused";

/**
 * The risk guard wrapped around execution: it stops trading after too many failed
 * transactions in a row (until a cooldown has passed) or once the day's gas on reverted
 * transactions passes a limit (until the next UTC day), skips blocks whose gas price is above
 * the cap, and can be paused and resumed by hand. Every trip and every automatic resumption is
 * reported with its reason.
 */
export class RiskGuard {
  private consecutiveFailures = 0;
  private lossToday = 0n;
  private day: string;
  private tripped: TripReason | undefined;
  private trippedAt = 0;

  /**
   * @param cooldownMs How long trading stays stopped after consecutive failures.
   * @param onResume Called when the guard resumes by itself (cooldown over, new day).
   * @param now The clock, in milliseconds (injectable for tests).
   */
  constructor(
    private readonly maxConsecutiveFailures: number,
    private readonly dailyLossLimitWei: bigint,
    private readonly maxGasPriceWei: bigint,
    private readonly onTrip: (reason: TripReason, detail: string) => void,
    private readonly cooldownMs = 15 * 60_000,
    private readonly onResume: (reason: TripReason) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.day = this.today();
  }

  /** Whether a trade may be sent now, at this base fee. */
  allows(baseFeeWei: bigint): boolean {
    this.rollDay();
    if (this.tripped === "consecutive_failures" && this.now() - this.trippedAt >= this.cooldownMs) {
      this.onResume(this.tripped);
      this.resume();
    }
    if (this.tripped !== undefined) return false;
    if (baseFeeWei > this.maxGasPriceWei) {
      this.onTrip("gas_price_cap", `base fee ${baseFeeWei} wei is above the cap ${this.maxGasPriceWei}`);
      return false;
    }
    return true;
  }

  /** Records a mined trade: a success resets the failure count; a revert counts its gas as a loss. */
  record(succeeded: boolean, gasPaidWei: bigint): void {
    this.rollDay();
    if (succeeded) {
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures += 1;
    this.lossToday += gasPaidWei;
    if (this.consecutiveFailures >= this.maxConsecutiveFailures) {
      this.trip("consecutive_failures", `${this.consecutiveFailures} failed transactions in a row`);
    } else if (this.lossToday > this.dailyLossLimitWei) {
      this.trip("daily_loss_limit", `${this.lossToday} wei of gas lost on reverts today`);
    }
  }

  pause(): void {
    this.trip("paused", "paused by the operator");
  }

  resume(): void {
    this.tripped = undefined;
    this.consecutiveFailures = 0;
  }

  get state(): TripReason | undefined {
    return this.tripped;
  }

  private trip(reason: TripReason, detail: string): void {
    this.tripped = reason;
    this.trippedAt = this.now();
    this.onTrip(reason, detail);
  }

  private today(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  private rollDay(): void {
    const today = this.today();
    if (today !== this.day) {
      this.day = today;
      this.lossToday = 0n;
      if (this.tripped === "daily_loss_limit") {
        this.onResume(this.tripped);
        this.resume();
      }
    }
  }
}
