// What the soak and the surface benchmark share: a fresh local node on its own port, the engine
// service trading live on it, and a round of price moves to make it trade.
import { parseUnits } from "ethers";
import { parseEngineConfig } from "../../src/engine/config.js";
import { launch, readLocalRecord } from "../../src/engine/launch.js";
import type { Logger } from "../../src/engine/log.js";
import { EngineService } from "../../src/engine/service.js";
import { startLocalNode } from "../../src/ops/localNode.js";
import { dislocate, findPool } from "../../src/replica/market.js";
import { attachReplica, type ReplicaRecord } from "../../src/replica/record.js";

/** Where the node listens and its record goes, and the service's few settings that differ. */
export interface LocalEngineOptions {
  readonly port: number;
  readonly name: string;
  readonly confirmations: number;
  readonly pollIntervalMs: number;
  readonly log: Logger;
}

/**
 * Starts a node on `port` (its record in cache/<name>-node.json, its records in
 * cache/<name>-<time>.sqlite), launches the service live on it and runs it in the background.
 * `move()` makes the next of four price moves; `close()` stops the service and the node.
 */
export async function startLocalEngine(options: LocalEngineOptions) {
  const recordPath = `${process.cwd()}/cache/${options.name}-node.json`;
  const node = await startLocalNode({ port: options.port, recordPath });
  const databasePath = `cache/${options.name}-${Date.now()}.sqlite`;
  const config = parseEngineConfig({
    live: true,
    chain: "localhost",
    rpcUrl: node.rpcUrl,
    databasePath,
    confirmations: options.confirmations,
    pollIntervalMs: options.pollIntervalMs,
  });
  const deps = await launch({ config, log: options.log, localRecordPath: recordPath });
  const record = readLocalRecord(recordPath) as ReturnType<typeof readLocalRecord> & { replica: ReplicaRecord };
  const trader = await deps.provider.getSigner(2);
  const replica = attachReplica(record.replica, trader);
  const service = new EngineService(deps);
  await service.start();
  void service.run();
  const moves = [
    () => dislocate(replica, findPool(replica, "uniswapV2", "WETH", "USDC"), trader, "WETH", parseUnits("12", 18)),
    () => dislocate(replica, findPool(replica, "sushiswap", "WETH", "USDC"), trader, "USDC", parseUnits("30000", 6)),
    () => dislocate(replica, findPool(replica, "uniswapV3", "WETH", "USDC", 500), trader, "WETH", parseUnits("10", 18)),
    () => dislocate(replica, findPool(replica, "uniswapV2", "WETH", "DAI"), trader, "DAI", parseUnits("25000", 18)),
  ];
  let moved = 0;
  return {
    deps,
    service,
    databasePath,
    /** How many price moves were made. */
    get moved() {
      return moved;
    },
    async move(): Promise<void> {
      await (moves[moved++ % moves.length] as () => Promise<bigint>)();
    },
    /** Stops the service (its summary), closes the records and the RPC, stops the node. */
    async close(reason: string) {
      const summary = await service.stop(reason);
      deps.records.close();
      deps.provider.destroy();
      await node.stop();
      return summary;
    },
  };
}
