import type { Signer } from "ethers";
import type { Address, CompleteAddressBook } from "../addressBook.js";
import { deployAave, type ReplicaAave } from "./aave.js";
import { protocolArtifact } from "./artifacts.js";
import { deployBalancer, type ReplicaBalancer, type ReplicaBalancerPool } from "./balancer.js";
import { type AnyContract, deployArtifact } from "./deploy.js";
import { deployMorpho, type ReplicaMorpho } from "./morpho.js";
import { amountForUsd } from "./prices.js";
import { deployTokens, fund, type ReplicaTokenSymbol, type ReplicaTokens } from "./tokens.js";
import { deployUniswapV2Dex, type ReplicaV2Dex, type ReplicaV2Pair } from "./uniswapV2.js";
import { deployUniswapV3, type ReplicaV3Dex, type ReplicaV3Pool } from "./uniswapV3.js";
import { deployUniswapV4, type ReplicaV4Dex, type ReplicaV4Pool } from "./uniswapV4.js";

/** Any pool of the replica, told apart by `dex`. */
export type ReplicaPool = ReplicaV2Pair | ReplicaV3Pool | ReplicaV4Pool | ReplicaBalancerPool;

/** The deployed local DeFi chain: every contract, every pool, and its address book. */
export interface Replica {
  readonly chainId: number;
  readonly deployer: Address;
  readonly book: CompleteAddressBook;
  readonly tokens: ReplicaTokens;
  readonly tokenAddresses: Readonly<Record<ReplicaTokenSymbol, Address>>;
  readonly uniswapV2: ReplicaV2Dex;
  readonly sushiswap: ReplicaV2Dex;
  readonly uniswapV3: ReplicaV3Dex;
  readonly uniswapV4: ReplicaV4Dex;
  readonly balancer: ReplicaBalancer;
  readonly aave: ReplicaAave;
  readonly morpho: ReplicaMorpho;
  readonly multicall3: AnyContract;
  readonly pools: readonly ReplicaPool[];
}

/** ETH the deployer wraps to seed every WETH pool and reserve (about 2,900 WETH is used). */
const WETH_BUDGET = 4_000n * 10n ** 18n;
/** Dollars of every other token minted to the deployer. */
const USD_BUDGET = 100_000_000n;

/**
 * Deploys the whole replica from `deployer`, which must be the first account of a fresh
 * chain with at least 4,000 ETH (Hardhat's default accounts hold 10,000). On a fresh chain
 * the same deployer always yields the same addresses.
 */
export async function deployReplica(deployer: Signer): Promise<Replica> {
  const me = (await deployer.getAddress()) as Address;
  const network = await deployer.provider?.getNetwork();
  if (network === undefined) throw new Error("The deployer signer has no provider.");

  const tokens = await deployTokens(deployer);
  await fund(tokens, "WETH", deployer, me, WETH_BUDGET);
  for (const symbol of ["USDC", "USDT", "DAI", "WBTC", "FOT", "BLOCK"] as const) {
    await fund(tokens, symbol, deployer, me, amountForUsd(symbol, USD_BUDGET));
  }

  const uniswapV2 = await deployUniswapV2Dex(deployer, "uniswapV2", tokens, [
    { a: "WETH", b: "USDC", usdPerSide: 1_500_000n },
    { a: "WETH", b: "USDT", usdPerSide: 600_000n },
    { a: "WETH", b: "DAI", usdPerSide: 600_000n },
    { a: "WBTC", b: "WETH", usdPerSide: 600_000n },
    { a: "USDC", b: "DAI", usdPerSide: 1_000_000n },
    { a: "FOT", b: "WETH", usdPerSide: 30_000n },
    { a: "BLOCK", b: "WETH", usdPerSide: 30_000n },
  ]);
  const sushiswap = await deployUniswapV2Dex(deployer, "sushiswap", tokens, [
    { a: "WETH", b: "USDC", usdPerSide: 900_000n },
    { a: "WETH", b: "DAI", usdPerSide: 450_000n },
    { a: "WBTC", b: "WETH", usdPerSide: 300_000n },
    { a: "USDC", b: "USDT", usdPerSide: 500_000n },
  ]);
  const uniswapV3 = await deployUniswapV3(deployer, tokens, [
    {
      a: "WETH",
      b: "USDC",
      fee: 500,
      positions: [
        { halfWidthTicks: "full", usdPerSide: 300_000n },
        { halfWidthTicks: 1_000, usdPerSide: 300_000n },
        { halfWidthTicks: 100, usdPerSide: 150_000n },
      ],
    },
    {
      a: "WETH",
      b: "USDC",
      fee: 3000,
      positions: [
        { halfWidthTicks: "full", usdPerSide: 300_000n },
        { halfWidthTicks: 1_200, usdPerSide: 150_000n },
      ],
    },
    {
      a: "WETH",
      b: "DAI",
      fee: 3000,
      positions: [
        { halfWidthTicks: "full", usdPerSide: 300_000n },
        { halfWidthTicks: 600, usdPerSide: 150_000n },
      ],
    },
    { a: "WBTC", b: "WETH", fee: 3000, positions: [{ halfWidthTicks: "full", usdPerSide: 300_000n }] },
  ]);
  const balancer = await deployBalancer(deployer, tokens, [
    { weights: { WETH: 50n, USDC: 50n }, usdTotal: 1_200_000n, swapFeeBps: 30n },
    { weights: { WETH: 40n, DAI: 30n, USDC: 30n }, usdTotal: 1_000_000n, swapFeeBps: 10n },
  ]);
  const aave = await deployAave(deployer, tokens, ["WETH", "USDC", "USDT", "DAI", "WBTC"], 600_000n);
  const multicall3 = await deployArtifact(deployer, protocolArtifact("Multicall3"));
  // Last, so that adding it moved no other contract's address.
  const morpho = await deployMorpho(deployer, tokens, ["WETH", "USDC", "DAI"], 1_000_000n);
  // After Morpho, for the same reason. Fee tiers and spacings as V4 pools on mainnet use them.
  const uniswapV4 = await deployUniswapV4(deployer, tokens, [
    {
      a: "WETH",
      b: "USDC",
      fee: 500,
      tickSpacing: 10,
      positions: [
        { halfWidthTicks: "full", usdPerSide: 250_000n },
        { halfWidthTicks: 800, usdPerSide: 250_000n },
        { halfWidthTicks: 120, usdPerSide: 100_000n },
      ],
    },
    {
      // Not USDT: v4-core's liquidity router expects `transferFrom` to return a bool.
      a: "WBTC",
      b: "WETH",
      fee: 3000,
      tickSpacing: 60,
      positions: [
        { halfWidthTicks: "full", usdPerSide: 200_000n },
        { halfWidthTicks: 1_200, usdPerSide: 100_000n },
      ],
    },
    {
      a: "WETH",
      b: "DAI",
      fee: 500,
      tickSpacing: 10,
      positions: [
        { halfWidthTicks: "full", usdPerSide: 200_000n },
        { halfWidthTicks: 400, usdPerSide: 100_000n },
      ],
    },
    {
      a: "USDC",
      b: "DAI",
      fee: 100,
      tickSpacing: 1,
      positions: [
        { halfWidthTicks: "full", usdPerSide: 200_000n },
        { halfWidthTicks: 20, usdPerSide: 300_000n },
      ],
    },
  ]);

  const tokenAddresses = Object.fromEntries(
    await Promise.all(Object.entries(tokens).map(async ([symbol, c]) => [symbol, await c.getAddress()])),
  ) as Record<ReplicaTokenSymbol, Address>;
  const chainId = Number(network.chainId);
  const uniswapV3Deployment = { ...uniswapV3.deployment, swapRouter: uniswapV3.deployment.swapRouter as Address };
  const book: CompleteAddressBook = {
    name: "replica",
    chainId,
    tokens: {
      WETH: tokenAddresses.WETH,
      USDC: tokenAddresses.USDC,
      USDT: tokenAddresses.USDT,
      DAI: tokenAddresses.DAI,
      WBTC: tokenAddresses.WBTC,
    },
    multicall3: (await multicall3.getAddress()) as Address,
    // The local node has no builders; the arena puts its own in front of it.
    submission: "direct",
    aaveV3: aave.deployment,
    balancerV2: balancer.deployment,
    morphoBlue: morpho.deployment,
    uniswapV2: uniswapV2.deployment,
    sushiswap: sushiswap.deployment,
    uniswapV3: uniswapV3Deployment,
    uniswapV4: {
      poolManager: uniswapV4.deployment.poolManager,
      stateView: uniswapV4.deployment.stateView,
      quoter: uniswapV4.deployment.quoter,
      swapRouter: uniswapV4.deployment.swapRouter,
    },
  };
  return {
    chainId,
    deployer: me,
    book,
    tokens,
    tokenAddresses,
    uniswapV2,
    sushiswap,
    uniswapV3,
    uniswapV4,
    balancer,
    aave,
    morpho,
    multicall3,
    pools: [...uniswapV2.pairs, ...sushiswap.pairs, ...uniswapV3.pools, ...uniswapV4.pools, ...balancer.pools],
  };
}
