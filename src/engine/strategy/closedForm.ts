/**
 * The closed-form optimum of a cycle of constant-product hops, shared by the scan (`scan.ts`)
 * and sizing (`size.ts`). Each hop pays `γ·R_out·x / (R_in + γ·x)`; composed, a cycle pays
 * `A·x / (1 + C·x)` (the denominator's constant scaled to one), and its profit
 * `A·x / (1 + C·x) − x` peaks at `x = (√A − 1) / C`. Floats: a ranking and a starting point,
 * never what is traded.
 */

/** The input at which a cycle paying `A·x / (1 + C·x)` makes the most; not positive when none. */
export function optimalInput(a: number, c: number): number {
  if (!(a > 1) || !(c > 0)) return Number.NaN;
  return (Math.sqrt(a) - 1) / c;
}

/** What a cycle paying `A·x / (1 + C·x)` earns at input `x`. */
export function profitAt(a: number, c: number, x: number): number {
  return (a * x) / (1 + c * x) - x;
}
