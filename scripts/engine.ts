// `npm run engine`: the engine as a service against any RPC, until SIGINT or SIGTERM.

import { createCommand } from "../src/cli.js";
import { launch } from "../src/engine/launch.js";
import { configFrom, type EngineOptions, engineLogger, engineOptions, runMain, serve } from "./lib/engineCli.js";

const command = engineOptions(
  createCommand(
    "engine",
    "Run the engine (arbitrage, and liquidations where the address book has Aave V3) until stopped (SIGINT/SIGTERM): dry-run unless --live.",
  ),
);
command.addHelpText(
  "after",
  "\nExamples:\n  npm run engine                                   # dry-run against the local node (npm run node)\n  npm run engine -- --live                         # trade on the local node\n  npm run engine -- --chain mainnet --rpc https://a --rpc https://b --config engine.json",
);
const options = command.parse().opts<EngineOptions>();

await runMain(async () => {
  const config = configFrom(options);
  const log = engineLogger();
  const deps = await launch({
    config,
    executor: options.executor,
    operator: options.operator,
    log,
    progress: (done, total) => {
      if (process.stderr.isTTY)
        process.stderr.write(`\rDiscovering pools: ${done}/${total} factory reads${done === total ? "\n" : ""}`);
    },
  });
  await serve(deps, log, options.json);
});
