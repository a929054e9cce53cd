import type { Address } from "../../addressBook.js";
import { type MarketPool, poolTokens } from "../venues/pools.js";

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
 * The plain enumeration: the engine walks the same cycles faster with `RateGraph` (`scan.ts`),
 * and the tests hold one against the other.
 */
export function findCycles(pools: readonly MarketPool[], baseTokens: readonly Address[]): Cycle[] {
  const byToken = new Map<Address, MarketPool[]>();
  for (const pool of pools) {
    for (const token of poolTokens(pool)) {
      const list = byToken.get(token) ?? [];
      list.push(pool);
      byToken.set(token, list);
    }
  }
  const cycles: Cycle[] = [];
  const hop = (pool: MarketPool, tokenIn: Address, tokenOut: Address): CycleHop => ({ pool, tokenIn, tokenOut });
  const others = (pool: MarketPool, token: Address) => poolTokens(pool).filter((t) => t !== token);
  for (const base of baseTokens) {
    for (const p1 of byToken.get(base) ?? []) {
      for (const x of others(p1, base)) {
        for (const p2 of byToken.get(x) ?? []) {
          if (p2 === p1) continue;
          for (const y of others(p2, x)) {
            if (y === base) {
              cycles.push(makeCycle(base, [hop(p1, base, x), hop(p2, x, base)]));
              continue;
            }
            for (const p3 of byToken.get(y) ?? []) {
              if (p3 === p1 || p3 === p2 || !poolTokens(p3).includes(base)) continue;
              cycles.push(makeCycle(base, [hop(p1, base, x), hop(p2, x, y), hop(p3, y, base)]));
            }
          }
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
