import { percentDiv, percentMul } from "../../math/aaveV3.js";
import {
  type AaveEModeCategory,
  type AavePosition,
  type AaveReserve,
  accountData,
  collateralOf,
  debtOf,
  reserveParams,
} from "./accountData.js";

/** Above this health factor (wad) at most half of a debt can be repaid at once (Aave V3.0–3.2). */
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
 * `LiquidationLogic.executeLiquidationCall`'s arithmetic under Aave V3.0–3.2's rules, for a
 * liquidation mined at `now`: the health factor, the close factor, the debt actually repaid
 * (at most `debtToCover`) and the collateral seized with the bonus, the protocol's fee taken
 * from the bonus. Undefined when the Pool would refuse it (health factor at or above one, no
 * such debt or collateral).
 */
export function liquidationAmounts(
  reserves: ReadonlyMap<number, AaveReserve>,
  position: AavePosition,
  debtReserve: AaveReserve,
  collateralReserve: AaveReserve,
  debtToCover: bigint,
  now: bigint,
  eModes: ReadonlyMap<number, AaveEModeCategory> = new Map(),
): LiquidationAmounts | undefined {
  const { healthFactor } = accountData(reserves, position, now, eModes);
  if (healthFactor >= 10n ** 18n) return undefined;
  const userDebt = debtOf(position, debtReserve, now);
  const isCollateral = ((position.configuration >> BigInt(2 * collateralReserve.id + 1)) & 1n) === 1n;
  const collateralBalance = collateralOf(position, collateralReserve, now);
  if (userDebt === 0n || !isCollateral || collateralBalance === 0n) return undefined;
  const closeFactor = healthFactor > CLOSE_FACTOR_HF_THRESHOLD ? DEFAULT_CLOSE_FACTOR : MAX_CLOSE_FACTOR;
  const maxDebt = percentMul(userDebt, closeFactor);
  const toCover = debtToCover > maxDebt ? maxDebt : debtToCover;

  const collateralParams = reserveParams(collateralReserve.configuration);
  const debtParams = reserveParams(debtReserve.configuration);
  const eMode = position.eModeCategory === 0 ? undefined : eModes.get(position.eModeCategory);
  const inCategory = (params: { eModeCategory: number }) =>
    eMode !== undefined && params.eModeCategory === position.eModeCategory;
  const priceOf = (reserve: AaveReserve, params: { eModeCategory: number }) =>
    eMode !== undefined && eMode.price !== 0n && inCategory(params) ? eMode.price : reserve.price;
  const bonus = inCategory(collateralParams)
    ? (eMode as AaveEModeCategory).liquidationBonus
    : collateralParams.liquidationBonus;
  const collateralPrice = priceOf(collateralReserve, collateralParams);
  const debtPrice = priceOf(debtReserve, debtParams);
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
  return { healthFactor, closeFactor, debtRepaid, collateralSeized: collateralAmount - protocolFee, protocolFee };
}
