import type { Address } from "../addressBook.js";
import { type MarketPool, otherToken } from "./pools.js";

/** One hop of a cycle: a pool and the direction through it. */
export interface CycleHop {
  readonly pool: MarketPool;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
}

/** A closed route that starts and ends in `token`, through distinct pools. */
export interface Cycle {
  readonly id: string;
  readonly token: Address;
  readonly hops: readonly CycleHop[];
}

/**
 * Every two-hop (cross-DEX) and three-hop (triangular) cycle through `pools` that starts and
 * ends in one of `baseTokens` (the tokens a lender can lend), each hop through a different pool.
 */
export function findCycles(pools: readonly MarketPool[], baseTokens: readonly Address[]): Cycle[] {
  const byToken = new Map<Address, MarketPool[]>();
  for (const pool of pools) {
    for (const token of [pool.token0, pool.token1]) {
      const list = byToken.get(token) ?? [];
      list.push(pool);
      byToken.set(token, list);
    }
  }
  const cycles: Cycle[] = [];
  const hop = (pool: MarketPool, tokenIn: Address): CycleHop => ({
    pool,
    tokenIn,
    tokenOut: otherToken(pool, tokenIn),
  });
  for (const base of baseTokens) {
    for (const p1 of byToken.get(base) ?? []) {
      const x = otherToken(p1, base);
      for (const p2 of byToken.get(x) ?? []) {
        if (p2 === p1) continue;
        const y = otherToken(p2, x);
        if (y === base) {
          cycles.push(makeCycle(base, [hop(p1, base), hop(p2, x)]));
          continue;
        }
        for (const p3 of byToken.get(y) ?? []) {
          if (p3 === p1 || p3 === p2 || otherToken(p3, y) !== base) continue;
          cycles.push(makeCycle(base, [hop(p1, base), hop(p2, x), hop(p3, y)]));
        }
      }
    }
  }
  return cycles;
}

function makeCycle(token: Address, hops: CycleHop[]): Cycle {
  return { id: `${token}:${hops.map((h) => h.pool.address).join(">")}`, token, hops };
}

/** Pool address → the cycles through it, so a change to one pool re-evaluates only those. */
export function indexCyclesByPool(cycles: readonly Cycle[]): Map<Address, Cycle[]> {
  const index = new Map<Address, Cycle[]>();
  for (const cycle of cycles) {
    for (const { pool } of cycle.hops) {
      const list = index.get(pool.address) ?? [];
      list.push(cycle);
      index.set(pool.address, list);
    }
  }
  return index;
}
