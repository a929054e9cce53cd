import type { ContractRunner } from "ethers";
import type { Address, CompleteAddressBook } from "../addressBook.js";
import { BaseError } from "../errors.js";
import { morphoArtifact, projectArtifact, protocolArtifact } from "./artifacts.js";
import { attach } from "./deploy.js";
import type { Replica, ReplicaPool } from "./replica.js";
import type { ReplicaTokenSymbol, ReplicaTokens } from "./tokens.js";

/** A replica as JSON: what the local node writes to deployments/localhost.json for the engine. */
export interface ReplicaRecord {
  readonly chainId: number;
  readonly deployer: Address;
  readonly book: CompleteAddressBook;
  readonly tokenAddresses: Readonly<Record<ReplicaTokenSymbol, Address>>;
  readonly pools: readonly ReplicaPool[];
  readonly uniswapV2Router: Address;
  readonly sushiswapRouter: Address;
  readonly uniswapV2Factory: Address;
  readonly sushiswapFactory: Address;
  readonly aaveATokens: Readonly<Partial<Record<ReplicaTokenSymbol, Address>>>;
  /** Contracts the address book does not name. */
  readonly extra: {
    readonly balancerAuthorizer: Address;
    readonly balancerWeightedPoolFactory: Address;
    readonly aavePoolConfigurator: Address;
    readonly aaveAclManager: Address;
    readonly aaveOracle: Address;
    readonly aaveDataProvider: Address;
    readonly uniswapV4LiquidityRouter: Address;
    readonly uniswapV4SwapRouter: Address;
  };
}

/** The JSON-safe record of a deployed replica. */
export async function replicaRecord(replica: Replica): Promise<ReplicaRecord> {
  const address = async (c: { getAddress(): Promise<string> }) => (await c.getAddress()) as Address;
  return {
    chainId: replica.chainId,
    deployer: replica.deployer,
    book: replica.book,
    tokenAddresses: replica.tokenAddresses,
    pools: replica.pools,
    uniswapV2Router: replica.book.uniswapV2.router,
    sushiswapRouter: replica.book.sushiswap.router,
    uniswapV2Factory: replica.book.uniswapV2.factory,
    sushiswapFactory: replica.book.sushiswap.factory,
    aaveATokens: replica.aave.aTokens,
    extra: {
      balancerAuthorizer: await address(replica.balancer.authorizer),
      balancerWeightedPoolFactory: await address(replica.balancer.weightedPoolFactory),
      aavePoolConfigurator: await address(replica.aave.poolConfigurator),
      aaveAclManager: await address(replica.aave.aclManager),
      aaveOracle: await address(replica.aave.oracle),
      aaveDataProvider: await address(replica.aave.dataProvider),
      uniswapV4LiquidityRouter: replica.uniswapV4.deployment.liquidityRouter,
      uniswapV4SwapRouter: replica.uniswapV4.deployment.swapRouter,
    },
  };
}

/** JSON with bigints written as decimal strings (Balancer weights and fees are bigints). */
export function recordToJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/**
 * Rebuilds a `Replica` (contract handles included) from its record, for scripts that act on
 * a replica already deployed on a running node.
 * @throws BaseError when the record is not a replica record.
 */
export function attachReplica(record: ReplicaRecord, runner: ContractRunner): Replica {
  if (record?.book?.uniswapV3 === undefined || record.tokenAddresses === undefined) {
    throw new BaseError("This is not a replica record.", { details: "Start the local node with `npm run node`." });
  }
  if (record.book.morphoBlue === undefined || record.extra.uniswapV4SwapRouter === undefined) {
    throw new BaseError("This replica record was written by an earlier version, without Morpho Blue or Uniswap V4.", {
      details: "Restart the local node (`npm run node`): it deploys the replica afresh and writes a new record.",
    });
  }
  const t = record.tokenAddresses;
  const mintable = projectArtifact("test/tokens/MintableERC20.sol", "MintableERC20");
  const tokens: ReplicaTokens = {
    WETH: attach(protocolArtifact("WETH9"), t.WETH, runner),
    USDC: attach(mintable, t.USDC, runner),
    USDT: attach(projectArtifact("test/tokens/NoReturnERC20.sol", "NoReturnERC20"), t.USDT, runner),
    DAI: attach(mintable, t.DAI, runner),
    WBTC: attach(mintable, t.WBTC, runner),
    FOT: attach(projectArtifact("test/tokens/FeeOnTransferERC20.sol", "FeeOnTransferERC20"), t.FOT, runner),
    BLOCK: attach(projectArtifact("test/tokens/BlocklistERC20.sol", "BlocklistERC20"), t.BLOCK, runner),
  };
  const pools = record.pools.map((p) =>
    p.dex === "balancerV2"
      ? { ...p, weights: p.weights.map((w) => BigInt(w)), swapFee: BigInt(p.swapFee) }
      : p.dex === "uniswapV4"
        ? { ...p, positions: p.positions.map((q) => ({ ...q, liquidity: BigInt(q.liquidity) })) }
        : p,
  );
  const v2 = (dex: "uniswapV2" | "sushiswap") => ({
    factory: attach(protocolArtifact("UniswapV2Factory"), record.book[dex].factory, runner),
    router: attach(protocolArtifact("UniswapV2Router02"), record.book[dex].router, runner),
    deployment: record.book[dex],
    pairs: pools.filter((p) => p.dex === dex) as Replica["uniswapV2"]["pairs"],
  });
  const b = record.book;
  return {
    chainId: record.chainId,
    deployer: record.deployer,
    book: b,
    tokens,
    tokenAddresses: t,
    uniswapV2: v2("uniswapV2"),
    sushiswap: v2("sushiswap"),
    uniswapV3: {
      factory: attach(protocolArtifact("UniswapV3Factory"), b.uniswapV3.factory, runner),
      swapRouter: attach(protocolArtifact("SwapRouter"), b.uniswapV3.swapRouter, runner),
      quoterV2: attach(protocolArtifact("QuoterV2"), b.uniswapV3.quoterV2, runner),
      positionManager: attach(protocolArtifact("NonfungiblePositionManager"), b.uniswapV3.positionManager, runner),
      deployment: b.uniswapV3,
      pools: pools.filter((p) => p.dex === "uniswapV3") as Replica["uniswapV3"]["pools"],
    },
    uniswapV4: {
      poolManager: attach(protocolArtifact("UniswapV4PoolManager"), b.uniswapV4.poolManager, runner),
      stateView: attach(protocolArtifact("UniswapV4StateView"), b.uniswapV4.stateView, runner),
      quoter: attach(protocolArtifact("UniswapV4Quoter"), b.uniswapV4.quoter, runner),
      liquidityRouter: attach(
        protocolArtifact("UniswapV4ModifyLiquidityRouter"),
        record.extra.uniswapV4LiquidityRouter,
        runner,
      ),
      swapRouter: attach(protocolArtifact("UniswapV4SwapRouter"), record.extra.uniswapV4SwapRouter, runner),
      deployment: {
        ...b.uniswapV4,
        liquidityRouter: record.extra.uniswapV4LiquidityRouter,
        swapRouter: record.extra.uniswapV4SwapRouter,
      },
      pools: pools.filter((p) => p.dex === "uniswapV4") as Replica["uniswapV4"]["pools"],
    },
    balancer: {
      vault: attach(protocolArtifact("BalancerVault"), b.balancerV2.vault, runner),
      authorizer: attach(protocolArtifact("BalancerAuthorizer"), record.extra.balancerAuthorizer, runner),
      weightedPoolFactory: attach(
        protocolArtifact("BalancerWeightedPoolFactory"),
        record.extra.balancerWeightedPoolFactory,
        runner,
      ),
      deployment: b.balancerV2,
      pools: pools.filter((p) => p.dex === "balancerV2") as Replica["balancer"]["pools"],
    },
    aave: {
      addressesProvider: attach(protocolArtifact("AavePoolAddressesProvider"), b.aaveV3.poolAddressesProvider, runner),
      pool: attach(protocolArtifact("AavePool"), b.aaveV3.pool, runner),
      poolConfigurator: attach(protocolArtifact("AavePoolConfigurator"), record.extra.aavePoolConfigurator, runner),
      aclManager: attach(protocolArtifact("AaveACLManager"), record.extra.aaveAclManager, runner),
      oracle: attach(protocolArtifact("AaveOracle"), record.extra.aaveOracle, runner),
      dataProvider: attach(protocolArtifact("AaveProtocolDataProvider"), record.extra.aaveDataProvider, runner),
      deployment: b.aaveV3,
      aTokens: record.aaveATokens,
    },
    morpho: {
      morpho: attach(morphoArtifact(), b.morphoBlue.morpho, runner),
      deployment: b.morphoBlue,
    },
    multicall3: attach(protocolArtifact("Multicall3"), b.multicall3, runner),
    pools,
  };
}
