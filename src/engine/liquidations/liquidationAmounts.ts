import {
  mulDivCeil,
  percentDiv,
  percentDivCeil,
  percentMul,
  rayDiv,
  rayDivCeil,
  rayMul,
  rayMulFloor,
} from "../../math/aaveV3.js";
import {
  type AaveEModeCategory,
  type AavePosition,
  type AaveReserve,
  type AaveRules,
  accountData,
  collateralOf,
  debtOf,
  normalizedIncome,
  reserveParams,
} from "./accountData.js";

/** Above this health factor (wad) at most half of a debt can be repaid at once (Aave V3.0). */
export const CLOSE_FACTOR_HF_THRESHOLD = 95n * 10n ** 16n;
const DEFAULT_CLOSE_FACTOR = 5_000n;
const MAX_CLOSE_FACTOR = 10_000n;

/** What a `liquidationCall` would do, as `LiquidationLogic` computes it. */
export interface LiquidationAmounts {
  /** The user's health factor the Pool judges by (wad). */
  readonly healthFactor: bigint;
  /** Basis points of the debt that may be repaid: 50% above a health factor of 0.95, else all. */
  readonly closeFactor: bigint;
  /** Debt the liquidator repays, in the debt asset's units. */
  readonly debtRepaid: bigint;
  /** Collateral the liquidator receives, in the collateral asset's units. */
  readonly collateralSeized: bigint;
  /** Collateral that goes to the treasury as the protocol's share of the bonus. */
  readonly protocolFee: bigint;
}

/** The liquidation protocol fee in basis points, from a reserve's configuration (bits 152–167). */
export function liquidationProtocolFee(configuration: bigint): bigint {
  return (configuration >> 152n) & 0xffffn;
}

/**
 * `LiquidationLogic.executeLiquidationCall`'s arithmetic under Aave V3.0's rules (the
 * replica's `@aave/core-v3`; later versions change efficiency modes and add a grace period),
 * for a liquidation mined at `now` that takes the collateral as the underlying token: the
 * health factor, the close factor, the debt actually repaid (at most `debtToCover`) and the
 * collateral seized with the bonus, the protocol's fee taken from the bonus. Undefined where
 * the Pool would refuse it: a health factor at or above one, a reserve inactive or paused, a
 * collateral the user does not use or that cannot be liquidated (threshold zero), no debt, or
 * an amount that rounds to nothing. (A price-oracle sentinel, on L2 markets, is not modelled.)
 */
export function liquidationAmounts(
  reserves: ReadonlyMap<number, AaveReserve>,
  position: AavePosition,
  debtReserve: AaveReserve,
  collateralReserve: AaveReserve,
  debtToCover: bigint,
  now: bigint,
  eModes: ReadonlyMap<number, AaveEModeCategory> = new Map(),
  rules: AaveRules = "3.0",
): LiquidationAmounts | undefined {
  if (rules === "3.6")
    return liquidationAmountsV36(reserves, position, debtReserve, collateralReserve, debtToCover, now);
  const { healthFactor } = accountData(reserves, position, now, eModes);
  if (healthFactor >= 10n ** 18n) return undefined;
  const collateralParams = reserveParams(collateralReserve.configuration);
  const debtParams = reserveParams(debtReserve.configuration);
  // ValidationLogic.validateLiquidationCall.
  if (!collateralParams.active || !debtParams.active || collateralParams.paused || debtParams.paused) return undefined;
  const userDebt = debtOf(position, debtReserve, now);
  const isCollateral =
    collateralParams.liquidationThreshold !== 0n &&
    ((position.configuration >> BigInt(2 * collateralReserve.id + 1)) & 1n) === 1n;
  const collateralBalance = collateralOf(position, collateralReserve, now);
  if (userDebt === 0n || !isCollateral) return undefined;
  const closeFactor = healthFactor > CLOSE_FACTOR_HF_THRESHOLD ? DEFAULT_CLOSE_FACTOR : MAX_CLOSE_FACTOR;
  const maxDebt = percentMul(userDebt, closeFactor);
  const toCover = debtToCover > maxDebt ? maxDebt : debtToCover;

  // _getConfigurationData: the category's bonus and price for a collateral in it; its price for
  // the debt whatever the debt's category (the Pool assumes an efficiency-mode debt is in it).
  const eMode = position.eModeCategory === 0 ? undefined : eModes.get(position.eModeCategory);
  const collateralInCategory = eMode !== undefined && collateralParams.eModeCategory === position.eModeCategory;
  const bonus = collateralInCategory
    ? (eMode as AaveEModeCategory).liquidationBonus
    : collateralParams.liquidationBonus;
  const collateralPrice = collateralInCategory && eMode.price !== 0n ? eMode.price : collateralReserve.price;
  const debtPrice = eMode !== undefined && eMode.price !== 0n ? eMode.price : debtReserve.price;
  const collateralUnit = 10n ** collateralParams.decimals;
  const debtUnit = 10n ** debtParams.decimals;

  // _calculateAvailableCollateralToLiquidate, in its order of operations.
  const baseCollateral = (debtPrice * toCover * collateralUnit) / (collateralPrice * debtUnit);
  const maxCollateral = percentMul(baseCollateral, bonus);
  let collateralAmount: bigint;
  let debtRepaid: bigint;
  if (maxCollateral > collateralBalance) {
    collateralAmount = collateralBalance;
    debtRepaid = percentDiv((collateralPrice * collateralAmount * debtUnit) / (debtPrice * collateralUnit), bonus);
  } else {
    collateralAmount = maxCollateral;
    debtRepaid = toCover;
  }
  const feeBps = liquidationProtocolFee(collateralReserve.configuration);
  let protocolFee = 0n;
  if (feeBps !== 0n) {
    const bonusCollateral = collateralAmount - percentDiv(collateralAmount, bonus);
    protocolFee = percentMul(bonusCollateral, feeBps);
  }
  const collateralSeized = collateralAmount - protocolFee;
  // Burning or repaying nothing reverts (INVALID_BURN_AMOUNT).
  if (debtRepaid === 0n || collateralSeized === 0n) return undefined;
  if (protocolFee !== 0n) {
    // The Pool sends the treasury no more than the user's scaled balance holds after the
    // collateral seized is burnt (a wei of rounding where all of it is taken).
    const index = normalizedIncome(collateralReserve, now);
    const scaledLeft = (position.scaledCollateral.get(collateralReserve.id) ?? 0n) - rayDiv(collateralSeized, index);
    if (rayDiv(protocolFee, index) > scaledLeft) protocolFee = rayMul(scaledLeft, index);
  }
  return { healthFactor, closeFactor, debtRepaid, collateralSeized, protocolFee };
}

/** Under this value (base currency, 8 decimals: $2,000) on either side the whole debt may be repaid (v3.3+). */
export const MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2_000n * 10n ** 8n;
/** What a partial liquidation must leave of debt and of collateral, each, at least ($1,000; v3.3+). */
export const MIN_LEFTOVER_BASE = MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD / 2n;

/**
 * `LiquidationLogic.executeLiquidationCall` of aave-v3-origin v3.6, the rules of v3.3 and later:
 * all of one debt may be repaid when the health factor is at most 0.95 or when that debt or that
 * collateral is worth under $2,000 (else up to half of the whole debt's value); a liquidation that
 * repays only part of the debt and takes only part of the collateral must leave at least $1,000 of
 * each (else the Pool reverts, `MustNotLeaveDust`: undefined here); where the collateral does not
 * cover the debt with the bonus, the debt it pays for is rounded up. Balances round down and debts
 * up, as v3.5 does. Not modelled: efficiency modes, a liquidation grace period, a price-oracle
 * sentinel (the simulation catches what these refuse).
 */
function liquidationAmountsV36(
  reserves: ReadonlyMap<number, AaveReserve>,
  position: AavePosition,
  debtReserve: AaveReserve,
  collateralReserve: AaveReserve,
  debtToCover: bigint,
  now: bigint,
): LiquidationAmounts | undefined {
  const { healthFactor, totalDebtBase } = accountData(reserves, position, now, new Map(), "3.6");
  if (healthFactor >= 10n ** 18n) return undefined;
  const collateralParams = reserveParams(collateralReserve.configuration);
  const debtParams = reserveParams(debtReserve.configuration);
  if (!collateralParams.active || !debtParams.active || collateralParams.paused || debtParams.paused) return undefined;
  const isCollateral = ((position.configuration >> BigInt(2 * collateralReserve.id + 1)) & 1n) === 1n;
  const collateralBalance = collateralOf(position, collateralReserve, now, "3.6");
  const userDebt = debtOf(position, debtReserve, now, "3.6");
  if (!isCollateral || userDebt === 0n) return undefined;
  const bonus = collateralParams.liquidationBonus;
  const collateralPrice = collateralReserve.price;
  const debtPrice = debtReserve.price;
  const collateralUnit = 10n ** collateralParams.decimals;
  const debtUnit = 10n ** debtParams.decimals;

  const debtBase = mulDivCeil(userDebt, debtPrice, debtUnit);
  const collateralBase = (collateralBalance * collateralPrice) / collateralUnit;
  let maxDebt = userDebt;
  let closeFactor = 10_000n;
  if (
    collateralBase >= MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD &&
    debtBase >= MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD &&
    healthFactor > CLOSE_FACTOR_HF_THRESHOLD
  ) {
    const halfOfAllDebt = percentMul(totalDebtBase, DEFAULT_CLOSE_FACTOR);
    closeFactor = DEFAULT_CLOSE_FACTOR;
    if (debtBase > halfOfAllDebt) maxDebt = (halfOfAllDebt * debtUnit) / debtPrice;
  }
  const toCover = debtToCover > maxDebt ? maxDebt : debtToCover;

  // _calculateAvailableCollateralToLiquidate.
  const baseCollateral = (debtPrice * toCover * collateralUnit) / (collateralPrice * debtUnit);
  const maxCollateral = percentMul(baseCollateral, bonus);
  let collateralAmount: bigint;
  let debtRepaid: bigint;
  if (maxCollateral > collateralBalance) {
    collateralAmount = collateralBalance;
    debtRepaid = percentDivCeil((collateralPrice * collateralAmount * debtUnit) / (debtPrice * collateralUnit), bonus);
  } else {
    collateralAmount = maxCollateral;
    debtRepaid = toCover;
  }
  const feeBps = liquidationProtocolFee(collateralReserve.configuration);
  let protocolFee = 0n;
  if (feeBps !== 0n) protocolFee = percentMul(collateralAmount - percentDiv(collateralAmount, bonus), feeBps);
  const collateralSeized = collateralAmount - protocolFee;

  // No dust: all of the debt, all of the collateral, or at least $1,000 of each left.
  if (debtRepaid < userDebt && collateralSeized + protocolFee < collateralBalance) {
    const debtLeft = mulDivCeil(userDebt - debtRepaid, debtPrice, debtUnit);
    const collateralLeft = ((collateralBalance - collateralSeized - protocolFee) * collateralPrice) / collateralUnit;
    if (debtLeft < MIN_LEFTOVER_BASE || collateralLeft < MIN_LEFTOVER_BASE) return undefined;
  }
  // Burning nothing reverts in the tokens.
  if (debtRepaid === 0n || collateralSeized === 0n) return undefined;
  if (protocolFee !== 0n) {
    // The treasury gets no more than the user's scaled balance holds after the burn.
    const index = normalizedIncome(collateralReserve, now);
    const scaledLeft =
      (position.scaledCollateral.get(collateralReserve.id) ?? 0n) - rayDivCeil(collateralSeized, index);
    if (rayDivCeil(protocolFee, index) > scaledLeft) protocolFee = rayMulFloor(scaledLeft, index);
  }
  return { healthFactor, closeFactor, debtRepaid, collateralSeized, protocolFee };
}
