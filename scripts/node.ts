// `npm run node`: starts a Hardhat JSON-RPC node on 127.0.0.1:8545, deploys the replica and
// the executor on it, writes deployments/localhost.json, and keeps the node running until
// interrupted. Every run starts a fresh node, so the addresses are the same each time.
import { createCommand } from "../src/cli.js";
import { BaseError } from "../src/errors.js";
import { startLocalNode } from "../src/ops/localNode.js";

createCommand(
  "node",
  "Start a fresh local node on 127.0.0.1:8545 with the replica and a configured executor; Ctrl+C stops it.",
).parse();

try {
  const node = await startLocalNode();
  const stop = async () => {
    await node.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`Local node ready at ${node.rpcUrl} (chain 31337); node log in deployments/node.log. Ctrl+C stops it.`);
  node.process.on("exit", (code) => process.exit(code ?? 0));
} catch (error) {
  if (!(error instanceof BaseError)) throw error;
  console.error(`Error: ${error.message}`);
  process.exit(1);
}
