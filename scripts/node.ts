// `npm run node`: starts a Hardhat JSON-RPC node on 127.0.0.1:8545, deploys the replica and
// the executor on it (scripts/setupLocalNode.ts), writes deployments/localhost.json, and keeps
// the node running until interrupted. Every run starts a fresh node, so the addresses are the
// same each time.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const hardhat = `${root}node_modules/.bin/hardhat`;
const HOST = "127.0.0.1";
const PORT = 8545;
const READY_TIMEOUT_MS = 60_000;

function portInUse(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port: PORT });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitForRpc(node: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (node.exitCode !== null)
      throw new Error(`The node exited with code ${node.exitCode}; see deployments/node.log.`);
    try {
      const response = await fetch(`http://${HOST}:${PORT}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`The node did not answer on ${HOST}:${PORT} within ${READY_TIMEOUT_MS / 1000} s.`);
}

if (await portInUse()) {
  console.error(`Error: ${HOST}:${PORT} is already in use. Stop the process listening there and run again.`);
  process.exit(1);
}

mkdirSync(`${root}deployments`, { recursive: true });
const log = createWriteStream(`${root}deployments/node.log`);
const node = spawn(hardhat, ["node", "--hostname", HOST, "--port", String(PORT)], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
});
node.stdout?.pipe(log);
node.stderr?.pipe(log);
const stop = (code: number) => {
  node.kill("SIGTERM");
  process.exit(code);
};
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

try {
  await waitForRpc(node);
} catch (error) {
  console.error(`Error: ${(error as Error).message}`);
  stop(1);
}
const setup = spawnSync(hardhat, ["run", "--network", "localhost", "scripts/setupLocalNode.ts"], {
  cwd: root,
  stdio: "inherit",
});
if (setup.status !== 0) {
  console.error("Error: setting up the local node failed (see above).");
  stop(1);
}
console.log(
  `Local node ready at http://${HOST}:${PORT} (chain 31337); node log in deployments/node.log. Ctrl+C stops it.`,
);
node.on("exit", (code) => process.exit(code ?? 0));
