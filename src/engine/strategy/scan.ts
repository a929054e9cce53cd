import type { Address } from "../../addressBook.js";
import { boundReserves, type MarketPool, poolTokens, venueOf, virtualReserves } from "../venues/pools.js";
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
 * reserves), and an upper bound of the profit that no size can beat (each hop through the most
 * generous curve it can trade along: `boundReserves`). Only a ranking and a filter: what is
 * traded is sized again with the pools' integer math.
 */
export interface Estimate {
  readonly cycle: Cycle;
  /** The cycle's pools, in order (cheaper than `cycle` where only they are needed). */
  readonly pools: readonly MarketPool[];
  readonly amountIn: number;
  readonly profit: number;
  /** At least the most any input makes, in the base token's units (floats aside). */
  readonly bound: number;
}

/** Per base token, the least profit (in its base units) a cycle's upper bound must beat to be reported. */
export type ProfitFloor = (base: Address) => number;

/**
 * The bands (in log rate) the screening's bound reserves are kept for: a cycle whose rates
 * multiply to `e^m` is bounded with the narrowest band at least `m`, so liquidity far past
 * the current tick only counts for cycles whose margin could reach it.
 */
const BANDS = [0.001, 0.01, 0.1, Number.POSITIVE_INFINITY] as const;
const LEVELS = BANDS.length;

/**
 * The token graph with every pool's marginal rate and closed-form reserves in both directions,
 * patched in place as pools change.
 *
 * Laid out for the walk, which at a whole chain's pools is most of the work: tokens and pools
 * are numbered, every directed edge (a pool from one of its tokens to another) lives in typed
 * arrays sorted by (from, to), and the edges of each ordered pair of tokens form a group with
 * the best of their rates. A token's groups, a group's edges and a cycle's numbers are each
 * contiguous, so the walk reads memory in order, skips whole groups that cannot close a
 * profitable cycle, and allocates only for what it reports (whose `Cycle` is built on demand).
 */
export class RateGraph {
  private readonly tokens: Address[] = [];
  private readonly tokenIndex = new Map<Address, number>();
  private readonly pools: MarketPool[];
  private readonly poolIndex = new Map<MarketPool, number>();
  /** Per edge, sorted by (from, to, pool). */
  private readonly edgeTo: Int32Array;
  private readonly edgeFrom: Int32Array;
  private readonly edgePool: Int32Array;
  private readonly edgeGroup: Int32Array;
  private readonly rate: Float64Array;
  private readonly rIn: Float64Array;
  private readonly rOut: Float64Array;
  private readonly gamma: Float64Array;
  /** `LEVELS` bound reserves per edge, one per band. */
  private readonly boundIn: Float64Array;
  private readonly boundOut: Float64Array;
  /** 1 where some band's bound reserves differ from the closed form's (a V3 pool with deeper liquidity ahead, an unequally weighted pool). */
  private readonly loose: Uint8Array;
  /** Per group of one ordered pair of tokens: its edges are `groupStart[g]` to `groupStart[g + 1]`. */
  private readonly groupStart: Int32Array;
  private readonly groupTo: Int32Array;
  private readonly groupBest: Float64Array;
  /** The group of the same pair the other way. */
  private readonly groupReverse: Int32Array;
  /** 1 where a pool of the group has more than two tokens (and may be met twice in a walk). */
  private readonly groupMulti: Uint8Array;
  /** from · tokens + to → the group of that ordered pair. */
  private readonly pairGroup = new Map<number, number>();
  /** Per token: its groups are `tokenStart[t]` to `tokenStart[t + 1]`. */
  private readonly tokenStart: Int32Array;
  /** Per pool: its edges are `poolEdges[poolStart[p]]` to `poolEdges[poolStart[p + 1] − 1]`. */
  private readonly poolStart: Int32Array;
  private readonly poolEdges: Int32Array;
  /** How many steps the last `scan` took (groups and edges looked at): the benchmark's ns per step. */
  walkedSteps = 0;
  /** Scratch for a walk: token → its group back to the base, −1 where none. */
  private readonly backGroup: Int32Array;
  /**
   * Scratch for a walk: per edge out of the base, the least margin with which a cycle starting
   * through it can clear the floor; per edge back into the base, the same for a cycle ending
   * through it.
   */
  private readonly need: Float64Array;

  constructor(pools: Iterable<MarketPool>) {
    this.pools = [...pools];
    const raw: { from: number; to: number; pool: number }[] = [];
    this.pools.forEach((pool, p) => {
      this.poolIndex.set(pool, p);
      const own = poolTokens(pool).map((t) => this.indexOf(t));
      for (const from of own) for (const to of own) if (from !== to) raw.push({ from, to, pool: p });
    });
    raw.sort((x, y) => x.from - y.from || x.to - y.to || x.pool - y.pool);
    const T = this.tokens.length;
    const E = raw.length;
    this.edgeTo = Int32Array.from(raw, (e) => e.to);
    this.edgeFrom = Int32Array.from(raw, (e) => e.from);
    this.edgePool = Int32Array.from(raw, (e) => e.pool);
    this.edgeGroup = new Int32Array(E);
    this.rate = new Float64Array(E).fill(Number.NEGATIVE_INFINITY);
    this.rIn = new Float64Array(E);
    this.rOut = new Float64Array(E);
    this.gamma = new Float64Array(E);
    this.boundIn = new Float64Array(E * LEVELS);
    this.boundOut = new Float64Array(E * LEVELS);
    this.loose = new Uint8Array(E);
    // Groups: runs of edges with the same (from, to).
    const starts: number[] = [];
    const tos: number[] = [];
    this.tokenStart = new Int32Array(T + 1);
    for (let e = 0; e < E; e++) {
      if (e === 0 || raw[e]?.from !== raw[e - 1]?.from || raw[e]?.to !== raw[e - 1]?.to) {
        starts.push(e);
        tos.push(raw[e]?.to as number);
      }
      this.edgeGroup[e] = starts.length - 1;
    }
    const G = starts.length;
    this.groupStart = Int32Array.from([...starts, E]);
    this.groupTo = Int32Array.from(tos);
    this.groupBest = new Float64Array(G).fill(Number.NEGATIVE_INFINITY);
    this.groupReverse = new Int32Array(G);
    this.groupMulti = new Uint8Array(G);
    const groupOf = this.pairGroup;
    for (let g = 0; g < G; g++) {
      const from = this.edgeFrom[this.groupStart[g] as number] as number;
      groupOf.set(from * T + (this.groupTo[g] as number), g);
    }
    // tokenStart[t] = the first group from t; tokens without groups point at the next one's.
    let g = 0;
    for (let t = 0; t <= T; t++) {
      while (g < G && (this.edgeFrom[this.groupStart[g] as number] as number) < t) g++;
      this.tokenStart[t] = g;
    }
    for (let k = 0; k < G; k++) {
      const from = this.edgeFrom[this.groupStart[k] as number] as number;
      this.groupReverse[k] = groupOf.get((this.groupTo[k] as number) * T + from) as number;
    }
    // Each pool's edges, for updates and the walk through one pool.
    const P = this.pools.length;
    this.poolStart = new Int32Array(P + 1);
    for (let e = 0; e < E; e++) (this.poolStart[(this.edgePool[e] as number) + 1] as number)++;
    for (let p = 0; p < P; p++)
      this.poolStart[p + 1] = (this.poolStart[p + 1] as number) + (this.poolStart[p] as number);
    this.poolEdges = new Int32Array(E);
    const fill = this.poolStart.slice(0, P);
    for (let e = 0; e < E; e++) {
      const p = this.edgePool[e] as number;
      this.poolEdges[fill[p] as number] = e;
      fill[p] = (fill[p] as number) + 1;
      if (poolTokens(this.pools[p] as MarketPool).length > 2) this.groupMulti[this.edgeGroup[e] as number] = 1;
    }
    this.backGroup = new Int32Array(T).fill(-1);
    this.need = new Float64Array(E);
    for (const pool of this.pools) this.update(pool);
  }

  /** Recomputes one pool's rates and reserves after its state changed. */
  update(pool: MarketPool): void {
    const p = this.poolIndex.get(pool);
    if (p === undefined) return;
    for (let k = this.poolStart[p] as number; k < (this.poolStart[p + 1] as number); k++) {
      const e = this.poolEdges[k] as number;
      const tokenIn = this.tokens[this.edgeFrom[e] as number] as Address;
      const tokenOut = this.tokens[this.edgeTo[e] as number] as Address;
      this.rate[e] = logRate(pool, tokenIn, tokenOut);
      const [rIn, rOut, gamma] = virtualReserves(pool, tokenIn, tokenOut);
      this.rIn[e] = rIn;
      this.rOut[e] = rOut;
      this.gamma[e] = gamma;
      let loose = 0;
      for (let level = 0; level < LEVELS; level++) {
        const [bIn, bOut] = boundReserves(pool, tokenIn, tokenOut, BANDS[level] as number);
        this.boundIn[e * LEVELS + level] = bIn;
        this.boundOut[e * LEVELS + level] = bOut;
        if (bIn !== rIn || bOut !== rOut) loose = 1;
      }
      this.loose[e] = loose;
      const g = this.edgeGroup[e] as number;
      let best = Number.NEGATIVE_INFINITY;
      for (let f = this.groupStart[g] as number; f < (this.groupStart[g + 1] as number); f++)
        if ((this.rate[f] as number) > best) best = this.rate[f] as number;
      this.groupBest[g] = best;
    }
  }

  /**
   * Every two- and three-hop cycle from a base token through distinct pools: `visit` is called
   * for each whose marginal rates multiply above one and whose upper bound of profit is above
   * `floor(base)` (every such cycle when no floor is given). Returns how many cycles exist in
   * all, counted without walking the ones that cannot be profitable.
   */
  scan(baseTokens: readonly Address[], visit: (found: Estimate) => void, floor?: ProfitFloor): number {
    let cycles = 0;
    let steps = 0;
    const { tokenStart, groupStart, groupTo, groupBest, groupReverse, groupMulti, rate, edgePool, backGroup, need } =
      this;
    for (const baseAddress of baseTokens) {
      const base = this.tokenIndex.get(baseAddress);
      if (base === undefined) continue;
      const least = floor?.(baseAddress) ?? Number.NEGATIVE_INFINITY;
      const firstGroup = tokenStart[base] as number;
      const lastGroup = tokenStart[base + 1] as number;
      for (let g1 = firstGroup; g1 < lastGroup; g1++) backGroup[groupTo[g1] as number] = groupReverse[g1] as number;
      // The least margin each edge out of the base and each edge back into it needs for the
      // cycle's bound to clear the floor (`needFirst`, `needLast`): the walk skips the rest
      // before any closed form.
      for (let e1 = groupStart[firstGroup] as number; e1 < (groupStart[lastGroup] as number); e1++) {
        need[e1] = this.needFirst(e1, least);
      }
      for (let g1 = firstGroup; g1 < lastGroup; g1++) {
        const g = groupReverse[g1] as number;
        for (let e = groupStart[g] as number; e < (groupStart[g + 1] as number); e++) need[e] = this.needLast(e, least);
      }
      for (let g1 = firstGroup; g1 < lastGroup; g1++) {
        const t = groupTo[g1] as number;
        const s1 = groupStart[g1] as number;
        const n1 = (groupStart[g1 + 1] as number) - s1;
        // The best rate of the group and the least margin any of its edges needs: what the
        // groups after it must make up together.
        let need1 = Number.POSITIVE_INFINITY;
        for (let e1 = s1; e1 < s1 + n1; e1++)
          if ((need[e1] as number) - (rate[e1] as number) < need1) need1 = (need[e1] as number) - (rate[e1] as number);
        const home = backGroup[t] as number;
        // Two-hop cycles: out through one pool, back through another.
        cycles += n1 * (n1 - 1);
        if ((groupBest[home] as number) > need1) {
          const sh = groupStart[home] as number;
          const eh = groupStart[home + 1] as number;
          steps += n1 * (eh - sh);
          for (let e1 = s1; e1 < s1 + n1; e1++) {
            const r1 = rate[e1] as number;
            const n = need[e1] as number;
            for (let e2 = sh; e2 < eh; e2++) {
              const m = r1 + (rate[e2] as number);
              if (edgePool[e2] === edgePool[e1] || m <= n || m <= (need[e2] as number)) continue;
              this.consider(base, e1, e2, -1, least, visit);
            }
          }
        }
        // Three-hop cycles: base → t → x → base, x ≠ base.
        const last2 = tokenStart[t + 1] as number;
        steps += 1 + last2 - (tokenStart[t] as number);
        for (let g2 = tokenStart[t] as number; g2 < last2; g2++) {
          const x = groupTo[g2] as number;
          if (x === base) continue;
          const g3 = backGroup[x] as number;
          if (g3 < 0) continue;
          const s2 = groupStart[g2] as number;
          const e2End = groupStart[g2 + 1] as number;
          const s3 = groupStart[g3] as number;
          const e3End = groupStart[g3 + 1] as number;
          // Only a pool of three or more tokens can appear twice in a cycle; count those exactly.
          cycles +=
            groupMulti[g1] || groupMulti[g2] || groupMulti[g3]
              ? this.countDistinct(g1, g2, g3)
              : n1 * (e2End - s2) * (e3End - s3);
          const best3 = groupBest[g3] as number;
          if ((groupBest[g2] as number) + best3 <= need1) continue;
          steps += e2End - s2;
          for (let e2 = s2; e2 < e2End; e2++) {
            const r2 = rate[e2] as number;
            if (r2 + best3 <= need1) continue;
            const p2 = edgePool[e2];
            steps += n1;
            for (let e1 = s1; e1 < s1 + n1; e1++) {
              const n = need[e1] as number;
              const r12 = (rate[e1] as number) + r2;
              if (r12 + best3 <= n || edgePool[e1] === p2) continue;
              const p1 = edgePool[e1];
              steps += e3End - s3;
              for (let e3 = s3; e3 < e3End; e3++) {
                const m = r12 + (rate[e3] as number);
                if (m <= n || m <= (need[e3] as number) || edgePool[e3] === p1 || edgePool[e3] === p2) continue;
                this.consider(base, e1, e2, e3, least, visit);
              }
            }
          }
        }
      }
      for (let g1 = firstGroup; g1 < lastGroup; g1++) backGroup[groupTo[g1] as number] = -1;
    }
    this.walkedSteps = steps;
    return cycles;
  }

  /**
   * Like `scan`, but only the cycles that contain `pool`, reached from its tokens through the
   * groups: what one pool's change can affect, without walking the rest of the graph.
   */
  scanThrough(
    pool: MarketPool,
    baseTokens: readonly Address[],
    visit: (found: Estimate) => void,
    floor?: ProfitFloor,
  ): void {
    const p = this.poolIndex.get(pool);
    if (p === undefined) return;
    const { tokenStart, groupStart, groupTo, groupBest, groupReverse, rate, edgePool, edgeFrom, edgeTo } = this;
    const T = this.tokens.length;
    // Groups found through the pair index, not by marking the base's neighbours as `scan`
    // does: a hub has thousands of them, and one pool's cycles touch a few.
    const between = (from: number, to: number) => this.pairGroup.get(from * T + to) ?? -1;
    const emit = (base: number, least: number, e1: number, e2: number, e3: number) => {
      const last = e3 < 0 ? e2 : e3;
      const sum = (rate[e1] as number) + (rate[e2] as number) + (e3 < 0 ? 0 : (rate[e3] as number));
      if (sum <= 0 || edgePool[e1] === edgePool[e2]) return;
      if (e3 >= 0 && (edgePool[e3] === edgePool[e1] || edgePool[e3] === edgePool[e2])) return;
      if (sum <= this.needFirst(e1, least) || sum <= this.needLast(last, least)) return;
      this.consider(base, e1, e2, e3, least, visit);
    };
    for (const baseAddress of baseTokens) {
      const base = this.tokenIndex.get(baseAddress);
      if (base === undefined) continue;
      const least = floor?.(baseAddress) ?? Number.NEGATIVE_INFINITY;
      for (let k = this.poolStart[p] as number; k < (this.poolStart[p + 1] as number); k++) {
        const own = this.poolEdges[k] as number;
        const a = edgeFrom[own] as number;
        const b = edgeTo[own] as number;
        const r = rate[own] as number;
        if (a === base) {
          // The pool first: base → b, then back in one hop or through one more token.
          const need = this.needFirst(own, least);
          const home = between(b, base);
          for (let e2 = groupStart[home] as number; e2 < (groupStart[home + 1] as number); e2++)
            emit(base, least, own, e2, -1);
          for (let g2 = tokenStart[b] as number; g2 < (tokenStart[b + 1] as number); g2++) {
            const x = groupTo[g2] as number;
            if (x === base) continue;
            const g3 = between(x, base);
            if (g3 < 0 || r + (groupBest[g2] as number) + (groupBest[g3] as number) <= need) continue;
            for (let e2 = groupStart[g2] as number; e2 < (groupStart[g2 + 1] as number); e2++)
              for (let e3 = groupStart[g3] as number; e3 < (groupStart[g3 + 1] as number); e3++)
                emit(base, least, own, e2, e3);
          }
        } else if (b === base) {
          // The pool last: base → a in one hop, or base → x → a.
          const need = this.needLast(own, least);
          const g1 = between(base, a);
          if (g1 >= 0)
            for (let e1 = groupStart[g1] as number; e1 < (groupStart[g1 + 1] as number); e1++)
              emit(base, least, e1, own, -1);
          // x → a for every x next to a: the reverses of a's groups.
          for (let ga = tokenStart[a] as number; ga < (tokenStart[a + 1] as number); ga++) {
            const x = groupTo[ga] as number;
            const g2 = groupReverse[ga] as number;
            if (x === base) continue;
            const g1x = between(base, x);
            if (g1x < 0 || (groupBest[g1x] as number) + (groupBest[g2] as number) + r <= need) continue;
            for (let e1 = groupStart[g1x] as number; e1 < (groupStart[g1x + 1] as number); e1++)
              for (let e2 = groupStart[g2] as number; e2 < (groupStart[g2 + 1] as number); e2++)
                emit(base, least, e1, e2, own);
          }
        } else {
          // The pool in the middle: base → a, a → b through it, b → base.
          const g1 = between(base, a);
          const g3 = between(b, base);
          if (g1 < 0 || g3 < 0 || (groupBest[g1] as number) + r + (groupBest[g3] as number) <= 0) continue;
          for (let e1 = groupStart[g1] as number; e1 < (groupStart[g1 + 1] as number); e1++)
            for (let e3 = groupStart[g3] as number; e3 < (groupStart[g3 + 1] as number); e3++)
              emit(base, least, e1, own, e3);
        }
      }
    }
  }

  /**
   * A margin (sum of log rates) below which a cycle whose first hop is `e` cannot clear `least`.
   * A cycle paying A·x / (1 + C·x) makes at most (√A − 1)² / C; A is e^margin and C is at least
   * the first hop's γ / R_in (its most generous reserves, as the bound uses), so it cannot below
   * 2·ln(1 + s) with s = √(least·γ / R_in). Returned as 2s − s², which is never above it
   * (ln(1 + s) ≥ s − s²/2) and costs a square root instead of a logarithm: this runs for every
   * edge of a hub. A hair lower, for the floats.
   */
  private needFirst(e: number, least: number): number {
    if (!(least > 0)) return 0;
    const s = Math.sqrt((least * (this.gamma[e] as number)) / (this.boundIn[e * LEVELS + LEVELS - 1] as number));
    return (2 * s - s * s) * (1 - 1e-9);
  }

  /**
   * The same for a cycle whose last hop is `e`: C is also at least A / R_out of the last hop,
   * so the bound is at most (1 − e^(−m/2))²·R_out, under `least` below −2·ln(1 − s) with
   * s = √(least / R_out); returned as 2s, never above it (−ln(1 − s) ≥ s).
   */
  private needLast(e: number, least: number): number {
    if (!(least > 0)) return 0;
    return 2 * Math.sqrt(least / (this.boundOut[e * LEVELS + LEVELS - 1] as number)) * (1 - 1e-9);
  }

  /**
   * Sizes a cycle of edges in closed form and reports it if its bound clears `least`. The
   * bound is the same closed form over each hop's bound reserves for the cycle's margin; it
   * equals the estimate where no hop is loose.
   */
  private consider(
    base: number,
    e1: number,
    e2: number,
    e3: number,
    least: number,
    visit: (found: Estimate) => void,
  ): void {
    const { rIn, rOut, gamma } = this;
    const profit = closedForm(rIn, rOut, gamma, e1, e2, e3, 0, 1);
    const amountIn = profit === Number.NEGATIVE_INFINITY ? Number.NaN : lastAmountIn;
    let bound = profit;
    if (this.loose[e1] || this.loose[e2] || (e3 >= 0 && this.loose[e3])) {
      const margin = (this.rate[e1] as number) + (this.rate[e2] as number) + (e3 < 0 ? 0 : (this.rate[e3] as number));
      let level = 0;
      while (margin > (BANDS[level] as number)) level++;
      bound = closedForm(this.boundIn, this.boundOut, gamma, e1, e2, e3, level, LEVELS);
      // Floats: never let the bound fall under the estimate it bounds.
      if (!(bound >= profit)) bound = profit;
    }
    if (!(bound > least) || bound === Number.NEGATIVE_INFINITY) return;
    visit(new Found(this, base, e1, e2, e3, amountIn, profit, bound));
  }

  /** The cycle of a reported estimate, built when asked for. */
  cycleOf(base: number, e1: number, e2: number, e3: number): Cycle {
    const legs = e3 < 0 ? [e1, e2] : [e1, e2, e3];
    const hops: CycleHop[] = legs.map((e) => ({
      pool: this.pools[this.edgePool[e] as number] as MarketPool,
      tokenIn: this.tokens[this.edgeFrom[e] as number] as Address,
      tokenOut: this.tokens[this.edgeTo[e] as number] as Address,
    }));
    const token = this.tokens[base] as Address;
    return { id: `${token}:${hops.map((h) => h.pool.address).join(">")}`, token, hops };
  }

  /** The pools of a cycle of edges. */
  poolsOf(e1: number, e2: number, e3: number): MarketPool[] {
    const legs = e3 < 0 ? [e1, e2] : [e1, e2, e3];
    return legs.map((e) => this.pools[this.edgePool[e] as number] as MarketPool);
  }

  /** The three-hop cycles g1 → g2 → g3 through three distinct pools. */
  private countDistinct(g1: number, g2: number, g3: number): number {
    const { groupStart, edgePool } = this;
    let count = 0;
    for (let e2 = groupStart[g2] as number; e2 < (groupStart[g2 + 1] as number); e2++) {
      for (let e1 = groupStart[g1] as number; e1 < (groupStart[g1 + 1] as number); e1++) {
        if (edgePool[e1] === edgePool[e2]) continue;
        for (let e3 = groupStart[g3] as number; e3 < (groupStart[g3 + 1] as number); e3++)
          if (edgePool[e3] !== edgePool[e1] && edgePool[e3] !== edgePool[e2]) count += 1;
      }
    }
    return count;
  }

  private indexOf(token: Address): number {
    let i = this.tokenIndex.get(token);
    if (i === undefined) {
      i = this.tokens.length;
      this.tokens.push(token);
      this.tokenIndex.set(token, i);
    }
    return i;
  }
}

/** An estimate as the scan reports it: numbers, with the cycle and its pools built when read. */
class Found implements Estimate {
  private built: Cycle | undefined;

  constructor(
    private readonly graph: RateGraph,
    private readonly base: number,
    private readonly e1: number,
    private readonly e2: number,
    private readonly e3: number,
    readonly amountIn: number,
    readonly profit: number,
    readonly bound: number,
  ) {}

  get cycle(): Cycle {
    this.built ??= this.graph.cycleOf(this.base, this.e1, this.e2, this.e3);
    return this.built;
  }

  get pools(): readonly MarketPool[] {
    return this.built?.hops.map((h) => h.pool) ?? this.graph.poolsOf(this.e1, this.e2, this.e3);
  }
}

/** The input of the last `closedForm`, returned beside it without allocating. */
let lastAmountIn = 0;

/**
 * The closed-form optimum (`closedForm.ts`) of two or three constant-product hops read from
 * `rIn`/`rOut` at `e · stride + level`, composed here without allocating (this runs for every
 * candidate of the scan). Returns the profit there (−∞ when none) and leaves the input in
 * `lastAmountIn`.
 */
function closedForm(
  rIn: Float64Array,
  rOut: Float64Array,
  gamma: Float64Array,
  e1: number,
  e2: number,
  e3: number,
  level: number,
  stride: number,
): number {
  const i1 = e1 * stride + level;
  const i2 = e2 * stride + level;
  const g1 = gamma[e1] as number;
  const g2 = gamma[e2] as number;
  // After the first hop, with the denominator's constant scaled to one.
  let a = (g1 * (rOut[i1] as number)) / (rIn[i1] as number);
  let c = g1 / (rIn[i1] as number);
  let nb = rIn[i2] as number;
  let na = g2 * (rOut[i2] as number) * a;
  let nc = nb * c + g2 * a;
  a = na / nb;
  c = nc / nb;
  if (e3 >= 0) {
    const i3 = e3 * stride + level;
    const g3 = gamma[e3] as number;
    nb = rIn[i3] as number;
    na = g3 * (rOut[i3] as number) * a;
    nc = nb * c + g3 * a;
    a = na / nb;
    c = nc / nb;
  }
  const x = optimalInput(a, c);
  if (!(x > 0)) return Number.NEGATIVE_INFINITY;
  lastAmountIn = x;
  return profitAt(a, c, x);
}
