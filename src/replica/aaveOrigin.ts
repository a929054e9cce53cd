import { AbiCoder, type Signer, ZeroAddress } from "ethers";
import type { Address } from "../addressBook.js";
import {
  AAVE_FLASHLOAN_PREMIUM_BPS,
  configureReserves,
  deployPriceSources,
  installPool,
  type ReplicaAave,
} from "./aave.js";
import { originArtifact } from "./artifacts.js";
import { type AnyContract, deployArtifact } from "./deploy.js";
import type { ReplicaTokenSymbol, ReplicaTokens } from "./tokens.js";

/** The protocol's share of the liquidation bonus on this market, in basis points (mainnet's usual 10%). */
export const ORIGIN_LIQUIDATION_PROTOCOL_FEE_BPS = 1_000n;

/**
 * Stands up a second Aave V3 market from `@aave-dao/aave-v3-origin` (v3.6, compiled from its npm
 * sources by `npm run build`): the rules of v3.3 and later (the whole position when it is small or
 * the health factor is at most 0.95, no dust left, bad debt written off as a deficit) and v3.5's
 * rounding. Same order as Aave's own deployment: addresses provider, ACL, interest-rate strategy,
 * logic libraries, Pool and PoolConfigurator behind the provider's proxies, oracle, data provider,
 * token implementations, reserves (the replica's risk parameters, a 10% protocol fee on the
 * bonus, flash loans at 5 bps), and `usdLiquidity` dollars of each reserve supplied by the deployer.
 */
export async function deployAaveOrigin(
  deployer: Signer,
  tokens: ReplicaTokens,
  reserves: readonly ReplicaTokenSymbol[],
  usdLiquidity: bigint,
): Promise<ReplicaAave> {
  const me = await deployer.getAddress();
  const call = async (contract: AnyContract, method: string, ...args: unknown[]): Promise<void> => {
    await (await contract.getFunction(method)(...args)).wait();
  };
  const deploy = (name: Parameters<typeof originArtifact>[0], args: unknown[] = [], libs = {}) =>
    deployArtifact(deployer, originArtifact(name), args, libs);

  const addressesProvider = await deploy("PoolAddressesProvider", ["Replica origin", me]);
  const providerAddress = await addressesProvider.getAddress();
  await call(addressesProvider, "setACLAdmin", me);
  const aclManager = await deploy("ACLManager", [providerAddress]);
  await call(addressesProvider, "setACLManager", await aclManager.getAddress());
  await call(aclManager, "addPoolAdmin", me);
  await call(aclManager, "addEmergencyAdmin", me);
  // v3.4 and later fix one interest-rate strategy per Pool, given to its constructor.
  const strategy = await deploy("DefaultReserveInterestRateStrategyV2", [providerAddress]);

  const libraries: Record<string, string> = {};
  for (const name of ["BorrowLogic", "ConfiguratorLogic", "LiquidationLogic", "PoolLogic", "SupplyLogic"] as const)
    libraries[name] = await (await deploy(name)).getAddress();
  // FlashLoanLogic calls into BorrowLogic.
  libraries.FlashLoanLogic = await (await deploy("FlashLoanLogic", [], libraries)).getAddress();

  // The implementations mark themselves initialised in their constructors (VersionedInitializable).
  const poolImpl = await deploy("PoolInstance", [providerAddress, await strategy.getAddress()], libraries);
  const configuratorImpl = await deploy("PoolConfiguratorInstance", [], libraries);
  const { poolAddress, pool, poolConfigurator } = await installPool(
    deployer,
    addressesProvider,
    [poolImpl, originArtifact("PoolInstance")],
    [configuratorImpl, originArtifact("PoolConfiguratorInstance")],
  );
  await call(poolConfigurator, "updateFlashloanPremium", AAVE_FLASHLOAN_PREMIUM_BPS);

  // The v3.0 market's price-source contract: any feed answering `latestAnswer` will do.
  const { assets, sources } = await deployPriceSources(deployer, tokens, reserves);
  const oracle = await deploy("AaveOracle", [providerAddress, assets, sources, ZeroAddress, ZeroAddress, 10n ** 8n]);
  await call(addressesProvider, "setPriceOracle", await oracle.getAddress());
  const dataProvider = await deploy("AaveProtocolDataProvider", [providerAddress]);
  await call(addressesProvider, "setPoolDataProvider", await dataProvider.getAddress());

  const aTokenImpl = await deploy("ATokenInstance", [poolAddress, ZeroAddress, me]);
  const variableDebtImpl = await deploy("VariableDebtTokenInstance", [poolAddress, ZeroAddress]);
  // optimalUsageRatio, base rate, slope 1, slope 2, in basis points.
  const interestRateData = AbiCoder.defaultAbiCoder().encode(
    ["tuple(uint16,uint32,uint32,uint32)"],
    [[8_000, 0, 400, 7_500]],
  );
  await call(
    poolConfigurator,
    "initReserves",
    await Promise.all(
      reserves.map(async (symbol) => ({
        aTokenImpl: await aTokenImpl.getAddress(),
        variableDebtTokenImpl: await variableDebtImpl.getAddress(),
        underlyingAsset: await tokens[symbol].getAddress(),
        aTokenName: `Aave Replica Origin ${symbol}`,
        aTokenSymbol: `ao${symbol}`,
        variableDebtTokenName: `Aave Replica Origin Variable Debt ${symbol}`,
        variableDebtTokenSymbol: `variableDebtO${symbol}`,
        params: "0x",
        interestRateData,
      })),
    ),
  );

  const aTokens = await configureReserves(
    deployer,
    pool,
    poolConfigurator,
    tokens,
    reserves,
    usdLiquidity,
    ORIGIN_LIQUIDATION_PROTOCOL_FEE_BPS,
  );

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
