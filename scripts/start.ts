// `npm start`: the one-command demo. Starts a fresh local node with the replica and the executor,
// runs the engine service live on it, makes a price move per round, waits for the engine to
// handle it, and prints what it found and did (`--json`: one summary line on stdout).
import { parseUnits } from "ethers";
import { createCommand, positiveInteger } from "../src/cli.js";
import { launch, readLocalRecord } from "../src/engine/launch.js";
import { type LocalNode, startLocalNode } from "../src/ops/localNode.js";
import { dislocate, findPool } from "../src/replica/market.js";
import { attachReplica, type ReplicaRecord } from "../src/replica/record.js";
import type { ReplicaTokenSymbol } from "../src/replica/tokens.js";
import { configFrom, type EngineOptions, engineLogger, runMain, serve } from "./lib/engineCli.js";

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
/** The demo's own records: every run is a new chain, so a file per chain. */
const DEMO_DATABASE = "deployments/demo.sqlite";

const command = createCommand("start", "The demo: a fresh local chain, price moves, and the engine trading live on it.")
  .option("--blocks <n>", "rounds: price moves the engine handles", positiveInteger, 10)
  .option("--config <file>", "JSON configuration file (see config/engine.example.json)")
  .option("--json", "print the summary as one JSON line on stdout (logs stay on stderr)", false)
  .addHelpText("after", "\nTo run the engine against another node or chain until stopped, use `npm run engine`.");
const options = command.parse().opts<{ blocks: number; config?: string; json: boolean }>();

await runMain(async () => {
  const log = engineLogger();
  const config = configFrom(options as EngineOptions, {
    live: true,
    chain: "localhost",
    databasePath: DEMO_DATABASE,
    confirmations: 1,
  });
  let node: LocalNode | undefined;
  try {
    node = await startLocalNode();
    const deps = await launch({ config, log });
    const record = readLocalRecord() as ReturnType<typeof readLocalRecord> & { replica: ReplicaRecord };
    const trader = await deps.provider.getSigner(2);
    const replica = attachReplica(record.replica, trader);
    await serve(deps, log, options.json, async (service, ended) => {
      for (let round = 0; round < options.blocks && !ended(); round++) {
        const [dex, a, b, fee, tokenIn, amount] = DISLOCATIONS[
          round % DISLOCATIONS.length
        ] as (typeof DISLOCATIONS)[number];
        await dislocate(
          replica,
          findPool(replica, dex, a, b, fee),
          trader,
          tokenIn,
          parseUnits(amount, DECIMALS[tokenIn] ?? 18),
        );
        await service.idle();
      }
      return `the end of ${options.blocks} round(s)`;
    });
  } finally {
    await node?.stop();
  }
});
