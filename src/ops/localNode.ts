import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { BaseError } from "../errors.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const hardhat = `${root}node_modules/.bin/hardhat`;
export const LOCAL_HOST = "127.0.0.1";
export const LOCAL_PORT = 8545;
const READY_TIMEOUT_MS = 60_000;

/** A running local node; `stop` ends it (and only it). */
export interface LocalNode {
  readonly rpcUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

function portInUse(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOCAL_HOST, port: LOCAL_PORT });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitForRpc(node: ChildProcess, rpcUrl: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (node.exitCode !== null)
      throw new BaseError(`The node exited with code ${node.exitCode}; see deployments/node.log.`);
    try {
      const response = await fetch(rpcUrl, {
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
  throw new BaseError(`The node did not answer on ${rpcUrl} within ${READY_TIMEOUT_MS / 1000} s.`);
}

/**
 * Starts a fresh Hardhat node on 127.0.0.1:8545 (its output goes to deployments/node.log),
 * deploys the replica and the executor on it, and writes deployments/localhost.json.
 * @throws BaseError when the port is taken or the node or its setup fails.
 */
export async function startLocalNode(): Promise<LocalNode> {
  if (await portInUse()) {
    throw new BaseError(`${LOCAL_HOST}:${LOCAL_PORT} is already in use.`, {
      details: "Stop the process listening there (another node?) and run again.",
    });
  }
  const rpcUrl = `http://${LOCAL_HOST}:${LOCAL_PORT}`;
  mkdirSync(`${root}deployments`, { recursive: true });
  const log = createWriteStream(`${root}deployments/node.log`);
  const node = spawn(process.execPath, [hardhat, "node", "--hostname", LOCAL_HOST, "--port", String(LOCAL_PORT)], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  node.stdout?.pipe(log);
  node.stderr?.pipe(log);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (node.exitCode !== null) return resolve();
      node.once("exit", () => resolve());
      node.kill("SIGTERM");
    });
  try {
    await waitForRpc(node, rpcUrl);
    const setup = spawnSync(process.execPath, [hardhat, "run", "--network", "localhost", "scripts/setupLocalNode.ts"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (setup.status !== 0) throw new BaseError("Setting up the local node failed (see above).");
  } catch (error) {
    await stop();
    throw error;
  }
  return { rpcUrl, process: node, stop };
}
