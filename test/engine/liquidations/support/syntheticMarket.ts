// A synthetic Aave V3 market for the position book's tests and benchmark: five reserves with
// real configuration bitmaps and indexes, and borrowers spread around a health factor of one.
import type { Address } from "../../../../src/addressBook.js";
import type { AavePosition, AaveReserve } from "../../../../src/engine/liquidations/accountData.js";

const RAY = 10n ** 27n;

/** A configuration bitmap with these fields (ReserveConfiguration's layout). */
export function configuration(ltv: bigint, threshold: bigint, bonus: bigint, decimals: bigint): bigint {
  return ltv | (threshold << 16n) | (bonus << 32n) | (decimals << 48n);
}

const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;

/** WETH, USDC, DAI, WBTC and USDT with mainnet-like prices (8 decimals of USD) and a year of interest behind them. */
export function syntheticReserves(now: bigint): Map<number, AaveReserve> {
  const specs: [number, bigint, bigint][] = [
    [18, 3_000n * 10n ** 8n, 8_250n],
    [6, 10n ** 8n, 8_750n],
    [18, 10n ** 8n, 8_700n],
    [8, 60_000n * 10n ** 8n, 7_800n],
    [6, 10n ** 8n, 8_000n],
  ];
  const reserves = new Map<number, AaveReserve>();
  specs.forEach(([decimals, price, threshold], id) => {
    reserves.set(id, {
      asset: address(0xa0 + id),
      id,
      configuration: configuration(threshold - 500n, threshold, 10_500n, BigInt(decimals)),
      liquidityIndex: RAY + (RAY * BigInt(3 + id)) / 100n,
      variableBorrowIndex: RAY + (RAY * BigInt(5 + id)) / 100n,
      currentLiquidityRate: (RAY * BigInt(2 + id)) / 100n,
      currentVariableBorrowRate: (RAY * BigInt(4 + id)) / 100n,
      lastUpdateTimestamp: now - 3_600n,
      aToken: address(0xb0 + id),
      stableDebtToken: address(0xc0 + id),
      variableDebtToken: address(0xd0 + id),
      price,
    });
  });
  return reserves;
}

/**
 * `count` borrowers, each with one or two collaterals and a debt, sized so that their health
 * factors spread from about 0.98 to 3, denser near one (a seeded generator: the same positions
 * every run).
 */
export function syntheticPositions(
  count: number,
  reserves: ReadonlyMap<number, AaveReserve>,
  seed = 7,
): AavePosition[] {
  let state = BigInt(seed);
  const random = () => {
    state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
    return Number(state >> 11n) / 2 ** 53;
  };
  const ids = [...reserves.keys()];
  const positions: AavePosition[] = [];
  for (let k = 0; k < count; k++) {
    const collateralIds = [ids[Math.floor(random() * ids.length)] as number];
    if (random() < 0.3) collateralIds.push(ids[Math.floor(random() * ids.length)] as number);
    const debtIds = [ids[Math.floor(random() * ids.length)] as number];
    const scaledCollateral = new Map<number, bigint>();
    const scaledVariableDebt = new Map<number, bigint>();
    let configurationBits = 0n;
    let collateralUsd = 0;
    for (const id of collateralIds) {
      const reserve = reserves.get(id) as AaveReserve;
      const decimals = Number((reserve.configuration >> 48n) & 0xffn);
      const usd = 1_000 + random() * 100_000;
      collateralUsd += usd * (Number((reserve.configuration >> 16n) & 0xffffn) / 1e4);
      scaledCollateral.set(id, BigInt(Math.floor((usd / (Number(reserve.price) / 1e8)) * 10 ** decimals)));
      configurationBits |= 2n << BigInt(2 * id);
    }
    // Most positions healthy, a tenth under one: health factors from 0.98 to 2.98, denser near one.
    const target = collateralUsd / (0.98 + 2 * random() ** 2);
    for (const id of debtIds) {
      const reserve = reserves.get(id) as AaveReserve;
      const decimals = Number((reserve.configuration >> 48n) & 0xffn);
      scaledVariableDebt.set(id, BigInt(Math.floor((target / (Number(reserve.price) / 1e8)) * 10 ** decimals)));
      configurationBits |= 1n << BigInt(2 * id);
    }
    positions.push({
      user: address(0x10000 + k),
      configuration: configurationBits,
      eModeCategory: 0,
      scaledCollateral,
      scaledVariableDebt,
      stableDebt: new Map(),
    });
  }
  return positions;
}
