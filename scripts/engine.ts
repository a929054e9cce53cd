// `npm run engine`: the engine as a service against any RPC, until SIGINT or SIGTERM.

import { createCommand } from "../src/cli.js";
import { launch } from "../src/engine/launch.js";
import { EngineService } from "../src/engine/service.js";
import {
  configFrom,
  type EngineOptions,
  engineLogger,
  engineOptions,
  printSummary,
  runMain,
  stopOnSignal,
} from "./lib/engineCli.js";

const command = engineOptions(
  createCommand("engine", "Run the arbitrage engine until stopped (SIGINT/SIGTERM): dry-run unless --live."),
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
  const service = new EngineService(deps);
  try {
    await service.start();
    stopOnSignal(service, log);
    log.info("running", {
      live: config.live,
      rpc: deps.provider.urls,
      database: config.databasePath,
      stop: "Ctrl+C or SIGTERM",
    });
    await service.run();
    const summary = await service.stop();
    printSummary(service, summary, {
      json: options.json,
      live: config.live,
      pools: deps.pools.length,
      databasePath: config.databasePath,
    });
  } finally {
    deps.records.close();
    deps.provider.destroy();
  }
});
