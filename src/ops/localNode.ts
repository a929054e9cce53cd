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

/** Where a local node listens and where its record goes (both default to `npm run node`'s). */
export interface LocalNodeOptions {
  readonly port?: number;
  readonly recordPath?: string;
  /** Another chain ID than 31337: a second local chain beside the first. */
  readonly chainId?: number;
  /** The Hardhat network whose settings the node takes (`arena`: a first-in-first-out mempool). */
  readonly network?: string;
  /** What to tell the user when the port is taken, in place of the advice for `npm start`. */
  readonly portInUseHint?: string;
}

/** A running local node; `stop` ends it (and only it). */
export interface LocalNode {
  readonly rpcUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOCAL_HOST, port });
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
 * Starts a fresh Hardhat node on 127.0.0.1:8545 or `options.port` (its output goes to
 * deployments/node.log), deploys the replica and the executor on it, and writes
 * deployments/localhost.json or `options.recordPath`.
 * @throws BaseError when the port is taken or the node or its setup fails.
 */
export async function startLocalNode(options: LocalNodeOptions = {}): Promise<LocalNode> {
  const port = options.port ?? LOCAL_PORT;
  if (await portInUse(port)) {
    throw new BaseError(`${LOCAL_HOST}:${port} is already in use.`, {
      details:
        options.portInUseHint ??
        "Stop the process listening there and run again. `npm start` starts a node of its own: with `npm run node` running, use `npm run engine` against it instead.",
    });
  }
  const rpcUrl = `http://${LOCAL_HOST}:${port}`;
  mkdirSync(`${root}deployments`, { recursive: true });
  const log = createWriteStream(`${root}deployments/node${port === LOCAL_PORT ? "" : `-${port}`}.log`);
  const chain = options.chainId === undefined ? [] : ["--chain-id", String(options.chainId)];
  const networkArgs = options.network === undefined ? [] : ["--network", options.network];
  const node = spawn(
    process.execPath,
    [hardhat, "node", ...networkArgs, "--hostname", LOCAL_HOST, "--port", String(port), ...chain],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
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
      // Its progress goes to stderr: stdout is for the caller's results (`npm start -- --json`).
      stdio: ["ignore", 2, "inherit"],
      env: {
        ...process.env,
        FLASH_ARB_NODE_URL: rpcUrl,
        ...(options.chainId === undefined ? {} : { FLASH_ARB_NODE_CHAIN_ID: String(options.chainId) }),
        ...(options.recordPath === undefined ? {} : { FLASH_ARB_LOCAL_RECORD: options.recordPath }),
      },
    });
    if (setup.status !== 0) throw new BaseError("Setting up the local node failed (see above).");
  } catch (error) {
    await stop();
    throw error;
  }
  return { rpcUrl, process: node, stop };
}
