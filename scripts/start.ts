// `npm start`: the one-command demo. Starts a fresh local node with the replica and the executor,
// opens three Aave positions, runs the engine service live on it with its dashboard, makes a price
// move per round (and in rounds 2, 3 and 5 an oracle price move that puts a position under one),
// waits for the engine to handle it, and — until Ctrl+C, or after `--blocks` rounds — prints what
// it found and did (`--json`: one summary line on stdout).
import { randomBytes } from "node:crypto";
import { JsonRpcProvider, parseUnits } from "ethers";
import { createCommand, nonNegativeNumber, positiveInteger } from "../src/cli.js";
import { launch, readLocalRecord } from "../src/engine/launch.js";
import { type LocalNode, startLocalNode } from "../src/ops/localNode.js";
import { setOraclePrice } from "../src/replica/aave.js";
import { dislocate, findPool } from "../src/replica/market.js";
import { openPosition } from "../src/replica/positions.js";
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
/** The Aave positions the demo opens (collateral, debt) before the engine starts. */
const POSITIONS: ReadonlyArray<
  readonly [readonly [ReplicaTokenSymbol, string][], readonly [ReplicaTokenSymbol, string][]]
> = [
  [[["WETH", "10"]], [["USDC", "21000"]]],
  [[["WBTC", "1.5"]], [["USDC", "60000"]]],
  [[["WETH", "5"]], [["DAI", "10000"]]],
];
/**
 * Oracle moves by round (0-based): WETH to $2,500 puts the first position at a health factor of
 * 0.98; WBTC to $48,000 the second at 0.99; WETH to $2,300 the third at 0.95 (the whole debt).
 */
const ORACLE_MOVES: Readonly<Record<number, readonly [ReplicaTokenSymbol, bigint]>> = {
  1: ["WETH", 2_500n],
  2: ["WBTC", 48_000n],
  4: ["WETH", 2_300n],
};
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
    const record = readLocalRecord() as ReturnType<typeof readLocalRecord> & { replica: ReplicaRecord };
    {
      // Borrowers first, so that the engine finds them from the Pool's events when it starts.
      const provider = new JsonRpcProvider(record.rpcUrl, undefined, { staticNetwork: true });
      const setup = attachReplica(record.replica, await provider.getSigner(2));
      for (const [k, [collateral, debt]] of POSITIONS.entries())
        await openPosition(setup, await provider.getSigner(5 + k), collateral, debt);
      provider.destroy();
    }
    const deps = await launch({ config, log });
    const trader = await deps.provider.getSigner(2);
    const admin = await deps.provider.getSigner(0);
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
        const move = ORACLE_MOVES[round];
        if (move !== undefined)
          await setOraclePrice(replica.aave, admin, replica.tokenAddresses[move[0]], move[1] * 10n ** 8n);
        await service.idle();
      }
      return stopped ? "a signal" : `the end of ${options.blocks} round(s)`;
    };
    await serve(deps, log, options.json, drive, { fallbackToken });
  } finally {
    await node?.stop();
  }
});
