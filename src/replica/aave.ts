import { MaxUint256, parseUnits, type Signer, ZeroAddress } from "ethers";
import type { AaveV3Deployment, Address } from "../addressBook.js";
import { type Artifact, protocolArtifact } from "./artifacts.js";
import { type AnyContract, attach, deployArtifact } from "./deploy.js";
import { amountForUsd, USD_PRICE } from "./prices.js";
import { type ReplicaTokenSymbol, type ReplicaTokens, TOKEN_DECIMALS } from "./tokens.js";

/** Aave V3's flash-loan premium on Ethereum mainnet, in basis points (0.05%). */
export const AAVE_FLASHLOAN_PREMIUM_BPS = 5n;

/** Aave's oracle quotes in USD with 8 decimals, like Chainlink's USD feeds. */
const ORACLE_UNIT = 10n ** 8n;

/** Per-reserve risk parameters (basis points), close to mainnet's for these assets. */
export const RESERVE_RISK = {
  ltv: 8_000n,
  liquidationThreshold: 8_250n,
  liquidationBonus: 10_500n,
  reserveFactor: 1_000n,
};

export interface ReplicaAave {
  readonly addressesProvider: AnyContract;
  readonly pool: AnyContract;
  readonly poolConfigurator: AnyContract;
  readonly aclManager: AnyContract;
  readonly oracle: AnyContract;
  readonly dataProvider: AnyContract;
  readonly deployment: AaveV3Deployment;
  /** Reserve asset → its aToken, which holds the reserve's liquidity. */
  readonly aTokens: Readonly<Partial<Record<ReplicaTokenSymbol, Address>>>;
}

/**
 * Stands up a complete Aave V3 market from `@aave/core-v3`'s artifacts, in the order Aave's
 * own deployment scripts use: logic libraries, addresses provider, Pool and PoolConfigurator
 * implementations, ACL, oracle, proxies, token implementations, interest-rate strategy,
 * reserves. Every reserve has flash loans enabled, the premium is set to mainnet's 5 bps,
 * and `usdLiquidity` dollars of each reserve are supplied by the deployer.
 */
export async function deployAave(
  deployer: Signer,
  tokens: ReplicaTokens,
  reserves: readonly ReplicaTokenSymbol[],
  usdLiquidity: bigint,
): Promise<ReplicaAave> {
  const me = await deployer.getAddress();

  // Logic libraries; FlashLoanLogic calls into BorrowLogic, so it is linked to it.
  const supplyLogic = await deployArtifact(deployer, protocolArtifact("AaveSupplyLogic"));
  const borrowLogic = await deployArtifact(deployer, protocolArtifact("AaveBorrowLogic"));
  const libraries: Record<string, string> = {
    SupplyLogic: await supplyLogic.getAddress(),
    BorrowLogic: await borrowLogic.getAddress(),
  };
  for (const name of ["LiquidationLogic", "EModeLogic", "BridgeLogic", "ConfiguratorLogic", "PoolLogic"] as const) {
    libraries[name] = await (await deployArtifact(deployer, protocolArtifact(`Aave${name}`))).getAddress();
  }
  libraries.FlashLoanLogic = await (
    await deployArtifact(deployer, protocolArtifact("AaveFlashLoanLogic"), [], libraries)
  ).getAddress();

  const addressesProvider = await deployArtifact(deployer, protocolArtifact("AavePoolAddressesProvider"), [
    "Replica",
    me,
  ]);
  const providerAddress = await addressesProvider.getAddress();
  const call = async (contract: AnyContract, method: string, ...args: unknown[]): Promise<void> => {
    await (await contract.getFunction(method)(...args)).wait();
  };

  // Implementations are initialised too, so nobody can initialise them later.
  const poolImpl = await deployArtifact(deployer, protocolArtifact("AavePool"), [providerAddress], libraries);
  await call(poolImpl, "initialize", providerAddress);
  const configuratorImpl = await deployArtifact(deployer, protocolArtifact("AavePoolConfigurator"), [], libraries);
  await call(configuratorImpl, "initialize", providerAddress);

  // ACLManager reads the ACL admin from the provider in its constructor, so that comes first.
  await call(addressesProvider, "setACLAdmin", me);
  const aclManager = await deployArtifact(deployer, protocolArtifact("AaveACLManager"), [providerAddress]);
  await call(addressesProvider, "setACLManager", await aclManager.getAddress());
  await call(aclManager, "addPoolAdmin", me);
  await call(aclManager, "addEmergencyAdmin", me);

  const { assets, sources } = await deployPriceSources(deployer, tokens, reserves);
  const oracle = await deployArtifact(deployer, protocolArtifact("AaveOracle"), [
    providerAddress,
    assets,
    sources,
    ZeroAddress,
    ZeroAddress,
    ORACLE_UNIT,
  ]);
  await call(addressesProvider, "setPriceOracle", await oracle.getAddress());

  const { poolAddress, pool, poolConfigurator } = await installPool(
    deployer,
    addressesProvider,
    [poolImpl, protocolArtifact("AavePool")],
    [configuratorImpl, protocolArtifact("AavePoolConfigurator")],
  );
  await call(poolConfigurator, "updateFlashloanPremiumTotal", AAVE_FLASHLOAN_PREMIUM_BPS);
  await call(poolConfigurator, "updateFlashloanPremiumToProtocol", 0);

  const dataProvider = await deployArtifact(deployer, protocolArtifact("AaveProtocolDataProvider"), [providerAddress]);
  await call(addressesProvider, "setPoolDataProvider", await dataProvider.getAddress());

  const aTokenImpl = await deployArtifact(deployer, protocolArtifact("AaveAToken"), [poolAddress]);
  const stableDebtImpl = await deployArtifact(deployer, protocolArtifact("AaveStableDebtToken"), [poolAddress]);
  const variableDebtImpl = await deployArtifact(deployer, protocolArtifact("AaveVariableDebtToken"), [poolAddress]);
  const ray = (percent: string): bigint => parseUnits(percent, 25);
  const strategy = await deployArtifact(deployer, protocolArtifact("AaveDefaultReserveInterestRateStrategy"), [
    providerAddress,
    ray("80"), // optimal usage ratio
    0n, // base variable borrow rate
    ray("4"), // variable slope 1
    ray("75"), // variable slope 2
    ray("0.5"), // stable slope 1
    ray("75"), // stable slope 2
    ray("1"), // base stable rate offset
    ray("8"), // stable rate excess offset
    ray("20"), // optimal stable to total debt ratio
  ]);

  await call(
    poolConfigurator,
    "initReserves",
    await Promise.all(
      reserves.map(async (symbol) => ({
        aTokenImpl: await aTokenImpl.getAddress(),
        stableDebtTokenImpl: await stableDebtImpl.getAddress(),
        variableDebtTokenImpl: await variableDebtImpl.getAddress(),
        underlyingAssetDecimals: TOKEN_DECIMALS[symbol],
        interestRateStrategyAddress: await strategy.getAddress(),
        underlyingAsset: await tokens[symbol].getAddress(),
        treasury: me,
        incentivesController: ZeroAddress,
        aTokenName: `Aave Replica ${symbol}`,
        aTokenSymbol: `a${symbol}`,
        variableDebtTokenName: `Aave Replica Variable Debt ${symbol}`,
        variableDebtTokenSymbol: `variableDebt${symbol}`,
        stableDebtTokenName: `Aave Replica Stable Debt ${symbol}`,
        stableDebtTokenSymbol: `stableDebt${symbol}`,
        params: "0x",
      })),
    ),
  );

  const aTokens = await configureReserves(deployer, pool, poolConfigurator, tokens, reserves, usdLiquidity);

  return {
    addressesProvider,
    pool,
    poolConfigurator,
    aclManager,
    oracle,
    dataProvider,
    aTokens,
    deployment: { poolAddressesProvider: providerAddress as Address, pool: poolAddress },
  };
}

/** One price source per asset (Aave's own mock feed), reporting the replica's reference price. */
export async function deployPriceSources(
  deployer: Signer,
  tokens: ReplicaTokens,
  reserves: readonly ReplicaTokenSymbol[],
): Promise<{ assets: string[]; sources: string[] }> {
  const assets: string[] = [];
  const sources: string[] = [];
  for (const symbol of reserves) {
    const feed = await deployArtifact(deployer, protocolArtifact("AaveMockAggregator"), [
      USD_PRICE[symbol] * ORACLE_UNIT,
    ]);
    assets.push(await tokens[symbol].getAddress());
    sources.push(await feed.getAddress());
  }
  return { assets, sources };
}

/**
 * Gives the addresses provider its Pool and PoolConfigurator implementations; it deploys their
 * proxies and initialises them with itself. Returns the proxies, with the implementations' ABIs.
 */
export async function installPool(
  deployer: Signer,
  addressesProvider: AnyContract,
  [poolImpl, poolArtifact]: readonly [AnyContract, Artifact],
  [configuratorImpl, configuratorArtifact]: readonly [AnyContract, Artifact],
): Promise<{ poolAddress: Address; pool: AnyContract; poolConfigurator: AnyContract }> {
  await (await addressesProvider.getFunction("setPoolImpl")(await poolImpl.getAddress())).wait();
  await (await addressesProvider.getFunction("setPoolConfiguratorImpl")(await configuratorImpl.getAddress())).wait();
  const poolAddress = (await addressesProvider.getFunction("getPool")()) as Address;
  const configuratorAddress = (await addressesProvider.getFunction("getPoolConfigurator")()) as string;
  return {
    poolAddress,
    pool: attach(poolArtifact, poolAddress, deployer),
    poolConfigurator: attach(configuratorArtifact, configuratorAddress, deployer),
  };
}

/**
 * Makes each of `reserves` collateral with the replica's risk parameters, borrowable and flash
 * loanable, with its reserve factor (and `protocolFeeBps` of the bonus to the treasury when
 * given), and supplies `usdLiquidity` dollars of it from `deployer`. Returns each aToken.
 */
export async function configureReserves(
  deployer: Signer,
  pool: AnyContract,
  poolConfigurator: AnyContract,
  tokens: ReplicaTokens,
  reserves: readonly ReplicaTokenSymbol[],
  usdLiquidity: bigint,
  protocolFeeBps?: bigint,
): Promise<Partial<Record<ReplicaTokenSymbol, Address>>> {
  const me = await deployer.getAddress();
  const poolAddress = await pool.getAddress();
  const call = async (contract: AnyContract, method: string, ...args: unknown[]): Promise<void> => {
    await (await contract.getFunction(method)(...args)).wait();
  };
  const aTokens: Partial<Record<ReplicaTokenSymbol, Address>> = {};
  for (const symbol of reserves) {
    const asset = await tokens[symbol].getAddress();
    await call(
      poolConfigurator,
      "configureReserveAsCollateral",
      asset,
      RESERVE_RISK.ltv,
      RESERVE_RISK.liquidationThreshold,
      RESERVE_RISK.liquidationBonus,
    );
    await call(poolConfigurator, "setReserveBorrowing", asset, true);
    await call(poolConfigurator, "setReserveFlashLoaning", asset, true);
    await call(poolConfigurator, "setReserveFactor", asset, RESERVE_RISK.reserveFactor);
    if (protocolFeeBps !== undefined) await call(poolConfigurator, "setLiquidationProtocolFee", asset, protocolFeeBps);
    await call(tokens[symbol].connect(deployer) as AnyContract, "approve", poolAddress, MaxUint256);
    await call(pool, "supply", asset, amountForUsd(symbol, usdLiquidity), me, 0);
    const reserveData = await pool.getFunction("getReserveData")(asset);
    aTokens[symbol] = reserveData.aTokenAddress as Address;
  }
  return aTokens;
}

/**
 * Moves Aave's oracle price of `asset` to `usd8` (USD with 8 decimals) the way a market's
 * governance would: a new price source set on the AaveOracle by a pool admin (`admin`, the
 * replica's deployer). Positions are then valued at the new price by the Pool itself.
 */
export async function setOraclePrice(aave: ReplicaAave, admin: Signer, asset: Address, usd8: bigint): Promise<void> {
  const source = await deployArtifact(admin, protocolArtifact("AaveMockAggregator"), [usd8]);
  const oracle = aave.oracle.connect(admin) as AnyContract;
  await (await oracle.getFunction("setAssetSources")([asset], [await source.getAddress()])).wait();
}
