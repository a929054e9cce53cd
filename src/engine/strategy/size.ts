import { amountOut, virtualReserves } from "../venues/pools.js";
import { optimalInput } from "./closedForm.js";
import type { Cycle } from "./cycles.js";

/** The output of a whole cycle for `amountIn`, hop by hop, with each pool's exact math. */
export function cycleOutput(cycle: Cycle, amountIn: bigint): bigint {
  return throughHops(cycle, 0, cycle.hops.length, amountIn);
}

/** The output of hops `from` (inclusive) to `to` (exclusive) of `cycle` for `amountIn`. */
function throughHops(cycle: Cycle, from: number, to: number, amountIn: bigint): bigint {
  let amount = amountIn;
  for (let i = from; i < to && amount > 0n; i++) {
    const hop = cycle.hops[i] as Cycle["hops"][number];
    amount = amountOut(hop.pool, hop.tokenIn, hop.tokenOut, amount);
  }
  return amount;
}

/** The least `x` in [lo, hi] with `f(x) ≥ target`, for `f` that never falls (`f(hi) ≥ target`). */
function leastReaching(lo: bigint, hi: bigint, f: (x: bigint) => bigint, target: bigint): bigint {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) / 2n;
    if (f(mid) >= target) b = mid;
    else a = mid + 1n;
  }
  return a;
}

/**
 * Narrows [lo, hi] around the peak of `value` by thirds until `narrow(lo, hi)`. Where both
 * thirds tie (a flat step of rounding), the ends say which side rises; if neither does, the
 * peak is between them or the step is the peak.
 */
function narrowToPeak(
  low: bigint,
  high: bigint,
  value: (x: bigint) => bigint,
  narrow: (lo: bigint, hi: bigint) => boolean,
): [bigint, bigint] {
  let lo = low;
  let hi = high;
  while (!narrow(lo, hi)) {
    const third = (hi - lo) / 3n;
    const m1 = lo + third;
    const m2 = hi - third;
    const p1 = value(m1);
    const p2 = value(m2);
    if (p1 < p2) lo = m1 + 1n;
    else if (p1 > p2) hi = m2;
    else if (value(hi) > p2) lo = m2;
    else if (value(lo) > p1) hi = m1;
    else {
      lo = m1;
      hi = m2;
    }
  }
  return [lo, hi];
}

/** A sized opportunity: the input, the cycle's output, and the profit after the lender's fee. */
export interface Sizing {
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  readonly lenderFee: bigint;
  readonly profit: bigint;
}

/**
 * The closed-form optimum of the cycle seen as one constant-product curve (floats): each hop is
 * `γ·R_out·x / (R_in + γ·x)` (a V3 pool through its in-range virtual reserves), and their
 * composition is `A·x / (B + C·x)`, whose profit `A·x/(B + C·x) − x` peaks at
 * `(√(A·B) − B) / C` (`closedForm.ts`). Exact for V2-only cycles up to rounding; a starting point for V3.
 * With a lender's fee of `feeRate` of the loan, the profit `A·x/(B + C·x) − (1 + feeRate)·x`
 * peaks where the cycle pays `A / (1 + feeRate)`: ignoring a fee of a few basis points puts
 * the optimum of a cycle whose margin is about as thin hundreds of times too far out.
 */
export function closedFormGuess(cycle: Cycle, feeRate = 0): number | undefined {
  let a = 1;
  let b = 1;
  let c = 0;
  for (const hop of cycle.hops) {
    const [rIn, rOut, gamma] = virtualReserves(hop.pool, hop.tokenIn, hop.tokenOut);
    if (!(rIn > 0) || !(rOut > 0)) return undefined;
    // Compose, then scale everything by 1/b to keep the floats in range.
    const na = gamma * rOut * a;
    const nb = rIn * b;
    const nc = rIn * c + gamma * a;
    a = na / nb;
    c = nc / nb;
    b = 1;
  }
  const x = optimalInput(a / b / (1 + feeRate), c / b);
  return Number.isFinite(x) && x > 0 ? x : undefined;
}

/**
 * The input in [1, maxAmountIn] that maximises `output(a) − a − fee(a)`, with every evaluation
 * made by the pools' exact integer math.
 *
 * Every pool's output is concave in its input, so but for rounding the profit is concave: the
 * search probes the closed-form optimum (`guess`, or `closedFormGuess`) and, while it pays,
 * follows whichever side of it does better in steps of four (where it does not pay, every probe
 * down to one unit and up to four steps above it is tried: no probe pays, no size does). It
 * then runs a ternary search in a bracket that starts a sliver wide and widens sixteen-fold
 * while its best point lands on the edge or a point a little way off does better (a hop crossed
 * a tick, or a lender's fee moved the optimum), and slides the input down to the least one that
 * still gets the same output.
 *
 * Where some hop's output near the optimum is under a hundred million units (a thin pool, a
 * token with few decimals), rounding makes the profit a saw whose teeth peak only at their left
 * edges: there the best of a grid search and of a search over that hop's output (the least input
 * for each output) is taken instead. Returns undefined when no input is profitable.
 */
export function sizeCycle(
  cycle: Cycle,
  maxAmountIn: bigint,
  fee: (amount: bigint) => bigint,
  guess?: number,
): Sizing | undefined {
  // Cheap rejection: no probe pays, so no size does. The probes are the closed-form optimum and
  // points a factor of four apart on either side of it (the loan cap's powers of eight without
  // one): a single small trial misses the small optima of 6- and 8-decimal tokens, and a trial
  // far below the optimum loses to rounding in a thin pool where the optimum itself pays.
  // The lender's fee as a fraction of the loan, read at the cap (a fee is linear but for rounding).
  const feeRate = maxAmountIn > 0n ? Number(fee(maxAmountIn)) / Number(maxAmountIn) : 0;
  const optimum = closedFormGuess(cycle, feeRate);
  // The caller's guess (the scan's closed form, without the fee) only where there is no closed form here.
  const start = optimum ?? guess;
  // The cycle's output at the closed form's optimum is known from the saw test below, and the
  // first probe is usually that same input: one evaluation of a dozen saved.
  let known: { amountIn: bigint; amountOut: bigint } | undefined;
  const profitAt = (a: bigint): bigint =>
    (a === known?.amountIn ? known.amountOut : cycleOutput(cycle, a)) - a - fee(a);
  // Where a hop's output near the optimum is under a hundred million units (a thin pool, a
  // token with few decimals), rounding makes the profit a saw: teeth a unit of that output
  // apart, each peaking at its left edge, and profitable only there. Probes miss the teeth and
  // a search that assumes one peak climbs the nearest one; the saw is searched by grids instead
  // (dearer, and rare where pools are deep).
  // Judged at the closed form's optimum, fee included, whatever the caller guessed: a guess far
  // off would see a saw in any cycle, or none where there is one.
  let around =
    optimum !== undefined && optimum >= 1 ? BigInt(Math.floor(Math.min(optimum, Number(maxAmountIn)))) : maxAmountIn;
  if (optimum === undefined && maxAmountIn >= 1n) {
    // No closed form (a V3 pool with no liquidity at its price): judge the saw where the best
    // probe is rather than at the cap, where a thin pool is drained or a weighted pool past its
    // in-ratio pays nothing; and come down until the cycle pays something at all.
    const probe = bestProbe(probes(guess, maxAmountIn), profitAt);
    if (probe !== undefined) around = probe.amount;
    while (around > 1n && cycleOutput(cycle, around) === 0n) around /= 8n;
  }
  const hops = around >= 1n ? smallestHopOutput(cycle, around) : undefined;
  if (hops !== undefined) known = { amountIn: around, amountOut: hops.amountOut };
  if (hops !== undefined && hops.least < QUANTIZED_BELOW) {
    const byGrid = gridSearch(profitAt, around, maxAmountIn, fee, cycle);
    const byStep = bottleneckSearch(cycle, around, maxAmountIn, fee);
    const found = byStep !== undefined && (byGrid === undefined || byStep.profit > byGrid.profit) ? byStep : byGrid;
    return found !== undefined && found.profit > 0n ? found : undefined;
  }
  const probe = bestProbe(probes(start, maxAmountIn), profitAt);
  if (probe === undefined) return undefined;
  let found: Sizing;
  {
    let centre = probe.amount;
    let width = centre / 200_000n + 2n;
    for (;;) {
      const lo = centre - width > 0n ? centre - width : 1n;
      const hi = centre + width < maxAmountIn ? centre + width : maxAmountIn;
      found = ternary(cycle, lo, hi, fee);
      if (lo === 1n && hi === maxAmountIn) break;
      const atEdge = (found.amountIn === lo && lo > 1n) || (found.amountIn === hi && hi < maxAmountIn);
      // A point a little way off that does better means the bracket sat on a flat step of
      // rounding (wide where an output token has few decimals), not on the peak.
      const beaten = [50n, 8n]
        .flatMap((part) => [found.amountIn - found.amountIn / part - 1n, found.amountIn + found.amountIn / part + 1n])
        .some((a) => a >= 1n && a <= maxAmountIn && profitAt(a) > found.profit);
      if (!atEdge && !beaten && found.profit > 0n) break;
      if (found.profit > 0n) centre = found.amountIn;
      width *= 16n;
    }
  }
  if (found.profit <= 0n) return undefined;
  return leftEdge(cycle, found, fee);
}

/** The longest run of units of a hop's input over which a later hop's output is looked for a stall. */
const LONGEST_RUN = 4_096n;
/** The most units of `m` either side of the bottleneck search's landing tried for an earlier hop's saw. */
const QUARTER_CAP = 256n;

/** A hop output under this many units makes the profit a saw of rounding. */
const QUANTIZED_BELOW = 100_000_000n;

/** The smallest output of any hop of `cycle` for `amountIn`, and the cycle's output. */
function smallestHopOutput(cycle: Cycle, amountIn: bigint): { least: bigint; amountOut: bigint } {
  let amount = amountIn;
  let least = amountIn;
  for (const hop of cycle.hops) {
    amount = amountOut(hop.pool, hop.tokenIn, hop.tokenOut, amount);
    if (amount < least) least = amount;
  }
  return { least, amountOut: amount };
}

/**
 * The best input by grids, for a profit that is a saw: a geometric grid from a 4,096th of
 * `around` to 4,096 times it (within the cap), then linear grids zooming in on the best few
 * points (several: teeth) until every unit of the last windows is tried.
 */
function gridSearch(
  profitAt: (a: bigint) => bigint,
  around: bigint,
  cap: bigint,
  fee: (amount: bigint) => bigint,
  cycle: Cycle,
): Sizing | undefined {
  const keep = 12;
  const linear = 64n;
  const seen = new Map<bigint, bigint>();
  const consider = (a: bigint) => {
    let profit = seen.get(a);
    if (profit === undefined) {
      profit = profitAt(a);
      seen.set(a, profit);
    }
    return profit;
  };
  const lo = around / 1_024n > 0n ? around / 1_024n : 1n;
  const hi = around * 1_024n < cap ? around * 1_024n : cap;
  const first = geometric(lo, hi, 1_024);
  let grids = [{ points: first, profits: first.map(consider) }];
  for (let depth = 0; depth < 64 && grids.length > 0; depth++) {
    const ranked = grids
      .flatMap((g) => g.profits.map((profit, i) => ({ profit, points: g.points, i })))
      .sort((x, y) => (y.profit > x.profit ? 1 : y.profit < x.profit ? -1 : 0))
      .slice(0, keep);
    grids = [];
    for (const { points, i } of ranked) {
      const from = points[Math.max(0, i - 1)] as bigint;
      const to = points[Math.min(points.length - 1, i + 1)] as bigint;
      if (to - from <= linear) {
        for (let a = from; a <= to; a++) consider(a);
        continue;
      }
      const next: bigint[] = [];
      for (let k = 0n; k <= linear; k++) next.push(from + ((to - from) * k) / linear);
      grids.push({ points: next, profits: next.map(consider) });
    }
  }
  // Each of the best points slid to the left edge of its stair: the peak of its tooth.
  let best: Sizing | undefined;
  const ranked = [...seen].sort(([, x], [, y]) => (y > x ? 1 : y < x ? -1 : 0)).slice(0, keep);
  for (const [amountIn, profit] of ranked) {
    const edge = leftEdge(
      cycle,
      { amountIn, amountOut: cycleOutput(cycle, amountIn), lenderFee: fee(amountIn), profit },
      fee,
    );
    if (best === undefined || edge.profit > best.profit) best = edge;
  }
  return best;
}

/**
 * The best input where one hop's output (the bottleneck: the smallest near the optimum) is a
 * small integer `m`. Everything after that hop depends on `m` alone, and for a given `m` the
 * least input that reaches it is the most profitable; so the search is over `m` — each step the
 * least input for it, by bisection — rather than over the input, where the profit is a saw.
 */
function bottleneckSearch(
  cycle: Cycle,
  around: bigint,
  cap: bigint,
  fee: (amount: bigint) => bigint,
): Sizing | undefined {
  let k = 0;
  let least: bigint | undefined;
  let amount = around;
  cycle.hops.forEach((hop, i) => {
    amount = amountOut(hop.pool, hop.tokenIn, hop.tokenOut, amount);
    if (least === undefined || amount < least) {
      least = amount;
      k = i;
    }
  });
  const prefix = (a: bigint) => throughHops(cycle, 0, k + 1, a);
  const suffix = (m: bigint) => throughHops(cycle, k + 1, cycle.hops.length, m);
  const lo = around / 1_024n > 0n ? around / 1_024n : 1n;
  // A pool that refuses a trade too large for it (a weighted pool past its 30% in-ratio) pays
  // nothing there: the search stays below where the bottleneck's output still reaches its
  // output at `around`, so that it only grows with the input.
  let hi = around * 1_024n < cap ? around * 1_024n : cap;
  const floorOut = prefix(around);
  while (hi > around && prefix(hi) < floorOut) hi = around + (hi - around) / 2n;
  /** The least input in [lo, hi] whose bottleneck output reaches `m`. */
  // The window below asks for one `m` after another: the least input for the next one is
  // searched from the last one's upwards, in a range twice the last step, not over [lo, hi].
  let lastM = -1n;
  let lastA = 0n;
  let lastStep = 0n;
  const leastInput = (m: bigint): bigint | undefined => {
    let a: bigint | undefined;
    if (lastM >= 0n && m === lastM + 1n) {
      // From where the last step predicts it, outwards in doubling steps, then a bisection.
      const predicted = lastA + (lastStep > 0n ? lastStep : 1n) < hi ? lastA + (lastStep > 0n ? lastStep : 1n) : hi;
      if (prefix(predicted) >= m) {
        let d = 1n;
        while (predicted - d > lastA && prefix(predicted - d) >= m) d *= 2n;
        const from = predicted - d > lastA ? predicted - d : lastA;
        a = leastReaching(from, predicted, prefix, m);
      } else {
        let d = 1n;
        while (predicted + d < hi && prefix(predicted + d) < m) d *= 2n;
        const to = predicted + d < hi ? predicted + d : hi;
        a = prefix(to) < m ? undefined : leastReaching(predicted, to, prefix, m);
      }
    } else a = prefix(hi) < m ? undefined : leastReaching(lo, hi, prefix, m);
    if (a !== undefined) {
      lastStep = lastM >= 0n && m === lastM + 1n ? a - lastA : 0n;
      lastM = m;
      lastA = a;
    }
    return a;
  };
  const cache = new Map<bigint, Sizing | undefined>();
  const at = (m: bigint): Sizing | undefined => {
    if (cache.has(m)) return cache.get(m);
    const a = leastInput(m);
    let sizing: Sizing | undefined;
    if (a !== undefined) {
      const out = suffix(prefix(a));
      const lenderFee = fee(a);
      sizing = { amountIn: a, amountOut: out, lenderFee, profit: out - a - lenderFee };
    }
    cache.set(m, sizing);
    return sizing;
  };
  const value = (m: bigint) => at(m)?.profit ?? -(2n ** 255n);
  const first = prefix(lo) > 0n ? prefix(lo) : 1n;
  const last = prefix(hi);
  if (last < first) return undefined;
  // A second saw: where a later hop rounds its fee on its input (a V3 pool, a weighted pool),
  // every so many units of `m` one more buys it nothing (its output stalls) while the input still
  // grows, so the profit over `m` climbs along a run and drops at its end. The search then
  // narrows on the runs' ends — their envelope has one peak — and tries every `m` within a run
  // either side of where it lands.
  const suffixOut = new Map<bigint, bigint>();
  const S = (m: bigint) => {
    let out = suffixOut.get(m);
    if (out === undefined) {
      out = suffix(m);
      suffixOut.set(m, out);
    }
    return out;
  };
  /**
   * The last `m'` ≥ `m` before the suffix stalls; undefined where it does not within a run as
   * long as `m` itself (or `LONGEST_RUN`): further than that is not the saw's tooth but
   * another part of the curve.
   */
  const runEnd = (m: bigint): bigint | undefined => {
    let previous = S(m);
    const longest = m < LONGEST_RUN ? m : LONGEST_RUN;
    for (let j = 1n; j <= longest && m + j <= last; j++) {
      const out = S(m + j);
      if (out === previous) return m + j - 1n;
      previous = out;
    }
    return undefined;
  };
  const start = prefix(around) > first ? prefix(around) : first;
  // Only where the stalls recur within a run's length: a single stall near `start` means a
  // period longer than the scan, where the envelope would cost a whole scan per point for nothing.
  const firstEnd = runEnd(start);
  const stalls = firstEnd !== undefined && runEnd(firstEnd + 1n) !== undefined;
  const envelope = stalls
    ? (m: bigint) => {
        const end = runEnd(m);
        const here = value(m);
        if (end === undefined) return here;
        // The larger of the two (bigints: no Math.max).
        const atEnd = value(end);
        if (atEnd > here) return atEnd;
        return here;
      }
    : value;
  const [mLo, mHi] = narrowToPeak(first, last, envelope, (a, b) => b - a <= 64n);
  let reach = 0n;
  if (stalls) {
    // The length of the runs where it landed, twice over.
    const end = runEnd(mLo) ?? mLo;
    const next = runEnd(end + 1n) ?? end + 1n + LONGEST_RUN;
    reach = 2n * (next - end);
  }
  // An earlier hop quantized as well makes the least input for each `m` a saw of its own, which
  // can mislead the narrowing by a fraction of `m`: a quarter of it either side is tried too, up
  // to `QUARTER_CAP` units (where `m` is larger, one unit of it matters less).
  const quarter = mLo / 4n < QUARTER_CAP ? mLo / 4n : QUARTER_CAP;
  if (quarter > reach) reach = quarter;
  let best: Sizing | undefined;
  for (let m = mLo - reach > first ? mLo - reach : first; m <= mHi + reach && m <= last; m++) {
    const s = at(m);
    if (s !== undefined && (best === undefined || s.profit > best.profit)) best = s;
  }
  return best;
}

/** `n` points from `lo` to `hi` (inclusive), each a constant ratio above the last. */
function geometric(lo: bigint, hi: bigint, n: number): bigint[] {
  if (hi <= lo) return [lo];
  const ratio = (Number(hi) / Number(lo)) ** (1 / (n - 1));
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const a = i === n - 1 ? hi : BigInt(Math.floor(Number(lo) * ratio ** i));
    if (a >= lo && a <= hi && (out.length === 0 || a > (out.at(-1) as bigint))) out.push(a);
  }
  return out;
}

/**
 * The smallest input that still gets `found`'s output: the output is a staircase of rounding
 * (it never falls as the input grows), and on a stair every unit less paid in is a unit more
 * profit. A binary search; the lender's fee only falls with the input.
 */
function leftEdge(cycle: Cycle, found: Sizing, fee: (amount: bigint) => bigint): Sizing {
  // Galloping down from the input: a stair is usually a few units wide, so this takes a few
  // evaluations where a bisection from one unit up would take sixty.
  const output = (a: bigint) => cycleOutput(cycle, a);
  let step = 1n;
  let below = found.amountIn - step;
  while (below >= 1n && output(below) >= found.amountOut) {
    step *= 2n;
    below = found.amountIn - step;
  }
  const hi = leastReaching(below >= 1n ? below + 1n : 1n, found.amountIn, output, found.amountOut);
  if (hi === found.amountIn) return found;
  const amountOut = cycleOutput(cycle, hi);
  const lenderFee = fee(hi);
  const profit = amountOut - hi - lenderFee;
  return profit > found.profit ? { amountIn: hi, amountOut, lenderFee, profit } : found;
}

/**
 * The best profitable probe, evaluating as few as it can: the profit is concave but for
 * rounding, so once the closed-form optimum (the first probe) pays, only the side that does
 * better is followed, and only while it keeps doing better. Where it does not pay, every
 * probe is tried: that is the cheap rejection.
 */
function bestProbe(
  points: readonly bigint[],
  profitAt: (a: bigint) => bigint,
): { amount: bigint; profit: bigint } | undefined {
  const [first] = points;
  if (first === undefined) return undefined;
  const firstProfit = profitAt(first);
  let best = firstProfit > 0n ? { amount: first, profit: firstProfit } : undefined;
  if (best !== undefined) {
    // Below the optimum in order, then above it in order.
    const down = points.filter((a) => a < first);
    const up = points.filter((a) => a > first);
    for (const side of [down, up]) {
      for (const amount of side) {
        const profit = profitAt(amount);
        if (profit <= (best as { profit: bigint }).profit) break;
        best = { amount, profit };
      }
    }
    return best;
  }
  for (const amount of points.slice(1)) {
    const profit = profitAt(amount);
    if (profit > 0n && (best === undefined || profit > best.profit)) best = { amount, profit };
  }
  return best;
}

/**
 * The probes of the cheap rejection: `start` (the closed-form optimum) within [1, cap], then
 * points a factor of four below it down to one unit and above it up to the cap; without a
 * start, the cap and its eighths down to one unit.
 */
function probes(start: number | undefined, cap: bigint): bigint[] {
  if (cap < 1n) return [];
  const out: bigint[] = [];
  if (start === undefined || !(start >= 1)) {
    for (let a = cap; a >= 1n && out.length < 64; a /= 8n) out.push(a);
    return out;
  }
  const centre = BigInt(Math.floor(Math.min(start, Number(cap))));
  const clamped = centre < 1n ? 1n : centre > cap ? cap : centre;
  out.push(clamped);
  for (let a = clamped / 4n; a >= 1n && out.length < 32; a /= 4n) out.push(a);
  for (let a = clamped * 4n, n = 0; a <= cap && n < 4; a *= 4n, n++) out.push(a);
  return out;
}

function ternary(cycle: Cycle, low: bigint, high: bigint, fee: (amount: bigint) => bigint): Sizing {
  const profitAt = (a: bigint): bigint => cycleOutput(cycle, a) - a - fee(a);
  // A few wei wide, or a hundred-thousandth of the upper end: the top is flat there.
  const [lo, hi] = narrowToPeak(low, high, profitAt, (a, b) => b - a <= 2n || (b - a) * 100_000n <= b);
  let best: Sizing | undefined;
  for (const a of hi - lo <= 2n ? [lo, lo + 1n, hi] : [lo, (lo + hi) / 2n, hi]) {
    if (a > hi) continue;
    const out = cycleOutput(cycle, a);
    const lenderFee = fee(a);
    const profit = out - a - lenderFee;
    if (best === undefined || profit > best.profit) best = { amountIn: a, amountOut: out, lenderFee, profit };
  }
  return best as Sizing;
}
