import { expect } from "chai";
import { getAddress, hexlify } from "ethers";
import type { Address } from "../../src/addressBook.js";
import {
  type DecodedHop,
  decodeRoute,
  encodeLoan,
  encodeRoute,
  RouteError,
  type RouteHop,
} from "../../src/executor/route.js";
import { loadExecutor } from "../fixtures/executor.js";

/** A small deterministic generator (xorshift64*), so failures reproduce. */
function rng(seed: bigint): () => bigint {
  let state = seed;
  return () => {
    state ^= state >> 12n;
    state ^= (state << 25n) & 0xffff_ffff_ffff_ffffn;
    state ^= state >> 27n;
    return (state * 0x2545_f491_4f6c_dd1dn) & 0xffff_ffff_ffff_ffffn;
  };
}

function randomBytes(next: () => bigint, bytes: number): string {
  let hex = "";
  while (hex.length < bytes * 2) hex += next().toString(16).padStart(16, "0");
  return `0x${hex.slice(0, bytes * 2)}`;
}

function randomRoute(next: () => bigint): RouteHop[] {
  const hops: RouteHop[] = [];
  const count = 1 + Number(next() % 5n);
  for (let k = 0; k < count; k++) {
    const tokenOut = getAddress(randomBytes(next, 20)) as Address;
    const minAmountOut = next() % 3n === 0n ? 0n : BigInt(randomBytes(next, 16));
    switch (Number(next() % 5n)) {
      case 0:
        hops.push({
          kind: "UniswapV2",
          factoryIndex: Number(next() % 2n),
          tokenOut,
          feePips: Number(next() % 1_000_000n),
          minAmountOut,
        });
        break;
      case 1:
        hops.push({ kind: "UniswapV3", tokenOut, fee: Number(next() % 0x1000000n), minAmountOut });
        break;
      case 2:
        hops.push({ kind: "BalancerV2", poolId: randomBytes(next, 32) as `0x${string}`, tokenOut, minAmountOut });
        break;
      case 3:
        hops.push({
          kind: "UniswapV4",
          tokenOut,
          fee: Number(next() % 1_000_001n),
          tickSpacing: 1 + Number(next() % 32_767n),
          minAmountOut,
        });
        break;
      default:
        hops.push({
          kind: "Curve",
          pool: getAddress(randomBytes(next, 20)) as Address,
          tokenOut,
          i: Number(next() % 128n),
          j: Number(next() % 128n),
          minAmountOut,
        });
    }
  }
  return hops;
}

/** The Solidity `Hop` struct as ethers returns it, as plain values. */
function solidityHop(raw: unknown): Record<string, unknown> {
  const h = raw as { toObject(): Record<string, unknown> };
  return h.toObject();
}

function expected(hop: DecodedHop): Record<string, unknown> {
  const zero = `0x${"00".repeat(20)}`;
  return {
    kind: BigInt(["UniswapV2", "UniswapV3", "BalancerV2", "Curve", "UniswapV4"].indexOf(hop.kind)),
    factoryIndex: hop.kind === "UniswapV2" ? BigInt(hop.factoryIndex) : 0n,
    fee:
      hop.kind === "UniswapV2"
        ? BigInt(hop.feePips)
        : hop.kind === "UniswapV3" || hop.kind === "UniswapV4"
          ? BigInt(hop.fee)
          : 0n,
    tickSpacing: hop.kind === "UniswapV4" ? BigInt(hop.tickSpacing) : 0n,
    pool: hop.kind === "Curve" ? hop.pool : getAddress(zero),
    poolId: hop.kind === "BalancerV2" ? hop.poolId : `0x${"00".repeat(32)}`,
    tokenIn: hop.tokenIn,
    tokenOut: hop.tokenOut,
    i: hop.kind === "Curve" ? BigInt(hop.i) : 0n,
    j: hop.kind === "Curve" ? BigInt(hop.j) : 0n,
    minAmountOut: hop.minAmountOut ?? 0n,
  };
}

describe("route encoding", () => {
  it("what TypeScript encodes is what the executor decodes (200 random routes)", async () => {
    const f = await loadExecutor();
    const next = rng(0x5eedn);
    for (let n = 0; n < 200; n++) {
      const hops = randomRoute(next);
      const loanToken = getAddress(randomBytes(next, 20)) as Address;
      const encoded = encodeRoute(hops);
      const decoded = decodeRoute(loanToken, encoded);
      expect(decoded.map(({ tokenIn: _, ...rest }) => ({ minAmountOut: 0n, ...rest }))).to.deep.equal(
        hops.map((h) => ({ minAmountOut: 0n, ...h })),
      );
      const onChain = (await f.executor.getFunction("decodeRoute")(loanToken, encoded)) as unknown[];
      expect(onChain.map(solidityHop)).to.deep.equal(decoded.map(expected));
    }
  });

  it("packs each hop kind into its documented size", () => {
    const token = "0x00000000000000000000000000000000000000A1" as Address;
    expect(
      hexlify(encodeRoute([{ kind: "UniswapV2", factoryIndex: 0, tokenOut: token, feePips: 3000 }])),
    ).to.have.length(2 + 82);
    expect(encodeRoute([{ kind: "UniswapV3", tokenOut: token, fee: 500 }])).to.have.length(2 + 80);
    expect(encodeRoute([{ kind: "BalancerV2", poolId: `0x${"11".repeat(32)}`, tokenOut: token }])).to.have.length(
      2 + 138,
    );
    expect(encodeRoute([{ kind: "Curve", pool: token, tokenOut: token, i: 0, j: 1 }])).to.have.length(2 + 118);
    expect(encodeRoute([{ kind: "UniswapV4", tokenOut: token, fee: 500, tickSpacing: 10 }])).to.have.length(2 + 86);
  });

  describe("bad input gets a clear error", () => {
    const token = "0x00000000000000000000000000000000000000A1" as Address;
    const cases: Array<[string, () => unknown, RegExp]> = [
      ["an empty route", () => encodeRoute([]), /at least one hop/],
      [
        "a malformed address",
        () => encodeRoute([{ kind: "UniswapV3", tokenOut: "0x1234" as Address, fee: 500 }]),
        /Hop 0 tokenOut: 0x1234 is not an address/,
      ],
      [
        "a V4 tick spacing of zero",
        () => encodeRoute([{ kind: "UniswapV4", tokenOut: token, fee: 500, tickSpacing: 0 }]),
        /Hop 0 tickSpacing: 0 is outside 1\.\.32767/,
      ],
      [
        "a V4 fee above 100%",
        () => encodeRoute([{ kind: "UniswapV4", tokenOut: token, fee: 1_000_001, tickSpacing: 10 }]),
        /Hop 0 fee: 1000001 is outside 0\.\.1000000/,
      ],
      [
        "a V2 fee of 100%",
        () => encodeRoute([{ kind: "UniswapV2", factoryIndex: 0, tokenOut: token, feePips: 1_000_000 }]),
        /Hop 0 feePips: 1000000 is not below/,
      ],
      [
        "a fee tier over 3 bytes",
        () => encodeRoute([{ kind: "UniswapV3", tokenOut: token, fee: 0x1000000 }]),
        /Hop 0 fee: 16777216 is outside/,
      ],
      [
        "a minimum over 128 bits",
        () => encodeRoute([{ kind: "UniswapV3", tokenOut: token, fee: 500, minAmountOut: 1n << 128n }]),
        /minAmountOut/,
      ],
      [
        "a negative minimum",
        () => encodeRoute([{ kind: "UniswapV3", tokenOut: token, fee: 500, minAmountOut: -1n }]),
        /minAmountOut: -1 is outside/,
      ],
      [
        "a short pool id",
        () => encodeRoute([{ kind: "BalancerV2", poolId: "0x1234", tokenOut: token }]),
        /Hop 0 poolId: 0x1234 is not 32 bytes/,
      ],
      [
        "an unknown kind",
        () => encodeRoute([{ kind: "Sushi", tokenOut: token } as unknown as RouteHop]),
        /unknown kind/,
      ],
      ["bytes ending inside a hop", () => decodeRoute(token, "0x01aa"), /ends inside hop 0/],
      ["an unknown kind byte", () => decodeRoute(token, "0x09"), /unknown kind 9 at byte 0/],
      ["a zero loan", () => encodeLoan("AaveV3", token, 0n), /must be positive/],
      ["a V3 loan without its pool", () => encodeLoan("UniswapV3", token, 1n), /other token and fee tier/],
    ];
    for (const [name, run, message] of cases) {
      it(`refuses ${name}`, () => {
        expect(run).to.throw(RouteError, message);
      });
    }
  });
});
