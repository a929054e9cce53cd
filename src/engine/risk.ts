/** Why the guard stopped trading. */
export type TripReason = "consecutive_failures" | "daily_loss_limit" | "gas_price_cap" | "paused";

/**
 * The risk guard wrapped around execution: it stops trading after too many failed
 * transactions in a row or once the day's gas on reverted transactions passes a limit, skips
 * blocks whose gas price is above the cap, and can be paused and resumed. Every trip is
 * reported once with its reason.
 */
export class RiskGuard {
  private consecutiveFailures = 0;
  private lossToday = 0n;
  private day = new Date().toISOString().slice(0, 10);
  private tripped: TripReason | undefined;

  constructor(
    private readonly maxConsecutiveFailures: number,
    private readonly dailyLossLimitWei: bigint,
    private readonly maxGasPriceWei: bigint,
    private readonly onTrip: (reason: TripReason, detail: string) => void,
  ) {}

  /** Whether a trade may be sent now, at this base fee. */
  allows(baseFeeWei: bigint): boolean {
    this.rollDay();
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
    this.onTrip(reason, detail);
  }

  private rollDay(): void {
    const today = new Date().toISOString().slice(0, 10);
    if (today !== this.day) {
      this.day = today;
      this.lossToday = 0n;
    }
  }
}
