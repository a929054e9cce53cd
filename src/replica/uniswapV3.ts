import { MaxUint256, type Signer, ZeroAddress } from "ethers";
import type { Address, UniswapV3Deployment } from "../addressBook.js";
import { initCodeHash, protocolArtifact } from "./artifacts.js";
import { type AnyContract, deployArtifact } from "./deploy.js";
import { amountForUsd, referenceSqrtPriceX96 } from "./prices.js";
import type { ReplicaTokenSymbol, ReplicaTokens } from "./tokens.js";

/** Uniswap V3's tick bounds (TickMath.MIN_TICK / MAX_TICK). */
export const MIN_TICK = -887_272;
export const MAX_TICK = 887_272;

/** Tick spacing of each fee tier the factory enables at deployment. */
export const TICK_SPACING: Readonly<Record<number, number>> = { 500: 10, 3000: 60, 10000: 200 };

/** A Uniswap V3 pool the replica created and seeded. */
export interface ReplicaV3Pool {
  readonly dex: "uniswapV3";
  readonly address: Address;
  readonly token0: ReplicaTokenSymbol;
  readonly token1: ReplicaTokenSymbol;
  /** Fee in hundredths of a basis point (500 = 0.05%). */
  readonly fee: number;
}

/**
 * A pool to create: its tokens, fee tier, and the positions to mint, each as a half-width
 * in ticks around the price (or "full" for the whole range) and a dollar value per side.
 */
export interface V3PoolSpec {
  readonly a: ReplicaTokenSymbol;
  readonly b: ReplicaTokenSymbol;
  readonly fee: 500 | 3000;
  readonly positions: ReadonlyArray<{ readonly halfWidthTicks: number | "full"; readonly usdPerSide: bigint }>;
}

export interface ReplicaV3Dex {
  readonly factory: AnyContract;
  readonly swapRouter: AnyContract;
  readonly quoterV2: AnyContract;
  readonly positionManager: AnyContract;
  readonly deployment: UniswapV3Deployment & { readonly swapRouter: Address };
  readonly pools: readonly ReplicaV3Pool[];
}

/**
 * Deploys Uniswap V3's factory, SwapRouter, QuoterV2 and NonfungiblePositionManager from the
 * npm artifacts, then creates each pool at the reference price and mints its positions so
 * that liquidity changes at several ticks and swaps cross them.
 */
export async function deployUniswapV3(
  deployer: Signer,
  tokens: ReplicaTokens,
  specs: readonly V3PoolSpec[],
): Promise<ReplicaV3Dex> {
  const me = await deployer.getAddress();
  const weth = await tokens.WETH.getAddress();
  const factory = await deployArtifact(deployer, protocolArtifact("UniswapV3Factory"));
  const factoryAddress = await factory.getAddress();
  const swapRouter = await deployArtifact(deployer, protocolArtifact("SwapRouter"), [factoryAddress, weth]);
  const quoterV2 = await deployArtifact(deployer, protocolArtifact("QuoterV2"), [factoryAddress, weth]);
  // The token descriptor only renders tokenURI; positions work without one.
  const positionManager = await deployArtifact(deployer, protocolArtifact("NonfungiblePositionManager"), [
    factoryAddress,
    weth,
    ZeroAddress,
  ]);
  const npmAddress = await positionManager.getAddress();
  const approved = new Set<ReplicaTokenSymbol>();
  const pools: ReplicaV3Pool[] = [];
  for (const spec of specs) {
    for (const symbol of [spec.a, spec.b]) {
      if (approved.has(symbol)) continue;
      approved.add(symbol);
      await (await tokens[symbol].connect(deployer).getFunction("approve")(npmAddress, MaxUint256)).wait();
    }
    const addressA = await tokens[spec.a].getAddress();
    const addressB = await tokens[spec.b].getAddress();
    const aIsToken0 = BigInt(addressA) < BigInt(addressB);
    const [symbol0, symbol1] = aIsToken0 ? [spec.a, spec.b] : [spec.b, spec.a];
    const [address0, address1] = aIsToken0 ? [addressA, addressB] : [addressB, addressA];
    const sqrtPriceX96 = referenceSqrtPriceX96(symbol0, symbol1);
    await (
      await positionManager.getFunction("createAndInitializePoolIfNecessary")(
        address0,
        address1,
        spec.fee,
        sqrtPriceX96,
      )
    ).wait();
    const spacing = TICK_SPACING[spec.fee] as number;
    const centre = tickAtSqrtPrice(sqrtPriceX96);
    for (const position of spec.positions) {
      const [tickLower, tickUpper] =
        position.halfWidthTicks === "full"
          ? [Math.ceil(MIN_TICK / spacing) * spacing, Math.floor(MAX_TICK / spacing) * spacing]
          : [
              Math.floor((centre - position.halfWidthTicks) / spacing) * spacing,
              Math.ceil((centre + position.halfWidthTicks) / spacing) * spacing,
            ];
      await (
        await positionManager.getFunction("mint")({
          token0: address0,
          token1: address1,
          fee: spec.fee,
          tickLower,
          tickUpper,
          amount0Desired: amountForUsd(symbol0, position.usdPerSide),
          amount1Desired: amountForUsd(symbol1, position.usdPerSide),
          amount0Min: 0,
          amount1Min: 0,
          recipient: me,
          deadline: MaxUint256,
        })
      ).wait();
    }
    const pool = (await factory.getFunction("getPool")(address0, address1, spec.fee)) as Address;
    pools.push({ dex: "uniswapV3", address: pool, token0: symbol0, token1: symbol1, fee: spec.fee });
  }
  return {
    factory,
    swapRouter,
    quoterV2,
    positionManager,
    pools,
    deployment: {
      factory: factoryAddress as Address,
      swapRouter: (await swapRouter.getAddress()) as Address,
      quoterV2: (await quoterV2.getAddress()) as Address,
      positionManager: npmAddress as Address,
      initCodeHash: initCodeHash(protocolArtifact("UniswapV3Pool")) as `0x${string}`,
    },
  };
}

/** The tick whose price is closest below `sqrtPriceX96` (float approximation, for range placement only). */
export function tickAtSqrtPrice(sqrtPriceX96: bigint): number {
  const sqrtPrice = Number(sqrtPriceX96) / 2 ** 96;
  return Math.floor(Math.log(sqrtPrice * sqrtPrice) / Math.log(1.0001));
}
