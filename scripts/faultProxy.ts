// `npm run fault-proxy -- --upstream <url> [--drop P] [--delay P] [--error500 P] [--garble P]`:
// puts a fault-injecting JSON-RPC proxy in front of a node, so an operator can point the engine at
// it and rehearse a flaky provider. Listens on 127.0.0.1 only; prints its URL and seed on stderr,
// and what it injected when stopped with Ctrl+C or SIGTERM.
import { Command, InvalidArgumentError } from "commander";
import { BaseError } from "../src/errors.js";
import { DEFAULT_DELAY_MS, FaultProxy } from "../src/ops/faultProxy.js";

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === "" || !Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`Give a whole number from ${min} to ${max}.`);
    }
    return parsed;
  };
}

function rate(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new InvalidArgumentError("Give a probability from 0 to 1.");
  }
  return parsed;
}

interface Options {
  readonly upstream: string;
  readonly port: number;
  readonly seed?: number;
  readonly drop: number;
  readonly delay: number;
  readonly delayMs: number;
  readonly error500: number;
  readonly garble: number;
}

const options = new Command()
  .name("faultProxy")
  .description(
    "A JSON-RPC proxy on 127.0.0.1 that forwards to a node and injects faults at random: dropped connections, " +
      "delays, HTTP 500s and malformed answers. Requests are never altered. The rates are per request and " +
      "exclusive, so they must add up to at most 1.",
  )
  .requiredOption("--upstream <url>", "the node's JSON-RPC URL to forward to")
  .option("--port <n>", "the port to listen on; 0 picks a free one", integer(0, 65_535), 0)
  .option(
    "--seed <n>",
    "seeds the fault draws; the same seed replays the same faults (default: random)",
    integer(0, 2 ** 32 - 1),
  )
  .option("--drop <p>", "rate of requests cut without an answer, before or after reaching the node", rate, 0)
  .option("--delay <p>", "rate of requests held --delay-ms before being forwarded", rate, 0)
  .option("--delay-ms <ms>", "how long a delayed request is held", integer(0, 3_600_000), DEFAULT_DELAY_MS)
  .option("--error500 <p>", "rate of requests answered HTTP 500 without reaching the node", rate, 0)
  .option("--garble <p>", "rate of requests forwarded, then answered with malformed JSON-RPC", rate, 0)
  .addHelpText(
    "after",
    "\nExample:\n  npm run fault-proxy -- --upstream http://127.0.0.1:8545 --port 8546 --drop 0.05 --garble 0.05",
  )
  .parse()
  .opts<Options>();

try {
  const proxy = await FaultProxy.start({
    upstream: options.upstream,
    port: options.port,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    delayMs: options.delayMs,
    rates: { drop: options.drop, delay: options.delay, error500: options.error500, garble: options.garble },
  });
  let stopping = false;
  const stop = async () => {
    // A second Ctrl+C while closing means "now".
    if (stopping) process.exit(1);
    stopping = true;
    await proxy.close();
    console.error(`Fault proxy stopped; ${JSON.stringify(proxy.counts)}`);
    // Idle keep-alive connections to the upstream would otherwise hold the process for a few seconds.
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.error(`Fault proxy on ${proxy.url} -> ${options.upstream} (seed ${proxy.seed}); Ctrl+C stops it.`);
} catch (error) {
  if (!(error instanceof BaseError)) throw error;
  console.error(`Error: ${error.message}`);
  process.exit(1);
}
