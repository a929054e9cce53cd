// `npm start`: the main job. Starts the local node with the replica and the executor, creates
// price dislocations on it, runs the engine live for --blocks rounds, and prints what it found
// and did; `--json` prints one machine-readable summary as the last line.
// `npm start -- --rpc <url> --chain <name>` watches another chain instead: dry-run unless --live.
import { readFileSync, rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Provider, parseUnits, type Signer } from "ethers";
import type { Address, AddressBook } from "../src/addressBook.js";
import { aTokensOf } from "../src/engine/aave.js";
import { type EngineConfig, loadEngineConfig } from "../src/engine/config.js";
import { discoverPools } from "../src/engine/discovery.js";
import { Engine } from "../src/engine/engine.js";
import { createLogger } from "../src/engine/log.js";
import { connectRpc, liveBook } from "../src/engine/network.js";
import { Records } from "../src/engine/records.js";
import { symbolsOf } from "../src/engine/replicaMarket.js";
import { BaseError } from "../src/errors.js";
import { LOCAL_RECORD_PATH } from "../src/ops/deployment.js";
import { resolveExecutor } from "../src/ops/executorOps.js";
import { type LocalNode, startLocalNode } from "../src/ops/localNode.js";
import { operatorSigner } from "../src/ops/secrets.js";
import { dislocate, findPool } from "../src/replica/market.js";
import { attachReplica, type ReplicaRecord } from "../src/replica/record.js";
import type { Replica } from "../src/replica/replica.js";
import type { ReplicaTokenSymbol } from "../src/replica/tokens.js";

/** The price moves made between rounds on the local node: pool, token sold, amount. */
const DISLOCATIONS: ReadonlyArray<
  readonly [
    Parameters<typeof findPool>[1],
    ReplicaTokenSymbol,
    ReplicaTokenSymbol,
    number | undefined,
    ReplicaTokenSymbol,
    string,
  ]
> = [
  ["uniswapV2", "WETH", "USDC", undefined, "WETH", "40"],
  ["sushiswap", "WETH", "USDC", undefined, "USDC", "90000"],
  ["balancerV2", "WETH", "USDC", undefined, "WETH", "40"],
  ["uniswapV3", "WETH", "USDC", 500, "WETH", "30"],
  ["uniswapV2", "WETH", "DAI", undefined, "DAI", "60000"],
  ["sushiswap", "WBTC", "WETH", undefined, "WBTC", "1.5"],
];
const DECIMALS: Record<string, number> = { USDC: 6, USDT: 6, WBTC: 8 };

interface LocalRecord {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly executor: Address;
  readonly operator: Address;
  readonly replica: ReplicaRecord;
}

/** Where the engine runs: chain, book, executor, who signs, and (locally) the replica to move. */
interface Target {
  readonly provider: Provider;
  readonly book: AddressBook;
  readonly executor: Address;
  readonly operator: Signer;
  readonly replica?: { readonly replica: Replica; readonly trader: Signer };
  readonly config: EngineConfig;
}

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    blocks: { type: "string", default: "10" },
    rpc: { type: "string" },
    chain: { type: "string", default: "localhost" },
    live: { type: "boolean", default: false },
    config: { type: "string" },
    executor: { type: "string" },
    operator: { type: "string" },
  },
  strict: true,
});

/** Locally: a fresh node, its record, its unlocked operator, and live trading. */
async function localTarget(rpc: string | undefined): Promise<Target> {
  const record = JSON.parse(readFileSync(LOCAL_RECORD_PATH, "utf8")) as LocalRecord;
  const rpcUrl = rpc ?? record.rpcUrl;
  const config = loadEngineConfig(values.config, {
    rpcUrl,
    chain: "localhost",
    live: rpc === undefined || values.live,
  });
  const provider = await connectRpc(rpcUrl, record.chainId);
  // The chain behind these records was just created; records of an older one mean nothing.
  if (rpc === undefined) rmSync(config.databasePath, { force: true });
  const trader = await provider.getSigner(2);
  return {
    provider,
    book: record.replica.book,
    executor: record.executor,
    operator: await provider.getSigner(record.operator),
    replica: { replica: attachReplica(record.replica, trader), trader },
    config,
  };
}

/** On a live chain: the address book, the deployed executor, and a key only when sending. */
async function liveTarget(rpc: string, chain: string): Promise<Target> {
  const book = liveBook(chain);
  const config = loadEngineConfig(values.config, {
    rpcUrl: rpc,
    chain,
    live: values.live,
    databasePath: `deployments/engine-${chain}.sqlite`,
  });
  const provider = await connectRpc(rpc, book.chainId);
  const executor = await resolveExecutor(provider, values.executor === undefined ? {} : { executor: values.executor });
  // The keystore plugin answers through the Hardhat runtime's hooks.
  const { hooks } = (await import("hardhat")).default;
  const operator = await operatorSigner(provider, hooks, { live: config.live, operator: values.operator });
  return { provider, book, executor, operator, config };
}

async function main(): Promise<void> {
  const blocks = Number(values.blocks);
  if (!Number.isInteger(blocks) || blocks <= 0)
    throw new BaseError(`--blocks: "${values.blocks}" is not a positive whole number.`);
  const log = createLogger(values.json);
  const progress = (done: number, total: number) => {
    if (!values.json)
      process.stderr.write(`\rDiscovering pools: ${done}/${total} factory reads${done === total ? "\n" : ""}`);
  };
  let node: LocalNode | undefined;
  try {
    if (values.rpc === undefined) node = await startLocalNode();
    const target =
      values.chain === "localhost"
        ? await localTarget(values.rpc)
        : await liveTarget(values.rpc as string, values.chain);
    const { provider, book, config } = target;
    const records = new Records(config.databasePath);
    // The database may hold earlier runs; this run lists only its own trades.
    const firstId = records.all().reduce((max, r) => Math.max(max, r.id), 0);
    const pools = await discoverPools(provider, book, progress);
    const baseTokens = [book.tokens.WETH, book.tokens.USDC, book.tokens.DAI].filter(
      (t): t is Address => t !== undefined,
    );
    const engine = new Engine({
      provider,
      operator: target.operator,
      executor: target.executor,
      book,
      pools,
      baseTokens,
      symbols: symbolsOf(book),
      aTokens: await aTokensOf(provider, book, baseTokens),
      config,
      records,
      log,
    });
    await engine.start();
    let last = await provider.getBlockNumber();
    for (let round = 0; round < blocks; round++) {
      if (target.replica !== undefined) {
        const [dex, a, b, fee, tokenIn, amount] = DISLOCATIONS[
          round % DISLOCATIONS.length
        ] as (typeof DISLOCATIONS)[number];
        const { replica, trader } = target.replica;
        await dislocate(
          replica,
          findPool(replica, dex, a, b, fee),
          trader,
          tokenIn,
          parseUnits(amount, DECIMALS[tokenIn] ?? 18),
        );
      } else {
        // Wait for the chain's next block.
        while ((await provider.getBlockNumber()) <= last) await new Promise((r) => setTimeout(r, 1_000));
      }
      last = await provider.getBlockNumber();
      await engine.onBlock();
    }
    const s = engine.stats;
    const summary = {
      opportunities: s.opportunities,
      simulated: s.simulated,
      sent: s.sent,
      succeeded: s.succeeded,
      reverted: s.reverted,
      realisedProfit: Object.fromEntries(Object.entries(s.realisedProfit).map(([k, v]) => [k, v.toString()])),
      gasUsed: s.gasUsed.toString(),
    };
    if (values.json) {
      console.log(JSON.stringify(summary));
    } else {
      console.log(`Rounds:        ${blocks} (${config.live ? "live" : "dry-run"}, ${pools.length} pools)`);
      console.log(`Opportunities: ${s.opportunities} (filtered: ${JSON.stringify(s.filtered)})`);
      console.log(`Simulated:     ${s.simulated}`);
      console.log(`Sent:          ${s.sent} (succeeded ${s.succeeded}, reverted ${s.reverted})`);
      for (const row of records.all().filter((r) => r.id > firstId)) {
        if (row.status === "succeeded") {
          console.log(
            `  block ${row.block}: ${row.cycle}: borrowed ${row.amountIn} ${row.token} from ${row.lender}, realised ${row.realisedProfit} ${row.token} (gas ${row.gasUsed})`,
          );
        } else if (row.status === "dry_run") {
          // Expected, not realised: nothing was sent, so nothing was measured on chain.
          console.log(
            `  block ${row.block}: ${row.cycle}: would borrow ${row.amountIn} ${row.token} from ${row.lender}, simulated to clear its floor, expected ${row.expectedProfit} ${row.token} (not sent)`,
          );
        }
      }
      console.log(`Realised profit (base units, from receipts): ${JSON.stringify(summary.realisedProfit)}`);
      console.log(`Gas used: ${summary.gasUsed}. Records: ${config.databasePath}`);
    }
    records.close();
    (provider as { destroy?: () => void }).destroy?.();
  } finally {
    await node?.stop();
  }
}

try {
  await main();
} catch (error) {
  if (!(error instanceof BaseError)) throw error;
  console.error(`Error: ${error.message}`);
  process.exitCode = 1;
}
