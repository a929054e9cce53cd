import { type AttemptFeatures, featureVector, lenderFeatures, submissionFeatures } from "../learn/features.js";
import { predict } from "../learn/logistic.js";
import type { LandingModel } from "../learn/model.js";
import type { Candidate } from "./candidate.js";

/** How a candidate would be sent: what the engine knows of an attempt before it is made. */
export interface SendPlan {
  readonly submission: "bundle" | "direct" | "public";
  /** The priority fee, in wei per gas. */
  readonly tipWei: bigint;
  /** The gas price the trade was priced at. */
  readonly gasPrice: bigint;
  /** A bid to the builder, in basis points of the profit above the floor. */
  readonly bidBps: number;
  /** Relays a bundle goes to (0 for a transaction sent to the node). */
  readonly builders: number;
  readonly backrun: boolean;
}

/** Features the engine cannot know before it sends: set to the model's training means. */
const UNKNOWN_BEFORE_SENDING = ["bidPercentile", "rivalActivity", "detectToSendMs"] as const;

/**
 * The landing model's features of a candidate before it is sent. What only the outcome's
 * surroundings show (the bid's percentile among recent blocks, a rival's activity, the delay to
 * send) is not known here: each is set to its mean over the model's training attempts, which
 * leaves the prediction to what is known (a standardised feature at its mean contributes
 * nothing).
 */
export function candidateFeatures(c: Candidate, plan: SendPlan): AttemptFeatures {
  const profit = c.sizing.profit;
  const tipCost = plan.gasPrice === 0n ? 0n : (c.gasCostInToken * plan.tipWei) / plan.gasPrice;
  const bid = ((c.net > 0n ? c.net : 0n) * BigInt(plan.bidBps)) / 10_000n;
  const count = (kind: string) => c.cycle.hops.filter((h) => h.pool.kind === kind).length;
  return {
    marginOverGas: c.gasCostInToken === 0n ? 0 : Number(c.net) / Number(c.gasCostInToken),
    bidShareOfProfit: profit > 0n ? Math.min(1, Number(tipCost + bid) / Number(profit)) : 0,
    bidPercentile: 0.5,
    routeLength: c.cycle.hops.length,
    poolsUniswapV2: count("uniswapV2"),
    poolsUniswapV3: count("uniswapV3"),
    poolsUniswapV4: count("uniswapV4"),
    poolsBalancer: count("balancerWeighted"),
    poolsCurve: 0,
    ...lenderFeatures(c.quote.lender),
    detectToSendMs: 0,
    ...submissionFeatures(plan.submission === "bundle" ? "bundle" : "public"),
    builders: plan.builders,
    rivalActivity: 0,
    backrun: plan.backrun ? 1 : 0,
  };
}

/** The probability that `features` land, with the features unknown before sending at the training means. */
export function landingProbability(model: LandingModel, features: AttemptFeatures): number {
  const { featureNames, standardisation } = model.logistic;
  const x = featureVector(features);
  for (const name of UNKNOWN_BEFORE_SENDING) {
    const i = featureNames.indexOf(name);
    if (i >= 0) x[i] = standardisation.mean[i] as number;
  }
  return predict(model.logistic, x);
}

/**
 * The candidate's expected value in dollars: the probability it lands times its net value, less
 * the probability it fails times what failing costs (its gas, sent to the node; nothing, as a
 * bundle: there it only ranks, it never filters out a candidate of positive value).
 */
export function expectedValueUsd(model: LandingModel, c: Candidate, plan: SendPlan): number {
  const p = landingProbability(model, candidateFeatures(c, plan));
  const netUsd = Number(c.netUsd) / 1e6;
  const gasUsd = c.net === 0n ? 0 : (Number(c.netUsd) / 1e6) * (Number(c.gasCostInToken) / Number(c.net));
  const failureCost = plan.submission === "bundle" ? 0 : Math.abs(gasUsd);
  return p * netUsd - (1 - p) * failureCost;
}
