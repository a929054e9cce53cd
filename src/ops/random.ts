/**
 * mulberry32: a tiny 32-bit PRNG, plenty for picking faults or traders' moves and cheap to
 * reproduce from a seed in a bug report; `Math.random` cannot be seeded.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A Pareto draw with minimum `min` and tail index `alpha`: most small, a few very large. */
export function pareto(random: () => number, min: number, alpha: number): number {
  return min / (1 - random()) ** (1 / alpha);
}

/** A Poisson draw with mean `mean` (Knuth's method: fine for the small means used here). */
export function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}
