import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { LOCAL_RECORD_PATH } from "../../src/ops/deployment.js";
import { type SafeBatch, safeBatchChecksum } from "../../src/ops/safeBatch.js";
import { deploySafe } from "../fixtures/safe.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const hardhat = `${root}node_modules/.bin/hardhat`;
// Hardhat's first two development accounts: the owner and the operator the node sets up.
const OWNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const OPERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
// The owner's key: Hardhat's first well-known development key.
const OWNER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** Starts `npm run node`'s script and resolves once it says the node is ready. */
function startNode(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, "scripts/node.ts"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Local node ready")) resolve(child);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) =>
      reject(new Error(`The node script exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

function stopNode(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Runs a Hardhat task against the local node, as a user would. */
function cli(...args: string[]): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, [hardhat, ...args, "--network", "localhost"], {
    cwd: root,
    encoding: "utf8",
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function record(): { executor: string; book: unknown } {
  return JSON.parse(readFileSync(LOCAL_RECORD_PATH, "utf8")) as { executor: string; book: unknown };
}

describe("the local node for the engine (npm run node)", function () {
  this.timeout(300_000);
  let node: ChildProcess | undefined;

  afterEach(async () => {
    if (node !== undefined) await stopNode(node);
    node = undefined;
  });

  it("serves the replica and a configured executor over JSON-RPC, and the owner tasks work and refuse as they should", async () => {
    node = await startNode();
    const first = record();

    const status = cli("executor", "status", "--json");
    expect(status.status, status.out).to.equal(0);
    const parsed = JSON.parse(status.out.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
    expect(parsed.executor).to.equal(first.executor);
    expect(parsed.owner).to.equal(OWNER);
    expect(parsed.operators).to.deep.equal([OPERATOR]);
    expect(parsed.paused).to.equal(false);

    // With the keystore's key, nothing is sent unasked: no terminal, no --yes, no transaction.
    const unasked = cli("executor", "pause");
    expect(unasked.status).to.equal(1);
    expect(unasked.out).to.contain("Refusing to send without confirmation: there is no terminal to ask.");
    expect(JSON.parse(cli("executor", "status", "--json").out.trim().split("\n").pop() ?? "{}").paused).to.equal(false);
    const pause = cli("executor", "pause", "--yes");
    expect(pause.status, pause.out).to.equal(0);
    expect(pause.out).to.contain(`Paused on ${first.executor}`);
    expect(JSON.parse(cli("executor", "status", "--json").out.trim().split("\n").pop() ?? "{}").paused).to.equal(true);

    const bad = cli("executor", "withdraw", "--token", "0x12");
    expect(bad.status).to.equal(1);
    expect(bad.out).to.contain('--token: "0x12" is not an address.');

    const stranger = cli("executor", "status", "--executor", "0x000000000000000000000000000000000000dEaD");
    expect(stranger.status).to.equal(1);
    expect(stranger.out).to.contain("No contract at 0x000000000000000000000000000000000000dEaD on chain 31337.");

    const moved = cli("replica", "dislocate", "--pool", "uniswapV2:WETH/USDC", "--amount", "10");
    expect(moved.status, moved.out).to.equal(0);
    expect(moved.out).to.match(/sold 10 WETH on uniswapV2:WETH\/USDC, received \d+/);

    // The engine refuses an RPC on the wrong chain and one that does not answer; the demo
    // refuses a malformed option in one line.
    const run = (script: string, ...args: string[]) =>
      spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", "--import", "tsx", script, ...args], {
        cwd: root,
        encoding: "utf8",
      });
    const wrongChain = run("scripts/engine.ts", "--rpc", "http://127.0.0.1:8545", "--chain", "mainnet");
    expect(wrongChain.status).to.equal(1);
    expect(wrongChain.stderr).to.contain("The RPC at http://127.0.0.1:8545 answers for chain 31337, not 1.");
    const unreachable = run("scripts/engine.ts", "--rpc", "http://127.0.0.1:9", "--chain", "mainnet");
    expect(unreachable.status).to.equal(1);
    expect(unreachable.stderr).to.contain("Cannot reach the RPC at http://127.0.0.1:9.");
    expect(unreachable.stderr).to.not.match(/^\s+at /m);
    const badOption = run("scripts/start.ts", "--blocks", "many");
    expect(badOption.status).to.equal(2);
    expect(badOption.stderr.trim().split("\n")).to.deep.equal([
      "error: option '--blocks <n>' argument 'many' is invalid. Expected a whole number above zero (see start --help)",
    ]);

    // Handing the executor to a Safe: proposed with the owner's key, accepted by the Safe from the
    // batch `accept-owner --safe` prints; then a Safe-only task prints and sends nothing.
    // No response cache: the CLI sends from the same account between these calls.
    const provider = new JsonRpcProvider("http://127.0.0.1:8545", undefined, { cacheTimeout: -1 });
    const safe = await deploySafe(new Wallet(OWNER_KEY, provider));
    const notSafe = cli("executor", "accept-owner", "--safe", OPERATOR);
    expect(notSafe.status).to.equal(1);
    expect(notSafe.out).to.contain(`--safe: ${OPERATOR} has no code on this chain, so it is no Safe.`);
    expect(cli("executor", "propose-owner", "--account", safe.address, "--yes").status).to.equal(0);
    const accept = cli("executor", "accept-owner", "--safe", safe.address);
    expect(accept.status, accept.out).to.equal(0);
    expect(accept.out).to.contain(`Not sent. For the Safe ${safe.address} on chain 31337 to propose:`);
    const batch = JSON.parse(accept.out.trim().split("\n").pop() ?? "{}") as SafeBatch;
    expect(batch.meta.checksum).to.equal(safeBatchChecksum(batch));
    for (const call of batch.transactions) await safe.exec(call.to, BigInt(call.value), call.data);
    const afterSafe = JSON.parse(cli("executor", "status", "--json").out.trim().split("\n").pop() ?? "{}");
    expect(afterSafe.owner).to.equal(safe.address);
    const unpauseBySafe = cli("executor", "unpause", "--safe", safe.address);
    expect(unpauseBySafe.status, unpauseBySafe.out).to.equal(0);
    expect(unpauseBySafe.out).to.contain("call:  unpause()");
    // Printed, not sent: still paused until the Safe executes it.
    expect(JSON.parse(cli("executor", "status", "--json").out.trim().split("\n").pop() ?? "{}").paused).to.equal(true);
    provider.destroy();

    await stopNode(node);
    node = await startNode();
    const second = record();
    expect(second.executor).to.equal(first.executor);
    expect(second.book).to.deep.equal(first.book);
  });
});
