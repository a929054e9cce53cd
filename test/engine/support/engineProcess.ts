import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider, parseUnits } from "ethers";
import { readLocalRecord } from "../../../src/engine/launch.js";
import { dislocate, findPool } from "../../../src/replica/market.js";
import { attachReplica, type ReplicaRecord } from "../../../src/replica/record.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** One log line of the engine (JSON on stderr). */
export type LogLine = Record<string, unknown> & { event?: string; level?: string };

/** `npm run engine` as a child process, its log lines parsed as they come. */
export interface EngineProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line (already seen or to come) of `event` that `match` accepts. */
  waitFor(event: string, match?: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A scratch directory under cache/ for one test's files. */
export function scratch(name: string): string {
  const dir = `${root}cache/process-tests/${name}-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes an engine configuration file and returns its path. */
export function writeConfig(dir: string, config: object): string {
  const path = `${dir}/engine.json`;
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** Starts `scripts/engine.ts` the way `npm run engine` does, with `args`. */
export function spawnEngine(args: readonly string[], env: Readonly<Record<string, string>> = {}): EngineProcess {
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "--import", "tsx", "scripts/engine.ts", ...args],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "debug", ...env } },
  );
  const lines: LogLine[] = [];
  let out = "";
  let err = "";
  let partial = "";
  const waiters: Array<() => void> = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    err += text;
    partial += text;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const part of parts) {
      if (!part.startsWith("{")) continue;
      try {
        lines.push(JSON.parse(part) as LogLine);
      } catch {
        // Not a log line.
      }
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal });
    }),
  );
  const waitFor = async (event: string, match: (line: LogLine) => boolean = () => true, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((l) => l.event === event && match(l));
      if (found !== undefined) return found;
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `The engine exited (${child.exitCode ?? child.signalCode}) before logging ${event}:\n${err.slice(-3000)}`,
        );
      if (Date.now() > deadline) throw new Error(`No ${event} within ${timeoutMs} ms:\n${err.slice(-3000)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  };
  return { child, lines, stdout: () => out, stderr: () => err, waitFor, exited };
}

/** The local node's replica, traded by account 2, for moving prices from a test. */
export function localMarket(rpcUrl: string, recordPath?: string) {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1 });
  const record = readLocalRecord(recordPath) as ReturnType<typeof readLocalRecord> & { replica: ReplicaRecord };
  return {
    provider,
    record,
    /** Sells `amount` WETH on Uniswap V2's WETH/USDC pair (mined at once unless automine is off). */
    async cheapenWeth(amount = "40"): Promise<void> {
      const trader = await provider.getSigner(2);
      const replica = attachReplica(record.replica, trader);
      await dislocate(replica, findPool(replica, "uniswapV2", "WETH", "USDC"), trader, "WETH", parseUnits(amount, 18));
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
