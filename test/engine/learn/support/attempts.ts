import {
  type Attempt,
  type AttemptFeatures,
  LEARN_LENDERS,
  lenderFeatures,
  submissionFeatures,
} from "../../../../src/engine/learn/features.js";
import type { LenderName } from "../../../../src/executor/route.js";
import { logistic, mulberry32 } from "./random.js";

/**
 * The true log-odds of landing in the synthetic world: a better margin, a higher bid percentile,
 * more builders and a back-run help; delay and rivals hurt.
 */
export function trueLogOdds(f: AttemptFeatures): number {
  return (
    -1 +
    0.6 * f.marginOverGas +
    2 * f.bidPercentile -
    0.004 * f.detectToSendMs +
    0.3 * f.builders -
    0.3 * f.rivalActivity +
    0.5 * f.backrun
  );
}

/** Random attempts (seeded) whose outcomes follow `trueLogOdds`, `perBlock` to a block. */
export function syntheticAttempts(n: number, seed: number, perBlock = 4): Attempt[] {
  const random = mulberry32(seed);
  const pick = (k: number) => Math.floor(random() * k);
  const attempts: Attempt[] = [];
  for (let i = 0; i < n; i++) {
    const routeLength = 2 + pick(2);
    const pools = [0, 0, 0, 0, 0];
    for (let h = 0; h < routeLength; h++) {
      const k = pick(5);
      pools[k] = (pools[k] as number) + 1;
    }
    const bundle = random() < 0.5;
    const features: AttemptFeatures = {
      marginOverGas: 4 * random(),
      bidShareOfProfit: random(),
      bidPercentile: random(),
      routeLength,
      poolsUniswapV2: pools[0] as number,
      poolsUniswapV3: pools[1] as number,
      poolsUniswapV4: pools[2] as number,
      poolsBalancer: pools[3] as number,
      poolsCurve: pools[4] as number,
      ...lenderFeatures(LEARN_LENDERS[pick(5)] as LenderName),
      detectToSendMs: 400 * random(),
      ...submissionFeatures(bundle ? "bundle" : "public"),
      builders: bundle ? 1 + pick(5) : 0,
      rivalActivity: pick(6),
      backrun: random() < 0.3 ? 1 : 0,
    };
    attempts.push({
      features,
      landed: random() < logistic(trueLogOdds(features)),
      block: 1_000 + Math.floor(i / perBlock),
      seed,
    });
  }
  return attempts;
}
