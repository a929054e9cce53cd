// `npm start`: the one-command demo. Starts a fresh local node with the replica and the executor,
// runs the engine service live on it with its dashboard, makes a price move per round, waits for
// the engine to handle it, and — until Ctrl+C, or after `--blocks` rounds — prints what it found
// and did (`--json`: one summary line on stdout).
import { randomBytes } from "node:crypto";
import { parseUnits } from "ethers";
import { createCommand, nonNegativeNumber, positiveInteger } from "../src/cli.js";
import { launch, readLocalRecord } from "../src/engine/launch.js";
import { type LocalNode, startLocalNode } from "../src/ops/localNode.js";
import { dislocate, findPool } from "../src/replica/market.js";
import { attachReplica, type ReplicaRecord } from "../src/replica/record.js";
import type { ReplicaTokenSymbol } from "../src/replica/tokens.js";
import { configFrom, type EngineOptions, engineLogger, port, runMain, serve } from "./lib/engineCli.js";

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
  .option(
    "--blocks <n>",
    "stop after this many rounds (price moves the engine handles); default: run until Ctrl+C",
    positiveInteger,
  )
  .option("--interval <seconds>", "pause between rounds (default 3 until Ctrl+C, 0 with --blocks)", nonNegativeNumber)
  .option("--config <file>", "JSON configuration file (see config/engine.example.json)")
  .option("--api-port <port>", "the dashboard's and API's port (0: any free port)", port)
  .option("--json", "print the summary as one JSON line on stdout (logs stay on stderr)", false)
  .addHelpText("after", "\nTo run the engine against another node or chain until stopped, use `npm run engine`.");
const options = command
  .parse()
  .opts<{ blocks?: number; interval?: number; config?: string; apiPort?: number; json: boolean }>();
const intervalMs = (options.interval ?? (options.blocks === undefined ? 3 : 0)) * 1000;

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
    const rounds = options.blocks ?? Number.POSITIVE_INFINITY;
    let stopped = false;
    const stop = () => {
      stopped = true;
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    // The demo's own token for the dashboard's controls, unless the environment sets one.
    const fallbackToken = randomBytes(16).toString("hex");
    const drive = async (service: Parameters<Parameters<typeof serve>[3] & object>[0], ended: () => boolean) => {
      for (let round = 0; round < rounds && !ended() && !stopped; round++) {
        if (round > 0 && intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
        if (ended() || stopped) break;
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
      return stopped ? "a signal" : `the end of ${options.blocks} round(s)`;
    };
    await serve(deps, log, options.json, drive, { fallbackToken });
  } finally {
    await node?.stop();
  }
});
