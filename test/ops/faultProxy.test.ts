import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { BaseError } from "../../src/errors.js";
import { type FaultCounts, FaultProxy, type FaultProxyOptions } from "../../src/ops/faultProxy.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
const CHAIN_ID = "0x7a69";
const BLOCK_NUMBER = "0x2a";
const NO_COUNTS: FaultCounts = {
  forwarded: 0,
  dropped: 0,
  delayed: 0,
  error500: 0,
  garbled: 0,
  refused: 0,
  hung: 0,
};

interface JsonRpcRequest {
  readonly jsonrpc: "2.0";
  readonly id: number;
  readonly method: string;
  readonly params: readonly unknown[];
}

/** A minimal JSON-RPC node: eth_chainId and eth_blockNumber, single or batched; `slow` waits for the test. */
class Upstream {
  /** Every request body received, exactly as it arrived. */
  readonly bodies: string[] = [];
  /** The responses of `slow` requests the test has not released. */
  readonly slow: ServerResponse[] = [];
  private constructor(
    readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<Upstream> {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const upstream = new Upstream(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => upstream.handle(req, res));
    return upstream;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      this.bodies.push(body);
      const parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[];
      if (!Array.isArray(parsed) && parsed.method === "slow") {
        this.slow.push(res);
        return;
      }
      const answer = (call: JsonRpcRequest) => {
        if (call.method === "eth_chainId") return { jsonrpc: "2.0", id: call.id, result: CHAIN_ID };
        if (call.method === "eth_blockNumber") return { jsonrpc: "2.0", id: call.id, result: BLOCK_NUMBER };
        return { jsonrpc: "2.0", id: call.id, error: { code: -32601, message: "Method not found" } };
      };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)));
    });
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    // The proxy's fetch keeps connections alive; cut them so mocha can exit.
    this.server.closeAllConnections();
    await closed;
  }
}

interface Answer {
  readonly status: number;
  readonly type: string | undefined;
  readonly body: string;
}

/** POSTs `payload` with node:http, whose errors carry the socket-level codes (ECONNRESET, ECONNREFUSED). */
function post(url: string, payload: unknown, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers["content-type"],
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Resolves with the error `promise` rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    const value = await promise;
    throw new Error(`Expected a failure, got ${JSON.stringify(value)}`);
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

/** Waits, a few milliseconds at a time, for something the proxy does asynchronously. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Is `body` a well-formed JSON-RPC response to request `id` with a non-null result? */
function wellFormed(body: string, id: number): boolean {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return parsed.jsonrpc === "2.0" && parsed.id === id && parsed.result !== null && parsed.result !== undefined;
  } catch {
    return false;
  }
}

function call(id: number, method = "eth_chainId"): JsonRpcRequest {
  return { jsonrpc: "2.0", id, method, params: [] };
}

describe("the fault-injecting JSON-RPC proxy", () => {
  let upstream: Upstream;
  const proxies: FaultProxy[] = [];

  async function start(options: Omit<FaultProxyOptions, "upstream">): Promise<FaultProxy> {
    const proxy = await FaultProxy.start({ upstream: upstream.url, seed: 1, ...options });
    proxies.push(proxy);
    return proxy;
  }

  beforeEach(async () => {
    upstream = await Upstream.start();
  });

  afterEach(async () => {
    for (const response of upstream.slow) response.destroy();
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await upstream.close();
  });

  it("forwards requests and batches unchanged, and answers with the node's status and body, when no fault is drawn", async () => {
    const proxy = await start({ rates: { drop: 0, delay: 0, error500: 0, garble: 0 } });
    expect(proxy.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);

    const single = await post(proxy.url, call(7));
    const direct = await post(upstream.url, call(7));
    expect(single).to.deep.equal(direct);
    expect(JSON.parse(single.body)).to.deep.equal({ jsonrpc: "2.0", id: 7, result: CHAIN_ID });

    const batch = [call(1), call(2, "eth_blockNumber"), call(3, "eth_nope")];
    const batched = await post(proxy.url, batch);
    expect(batched.status).to.equal(200);
    expect(JSON.parse(batched.body)).to.deep.equal([
      { jsonrpc: "2.0", id: 1, result: CHAIN_ID },
      { jsonrpc: "2.0", id: 2, result: BLOCK_NUMBER },
      { jsonrpc: "2.0", id: 3, error: { code: -32601, message: "Method not found" } },
    ]);
    expect(upstream.bodies).to.deep.equal([JSON.stringify(call(7)), JSON.stringify(call(7)), JSON.stringify(batch)]);
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, forwarded: 2 });
  });

  it("drops every request with drop=1: the client sees the socket hang up, some after the node got the request", async () => {
    const proxy = await start({ rates: { drop: 1 } });
    for (let id = 0; id < 8; id++) {
      const error = await failure(post(proxy.url, call(id)));
      expect(error.code).to.equal("ECONNRESET");
      expect(error.message).to.equal("socket hang up");
    }
    // Seed 1 drops 3 of the 8 after forwarding: the node acted, the client never heard.
    expect(upstream.bodies).to.deep.equal([1, 3, 4].map((id) => JSON.stringify(call(id))));
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, dropped: 8 });
  });

  it("answers HTTP 500 in plain text with error500=1, without reaching the node", async () => {
    const proxy = await start({ rates: { error500: 1 } });
    const answer = await post(proxy.url, call(1));
    expect(answer).to.deep.equal({
      status: 500,
      type: "text/plain",
      body: "Internal Server Error (injected by the fault proxy)\n",
    });
    expect(upstream.bodies).to.deep.equal([]);
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, error500: 1 });
  });

  it("garbles every answer with garble=1 in each of the four ways, while the node gets each request unchanged", async () => {
    const proxy = await start({ rates: { garble: 1 } });
    const kinds = new Set<string>();
    for (let id = 1; id <= 16; id++) {
      const answer = await post(proxy.url, call(id));
      expect(answer.status).to.equal(200);
      expect(wellFormed(answer.body, id), answer.body).to.equal(false);
      const parsed = (() => {
        try {
          return JSON.parse(answer.body) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      })();
      if (parsed === undefined) {
        if (answer.type === "text/html") kinds.add("html");
        else {
          expect(`{"jsonrpc":"2.0","id":${id},"result":"${CHAIN_ID}"}`.startsWith(answer.body)).to.equal(true);
          kinds.add("truncated");
        }
      } else if (parsed.result === null) {
        expect(parsed).to.deep.equal({ jsonrpc: "2.0", id, result: null });
        kinds.add("null result");
      } else {
        expect(parsed).to.deep.equal({ jsonrpc: "2.0", id: id + 1, result: CHAIN_ID });
        kinds.add("wrong id");
      }
    }
    expect([...kinds].sort()).to.deep.equal(["html", "null result", "truncated", "wrong id"]);
    expect(upstream.bodies).to.deep.equal(Array.from({ length: 16 }, (_, i) => JSON.stringify(call(i + 1))));
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, garbled: 16 });
  });

  it("gives a batch with the wrong ids none of the batch's ids", async () => {
    // Seed 5's first draw picks the wrong-id variant.
    const proxy = await start({ seed: 5, rates: { garble: 1 } });
    const answer = await post(proxy.url, [call(5), call(9, "eth_blockNumber")]);
    expect(JSON.parse(answer.body)).to.deep.equal([
      { jsonrpc: "2.0", id: 10, result: CHAIN_ID },
      { jsonrpc: "2.0", id: 11, result: BLOCK_NUMBER },
    ]);
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, garbled: 1 });
  });

  it("holds each request delayMs before forwarding it with delay=1, then answers faithfully", async () => {
    const proxy = await start({ rates: { delay: 1 }, delayMs: 100 });
    const started = performance.now();
    const answer = await post(proxy.url, call(1));
    expect(performance.now() - started).to.be.at.least(100);
    expect(JSON.parse(answer.body)).to.deep.equal({ jsonrpc: "2.0", id: 1, result: CHAIN_ID });
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, delayed: 1 });
  });

  it("refuses connections while down, cuts keep-alive ones, and serves again on the same port after up()", async () => {
    const proxy = await start({});
    const agent = new Agent({ keepAlive: true });
    try {
      const url = proxy.url;
      expect((await post(url, call(1), agent)).status).to.equal(200);
      expect(Object.keys(agent.freeSockets)).to.have.length(1);

      // Without cutting the idle keep-alive connection, the server would wait for it to time out.
      await proxy.down();
      await until(() => Object.keys(agent.freeSockets).length === 0);
      const refused = await failure(post(url, call(2), agent));
      expect(refused.code).to.equal("ECONNREFUSED");

      await proxy.up();
      expect(proxy.url).to.equal(url);
      expect(JSON.parse((await post(url, call(3), agent)).body)).to.deep.equal({
        jsonrpc: "2.0",
        id: 3,
        result: CHAIN_ID,
      });
      expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, forwarded: 2 });
    } finally {
      agent.destroy();
    }
  });

  it("cuts a request in flight when going down, counts it refused, and aborts it upstream", async () => {
    const proxy = await start({});
    const pending = failure(post(proxy.url, call(1, "slow")));
    await until(() => upstream.slow.length === 1);
    const upstreamCut = once(upstream.slow[0] as ServerResponse, "close");
    await proxy.down();
    const error = await pending;
    expect(error.code).to.equal("ECONNRESET");
    await upstreamCut;
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, refused: 1 });
  });

  it("leaves requests unanswered while hung, and drops them when unhung", async () => {
    const proxy = await start({});
    proxy.hang();
    let settled = false;
    const pending = failure(post(proxy.url, call(1))).finally(() => {
      settled = true;
    });
    await until(() => proxy.counts.hung === 1);
    // A few turns of the event loop in which a mistaken answer would have arrived.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).to.equal(false);

    proxy.unhang();
    const error = await pending;
    expect(error.code).to.equal("ECONNRESET");
    expect(upstream.bodies).to.deep.equal([]);
    expect((await post(proxy.url, call(2))).status).to.equal(200);
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, hung: 1, forwarded: 1 });
  });

  it("cuts the requests it holds when going down while hung, and serves again after up() and unhang()", async () => {
    const proxy = await start({});
    proxy.hang();
    const pending = failure(post(proxy.url, call(1)));
    await until(() => proxy.counts.hung === 1);
    // The held socket is busy, not idle: the server would wait on it forever unless the proxy destroys it.
    await proxy.down();
    expect((await pending).code).to.equal("ECONNRESET");

    await proxy.up();
    proxy.unhang();
    expect((await post(proxy.url, call(2))).status).to.equal(200);
    expect(upstream.bodies).to.deep.equal([JSON.stringify(call(2))]);
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, hung: 1, forwarded: 1 });
  });

  it("draws the same faults for the same seed, different ones for another seed, and counts each request once", async () => {
    const rates = { drop: 0.2, delay: 0.2, error500: 0.2, garble: 0.2 };
    const run = async (seed: number) => {
      const proxy = await start({ seed, rates, delayMs: 1 });
      const seen: string[] = [];
      for (let id = 1; id <= 30; id++) {
        try {
          const answer = await post(proxy.url, call(id));
          if (answer.status === 500) seen.push("500");
          else seen.push(wellFormed(answer.body, id) ? "ok" : "garbled");
        } catch (error) {
          seen.push((error as NodeJS.ErrnoException).code ?? "error");
        }
      }
      return { seen, counts: proxy.counts };
    };
    const first = await run(42);
    const again = await run(42);
    const other = await run(43);
    expect(again).to.deep.equal(first);
    expect(other.seen).to.not.deep.equal(first.seen);
    expect(first.counts).to.deep.equal({ ...NO_COUNTS, forwarded: 6, dropped: 7, delayed: 7, error500: 5, garbled: 5 });
    expect(first.seen.filter((s) => s === "ok")).to.have.length(first.counts.forwarded + first.counts.delayed);
    expect(first.seen.filter((s) => s === "ECONNRESET")).to.have.length(first.counts.dropped);
    expect(first.seen.filter((s) => s === "500")).to.have.length(first.counts.error500);
    expect(first.seen.filter((s) => s === "garbled")).to.have.length(first.counts.garbled);
  });

  it("changes the fault mix with setRates, and refuses rates that are not probabilities or add up to more than 1", async () => {
    const proxy = await start({ rates: { error500: 1 } });
    expect((await post(proxy.url, call(1))).status).to.equal(500);
    proxy.setRates({});
    expect((await post(proxy.url, call(2))).status).to.equal(200);
    expect(proxy.counts).to.deep.equal({ ...NO_COUNTS, error500: 1, forwarded: 1 });

    expect(() => proxy.setRates({ drop: 1.5 })).to.throw(BaseError, "The drop rate 1.5 is not a probability.");
    expect(() => proxy.setRates({ drop: 0.6, garble: 0.6 })).to.throw(BaseError, "The fault rates add up to 1.2");
    expect(() => proxy.setRates({ drop: 0.1, delay: 0.2, error500: 0.3, garble: 0.4 })).to.not.throw();
    try {
      await FaultProxy.start({ upstream: "ftp://127.0.0.1" });
      expect.fail("started with an ftp upstream");
    } catch (error) {
      expect(error).to.be.instanceOf(BaseError);
      expect((error as BaseError).shortMessage).to.equal("The upstream ftp://127.0.0.1 is not an http(s) URL.");
    }
  });

  describe("its command line (scripts/faultProxy.ts)", function () {
    this.timeout(30_000);
    let child: ChildProcess | undefined;

    afterEach(() => {
      if (child !== undefined && child.exitCode === null) child.kill("SIGKILL");
      child = undefined;
    });

    it("lists its flags with --help", () => {
      const help = spawnSync(process.execPath, [tsx, "scripts/faultProxy.ts", "--help"], {
        cwd: root,
        encoding: "utf8",
      });
      expect(help.status).to.equal(0);
      const flags = ["--upstream <url>", "--port <n>", "--seed <n>", "--drop <p>", "--delay <p>", "--delay-ms <ms>"];
      flags.push("--error500 <p>", "--garble <p>");
      for (const flag of flags) expect(help.stdout).to.contain(flag);
    });

    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      it(`prints its URL on stderr, proxies, and exits 0 on ${signal}`, async () => {
        const started = spawn(
          process.execPath,
          [tsx, "scripts/faultProxy.ts", "--upstream", upstream.url, "--seed", "5", "--error500", "0"],
          { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
        );
        child = started;
        let stderr = "";
        started.stderr?.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        await until(() => /http:\/\/127\.0\.0\.1:\d+/.test(stderr) || started.exitCode !== null);
        const url = /http:\/\/127\.0\.0\.1:\d+/.exec(stderr)?.[0];
        expect(url, stderr).to.be.a("string");
        expect(stderr).to.contain(`-> ${upstream.url} (seed 5)`);
        expect(JSON.parse((await post(url as string, call(1))).body)).to.deep.equal({
          jsonrpc: "2.0",
          id: 1,
          result: CHAIN_ID,
        });

        const exited = once(started, "exit");
        started.kill(signal);
        expect(await exited).to.deep.equal([0, null]);
        expect(stderr).to.contain(`"forwarded":1`);
      });
    }
  });
});
