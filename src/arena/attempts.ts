import type { JsonRpcProvider } from "ethers";
import { type Attempt, type AttemptFeatures, lenderFeatures, submissionFeatures } from "../engine/learn/features.js";
import type { Records, TradeRecord } from "../engine/record/records.js";
import type { LenderName } from "../executor/route.js";

/** Blocks back that count as "recent" for bids and rivals' activity. */
const RECENT_BLOCKS = 5;
/** Statuses of a trade that was sent and whose outcome the chain has settled. */
const SETTLED = new Set(["succeeded", "reverted", "dropped"]);

/** What the engine recorded when it sent a trade (its `attempt` event). */
interface AttemptEvent {
  readonly id: number;
  readonly submission: string;
  readonly tipWei: string;
  readonly bidBps: number;
  readonly gasLimit: string;
  readonly builders: number;
  readonly detectToSendMs?: number;
}

/** The kinds of pool a cycle's name shows, counted (`poolName` starts with the venue's name). */
function poolKinds(
  cycle: string,
): Pick<AttemptFeatures, "poolsUniswapV2" | "poolsUniswapV3" | "poolsUniswapV4" | "poolsBalancer" | "poolsCurve"> {
  const parts = cycle.split(" > ").filter((p) => !p.startsWith("backrun of") && !p.startsWith("Aave V3 liquidation"));
  const count = (test: (p: string) => boolean) => parts.filter(test).length;
  return {
    poolsUniswapV2: count((p) => p.startsWith("Uniswap V2") || p.startsWith("Sushiswap") || p.startsWith("Quickswap")),
    poolsUniswapV3: count((p) => p.startsWith("Uniswap V3")),
    poolsUniswapV4: count((p) => p.startsWith("Uniswap V4")),
    poolsBalancer: count((p) => p.startsWith("Balancer")),
    poolsCurve: count((p) => p.startsWith("Curve")),
  };
}

/**
 * Every settled trade of a searcher in an arena run as an attempt for the landing model: the
 * features from its record, its `attempt` event and the chain (the priority fees of the blocks
 * before it, a rival's trades through its pools), and whether it landed.
 */
export async function attemptsOf(
  provider: JsonRpcProvider,
  records: Records,
  rival: readonly TradeRecord[],
  fromBlock: number,
  seed: number,
): Promise<Attempt[]> {
  const events = new Map<number, AttemptEvent>();
  for (const e of records.events("attempt")) {
    const detail = e.detail as unknown as AttemptEvent;
    events.set(detail.id, detail);
  }
  const fees = new Map<number, { baseFee: bigint; tips: bigint[] }>();
  const block = async (n: number) => {
    let found = fees.get(n);
    if (found === undefined) {
      const b = await provider.getBlock(n, true);
      const tips = (b?.prefetchedTransactions ?? []).map((t) => t.maxPriorityFeePerGas ?? t.gasPrice);
      found = { baseFee: b?.baseFeePerGas ?? 0n, tips };
      fees.set(n, found);
    }
    return found;
  };
  const out: Attempt[] = [];
  for (const t of records.all()) {
    if (t.block < fromBlock || !SETTLED.has(t.status)) continue;
    const sent = events.get(t.id);
    if (sent === undefined) continue;
    const { baseFee } = await block(t.block);
    const tip = BigInt(sent.tipWei);
    const gasLimit = BigInt(sent.gasLimit);
    const profit = t.expectedProfit;
    const net = profit - t.gasCost;
    // The gas cost was priced at twice the base fee plus the tip: the tip's part of it is its share.
    const tipCost = t.gasCost === 0n ? 0n : (t.gasCost * tip) / (2n * baseFee + tip === 0n ? 1n : 2n * baseFee + tip);
    const bidCost = (net > 0n ? net : 0n) * BigInt(sent.bidBps);
    const payment = tipCost + bidCost / 10_000n;
    const bidShare = profit > 0n ? Math.min(1, Number(payment) / Number(profit)) : 0;
    // The payment per gas against recent blocks' tips: a bid (only ever in WETH, so in wei) is
    // spread over the gas limit, a lower bound of what it pays per gas used.
    const perGas = gasLimit > 0n ? tip + bidCost / 10_000n / gasLimit : tip;
    const recent: bigint[] = [];
    for (let n = Math.max(fromBlock, t.block - RECENT_BLOCKS + 1); n <= t.block; n++)
      recent.push(...(await block(n)).tips);
    const bidPercentile = recent.length === 0 ? 0.5 : recent.filter((x) => x <= perGas).length / recent.length;
    const pools = new Set((t.route ?? "").split(",").filter((p) => p !== ""));
    const rivalActivity = rival.filter(
      (r) =>
        r.block > t.block - RECENT_BLOCKS &&
        r.block <= t.block &&
        r.txHash !== null &&
        (r.route ?? "").split(",").some((p) => pools.has(p)),
    ).length;
    const features: AttemptFeatures = {
      marginOverGas: t.gasCost === 0n ? 0 : Number(net) / Number(t.gasCost),
      bidShareOfProfit: bidShare,
      bidPercentile: Math.min(1, Math.max(0, bidPercentile)),
      routeLength: pools.size,
      ...poolKinds(t.cycle),
      ...lenderFeatures(t.lender as LenderName),
      detectToSendMs: sent.detectToSendMs ?? 0,
      ...submissionFeatures(sent.submission === "bundle" ? "bundle" : "public"),
      builders: sent.builders,
      rivalActivity,
      backrun: t.strategy === "backrun" ? 1 : 0,
    };
    out.push({ features, landed: t.status === "succeeded", block: t.block, seed });
  }
  return out;
}
