// `npm start`: the main job. Starts the local node with the replica and the executor, creates
// price dislocations on it, runs the engine live for --blocks rounds, and prints what it found
// and did; `--json` prints one machine-readable summary as the last line.
// `npm start -- --rpc <url> --chain <name>` runs against another node instead (dry-run unless --live).
import { readFileSync, rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseUnits } from "ethers";
import type { Address } from "../src/addressBook.js";
import { loadEngineConfig } from "../src/engine/config.js";
import { Engine } from "../src/engine/engine.js";
import { createLogger } from "../src/engine/log.js";
import { connectRpc, liveBook, NetworkError } from "../src/engine/network.js";
import { Records } from "../src/engine/records.js";
import { replicaMarketPools, symbolsOf } from "../src/engine/replicaMarket.js";
import { BaseError } from "../src/errors.js";
import { LOCAL_RECORD_PATH } from "../src/ops/deployment.js";
import { type LocalNode, startLocalNode } from "../src/ops/localNode.js";
import { dislocate, findPool } from "../src/replica/market.js";
import { attachReplica, type ReplicaRecord } from "../src/replica/record.js";
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
  ["uniswapV3", "WETH", "USDC", 500, "WETH", "30"],
  ["uniswapV2", "WETH", "DAI", undefined, "DAI", "60000"],
  ["sushiswap", "WBTC", "WETH", undefined, "WBTC", "1.5"],
];

interface LocalRecord {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly executor: Address;
  readonly operator: Address;
  readonly replica: ReplicaRecord;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      blocks: { type: "string", default: "10" },
      rpc: { type: "string" },
      chain: { type: "string", default: "localhost" },
      live: { type: "boolean", default: false },
      config: { type: "string" },
    },
    strict: true,
  });
  const blocks = Number(values.blocks);
  if (!Number.isInteger(blocks) || blocks <= 0)
    throw new BaseError(`--blocks: "${values.blocks}" is not a positive whole number.`);
  const log = createLogger(values.json);
  const local = values.rpc === undefined;
  if (!local && values.chain !== "localhost") {
    const book = liveBook(values.chain);
    await connectRpc(values.rpc as string, book.chainId);
    throw new BaseError(`Pool discovery on ${values.chain} is not built yet.`, {
      details:
        "The engine runs against the local node (npm start) or any node holding the replica (--chain localhost).",
    });
  }
  let node: LocalNode | undefined;
  try {
    if (local) node = await startLocalNode();
    const record = JSON.parse(readFileSync(LOCAL_RECORD_PATH, "utf8")) as LocalRecord;
    const rpcUrl = values.rpc ?? record.rpcUrl;
    const config = loadEngineConfig(values.config, {
      rpcUrl,
      chain: "localhost",
      // The local chain is ours: trade for real there. Elsewhere, only with --live.
      live: local || values.live,
      databasePath: "deployments/engine.sqlite",
    });
    const provider = await connectRpc(rpcUrl, record.chainId);
    // The chain behind these records was just created; records of an older one mean nothing.
    if (local) rmSync(config.databasePath, { force: true });
    const records = new Records(config.databasePath);
    const operator = await provider.getSigner(record.operator);
    const trader = await provider.getSigner(2);
    const replica = attachReplica(record.replica, trader);
    const book = record.replica.book;
    const engine = new Engine({
      provider,
      operator,
      executor: record.executor,
      book,
      pools: replicaMarketPools(record.replica.pools, record.replica.tokenAddresses, book),
      baseTokens: [book.tokens.WETH, book.tokens.USDC, book.tokens.DAI],
      symbols: symbolsOf(book),
      aTokens: Object.fromEntries(
        Object.entries(record.replica.aaveATokens).map(([symbol, aToken]) => [
          record.replica.tokenAddresses[symbol as ReplicaTokenSymbol],
          aToken,
        ]),
      ),
      config,
      records,
      log,
    });
    await engine.start();
    for (let round = 0; round < blocks; round++) {
      if (local) {
        const [dex, a, b, fee, tokenIn, amount] = DISLOCATIONS[
          round % DISLOCATIONS.length
        ] as (typeof DISLOCATIONS)[number];
        const decimals = tokenIn === "USDC" ? 6 : tokenIn === "WBTC" ? 8 : 18;
        await dislocate(replica, findPool(replica, dex, a, b, fee), trader, tokenIn, parseUnits(amount, decimals));
      }
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
      console.log(`Rounds:        ${blocks}`);
      console.log(`Opportunities: ${s.opportunities} (filtered: ${JSON.stringify(s.filtered)})`);
      console.log(`Simulated:     ${s.simulated}`);
      console.log(`Sent:          ${s.sent} (succeeded ${s.succeeded}, reverted ${s.reverted})`);
      for (const row of records.all().filter((r) => r.status === "succeeded")) {
        console.log(
          `  block ${row.block}: ${row.cycle} — borrowed ${row.amountIn} ${row.token} from ${row.lender}, realised ${row.realisedProfit} ${row.token} (gas ${row.gasUsed})`,
        );
      }
      console.log(`Realised profit (base units, from receipts): ${JSON.stringify(summary.realisedProfit)}`);
      console.log(`Gas used: ${summary.gasUsed}. Records: ${config.databasePath}`);
    }
    records.close();
    provider.destroy();
    return 0;
  } finally {
    await node?.stop();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof BaseError || error instanceof NetworkError)) throw error;
  console.error(`Error: ${error.message}`);
  process.exitCode = 1;
}
