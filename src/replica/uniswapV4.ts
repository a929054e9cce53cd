import { MaxUint256, type Signer, ZeroAddress } from "ethers";
import type { Address, UniswapV4Deployment } from "../addressBook.js";
import { getAmount0Delta, getAmount1Delta } from "../math/sqrtPriceMath.js";
import { getSqrtRatioAtTick, MAX_TICK, MIN_TICK } from "../math/tickMath.js";
import { type UniswapV4PoolKey, v4PoolId } from "../pools/uniswapV4.js";
import { protocolArtifact } from "./artifacts.js";
import { type AnyContract, deployArtifact } from "./deploy.js";
import { amountForUsd, referenceSqrtPriceX96 } from "./prices.js";
import type { ReplicaTokenSymbol, ReplicaTokens } from "./tokens.js";
import { tickAtSqrtPrice } from "./uniswapV3.js";

/** A Uniswap V4 pool key (the engine's type, under the replica's name). */
export type V4PoolKey = UniswapV4PoolKey;

/** A Uniswap V4 pool the replica initialised and seeded (no hooks). */
export interface ReplicaV4Pool {
  readonly dex: "uniswapV4";
  /** The PoolId: keccak256 of the ABI-encoded key. */
  readonly id: `0x${string}`;
  /**
   * The PoolId again, under the name other pools use for their identity: a V4 pool lives inside
   * the PoolManager and has no address of its own.
   */
  readonly address: `0x${string}`;
  readonly key: V4PoolKey;
  readonly token0: ReplicaTokenSymbol;
  readonly token1: ReplicaTokenSymbol;
  /** The positions seeded through the liquidity router, which owns them (told apart by salt). */
  readonly positions: readonly ReplicaV4Position[];
}

/** A position the replica added: its range, liquidity and salt under the liquidity router. */
export interface ReplicaV4Position {
  readonly tickLower: number;
  readonly tickUpper: number;
  readonly liquidity: bigint;
  readonly salt: `0x${string}`;
}

/** A V4 pool to create: tokens, fee, tick spacing, and positions as for V3 (half-widths around the price). */
export interface V4PoolSpec {
  readonly a: ReplicaTokenSymbol;
  readonly b: ReplicaTokenSymbol;
  readonly fee: number;
  readonly tickSpacing: number;
  readonly positions: ReadonlyArray<{ readonly halfWidthTicks: number | "full"; readonly usdPerSide: bigint }>;
}

export interface ReplicaV4Dex {
  readonly poolManager: AnyContract;
  readonly stateView: AnyContract;
  readonly quoter: AnyContract;
  /** v4-core's PoolModifyLiquidityTest: adds the replica's positions. */
  readonly liquidityRouter: AnyContract;
  /** v4-core's PoolSwapTest: lets tests and the market move V4 prices. */
  readonly swapRouter: AnyContract;
  readonly deployment: UniswapV4Deployment & { readonly liquidityRouter: Address; readonly swapRouter: Address };
  readonly pools: readonly ReplicaV4Pool[];
}

/**
 * Deploys Uniswap V4 from the packages' compiled bytecode: the PoolManager (v4-core), StateView
 * and V4Quoter (v4-periphery), and v4-core's own liquidity and swap routers. Positions are added
 * through PoolModifyLiquidityTest rather than the PositionManager, which pulls tokens through
 * Permit2, whose bytecode the packages ship only inside a Foundry test helper. Each pool is initialised at the reference price with
 * positions over several tick ranges, so that swaps cross initialised ticks.
 */
export async function deployUniswapV4(
  deployer: Signer,
  tokens: ReplicaTokens,
  specs: readonly V4PoolSpec[],
): Promise<ReplicaV4Dex> {
  const me = await deployer.getAddress();
  const poolManager = await deployArtifact(deployer, protocolArtifact("UniswapV4PoolManager"), [me]);
  const manager = (await poolManager.getAddress()) as Address;
  const stateView = await deployArtifact(deployer, protocolArtifact("UniswapV4StateView"), [manager]);
  const quoter = await deployArtifact(deployer, protocolArtifact("UniswapV4Quoter"), [manager]);
  const liquidityRouter = await deployArtifact(deployer, protocolArtifact("UniswapV4ModifyLiquidityRouter"), [manager]);
  const swapRouter = await deployArtifact(deployer, protocolArtifact("UniswapV4SwapRouter"), [manager]);
  const routerAddress = await liquidityRouter.getAddress();
  const approved = new Set<ReplicaTokenSymbol>();
  const pools: ReplicaV4Pool[] = [];
  for (const spec of specs) {
    for (const symbol of [spec.a, spec.b]) {
      if (approved.has(symbol)) continue;
      approved.add(symbol);
      await (await tokens[symbol].connect(deployer).getFunction("approve")(routerAddress, MaxUint256)).wait();
    }
    const addressA = (await tokens[spec.a].getAddress()) as Address;
    const addressB = (await tokens[spec.b].getAddress()) as Address;
    const aIsToken0 = BigInt(addressA) < BigInt(addressB);
    const [symbol0, symbol1] = aIsToken0 ? [spec.a, spec.b] : [spec.b, spec.a];
    const key: V4PoolKey = {
      currency0: aIsToken0 ? addressA : addressB,
      currency1: aIsToken0 ? addressB : addressA,
      fee: spec.fee,
      tickSpacing: spec.tickSpacing,
      hooks: ZeroAddress as Address,
    };
    const sqrtPriceX96 = referenceSqrtPriceX96(symbol0, symbol1);
    await (await poolManager.getFunction("initialize")(key, sqrtPriceX96)).wait();
    const spacing = spec.tickSpacing;
    const centre = tickAtSqrtPrice(sqrtPriceX96);
    const positions: ReplicaV4Position[] = [];
    for (const [index, position] of spec.positions.entries()) {
      const [tickLower, tickUpper] =
        position.halfWidthTicks === "full"
          ? [Math.ceil(MIN_TICK / spacing) * spacing, Math.floor(MAX_TICK / spacing) * spacing]
          : [
              Math.floor((centre - position.halfWidthTicks) / spacing) * spacing,
              Math.ceil((centre + position.halfWidthTicks) / spacing) * spacing,
            ];
      const liquidity = liquidityForAmounts(
        sqrtPriceX96,
        tickLower,
        tickUpper,
        amountForUsd(symbol0, position.usdPerSide),
        amountForUsd(symbol1, position.usdPerSide),
      );
      const salt = `0x${index.toString(16).padStart(64, "0")}` as const;
      await (
        await liquidityRouter.getFunction(
          "modifyLiquidity((address,address,uint24,int24,address),(int24,int24,int256,bytes32),bytes)",
        )(key, { tickLower, tickUpper, liquidityDelta: liquidity, salt }, "0x")
      ).wait();
      positions.push({ tickLower, tickUpper, liquidity, salt });
    }
    const id = v4PoolId(key);
    pools.push({ dex: "uniswapV4", id, address: id, key, token0: symbol0, token1: symbol1, positions });
  }
  return {
    poolManager,
    stateView,
    quoter,
    liquidityRouter,
    swapRouter,
    pools,
    deployment: {
      poolManager: manager,
      stateView: (await stateView.getAddress()) as Address,
      quoter: (await quoter.getAddress()) as Address,
      liquidityRouter: routerAddress as Address,
      swapRouter: (await swapRouter.getAddress()) as Address,
    },
  };
}

/**
 * The most liquidity that `amount0` and `amount1` provide between two ticks at a price, as
 * v4-periphery's LiquidityAmounts.getLiquidityForAmounts (placement only: the router then takes
 * whatever the PoolManager says the liquidity costs).
 */
export function liquidityForAmounts(
  sqrtPriceX96: bigint,
  tickLower: number,
  tickUpper: number,
  amount0: bigint,
  amount1: bigint,
): bigint {
  const lower = getSqrtRatioAtTick(tickLower);
  const upper = getSqrtRatioAtTick(tickUpper);
  const unit = 10n ** 18n;
  // Cost of `unit` liquidity on each side, then scale the limiting side.
  const price = sqrtPriceX96 < lower ? lower : sqrtPriceX96 > upper ? upper : sqrtPriceX96;
  const cost0 = price < upper ? getAmount0Delta(price, upper, unit, true) : 0n;
  const cost1 = price > lower ? getAmount1Delta(lower, price, unit, true) : 0n;
  const by0 = cost0 === 0n ? MaxUint256 : (amount0 * unit) / cost0;
  const by1 = cost1 === 0n ? MaxUint256 : (amount1 * unit) / cost1;
  return by0 < by1 ? by0 : by1;
}
