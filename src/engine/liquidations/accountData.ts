import type { Address } from "../../addressBook.js";
import {
  compoundedInterest,
  compoundedInterestV36,
  linearInterest,
  mulDivCeil,
  percentMul,
  rayMul,
  rayMulCeil,
  rayMulFloor,
  wadDiv,
} from "../../math/aaveV3.js";

/**
 * Whose arithmetic a market follows: `@aave/core-v3` ("3.0": v3.0 to v3.2, the local chain's
 * first market) or `@aave-dao/aave-v3-origin` v3.6 ("3.6": the liquidation rules of v3.3 and
 * later, the rounding of v3.5 and later: balances down, debts up).
 */
export type AaveRules = "3.0" | "3.6";

/** One Aave V3 reserve as the Pool stores it, with its oracle price. */
export interface AaveReserve {
  readonly asset: Address;
  /** Its index in the Pool's reserves list: the bit pair of user configurations it owns. */
  readonly id: number;
  /** The configuration bitmap (`ReserveConfigurationMap.data`). */
  readonly configuration: bigint;
  readonly liquidityIndex: bigint;
  readonly variableBorrowIndex: bigint;
  readonly currentLiquidityRate: bigint;
  readonly currentVariableBorrowRate: bigint;
  readonly lastUpdateTimestamp: bigint;
  readonly aToken: Address;
  readonly stableDebtToken: Address;
  readonly variableDebtToken: Address;
  /** The oracle's price in the base currency (8 decimals of USD on Aave V3's markets). */
  readonly price: bigint;
}

/** An efficiency mode category: its risk parameters, and its own price where it has a source. */
export interface AaveEModeCategory {
  readonly ltv: bigint;
  readonly liquidationThreshold: bigint;
  readonly liquidationBonus: bigint;
  /** 0 where the category has no price source of its own. */
  readonly price: bigint;
}

/** A user's stable-rate debt in one reserve: what `StableDebtToken` keeps. */
export interface StableDebt {
  readonly principal: bigint;
  readonly rate: bigint;
  readonly lastUpdated: bigint;
}

/** One borrower's position, in the scaled amounts the tokens store (exact, unlike their balances). */
export interface AavePosition {
  readonly user: Address;
  /** The user configuration bitmap: per reserve id, bit 2·id borrowing, bit 2·id + 1 collateral. */
  readonly configuration: bigint;
  readonly eModeCategory: number;
  /** By reserve id: the aToken's scaled balance. */
  readonly scaledCollateral: ReadonlyMap<number, bigint>;
  /** By reserve id: the variable debt token's scaled balance. */
  readonly scaledVariableDebt: ReadonlyMap<number, bigint>;
  /** By reserve id. */
  readonly stableDebt: ReadonlyMap<number, StableDebt>;
}

/** What `Pool.getUserAccountData` returns, in the base currency. */
export interface AccountData {
  readonly totalCollateralBase: bigint;
  readonly totalDebtBase: bigint;
  /** Basis points, weighted by collateral. */
  readonly ltv: bigint;
  readonly liquidationThreshold: bigint;
  /** Wad; 2²⁵⁶ − 1 without debt. */
  readonly healthFactor: bigint;
  /** Whether some collateral has a loan-to-value of zero (the Pool then refuses some withdrawals). */
  readonly hasZeroLtvCollateral: boolean;
}

const MAX_UINT256 = (1n << 256n) - 1n;

/** The fields of a reserve's configuration bitmap (`ReserveConfiguration.getParams`). */
export function reserveParams(configuration: bigint): {
  ltv: bigint;
  liquidationThreshold: bigint;
  liquidationBonus: bigint;
  decimals: bigint;
  active: boolean;
  paused: boolean;
  eModeCategory: number;
} {
  return {
    ltv: configuration & 0xffffn,
    liquidationThreshold: (configuration >> 16n) & 0xffffn,
    liquidationBonus: (configuration >> 32n) & 0xffffn,
    decimals: (configuration >> 48n) & 0xffn,
    active: ((configuration >> 56n) & 1n) === 1n,
    paused: ((configuration >> 60n) & 1n) === 1n,
    eModeCategory: Number((configuration >> 168n) & 0xffn),
  };
}

/** `ReserveLogic.getNormalizedIncome` at `now`. */
export function normalizedIncome(reserve: AaveReserve, now: bigint): bigint {
  if (reserve.lastUpdateTimestamp === now) return reserve.liquidityIndex;
  return rayMul(linearInterest(reserve.currentLiquidityRate, reserve.lastUpdateTimestamp, now), reserve.liquidityIndex);
}

/** `ReserveLogic.getNormalizedDebt` at `now`. */
export function normalizedDebt(reserve: AaveReserve, now: bigint, rules: AaveRules = "3.0"): bigint {
  if (reserve.lastUpdateTimestamp === now) return reserve.variableBorrowIndex;
  const interest = rules === "3.6" ? compoundedInterestV36 : compoundedInterest;
  return rayMul(
    interest(reserve.currentVariableBorrowRate, reserve.lastUpdateTimestamp, now),
    reserve.variableBorrowIndex,
  );
}

/**
 * A user's debt in one reserve at `now`, in its own units: scaled variable debt grown (rounded
 * up from v3.5), plus stable debt (gone from v3.2).
 */
export function debtOf(position: AavePosition, reserve: AaveReserve, now: bigint, rules: AaveRules = "3.0"): bigint {
  const scaled = position.scaledVariableDebt.get(reserve.id) ?? 0n;
  if (rules === "3.6") return rayMulCeil(scaled, normalizedDebt(reserve, now, rules));
  let debt = scaled === 0n ? 0n : rayMul(scaled, normalizedDebt(reserve, now));
  const stable = position.stableDebt.get(reserve.id);
  if (stable !== undefined && stable.principal !== 0n)
    debt += rayMul(stable.principal, compoundedInterest(stable.rate, stable.lastUpdated, now));
  return debt;
}

/** A user's collateral in one reserve at `now`, in its own units (the aToken balance; rounded down from v3.5). */
export function collateralOf(
  position: AavePosition,
  reserve: AaveReserve,
  now: bigint,
  rules: AaveRules = "3.0",
): bigint {
  const scaled = position.scaledCollateral.get(reserve.id) ?? 0n;
  return rules === "3.6"
    ? rayMulFloor(scaled, normalizedIncome(reserve, now))
    : rayMul(scaled, normalizedIncome(reserve, now));
}

/**
 * `GenericLogic.calculateUserAccountData` over the engine's copy of the market, step for step
 * and in the same order (each reserve's value is rounded down on its own, as the Pool does):
 * equal to `Pool.getUserAccountData` at a block whose timestamp is `now`.
 *
 * @param reserves By reserve id.
 * @param eModes The efficiency mode categories by id (only the user's is read).
 */
export function accountData(
  reserves: ReadonlyMap<number, AaveReserve>,
  position: AavePosition,
  now: bigint,
  eModes: ReadonlyMap<number, AaveEModeCategory> = new Map(),
  rules: AaveRules = "3.0",
): AccountData {
  if (rules === "3.6") return accountDataV36(reserves, position, now);
  if (position.configuration === 0n)
    return {
      totalCollateralBase: 0n,
      totalDebtBase: 0n,
      ltv: 0n,
      liquidationThreshold: 0n,
      healthFactor: MAX_UINT256,
      hasZeroLtvCollateral: false,
    };
  const eMode = position.eModeCategory === 0 ? undefined : eModes.get(position.eModeCategory);
  // Valuing an efficiency-mode user with the reserves' own parameters would be wrong both ways.
  if (position.eModeCategory !== 0 && eMode === undefined)
    throw new Error(`efficiency mode category ${position.eModeCategory} of ${position.user} is not known`);
  let hasZeroLtvCollateral = false;
  let totalCollateral = 0n;
  let totalDebt = 0n;
  let avgLtv = 0n;
  let avgThreshold = 0n;
  // The reserves the user touches, in id order as the Pool walks them, until no bit is left.
  for (let id = 0, rest = position.configuration; rest !== 0n; id++, rest >>= 2n) {
    const bits = rest & 3n;
    if (bits === 0n) continue;
    const reserve = reserves.get(id);
    if (reserve === undefined) continue;
    const params = reserveParams(reserve.configuration);
    const unit = 10n ** params.decimals;
    const inCategory = eMode !== undefined && params.eModeCategory === position.eModeCategory;
    const price = eMode !== undefined && eMode.price !== 0n && inCategory ? eMode.price : reserve.price;
    if (params.liquidationThreshold !== 0n && (bits & 2n) !== 0n) {
      const value = (collateralOf(position, reserve, now) * price) / unit;
      totalCollateral += value;
      // As the Pool: a reserve whose own LTV is zero adds nothing, even in an efficiency mode.
      if (params.ltv !== 0n) avgLtv += value * (inCategory ? (eMode as AaveEModeCategory).ltv : params.ltv);
      else hasZeroLtvCollateral = true;
      avgThreshold +=
        value * (inCategory ? (eMode as AaveEModeCategory).liquidationThreshold : params.liquidationThreshold);
    }
    if ((bits & 1n) !== 0n) totalDebt += (debtOf(position, reserve, now) * price) / unit;
  }
  const ltv = totalCollateral === 0n ? 0n : avgLtv / totalCollateral;
  const liquidationThreshold = totalCollateral === 0n ? 0n : avgThreshold / totalCollateral;
  const healthFactor =
    totalDebt === 0n ? MAX_UINT256 : wadDiv(percentMul(totalCollateral, liquidationThreshold), totalDebt);
  return {
    totalCollateralBase: totalCollateral,
    totalDebtBase: totalDebt,
    ltv,
    liquidationThreshold,
    healthFactor,
    hasZeroLtvCollateral,
  };
}

/**
 * v3.6's `GenericLogic.calculateUserAccountData`: each collateral valued rounded down and each
 * debt rounded up, and the health factor from the sum of value × threshold before any average is
 * taken (`Σ value·LT / debt / 10⁴`). Efficiency modes (bitmaps of reserves since v3.2) are not
 * modelled: a user in one is refused rather than valued wrongly.
 */
function accountDataV36(reserves: ReadonlyMap<number, AaveReserve>, position: AavePosition, now: bigint): AccountData {
  if (position.eModeCategory !== 0)
    throw new Error(`efficiency mode category ${position.eModeCategory} of ${position.user}: not modelled for v3.6`);
  let hasZeroLtvCollateral = false;
  let totalCollateral = 0n;
  let totalDebt = 0n;
  let avgLtv = 0n;
  let avgThreshold = 0n;
  for (let id = 0, rest = position.configuration; rest !== 0n; id++, rest >>= 2n) {
    const bits = rest & 3n;
    if (bits === 0n) continue;
    const reserve = reserves.get(id);
    if (reserve === undefined) continue;
    const params = reserveParams(reserve.configuration);
    const unit = 10n ** params.decimals;
    if ((bits & 2n) !== 0n) {
      const value = (collateralOf(position, reserve, now, "3.6") * reserve.price) / unit;
      totalCollateral += value;
      if (params.ltv === 0n) hasZeroLtvCollateral = true;
      else avgLtv += value * params.ltv;
      avgThreshold += value * params.liquidationThreshold;
    }
    if ((bits & 1n) !== 0n) totalDebt += mulDivCeil(debtOf(position, reserve, now, "3.6"), reserve.price, unit);
  }
  return {
    totalCollateralBase: totalCollateral,
    totalDebtBase: totalDebt,
    ltv: totalCollateral === 0n ? 0n : avgLtv / totalCollateral,
    liquidationThreshold: totalCollateral === 0n ? 0n : avgThreshold / totalCollateral,
    healthFactor: totalDebt === 0n ? MAX_UINT256 : wadDiv(avgThreshold, totalDebt) / 10_000n,
    hasZeroLtvCollateral,
  };
}
