import type { Address } from "../../addressBook.js";
import { type MarketPool, poolTokens, venueOf, virtualReserves } from "../venues/pools.js";
import { optimalInput, profitAt } from "./closedForm.js";
import type { Cycle, CycleHop } from "./cycles.js";

/**
 * The natural log of a pool's marginal exchange rate from `tokenIn`, fee included: what an
 * infinitesimal trade gets. A cycle can only be profitable when its hops' rates sum above zero;
 * that float test is the cheap filter in front of the exact integer sizing.
 */
export function logRate(pool: MarketPool, tokenIn: Address, tokenOut: Address): number {
  return venueOf(pool).logRate(pool, tokenIn, tokenOut);
}

/**
 * A cycle found by the scan, with its closed-form size in floats: the input and profit of the
 * cycle seen as one constant-product curve (each V3 pool through its in-range virtual
 * reserves). Exact but for float rounding while no V3 hop leaves its current tick range;
 * only a ranking and a filter — what is traded is sized again with the pools' integer math.
 */
export interface Estimate {
  readonly cycle: Cycle;
  readonly amountIn: number;
  readonly profit: number;
}

/** Per base token, the least estimated profit (in its base units) worth reporting. */
export type ProfitFloor = (base: Address) => number;

/**
 * The token graph with every pool's marginal rate and virtual reserves in both directions,
 * patched in place as pools change. Tokens are numbered and the edges between each ordered pair
 * of tokens are grouped with the best of their rates, so the walk can skip whole branches that
 * cannot close a profitable cycle without looking at them.
 */
export class RateGraph {
  private readonly tokens: Address[] = [];
  private readonly tokenIndex = new Map<Address, number>();
  /** token → the edges leaving it */
  private readonly edges: Edge[][] = [];
  /** from · T + to → the edges from `from` to `to` */
  private readonly pairs = new Map<number, Pair>();
  private readonly poolEdges = new Map<MarketPool, readonly Edge[]>();
  private readonly stride: number;

  constructor(pools: Iterable<MarketPool>) {
    const list = [...pools];
    for (const pool of list) for (const token of poolTokens(pool)) this.indexOf(token);
    this.stride = this.tokens.length;
    for (const pool of list) {
      const tokens = poolTokens(pool).map((t) => this.indexOf(t));
      const multi = tokens.length > 2;
      const own: Edge[] = [];
      // One edge per ordered pair of the pool's tokens.
      for (const from of tokens) for (const to of tokens) if (from !== to) own.push(newEdge(pool, from, to, multi));
      for (const edge of own) {
        edge.reverse = own.find((e) => e.from === edge.to && e.to === edge.from);
        (this.edges[edge.from] as Edge[]).push(edge);
        const key = edge.from * this.stride + edge.to;
        const pair = this.pairs.get(key) ?? { edges: [], best: Number.NEGATIVE_INFINITY, multi: false };
        pair.edges.push(edge);
        pair.multi ||= multi;
        this.pairs.set(key, pair);
      }
      this.poolEdges.set(pool, own);
      this.update(pool);
    }
  }

  /** Recomputes one pool's rates and virtual reserves after its state changed. */
  update(pool: MarketPool): void {
    for (const edge of this.poolEdges.get(pool) ?? []) {
      const tokenIn = this.tokens[edge.from] as Address;
      const tokenOut = this.tokens[edge.to] as Address;
      edge.rate = logRate(pool, tokenIn, tokenOut);
      const [rIn, rOut, gamma] = virtualReserves(pool, tokenIn, tokenOut);
      edge.rIn = rIn;
      edge.rOut = rOut;
      edge.gamma = gamma;
      const pair = this.pairs.get(edge.from * this.stride + edge.to) as Pair;
      pair.best = Number.NEGATIVE_INFINITY;
      for (const e of pair.edges) if (e.rate > pair.best) pair.best = e.rate;
    }
  }

  /**
   * Every two- and three-hop cycle from a base token through distinct pools, sized in closed
   * form: `visit` is called for each whose marginal rates multiply above one and whose estimated
   * profit is above `floor(base)` (every such cycle when no floor is given). Returns how many
   * cycles exist in all, counted without walking the ones that cannot be profitable.
   */
  scan(baseTokens: readonly Address[], visit: (found: Estimate) => void, floor?: ProfitFloor): number {
    let cycles = 0;
    for (const baseAddress of baseTokens) {
      const base = this.tokenIndex.get(baseAddress);
      if (base === undefined) continue;
      const least = floor?.(baseAddress) ?? Number.NEGATIVE_INFINITY;
      const T = this.stride;
      // For each token t next to base: back[t], the best rate t → base, and backPair[t], the
      // pools from t to base. Parallel pools base → t are walked together, as one pair.
      const back = new Float64Array(T).fill(Number.NEGATIVE_INFINITY);
      const backPair: (Pair | undefined)[] = new Array(T);
      const out: Pair[] = [];
      for (const e of this.edges[base] as Edge[]) {
        if (backPair[e.to] !== undefined) continue;
        const pair = this.pairs.get(e.to * T + base) as Pair;
        back[e.to] = pair.best;
        backPair[e.to] = pair;
        out.push(this.pairs.get(base * T + e.to) as Pair);
      }
      for (const first of out) {
        const t = (first.edges[0] as Edge).to;
        const n = first.edges.length;
        const home = backPair[t] as Pair;
        // Two-hop cycles: out through one pool, back through another.
        cycles += n * (n - 1);
        if (first.best + home.best > 0) {
          for (const e1 of first.edges) {
            for (const e2 of home.edges) {
              if (e2.pool === e1.pool || e1.rate + e2.rate <= 0) continue;
              const found = estimate(e1, e2, undefined);
              if (found > least) visit(this.found(baseAddress, [e1, e2], found));
            }
          }
        }
        // Three-hop cycles: base → t → x → base, x ≠ base.
        for (const e2 of this.edges[t] as Edge[]) {
          const x = e2.to;
          if (x === base) continue;
          const last = backPair[x];
          if (last === undefined) continue;
          // Only a pool of three or more tokens can appear twice in a cycle; count those exactly.
          cycles += first.multi || e2.multi || last.multi ? countDistinct(first, e2, last) : n * last.edges.length;
          const r23 = e2.rate + last.best;
          if (first.best + r23 <= 0) continue;
          for (const e1 of first.edges) {
            const r12 = e1.rate + e2.rate;
            if (r12 + last.best <= 0 || e1.pool === e2.pool) continue;
            for (const e3 of last.edges) {
              if (r12 + e3.rate <= 0 || e3.pool === e1.pool || e3.pool === e2.pool) continue;
              const found = estimate(e1, e2, e3);
              if (found > least) visit(this.found(baseAddress, [e1, e2, e3], found));
            }
          }
        }
      }
    }
    return cycles;
  }

  /**
   * Like `scan`, but only the cycles that contain `pool`, reached from its two tokens through
   * the pair index: what one pool's change can affect, without walking the rest of the graph.
   */
  scanThrough(
    pool: MarketPool,
    baseTokens: readonly Address[],
    visit: (found: Estimate) => void,
    floor?: ProfitFloor,
  ): void {
    const own = this.poolEdges.get(pool);
    if (own === undefined) return;
    const T = this.stride;
    const pairOf = (from: number, to: number) => this.pairs.get(from * T + to);
    for (const baseAddress of baseTokens) {
      const base = this.tokenIndex.get(baseAddress);
      if (base === undefined) continue;
      const least = floor?.(baseAddress) ?? Number.NEGATIVE_INFINITY;
      const emit = (legs: Edge[]) => {
        if (legs.reduce((sum, l) => sum + l.rate, 0) <= 0) return;
        if (
          legs[0]?.pool === legs[1]?.pool ||
          (legs[2] !== undefined && (legs[2].pool === legs[0]?.pool || legs[2].pool === legs[1]?.pool))
        )
          return;
        const found = estimate(legs[0] as Edge, legs[1] as Edge, legs[2]);
        if (found > least) visit(this.found(baseAddress, legs, found));
      };
      for (const p of own) {
        const a = p.from;
        const b = p.to;
        if (a === base) {
          // The pool first: base → b, then back in one hop or through one more token.
          for (const e2 of pairOf(b, base)?.edges ?? []) if (e2.pool !== pool) emit([p, e2]);
          for (const e2 of this.edges[b] as Edge[]) {
            if (e2.to === base) continue;
            const back = pairOf(e2.to, base);
            if (back === undefined || p.rate + e2.rate + back.best <= 0) continue;
            for (const e3 of back.edges) emit([p, e2, e3]);
          }
        } else if (b === base) {
          // The pool last: base → a in one hop, or base → x → a (the reverse of an edge a → x).
          for (const e1 of pairOf(base, a)?.edges ?? []) if (e1.pool !== pool) emit([e1, p]);
          for (const out of this.edges[a] as Edge[]) {
            if (out.to === base) continue;
            const e2 = out.reverse as Edge;
            const first = pairOf(base, e2.from);
            if (first === undefined || first.best + e2.rate + p.rate <= 0) continue;
            for (const e1 of first.edges) emit([e1, e2, p]);
          }
        } else {
          // The pool in the middle: base → a, a → b through it, b → base.
          const first = pairOf(base, a);
          const last = pairOf(b, base);
          if (first === undefined || last === undefined || first.best + p.rate + last.best <= 0) continue;
          for (const e1 of first.edges) for (const e3 of last.edges) emit([e1, p, e3]);
        }
      }
    }
  }

  private indexOf(token: Address): number {
    let i = this.tokenIndex.get(token);
    if (i === undefined) {
      i = this.tokens.length;
      this.tokens.push(token);
      this.tokenIndex.set(token, i);
      this.edges.push([]);
    }
    return i;
  }

  private found(base: Address, legs: readonly Edge[], profit: number): Estimate {
    const hops: CycleHop[] = legs.map((l) => ({
      pool: l.pool,
      tokenIn: this.tokens[l.from] as Address,
      tokenOut: this.tokens[l.to] as Address,
    }));
    return {
      cycle: { id: `${base}:${legs.map((l) => l.pool.address).join(">")}`, token: base, hops },
      amountIn: lastAmountIn,
      profit,
    };
  }
}

interface Edge {
  readonly pool: MarketPool;
  readonly from: number;
  readonly to: number;
  /** Whether the pool has more than two tokens (and may be met twice in one walk). */
  readonly multi: boolean;
  reverse: Edge | undefined;
  rate: number;
  /** Virtual reserves in and out, and one minus the fee. */
  rIn: number;
  rOut: number;
  gamma: number;
}

interface Pair {
  readonly edges: Edge[];
  best: number;
  /** Whether any of its pools has more than two tokens. */
  multi: boolean;
}

function newEdge(pool: MarketPool, from: number, to: number, multi: boolean): Edge {
  return { pool, from, to, multi, reverse: undefined, rate: Number.NEGATIVE_INFINITY, rIn: 0, rOut: 0, gamma: 0 };
}

/** The three-hop cycles first → e2 → last through three distinct pools. */
function countDistinct(first: Pair, e2: Edge, last: Pair): number {
  let count = 0;
  for (const e1 of first.edges) {
    if (e1.pool === e2.pool) continue;
    for (const e3 of last.edges) if (e3.pool !== e1.pool && e3.pool !== e2.pool) count += 1;
  }
  return count;
}

/** The input of the last `estimate`, returned beside it without allocating. */
let lastAmountIn = 0;

/**
 * The closed-form optimum (`closedForm.ts`) of two or three constant-product hops, composed
 * here without allocating (this runs for every candidate of the scan). Returns the profit
 * there (−∞ when none) and leaves the input in `lastAmountIn`.
 */
function estimate(e1: Edge, e2: Edge, e3: Edge | undefined): number {
  // After the first hop, with B scaled to one.
  let a = (e1.gamma * e1.rOut) / e1.rIn;
  let c = e1.gamma / e1.rIn;
  let na = e2.gamma * e2.rOut * a;
  let nb = e2.rIn;
  let nc = e2.rIn * c + e2.gamma * a;
  a = na / nb;
  c = nc / nb;
  if (e3 !== undefined) {
    na = e3.gamma * e3.rOut * a;
    nb = e3.rIn;
    nc = e3.rIn * c + e3.gamma * a;
    a = na / nb;
    c = nc / nb;
  }
  const x = optimalInput(a, c);
  if (!(x > 0)) return Number.NEGATIVE_INFINITY;
  lastAmountIn = x;
  return profitAt(a, c, x);
}
