import { expect } from "chai";
import { parseUnits } from "ethers";
import type { Address } from "../../src/addressBook.js";
import { formatAmount, formatUsd, shortAddress } from "../../src/engine/format.js";
import type { MarketPool } from "../../src/engine/venues/pools.js";
import { poolName } from "../../src/engine/venues/pools.js";

const WETH = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2" as Address;
const USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48" as Address;
const DAI = "0x6B175474E89094C44Da98b954EedeAC495271d0F" as Address;
const WBTC = "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599" as Address;
const UNKNOWN = "0xFFec0000000000000000000000000000DeAd3873" as Address;
const symbols = { [WETH]: "WETH", [USDC]: "USDC", [DAI]: "DAI", [WBTC]: "WBTC" };
const POOL = "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640" as Address;

function v2(dex: string, token0: Address, token1: Address, feePips: number): MarketPool {
  return { kind: "uniswapV2", address: POOL, token0, token1, factoryIndex: 0, dex, feePips, state: zeroReserves() };
}

function zeroReserves() {
  return { reserve0: 0n, reserve1: 0n };
}

function v3(token0: Address, token1: Address, fee: number): MarketPool {
  return {
    kind: "uniswapV3",
    address: POOL,
    token0,
    token1,
    fee,
    state: { sqrtPriceX96: 2n ** 96n, tick: 0, liquidity: 0n, fee, tickSpacing: 10, ticks: new Map() },
  };
}

function weighted(tokens: Address[], weights: bigint[], swapFee: bigint): MarketPool {
  return {
    kind: "balancerWeighted",
    address: POOL,
    poolId: `0x${"ab".repeat(32)}`,
    tokens,
    state: { balances: tokens.map(() => 0n), weights, scalingFactors: tokens.map(() => 1n), swapFee },
  };
}

describe("formatAmount", () => {
  it("shows whole amounts with thousands separators and two decimals", () => {
    expect(formatAmount(parseUnits("38707.421337", 18), 18, "DAI")).to.equal("38,707.42 DAI");
    expect(formatAmount(parseUnits("1", 18), 18, "WETH")).to.equal("1.00 WETH");
    expect(formatAmount(parseUnits("999", 6), 6)).to.equal("999.00");
    expect(formatAmount(parseUnits("1000", 6), 6)).to.equal("1,000.00");
    expect(formatAmount(parseUnits("1234567.891", 6), 6, "USDC")).to.equal("1,234,567.89 USDC");
    expect(formatAmount(parseUnits("21000000", 8), 8, "WBTC")).to.equal("21,000,000.00 WBTC");
  });

  it("keeps every digit of amounts far beyond a double's precision", () => {
    expect(formatAmount(123_456_789_012_345_678_901_234_567_890n * 10n ** 18n + 5n * 10n ** 15n, 18)).to.equal(
      "123,456,789,012,345,678,901,234,567,890.01",
    );
  });

  it("shows zero as 0.00, with or without a symbol", () => {
    expect(formatAmount(0n, 18)).to.equal("0.00");
    expect(formatAmount(0n, 6, "USDC")).to.equal("0.00 USDC");
  });

  it("rounds half away from zero in the second decimal, carrying into the whole part and a new thousands group", () => {
    expect(formatAmount(parseUnits("1.004999999999999999", 18), 18)).to.equal("1.00");
    expect(formatAmount(parseUnits("1.005", 18), 18)).to.equal("1.01");
    expect(formatAmount(parseUnits("1.995", 6), 6)).to.equal("2.00");
    expect(formatAmount(parseUnits("9999.994999", 6), 6)).to.equal("9,999.99");
    expect(formatAmount(parseUnits("9999.995", 6), 6, "USDC")).to.equal("10,000.00 USDC");
    expect(formatAmount(parseUnits("999999.99500000", 8), 8)).to.equal("1,000,000.00");
  });

  it("shows amounts below one unit to four significant digits, rounded half away from zero", () => {
    expect(formatAmount(parseUnits("0.0001234", 18), 18, "WETH")).to.equal("0.0001234 WETH");
    expect(formatAmount(parseUnits("0.00012345", 18), 18, "WETH")).to.equal("0.0001235 WETH");
    expect(formatAmount(parseUnits("0.000123449999", 18), 18)).to.equal("0.0001234");
    expect(formatAmount(parseUnits("0.5", 18), 18)).to.equal("0.5000");
    expect(formatAmount(parseUnits("0.995", 18), 18)).to.equal("0.9950");
    expect(formatAmount(parseUnits("0.01", 6), 6, "USDC")).to.equal("0.01000 USDC");
  });

  it("drops a digit when rounding carries into a fifth significant one, and shows 1.00 when it reaches a whole unit", () => {
    expect(formatAmount(parseUnits("0.00099995", 18), 18)).to.equal("0.001000");
    expect(formatAmount(parseUnits("0.00099994999", 18), 18)).to.equal("0.0009999");
    expect(formatAmount(parseUnits("0.99995", 18), 18, "WETH")).to.equal("1.00 WETH");
    expect(formatAmount(parseUnits("0.99994999", 8), 8)).to.equal("0.9999");
  });

  it("shows at most the token's decimals for the smallest amounts of 6-, 8- and 18-decimal tokens", () => {
    expect(formatAmount(1n, 6, "USDC")).to.equal("0.000001 USDC");
    expect(formatAmount(12n, 6)).to.equal("0.000012");
    expect(formatAmount(123_456n, 6)).to.equal("0.1235");
    expect(formatAmount(1n, 8, "WBTC")).to.equal("0.00000001 WBTC");
    expect(formatAmount(98_765n, 8)).to.equal("0.0009877");
    expect(formatAmount(1n, 18)).to.equal("0.000000000000000001");
    expect(formatAmount(1_234_567n, 18)).to.equal("0.000000000001235");
  });

  it("puts a leading minus on negative amounts and rounds their magnitude the same way", () => {
    expect(formatAmount(-parseUnits("38707.425", 18), 18, "DAI")).to.equal("-38,707.43 DAI");
    expect(formatAmount(-parseUnits("9999.995", 6), 6)).to.equal("-10,000.00");
    expect(formatAmount(-parseUnits("0.00012345", 18), 18, "WETH")).to.equal("-0.0001235 WETH");
    expect(formatAmount(-1n, 6)).to.equal("-0.000001");
  });

  it("pads tokens with fewer than two decimals", () => {
    expect(formatAmount(1234n, 0, "NFT")).to.equal("1,234.00 NFT");
    expect(formatAmount(5n, 1)).to.equal("0.50");
    expect(formatAmount(15n, 1)).to.equal("1.50");
  });

  it("refuses decimals that are not a whole number from zero up", () => {
    expect(() => formatAmount(1n, -1)).to.throw("Token decimals -1 is not a whole number from 0 up.");
    expect(() => formatAmount(1n, 1.5)).to.throw("Token decimals 1.5 is not a whole number from 0 up.");
  });
});

describe("formatUsd", () => {
  it("shows micro-dollars as dollars and cents with thousands separators", () => {
    expect(formatUsd(1_234_560_000n)).to.equal("$1,234.56");
    expect(formatUsd(0n)).to.equal("$0.00");
    expect(formatUsd(7_500_000n)).to.equal("$7.50");
    expect(formatUsd(1_000_000_000_000n)).to.equal("$1,000,000.00");
  });

  it("rounds half a cent away from zero, into the next dollar and thousands group", () => {
    expect(formatUsd(4_999n)).to.equal("$0.00");
    expect(formatUsd(5_000n)).to.equal("$0.01");
    expect(formatUsd(995_000n)).to.equal("$1.00");
    expect(formatUsd(994_999n)).to.equal("$0.99");
    expect(formatUsd(9_999_995_000n)).to.equal("$10,000.00");
  });

  it("puts the minus before the dollar sign, and none on an amount that rounds to zero", () => {
    expect(formatUsd(-3_100_000n)).to.equal("-$3.10");
    expect(formatUsd(-995_000n)).to.equal("-$1.00");
    expect(formatUsd(-4_999n)).to.equal("$0.00");
  });
});

describe("poolName", () => {
  it("names a Uniswap V3 pool by its tokens and fee tier", () => {
    expect(poolName(v3(USDC, WETH, 500), symbols)).to.equal("Uniswap V3 USDC/WETH 0.05%");
    expect(poolName(v3(WETH, USDC, 500), symbols)).to.equal("Uniswap V3 WETH/USDC 0.05%");
    expect(poolName(v3(DAI, USDC, 100), symbols)).to.equal("Uniswap V3 DAI/USDC 0.01%");
    expect(poolName(v3(WBTC, WETH, 3000), symbols)).to.equal("Uniswap V3 WBTC/WETH 0.3%");
    expect(poolName(v3(WBTC, WETH, 10000), symbols)).to.equal("Uniswap V3 WBTC/WETH 1%");
  });

  it("names a V2-style pool by its DEX, tokens and fee, title-casing DEX keys it does not know", () => {
    expect(poolName(v2("uniswapV2", WETH, USDC, 3000), symbols)).to.equal("Uniswap V2 WETH/USDC 0.3%");
    expect(poolName(v2("sushiswap", WBTC, WETH, 3000), symbols)).to.equal("Sushiswap WBTC/WETH 0.3%");
    expect(poolName(v2("quickswap", DAI, USDC, 3000), symbols)).to.equal("Quickswap DAI/USDC 0.3%");
    expect(poolName(v2("shibaSwap", WETH, DAI, 2500), symbols)).to.equal("Shiba Swap WETH/DAI 0.25%");
    expect(poolName(v2("pancake_swap-v2", WETH, DAI, 2500), symbols)).to.equal("Pancake Swap V2 WETH/DAI 0.25%");
  });

  it("names a Balancer weighted pool by its tokens in the Vault's order, weights and swap fee", () => {
    const third = 333_333_333_333_333_333n;
    expect(
      poolName(
        weighted([WETH, DAI, USDC], [4n * 10n ** 17n, 3n * 10n ** 17n, 3n * 10n ** 17n], 3n * 10n ** 15n),
        symbols,
      ),
    ).to.equal("Balancer weighted WETH/DAI/USDC 40/30/30 0.3%");
    expect(poolName(weighted([WBTC, WETH], [8n * 10n ** 17n, 2n * 10n ** 17n], 10n ** 12n), symbols)).to.equal(
      "Balancer weighted WBTC/WETH 80/20 0.0001%",
    );
    expect(poolName(weighted([WETH, DAI, USDC], [third, third, third + 1n], 25n * 10n ** 14n), symbols)).to.equal(
      "Balancer weighted WETH/DAI/USDC 33.33/33.33/33.33 0.25%",
    );
  });

  it("leaves out a Balancer pool's weights when unread and its fee when zero", () => {
    expect(poolName(weighted([WETH, USDC], [], 0n), symbols)).to.equal("Balancer weighted WETH/USDC");
    expect(poolName(weighted([WETH, USDC], [], 3n * 10n ** 15n), symbols)).to.equal("Balancer weighted WETH/USDC 0.3%");
    expect(poolName(weighted([WETH, USDC], [5n * 10n ** 17n, 5n * 10n ** 17n], 0n), symbols)).to.equal(
      "Balancer weighted WETH/USDC 50/50",
    );
  });

  it("shows a token without a symbol as the first six hex digits of its address", () => {
    expect(poolName(v3(UNKNOWN, WETH, 500), symbols)).to.equal("Uniswap V3 FFec00/WETH 0.05%");
    expect(poolName(weighted([WETH, UNKNOWN], [], 0n), {})).to.equal("Balancer weighted C02aaA/FFec00");
  });

  it("finds symbols keyed by lower-case addresses", () => {
    expect(poolName(v2("uniswapV2", WETH, USDC, 3000), { [WETH.toLowerCase()]: "WETH", [USDC]: "USDC" })).to.equal(
      "Uniswap V2 WETH/USDC 0.3%",
    );
  });
});

describe("shortAddress", () => {
  it("keeps the 0x, four hex digits either side and an ellipsis between", () => {
    expect(shortAddress(UNKNOWN)).to.equal("0xFFec…3873");
    expect(shortAddress(WETH)).to.equal("0xC02a…6Cc2");
  });

  it("leaves a string too short to shorten as it is", () => {
    expect(shortAddress("0x1234")).to.equal("0x1234");
    expect(shortAddress("0x1234567890")).to.equal("0x1234567890");
  });
});
