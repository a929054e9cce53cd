import { expect } from "chai";
import type { TradeRecord } from "../../../src/engine/record/records.js";
import {
  describeTotals,
  parseSince,
  parseStatuses,
  TRADE_STATUSES,
  TradesQueryError,
  tradeJson,
  tradeJsonLine,
  tradeTotals,
} from "../../../src/engine/record/tradesView.js";

const NOW = new Date("2025-06-15T12:00:00.000Z");
/** Above 2^64: a sum through a double, or a 64-bit SQLite integer, would lose it. */
const HUGE = 2n ** 64n + 12_345n;

/** A recorded trade with every field set, `over` on top. */
function trade(over: Partial<TradeRecord> = {}): TradeRecord {
  return {
    id: 1,
    createdAt: "2025-06-15T11:00:00.000Z",
    updatedAt: null,
    chainId: 1,
    strategy: "arbitrage",
    block: 20_000_000,
    cycle: "Uniswap V2 WETH/USDC 0.3% > Sushiswap WETH/USDC 0.3%",
    route: null,
    token: "WETH",
    tokenAddress: null,
    decimals: 18,
    amountIn: 10n ** 18n,
    lender: "BalancerV2",
    expectedProfit: 5n * 10n ** 15n,
    gasCost: 10n ** 15n,
    expectedProfitUsd6: null,
    status: "detected",
    reason: null,
    nonce: null,
    txHash: null,
    rawTx: null,
    minedBlock: null,
    minedBlockHash: null,
    final: false,
    realisedProfit: null,
    realisedProfitUsd6: null,
    gasUsed: null,
    gasPaidWei: null,
    gasPaidUsd6: null,
    replacedHashes: [],
    riskCounted: null,
    ...over,
  };
}

describe("parseSince", () => {
  it("counts a relative time back from now in minutes, hours and days", () => {
    expect(parseSince("30m", NOW)).to.equal("2025-06-15T11:30:00.000Z");
    expect(parseSince("24h", NOW)).to.equal("2025-06-14T12:00:00.000Z");
    expect(parseSince("7d", NOW)).to.equal("2025-06-08T12:00:00.000Z");
  });

  it("reads ISO dates and times as the records write them, UTC unless a zone is given", () => {
    expect(parseSince("2025-01-02")).to.equal("2025-01-02T00:00:00.000Z");
    expect(parseSince("2025-01-02T03:04")).to.equal("2025-01-02T03:04:00.000Z");
    expect(parseSince("2025-01-02 03:04:05")).to.equal("2025-01-02T03:04:05.000Z");
    expect(parseSince("2025-01-02T03:04:05.6Z")).to.equal("2025-01-02T03:04:05.600Z");
    expect(parseSince("2025-01-02T03:04:05.678Z")).to.equal("2025-01-02T03:04:05.678Z");
    expect(parseSince("2025-01-02T01:30+02:00")).to.equal("2025-01-01T23:30:00.000Z");
    expect(parseSince("2025-01-02T22:30-0230")).to.equal("2025-01-03T01:00:00.000Z");
    expect(parseSince("2024-02-29")).to.equal("2024-02-29T00:00:00.000Z");
  });

  it("refuses malformed input and dates or times that do not exist, saying what it takes", () => {
    for (const text of [
      "",
      "yesterday",
      "24",
      "h",
      "-3h",
      "1.5h",
      "3w",
      "24 h",
      "0h",
      "2025-1-2",
      "25-01-02",
      "2025-01-02T3:04",
      "2025-01-02T03:04:05.6789Z",
      "2025-02-30",
      "2025-02-29",
      "2025-13-01",
      "2025-00-10",
      "2025-01-02T24:00",
      "2025-01-02T23:60",
      "2025-01-02T03:04+25:00",
      "1746000000",
      "999999999999d",
    ])
      expect(() => parseSince(text, NOW), JSON.stringify(text))
        .to.throw(TradesQueryError)
        .with.property("details")
        .that.includes("24h");
  });
});

describe("parseStatuses", () => {
  it("takes every trade status, alone or comma-separated", () => {
    expect(parseStatuses("succeeded")).to.deep.equal(["succeeded"]);
    expect(parseStatuses("succeeded, reverted,dry_run")).to.deep.equal(["succeeded", "reverted", "dry_run"]);
    expect(parseStatuses(TRADE_STATUSES.join(","))).to.deep.equal(TRADE_STATUSES);
    expect(TRADE_STATUSES).to.have.length(11);
  });

  it("refuses an unknown or empty status, naming the valid ones", () => {
    expect(() => parseStatuses("succeded")).to.throw(TradesQueryError, "Unknown status 'succeded'.");
    expect(() => parseStatuses("toString")).to.throw(TradesQueryError, "Unknown status 'toString'.");
    expect(() => parseStatuses("Succeeded")).to.throw(TradesQueryError, "Unknown status 'Succeeded'.");
    expect(() => parseStatuses("")).to.throw(TradesQueryError, "Empty status");
    expect(() => parseStatuses("sent,,dropped")).to.throw(TradesQueryError, "Empty status");
    expect(() => parseStatuses("nope"))
      .to.throw(TradesQueryError)
      .with.property("details")
      .that.includes("filtered, detected, simulation_failed");
  });
});

describe("tradeJson", () => {
  it("carries every field of the record, bigints as exact decimal strings and absent values as null", () => {
    const row = trade({
      id: 7,
      status: "succeeded",
      amountIn: HUGE,
      expectedProfit: HUGE - 1n,
      expectedProfitUsd6: 9_007_199_254_740_993n,
      txHash: `0x${"ab".repeat(32)}`,
      final: true,
      realisedProfit: HUGE + 1n,
      realisedProfitUsd6: -5n,
      gasUsed: 226_778n,
      gasPaidWei: 10n ** 30n,
      replacedHashes: [`0x${"cd".repeat(32)}`],
    });
    const json = tradeJson(row);
    expect(Object.keys(json)).to.deep.equal(Object.keys(row));
    expect(json).to.include({
      id: 7,
      status: "succeeded",
      txHash: `0x${"ab".repeat(32)}`,
      token: "WETH",
      amountIn: "18446744073709563961",
      expectedProfit: "18446744073709563960",
      realisedProfit: "18446744073709563962",
      expectedProfitUsd6: "9007199254740993",
      realisedProfitUsd6: "-5",
      gasUsed: "226778",
      gasPaidWei: "1000000000000000000000000000000",
      gasPaidUsd6: null,
      final: true,
      decimals: 18,
      reason: null,
    });
    expect(json.replacedHashes).to.deep.equal([`0x${"cd".repeat(32)}`]);
  });

  it("is one line of JSON that parses back to the same values", () => {
    const line = tradeJsonLine(trade({ realisedProfit: HUGE, cycle: "a\nb" }));
    expect(line).to.not.include("\n");
    const back = JSON.parse(line) as Record<string, unknown>;
    expect(back.realisedProfit).to.equal(HUGE.toString());
    expect(BigInt(back.realisedProfit as string)).to.equal(HUGE);
    expect(back.realisedProfitUsd6).to.equal(null);
    expect(back.cycle).to.equal("a\nb");
  });
});

describe("tradeTotals", () => {
  const rows = [
    trade({
      id: 1,
      status: "succeeded",
      realisedProfit: HUGE,
      realisedProfitUsd6: HUGE,
      gasPaidWei: 3n,
      gasPaidUsd6: 1_500_000n,
    }),
    trade({
      id: 2,
      status: "succeeded",
      realisedProfit: HUGE,
      realisedProfitUsd6: 1n,
      gasPaidWei: 4n,
      gasPaidUsd6: 2_000_000n,
    }),
    trade({
      id: 3,
      status: "succeeded",
      token: "USDC",
      decimals: 6,
      realisedProfit: 1_234_567n,
      realisedProfitUsd6: 1_234_567n,
    }),
    trade({ id: 4, status: "succeeded", token: "FOO", decimals: null, realisedProfit: 42n, realisedProfitUsd6: null }),
    trade({ id: 5, status: "reverted", gasPaidWei: 5n, gasPaidUsd6: 700_000n }),
    trade({ id: 6, status: "reverted", gasPaidWei: 6n, gasPaidUsd6: null }),
    // Its profit was cleared by a reorg in the engine; a stale value must not count either way.
    trade({ id: 7, status: "sent", realisedProfit: 99n, realisedProfitUsd6: 99n }),
    trade({ id: 8, status: "filtered", reason: "unprofitable after gas" }),
    trade({ id: 9, status: "dry_run", expectedProfitUsd6: 10n }),
  ];

  it("sums profit per token and dollars exactly in bigint, beyond 2^64", () => {
    const totals = tradeTotals(rows);
    expect(totals.trades).to.equal(9);
    expect(totals.realisedProfit).to.deep.equal([
      { token: "WETH", decimals: 18, amount: 2n * HUGE },
      { token: "USDC", decimals: 6, amount: 1_234_567n },
      { token: "FOO", decimals: null, amount: 42n },
    ]);
    expect(totals.realisedProfitUsd6).to.equal(HUGE + 1n + 1_234_567n);
    expect(totals.gasPaidWei).to.equal(18n);
    expect(totals.gasPaidUsd6).to.equal(4_200_000n);
    expect(totals.netUsd6).to.equal(HUGE + 1n + 1_234_567n - 4_200_000n);
    expect(totals.unpricedProfits).to.equal(1);
    expect(totals.unpricedGas).to.equal(1);
  });

  it("counts trades per status in lifecycle order", () => {
    expect(tradeTotals(rows).byStatus).to.deep.equal([
      ["filtered", 1],
      ["dry_run", 1],
      ["sent", 1],
      ["succeeded", 4],
      ["reverted", 2],
    ]);
  });

  it("takes a token's decimals from any of its trades that recorded them", () => {
    const totals = tradeTotals([
      trade({ status: "succeeded", decimals: null, realisedProfit: 1n }),
      trade({ status: "succeeded", decimals: 18, realisedProfit: 2n }),
    ]);
    expect(totals.realisedProfit).to.deep.equal([{ token: "WETH", decimals: 18, amount: 3n }]);
  });

  it("is all zeros for no trades", () => {
    expect(tradeTotals([])).to.deep.equal({
      trades: 0,
      byStatus: [],
      realisedProfit: [],
      realisedProfitUsd6: 0n,
      gasPaidWei: 0n,
      gasPaidUsd6: 0n,
      netUsd6: 0n,
      unpricedProfits: 0,
      unpricedGas: 0,
    });
  });
});

describe("describeTotals", () => {
  it("shows profit in each token's units, dollars, gas, net and statuses on one line", () => {
    const line = describeTotals(
      tradeTotals([
        trade({
          status: "succeeded",
          realisedProfit: 15n * 10n ** 17n,
          realisedProfitUsd6: 3_000_000_000n,
          gasPaidWei: 1n,
          gasPaidUsd6: 8_000_000n,
        }),
        trade({ status: "succeeded", token: "FOO", decimals: null, realisedProfit: HUGE, realisedProfitUsd6: 1n }),
        trade({ status: "reverted", gasPaidWei: 1n, gasPaidUsd6: 4_000_000n }),
      ]),
    );
    expect(line).to.equal(
      "3 records: realised 1.50 WETH, 18446744073709563961 FOO (base units); $3,000.00 realised, $12.00 gas, $2,988.00 net; succeeded 2, reverted 1",
    );
  });

  it("says which dollars are missing for lack of a price", () => {
    const line = describeTotals(
      tradeTotals([
        trade({ status: "succeeded", realisedProfit: 1n, realisedProfitUsd6: null, gasPaidWei: 1n, gasPaidUsd6: null }),
      ]),
    );
    expect(line).to.equal(
      "1 record: realised 0.000000000000000001 WETH; $0.00 realised, $0.00 gas, $0.00 net (without the profit of 1 trade(s) and the gas of 1 trade(s), which had no dollar price); succeeded 1",
    );
  });
});
