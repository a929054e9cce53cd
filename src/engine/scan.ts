import type { Address } from "../addressBook.js";
import type { Cycle, CycleHop } from "./cycles.js";
import { type MarketPool, otherToken } from "./pools.js";

const LN_Q192 = 192 * Math.log(2);

/**
 * The natural log of a pool's marginal exchange rate from `tokenIn`, fee included: what an
 * infinitesimal trade gets. A cycle can only be profitable when its hops' rates sum above zero;
 * that float test is the cheap filter in front of the exact integer sizing.
 */
export function logRate(pool: MarketPool, tokenIn: Address): number {
  const zeroForOne = tokenIn === pool.token0;
  if (pool.kind === "uniswapV2") {
    const { reserve0, reserve1 } = pool.state;
    if (reserve0 === 0n || reserve1 === 0n) return Number.NEGATIVE_INFINITY;
    const r = Math.log(Number(reserve1)) - Math.log(Number(reserve0));
    return (zeroForOne ? r : -r) + Math.log1p(-pool.feePips / 1e6);
  }
  if (pool.state.liquidity === 0n) return Number.NEGATIVE_INFINITY;
  const price = 2 * Math.log(Number(pool.state.sqrtPriceX96)) - LN_Q192;
  return (zeroForOne ? price : -price) + Math.log1p(-pool.fee / 1e6);
}

/** The token graph with every pool's rate in both directions, rebuilt or patched as pools change. */
export class RateGraph {
  /** token → [pool, other token, log rate token→other] */
  private readonly edges = new Map<Address, Edge[]>();
  /** `${token}>${hub}` → the edges from token straight to hub, and the best of their rates. */
  private readonly toHub = new Map<string, { edges: Edge[]; best: number }>();

  constructor(pools: Iterable<MarketPool>) {
    for (const pool of pools) {
      for (const from of [pool.token0, pool.token1]) {
        const list = this.edges.get(from) ?? [];
        const edge = { pool, to: otherToken(pool, from), rate: logRate(pool, from) };
        list.push(edge);
        this.edges.set(from, list);
        const key = `${from}>${edge.to}`;
        const back = this.toHub.get(key) ?? { edges: [], best: Number.NEGATIVE_INFINITY };
        back.edges.push(edge);
        back.best = Math.max(back.best, edge.rate);
        this.toHub.set(key, back);
      }
    }
  }

  /** Recomputes one pool's rates after its state changed. */
  update(pool: MarketPool): void {
    for (const from of [pool.token0, pool.token1]) {
      for (const edge of this.edges.get(from) ?? []) if (edge.pool === pool) edge.rate = logRate(pool, from);
      const back = this.toHub.get(`${from}>${otherToken(pool, from)}`);
      if (back !== undefined) back.best = Math.max(...back.edges.map((e) => e.rate));
    }
  }

  /**
   * Calls `visit` for every two- and three-hop cycle from a base token, through distinct pools,
   * whose marginal rates multiply to more than one. Cycles are not materialised otherwise.
   */
  scan(baseTokens: readonly Address[], visit: (cycle: Cycle) => void): number {
    let cycles = 0;
    for (const base of baseTokens) {
      for (const e1 of this.edges.get(base) ?? []) {
        for (const e2 of this.edges.get(e1.to) ?? []) {
          if (e2.pool === e1.pool) continue;
          const r12 = e1.rate + e2.rate;
          if (e2.to === base) {
            cycles += 1;
            if (r12 > 0) visit(cycle(base, [hop(e1.pool, base, e1.to), hop(e2.pool, e1.to, base)]));
            continue;
          }
          // Only the edges from e2.to straight back to base close a cycle; skip them all when
          // even the best cannot make it profitable. (They cannot repeat e1's or e2's pool:
          // each pool has two tokens, and these three pairs differ.)
          const back = this.toHub.get(`${e2.to}>${base}`);
          if (back === undefined) continue;
          cycles += back.edges.length;
          if (r12 + back.best <= 0) continue;
          for (const e3 of back.edges) {
            if (r12 + e3.rate > 0) {
              visit(cycle(base, [hop(e1.pool, base, e1.to), hop(e2.pool, e1.to, e2.to), hop(e3.pool, e2.to, base)]));
            }
          }
        }
      }
    }
    return cycles;
  }

  /**
   * Like `scan`, but only the cycles that contain `pool`, found from its two tokens outward:
   * what one pool's change can affect, without walking the rest of the graph.
   */
  scanThrough(pool: MarketPool, baseTokens: readonly Address[], visit: (cycle: Cycle) => void): number {
    let walked = 0;
    const emit = (
      base: Address,
      legs: ReadonlyArray<{ pool: MarketPool; from: Address; to: Address; rate: number }>,
    ) => {
      walked += 1;
      if (new Set(legs.map((l) => l.pool)).size !== legs.length) return;
      if (legs.reduce((sum, l) => sum + l.rate, 0) > 0)
        visit(
          cycle(
            base,
            legs.map((l) => hop(l.pool, l.from, l.to)),
          ),
        );
    };
    const leg = (from: Address, e: { pool: MarketPool; to: Address; rate: number }) => ({
      pool: e.pool,
      from,
      to: e.to,
      rate: e.rate,
    });
    for (const base of baseTokens) {
      for (const [a, b] of [
        [pool.token0, pool.token1],
        [pool.token1, pool.token0],
      ] as const) {
        const own = (this.edges.get(a) ?? []).find((e) => e.pool === pool);
        if (own === undefined) continue;
        const p = leg(a, own);
        if (a === base) {
          // pool first: base → b, then back in one hop or two.
          for (const e2 of this.edges.get(b) ?? []) {
            if (e2.to === base) emit(base, [p, leg(b, e2)]);
            else
              for (const e3 of this.edges.get(e2.to) ?? [])
                if (e3.to === base) emit(base, [p, leg(b, e2), leg(e2.to, e3)]);
          }
        } else if (b === base) {
          // pool last: base → a (one hop) or base → x → a (two hops), then a → base through it.
          for (const e1 of this.edges.get(base) ?? []) {
            if (e1.to === a) emit(base, [leg(base, e1), p]);
            else
              for (const e2 of this.edges.get(e1.to) ?? [])
                if (e2.to === a) emit(base, [leg(base, e1), leg(e1.to, e2), p]);
          }
        } else {
          // pool in the middle: base → a, a → b through it, b → base.
          for (const e1 of this.edges.get(base) ?? []) {
            if (e1.to !== a) continue;
            for (const e3 of this.edges.get(b) ?? []) if (e3.to === base) emit(base, [leg(base, e1), p, leg(b, e3)]);
          }
        }
      }
    }
    return walked;
  }
}

interface Edge {
  readonly pool: MarketPool;
  readonly to: Address;
  rate: number;
}

function hop(pool: MarketPool, tokenIn: Address, tokenOut: Address): CycleHop {
  return { pool, tokenIn, tokenOut };
}

function cycle(token: Address, hops: CycleHop[]): Cycle {
  return { id: `${token}:${hops.map((h) => h.pool.address).join(">")}`, token, hops };
}
