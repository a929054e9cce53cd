import { expect } from "chai";
import { RiskGuard, type RiskState, type TripReason } from "../../../src/engine/execute/risk.js";

describe("the risk guard", () => {
  it("the risk guard trips after consecutive failures and on the daily loss limit, caps gas, and resumes", () => {
    const trips: Array<[TripReason, string]> = [];
    const guard = new RiskGuard({
      maxConsecutiveFailures: 3,
      dailyLossLimitWei: 1_000n,
      maxGasPriceWei: 100n,
      onTrip: (reason, detail) => trips.push([reason, detail]),
    });
    expect(guard.allows(100n)).to.equal(true);
    expect(guard.allows(101n)).to.equal(false);
    expect(trips.at(-1)?.[0]).to.equal("gas_price_cap");
    guard.record(false, 10n);
    guard.record(true, 10n);
    guard.record(false, 10n);
    guard.record(false, 10n);
    expect(guard.allows(1n)).to.equal(true);
    guard.record(false, 10n);
    expect(guard.state).to.equal("consecutive_failures");
    expect(guard.allows(1n)).to.equal(false);
    // Resuming ends a pause only; a trip is cleared by reset.
    expect(guard.resume()).to.equal(false);
    expect(guard.allows(1n)).to.equal(false);
    expect(guard.reset()).to.equal("consecutive_failures");
    expect(guard.allows(1n)).to.equal(true);
    guard.record(false, 2_000n);
    expect(guard.state).to.equal("daily_loss_limit");
    guard.reset();
    guard.pause();
    expect(guard.state).to.equal("paused");
    expect(trips.map(([reason]) => reason)).to.deep.equal([
      "gas_price_cap",
      "consecutive_failures",
      "daily_loss_limit",
    ]);
  });

  it("the risk guard resumes by itself after the cooldown, and the day after a daily-loss trip, but not when paused", () => {
    let now = Date.parse("2026-11-22T10:00:00Z");
    const resumed: TripReason[] = [];
    const guard = new RiskGuard({
      maxConsecutiveFailures: 2,
      dailyLossLimitWei: 1_000n,
      maxGasPriceWei: 100n,
      cooldownMs: 60_000,
      onResume: (reason) => resumed.push(reason),
      now: () => now,
    });
    guard.record(false, 1n);
    guard.record(false, 1n);
    expect(guard.allows(1n)).to.equal(false);
    now += 59_999;
    expect(guard.allows(1n)).to.equal(false);
    now += 1;
    expect(guard.allows(1n)).to.equal(true);
    expect(guard.state).to.equal(undefined);
    // One failure after resuming does not trip again: the count started over.
    guard.record(false, 1n);
    expect(guard.allows(1n)).to.equal(true);
    guard.record(true, 1n);
    guard.record(false, 5_000n);
    expect(guard.state).to.equal("daily_loss_limit");
    now += 60 * 60_000;
    expect(guard.allows(1n)).to.equal(false);
    now = Date.parse("2026-11-23T00:00:01Z");
    expect(guard.allows(1n)).to.equal(true);
    guard.pause();
    now += 7 * 24 * 60 * 60_000;
    expect(guard.allows(1n)).to.equal(false);
    expect(guard.state).to.equal("paused");
    expect(resumed).to.deep.equal(["consecutive_failures", "daily_loss_limit"]);
  });

  it("counts refused sends and failed estimates as failures, and trips on them", () => {
    const trips: TripReason[] = [];
    const guard = new RiskGuard({
      maxConsecutiveFailures: 3,
      dailyLossLimitWei: 1_000n,
      maxGasPriceWei: 100n,
      onTrip: (reason) => trips.push(reason),
    });
    guard.fail("send_failed");
    guard.fail("estimate_failed");
    expect(guard.state).to.equal(undefined);
    guard.fail("send_failed");
    expect(guard.state).to.equal("consecutive_failures");
    expect(guard.snapshot().trippedDetail).to.equal("3 failures in a row, the last send_failed");
    // Refusals cost no gas: the day's loss is only what reverts paid.
    expect(guard.snapshot().lossTodayWei).to.equal("0");
  });

  it("survives a restart: a tripped breaker restored from its persisted state still refuses, and counts what it skipped", () => {
    let saved: RiskState | undefined;
    const now = Date.parse("2026-11-22T10:00:00Z");
    const options = {
      maxConsecutiveFailures: 2,
      dailyLossLimitWei: 1_000n,
      maxGasPriceWei: 100n,
      cooldownMs: 60_000,
      onChange: (state: RiskState) => {
        saved = JSON.parse(JSON.stringify(state)) as RiskState;
      },
      now: () => now,
    };
    const first = new RiskGuard(options);
    first.fail("reverted", 7n);
    first.fail("reverted", 8n);
    expect(first.allows(1n)).to.equal(false);
    expect(saved?.tripped).to.equal("consecutive_failures");
    const second = new RiskGuard({ ...options, restore: saved as RiskState });
    expect(second.state).to.equal("consecutive_failures");
    expect(second.allows(1n)).to.equal(false);
    expect(second.snapshot().lossTodayWei).to.equal("15");
    expect(second.snapshot().skipped).to.deep.equal({ consecutive_failures: 2 });
    // A fresh guard without the persisted state would have let it through.
    expect(new RiskGuard(options).allows(1n)).to.equal(true);
  });

  it("keeps an operator's pause apart from a trip: neither pausing nor resuming loses or clears the trip", () => {
    const resumed: string[] = [];
    const guard = new RiskGuard({
      maxConsecutiveFailures: 10,
      dailyLossLimitWei: 10n,
      maxGasPriceWei: 100n,
      onResume: (reason, by) => resumed.push(`${reason} by ${by}`),
    });
    guard.record(false, 11n);
    expect(guard.state).to.equal("daily_loss_limit");
    expect(guard.pause()).to.equal(true);
    expect(guard.state).to.equal("paused");
    expect(guard.trippedBy).to.equal("daily_loss_limit");
    expect(guard.snapshot().trippedDetail).to.equal("11 wei of gas lost on reverts today");
    expect(guard.resume()).to.equal(true);
    expect(guard.state).to.equal("daily_loss_limit");
    expect(guard.allows(1n)).to.equal(false);
    // A restart keeps both apart; a state saved when a pause was a trip reads as a pause.
    const restored = new RiskGuard({
      maxConsecutiveFailures: 10,
      dailyLossLimitWei: 10n,
      maxGasPriceWei: 100n,
      restore: { ...guard.snapshot(), paused: true },
    });
    expect([restored.isPaused, restored.trippedBy]).to.deep.equal([true, "daily_loss_limit"]);
    const legacy = new RiskGuard({
      maxConsecutiveFailures: 10,
      dailyLossLimitWei: 10n,
      maxGasPriceWei: 100n,
      restore: { ...guard.snapshot(), tripped: "paused" as never, paused: undefined as never },
    });
    expect([legacy.isPaused, legacy.trippedBy]).to.deep.equal([true, undefined]);
    expect(resumed).to.deep.equal([]);
  });

  it("says when the base fee is back under the cap, once, as it said when it went above", () => {
    const events: string[] = [];
    const guard = new RiskGuard({
      maxConsecutiveFailures: 3,
      dailyLossLimitWei: 1_000n,
      maxGasPriceWei: 100n,
      onTrip: (reason) => events.push(`trip ${reason}`),
      onResume: (reason, by) => events.push(`resume ${reason} ${by}`),
    });
    expect(guard.allows(101n)).to.equal(false);
    expect(guard.allows(150n)).to.equal(false);
    expect(guard.allows(99n)).to.equal(true);
    expect(guard.allows(98n)).to.equal(true);
    expect(events).to.deep.equal(["trip gas_price_cap", "resume gas_price_cap base_fee"]);
  });
});
