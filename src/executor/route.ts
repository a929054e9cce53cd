import { concat, getAddress, isAddress, isHexString, toBeHex, zeroPadValue } from "ethers";
import type { Address } from "../addressBook.js";
import { BaseError } from "../errors.js";

/** Lenders, numbered as `IFlashArbExecutor.Lender`. */
export const Lender = { AaveV3: 0, BalancerV2: 1, UniswapV3: 2, MorphoBlue: 3, UniswapV4: 4 } as const;
export type LenderName = keyof typeof Lender;

/** Hop kinds, numbered as `IFlashArbExecutor.HopKind`. */
export const HopKind = { UniswapV2: 0, UniswapV3: 1, BalancerV2: 2, Curve: 3, UniswapV4: 4 } as const;

/** Size in bytes of each hop kind, kind byte included (see IFlashArbExecutor). */
export const HOP_SIZE = { UniswapV2: 41, UniswapV3: 40, BalancerV2: 69, Curve: 59, UniswapV4: 43 } as const;

/** The largest tick spacing a Uniswap V4 pool may have (TickMath.MAX_TICK_SPACING). */
export const V4_MAX_TICK_SPACING = 32_767;

/** One hop of a route: its kind, what it pays out, and the least it may pay out. */
export type RouteHop =
  | {
      readonly kind: "UniswapV2";
      /** Index of the V2-style factory in the executor's deployment (0: first). */
      readonly factoryIndex: number;
      readonly tokenOut: Address;
      /** The pair's fee in millionths (3000 = 0.3%). */
      readonly feePips: number;
      readonly minAmountOut?: bigint;
    }
  | {
      readonly kind: "UniswapV3";
      readonly tokenOut: Address;
      /** The pool's fee tier in millionths (500 = 0.05%). */
      readonly fee: number;
      readonly minAmountOut?: bigint;
    }
  | {
      readonly kind: "BalancerV2";
      readonly poolId: `0x${string}`;
      readonly tokenOut: Address;
      readonly minAmountOut?: bigint;
    }
  | {
      readonly kind: "Curve";
      readonly pool: Address;
      readonly tokenOut: Address;
      /** Coin index of the input token in the pool. */
      readonly i: number;
      /** Coin index of the output token in the pool. */
      readonly j: number;
      readonly minAmountOut?: bigint;
    }
  | {
      /** A Uniswap V4 pool without hooks, inside the executor's trusted PoolManager. */
      readonly kind: "UniswapV4";
      readonly tokenOut: Address;
      /** The pool's LP fee in millionths (500 = 0.05%). */
      readonly fee: number;
      readonly tickSpacing: number;
      readonly minAmountOut?: bigint;
    };

/** A hop as the executor reads it: the route hop plus the input token it implies. */
export type DecodedHop = RouteHop & { readonly tokenIn: Address };

/** Thrown when a route cannot be encoded or decoded; says which hop and why. */
export class RouteError extends BaseError {
  override readonly name = "RouteError";
}

const MAX_UINT128 = (1n << 128n) - 1n;

/**
 * Packs hops into the executor's route bytes.
 * @throws RouteError naming the hop and field when a value is out of range or malformed.
 * @example
 * const route = encodeRoute([
 *   { kind: "UniswapV2", factoryIndex: 1, tokenOut: USDC, feePips: 3000 },
 *   { kind: "UniswapV3", tokenOut: WETH, fee: 500 },
 * ]);
 */
export function encodeRoute(hops: readonly RouteHop[]): `0x${string}` {
  if (hops.length === 0) throw new RouteError("A route needs at least one hop.");
  return concat(hops.map((hop, index) => encodeHop(hop, index))) as `0x${string}`;
}

function encodeHop(hop: RouteHop, index: number): string {
  const min = uint(hop.minAmountOut ?? 0n, 16, index, "minAmountOut", MAX_UINT128);
  const tokenOut = address(hop.tokenOut, index, "tokenOut");
  switch (hop.kind) {
    case "UniswapV2":
      if (hop.feePips >= 1_000_000) throw hopError(index, "feePips", `${hop.feePips} is not below 1,000,000 (100%)`);
      return concat([
        byte(HopKind.UniswapV2),
        uint(BigInt(hop.factoryIndex), 1, index, "factoryIndex", 255n),
        tokenOut,
        uint(BigInt(hop.feePips), 3, index, "feePips", 0xff_ffffn),
        min,
      ]);
    case "UniswapV3":
      return concat([byte(HopKind.UniswapV3), tokenOut, uint(BigInt(hop.fee), 3, index, "fee", 0xff_ffffn), min]);
    case "BalancerV2":
      if (!isHexString(hop.poolId, 32)) throw hopError(index, "poolId", `${hop.poolId} is not 32 bytes`);
      return concat([byte(HopKind.BalancerV2), hop.poolId, tokenOut, min]);
    case "Curve":
      return concat([
        byte(HopKind.Curve),
        address(hop.pool, index, "pool"),
        tokenOut,
        uint(BigInt(hop.i), 1, index, "i", 127n),
        uint(BigInt(hop.j), 1, index, "j", 127n),
        min,
      ]);
    case "UniswapV4":
      if (!Number.isInteger(hop.tickSpacing) || hop.tickSpacing < 1 || hop.tickSpacing > V4_MAX_TICK_SPACING) {
        throw hopError(index, "tickSpacing", `${hop.tickSpacing} is outside 1..${V4_MAX_TICK_SPACING}`);
      }
      return concat([
        byte(HopKind.UniswapV4),
        tokenOut,
        uint(BigInt(hop.fee), 3, index, "fee", 1_000_000n),
        uint(BigInt(hop.tickSpacing), 3, index, "tickSpacing", BigInt(V4_MAX_TICK_SPACING)),
        min,
      ]);
    default:
      throw new RouteError(`Hop ${index} has an unknown kind.`, {
        details: `Use one of ${Object.keys(HopKind).join(", ")}.`,
      });
  }
}

/**
 * Reads route bytes back into hops, exactly as the executor's `decodeRoute` does.
 * @param loanToken The token borrowed: the first hop's input.
 * @throws RouteError when the bytes end inside a hop or a kind is unknown.
 */
export function decodeRoute(loanToken: Address, route: string): DecodedHop[] {
  if (!isHexString(route)) throw new RouteError("The route is not hex.");
  const bytes = Buffer.from(route.slice(2), "hex");
  if (bytes.length === 0) throw new RouteError("The route holds no hop.");
  const hops: DecodedHop[] = [];
  let offset = 0;
  let tokenIn = loanToken;
  const read = (start: number, length: number): string => `0x${bytes.subarray(start, start + length).toString("hex")}`;
  const addr = (start: number): Address => getAddress(read(start, 20)) as Address;
  const num = (start: number, length: number): bigint => BigInt(read(start, length));
  while (offset < bytes.length) {
    const index = hops.length;
    const kind = bytes[offset] as number;
    const name = (Object.keys(HopKind) as Array<keyof typeof HopKind>).find((k) => HopKind[k] === kind);
    if (name === undefined) throw new RouteError(`Hop ${index} has unknown kind ${kind} at byte ${offset}.`);
    const size = HOP_SIZE[name];
    if (offset + size > bytes.length) {
      throw new RouteError(`The route ends inside hop ${index}: it needs ${size} bytes from byte ${offset}.`);
    }
    const p = offset + 1;
    let hop: DecodedHop;
    if (name === "UniswapV2") {
      hop = {
        kind: name,
        tokenIn,
        factoryIndex: Number(num(p, 1)),
        tokenOut: addr(p + 1),
        feePips: Number(num(p + 21, 3)),
        minAmountOut: num(p + 24, 16),
      };
    } else if (name === "UniswapV3") {
      hop = { kind: name, tokenIn, tokenOut: addr(p), fee: Number(num(p + 20, 3)), minAmountOut: num(p + 23, 16) };
    } else if (name === "BalancerV2") {
      hop = {
        kind: name,
        tokenIn,
        poolId: read(p, 32) as `0x${string}`,
        tokenOut: addr(p + 32),
        minAmountOut: num(p + 52, 16),
      };
    } else if (name === "UniswapV4") {
      hop = {
        kind: name,
        tokenIn,
        tokenOut: addr(p),
        fee: Number(num(p + 20, 3)),
        tickSpacing: Number(num(p + 23, 3)),
        minAmountOut: num(p + 26, 16),
      };
    } else {
      hop = {
        kind: name,
        tokenIn,
        pool: addr(p),
        tokenOut: addr(p + 20),
        i: Number(num(p + 40, 1)),
        j: Number(num(p + 41, 1)),
        minAmountOut: num(p + 42, 16),
      };
    }
    hops.push(hop);
    tokenIn = hop.tokenOut;
    offset += size;
  }
  return hops;
}

/** The executor's `Loan` struct, ready to pass to `execute`. */
export interface Loan {
  readonly lender: number;
  readonly token: Address;
  readonly amount: bigint;
  readonly pairToken: Address;
  readonly poolFee: number;
}

const ZERO: Address = "0x0000000000000000000000000000000000000000";

/**
 * Builds the `Loan` argument of `execute`.
 * @param uniswapV3 For the Uniswap V3 lender: the lending pool's other token and fee tier.
 */
export function encodeLoan(
  lender: LenderName,
  token: Address,
  amount: bigint,
  uniswapV3?: { readonly pairToken: Address; readonly fee: number },
): Loan {
  if (amount <= 0n) throw new RouteError(`The loan amount must be positive, not ${amount}.`);
  if (lender === "UniswapV3" && uniswapV3 === undefined) {
    throw new RouteError("A Uniswap V3 loan needs the lending pool's other token and fee tier.");
  }
  return {
    lender: Lender[lender],
    token: address(token, -1, "token"),
    amount,
    pairToken: uniswapV3 === undefined ? ZERO : address(uniswapV3.pairToken, -1, "pairToken"),
    poolFee: uniswapV3?.fee ?? 0,
  };
}

function hopError(index: number, field: string, problem: string): RouteError {
  return new RouteError(index < 0 ? `Loan ${field}: ${problem}.` : `Hop ${index} ${field}: ${problem}.`);
}

function byte(value: number): string {
  return toBeHex(value, 1);
}

function uint(value: bigint, bytes: number, index: number, field: string, max: bigint): string {
  if (value < 0n || value > max) throw hopError(index, field, `${value} is outside 0..${max}`);
  return zeroPadValue(toBeHex(value), bytes);
}

function address(value: string, index: number, field: string): Address {
  if (!isAddress(value)) throw hopError(index, field, `${value} is not an address`);
  return getAddress(value) as Address;
}

/** The `Liquidation` argument of `liquidate`, as the executor reads it. */
export interface Liquidation {
  readonly collateralAsset: Address;
  readonly user: Address;
  readonly debtToCover: bigint;
}

/**
 * Builds the `Liquidation` argument of `liquidate`.
 * @param debtToCover The most debt to repay, in the debt asset's base units.
 */
export function encodeLiquidation(collateralAsset: Address, user: Address, debtToCover: bigint): Liquidation {
  if (debtToCover <= 0n) throw new RouteError(`The debt to cover must be positive, not ${debtToCover}.`);
  return {
    collateralAsset: address(collateralAsset, -1, "collateralAsset"),
    user: address(user, -1, "user"),
    debtToCover,
  };
}
