import { Contract, type Provider } from "ethers";
import type { AaveV3Deployment, Address } from "../../addressBook.js";
import type { AaveEModeCategory, AavePosition, AaveReserve, AaveRules, StableDebt } from "./accountData.js";

const POOL_ABI = [
  "function getReservesList() view returns (address[])",
  // ReserveData; its first member, the configuration map, is one uint256 on the wire.
  "function getReserveData(address) view returns ((uint256 configuration, uint128 liquidityIndex, uint128 currentLiquidityRate, uint128 variableBorrowIndex, uint128 currentVariableBorrowRate, uint128 currentStableBorrowRate, uint40 lastUpdateTimestamp, uint16 id, address aToken, address stableDebtToken, address variableDebtToken, address interestRateStrategy, uint128 accruedToTreasury, uint128 unbacked, uint128 isolationModeTotalDebt))",
  "function getUserConfiguration(address) view returns ((uint256 data))",
  "function getUserEMode(address) view returns (uint256)",
  "function getEModeCategoryData(uint8) view returns ((uint16 ltv, uint16 liquidationThreshold, uint16 liquidationBonus, address priceSource, string label))",
  "function getUserAccountData(address) view returns (uint256 totalCollateralBase, uint256 totalDebtBase, uint256 availableBorrowsBase, uint256 currentLiquidationThreshold, uint256 ltv, uint256 healthFactor)",
];
const ORACLE_ABI = [
  "function getAssetsPrices(address[]) view returns (uint256[])",
  "function getAssetPrice(address) view returns (uint256)",
];
const SCALED_ABI = ["function scaledBalanceOf(address) view returns (uint256)"];
const STABLE_ABI = [
  "function principalBalanceOf(address) view returns (uint256)",
  "function getUserStableRate(address) view returns (uint256)",
  "function getUserLastUpdated(address) view returns (uint40)",
];

/** Where one Aave V3 market's state is read from. */
export interface AaveMarketSource {
  readonly pool: Address;
  readonly oracle: Address;
}

/** The Pool revisions whose arithmetic the engine ports: `@aave/core-v3` 1.19 and aave-v3-origin 3.6. */
export const KNOWN_POOL_REVISIONS: Readonly<Record<string, AaveRules>> = { "1": "3.0", "10": "3.6" };

/** The Pool's `POOL_REVISION` (1 for v3.0; each upgrade raises it). */
export async function poolRevision(provider: Provider, pool: Address): Promise<bigint> {
  const contract = new Contract(pool, ["function POOL_REVISION() view returns (uint256)"], provider);
  return (await contract.getFunction("POOL_REVISION")()) as bigint;
}

/** The market of an address book's Aave V3 deployment: its Pool and the oracle its provider names. */
export async function aaveMarketSource(provider: Provider, aave: AaveV3Deployment): Promise<AaveMarketSource> {
  const addresses = new Contract(
    aave.poolAddressesProvider,
    ["function getPriceOracle() view returns (address)"],
    provider,
  );
  return { pool: aave.pool, oracle: (await addresses.getFunction("getPriceOracle")()) as Address };
}

/**
 * Every reserve of the market with its indexes, rates, configuration and oracle price, at
 * `blockTag`: what the engine needs to value positions as the Pool does.
 */
export async function readReserves(
  provider: Provider,
  source: AaveMarketSource,
  blockTag: number | "latest" = "latest",
): Promise<Map<number, AaveReserve>> {
  const pool = new Contract(source.pool, POOL_ABI, provider);
  const oracle = new Contract(source.oracle, ORACLE_ABI, provider);
  const assets = [...((await pool.getFunction("getReservesList")({ blockTag })) as Address[])];
  const prices = (await oracle.getFunction("getAssetsPrices")(assets, { blockTag })) as bigint[];
  const reserves = new Map<number, AaveReserve>();
  await Promise.all(
    assets.map(async (asset, i) => {
      const data = await pool.getFunction("getReserveData")(asset, { blockTag });
      const id = Number(data.id);
      reserves.set(id, {
        asset,
        id,
        configuration: data.configuration as bigint,
        liquidityIndex: data.liquidityIndex as bigint,
        variableBorrowIndex: data.variableBorrowIndex as bigint,
        currentLiquidityRate: data.currentLiquidityRate as bigint,
        currentVariableBorrowRate: data.currentVariableBorrowRate as bigint,
        lastUpdateTimestamp: data.lastUpdateTimestamp as bigint,
        aToken: data.aToken as Address,
        stableDebtToken: data.stableDebtToken as Address,
        variableDebtToken: data.variableDebtToken as Address,
        price: prices[i] as bigint,
      });
    }),
  );
  return reserves;
}

/** One user's position, in the scaled amounts its tokens store, at `blockTag`. */
export async function readPosition(
  provider: Provider,
  source: AaveMarketSource,
  reserves: ReadonlyMap<number, AaveReserve>,
  user: Address,
  blockTag: number | "latest" = "latest",
): Promise<AavePosition> {
  const pool = new Contract(source.pool, POOL_ABI, provider);
  const configuration = ((await pool.getFunction("getUserConfiguration")(user, { blockTag })) as { data: bigint }).data;
  const eModeCategory = Number(await pool.getFunction("getUserEMode")(user, { blockTag }));
  const scaledCollateral = new Map<number, bigint>();
  const scaledVariableDebt = new Map<number, bigint>();
  const stableDebt = new Map<number, StableDebt>();
  await Promise.all(
    [...reserves.values()].map(async (reserve) => {
      const bits = (configuration >> BigInt(2 * reserve.id)) & 3n;
      if (bits === 0n) return;
      const scaled = (token: Address) =>
        new Contract(token, SCALED_ABI, provider).getFunction("scaledBalanceOf")(user, { blockTag }) as Promise<bigint>;
      if ((bits & 2n) !== 0n) scaledCollateral.set(reserve.id, await scaled(reserve.aToken));
      if ((bits & 1n) !== 0n) {
        scaledVariableDebt.set(reserve.id, await scaled(reserve.variableDebtToken));
        // Stable-rate debt is gone from v3.2: the reserve has no such token.
        if (BigInt(reserve.stableDebtToken) === 0n) return;
        const stable = new Contract(reserve.stableDebtToken, STABLE_ABI, provider);
        const principal = (await stable.getFunction("principalBalanceOf")(user, { blockTag })) as bigint;
        if (principal !== 0n)
          stableDebt.set(reserve.id, {
            principal,
            rate: (await stable.getFunction("getUserStableRate")(user, { blockTag })) as bigint,
            lastUpdated: (await stable.getFunction("getUserLastUpdated")(user, { blockTag })) as bigint,
          });
      }
    }),
  );
  return { user, configuration, eModeCategory, scaledCollateral, scaledVariableDebt, stableDebt };
}

/**
 * The efficiency mode categories `ids` (those the tracked users are in), with their own price
 * where they have a price source: `accountData` refuses a user whose category it is not given.
 */
export async function readEModeCategories(
  provider: Provider,
  source: AaveMarketSource,
  ids: readonly number[],
  blockTag: number | "latest" = "latest",
): Promise<Map<number, AaveEModeCategory>> {
  const pool = new Contract(source.pool, POOL_ABI, provider);
  const oracle = new Contract(source.oracle, ORACLE_ABI, provider);
  const categories = new Map<number, AaveEModeCategory>();
  for (const id of new Set(ids)) {
    if (id === 0) continue;
    const data = await pool.getFunction("getEModeCategoryData")(id, { blockTag });
    const priceSource = data.priceSource as Address;
    categories.set(id, {
      ltv: BigInt(data.ltv),
      liquidationThreshold: BigInt(data.liquidationThreshold),
      liquidationBonus: BigInt(data.liquidationBonus),
      price:
        BigInt(priceSource) === 0n
          ? 0n
          : ((await oracle.getFunction("getAssetPrice")(priceSource, { blockTag })) as bigint),
    });
  }
  return categories;
}
