import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { ResilientRpcProvider, type RpcHealthEvent, RpcUnavailableError } from "../../../src/engine/collect/rpc.js";

/** What the scripted server does with one request: an HTTP status and a body (a function of the request id). */
type Reply = { status: number; body: (id: unknown) => string } | "hang";

/** A JSON-RPC server that answers each request with the next scripted reply (the last one repeats). */
async function scripted(replies: Reply[]): Promise<{ url: string; server: Server; seen: string[] }> {
  const seen: string[] = [];
  let next = 0;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const { id, method } = JSON.parse(body) as { id: unknown; method: string };
      seen.push(method);
      const reply = replies[Math.min(next, replies.length - 1)] as Reply;
      next += 1;
      if (reply === "hang") return;
      response.writeHead(reply.status, { "content-type": "application/json" });
      response.end(reply.body(id));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

/** The error `promise` rejects with (or undefined). */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

const ok = (result: string): Reply => ({ status: 200, body: (id) => JSON.stringify({ jsonrpc: "2.0", id, result }) });
const rpcError = (status: number, code: number, message: string): Reply => ({
  status,
  body: (id) => JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } }),
});

describe("the resilient RPC provider", () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });
  const start = async (replies: Reply[]) => {
    const s = await scripted(replies);
    servers.push(s.server);
    return s;
  };
  const options = { attempts: 4, backoffMs: 1, requestTimeoutMs: 300 };

  it("retries a 500, a 429 with a JSON-RPC error, a non-JSON answer, a wrong id and a null where none can be, then answers", async () => {
    const { url, seen } = await start([
      { status: 500, body: () => "Internal Server Error" },
      rpcError(429, -32005, "rate limited"),
      { status: 200, body: () => "<html>502 Bad Gateway</html>" },
      { status: 200, body: () => JSON.stringify({ jsonrpc: "2.0", id: 999_999, result: "0x1" }) },
      { status: 200, body: (id) => JSON.stringify({ jsonrpc: "2.0", id, result: null }) },
      ok("0x2a"),
    ]);
    const provider = new ResilientRpcProvider([url], 31337, { ...options, attempts: 6 });
    expect(await provider.getBlockNumber()).to.equal(42);
    expect(seen).to.have.length(6);
    provider.destroy();
  });

  it("tells its observer of every attempt, answered or not, with the method (for the RPC metrics)", async () => {
    const { url } = await start([{ status: 500, body: () => "Internal Server Error" }, ok("0x2a")]);
    const provider = new ResilientRpcProvider([url], 31337, options);
    const attempts: Array<[string, boolean]> = [];
    provider.onRequest = (method, ms, ok) => {
      expect(ms).to.be.at.least(0);
      attempts.push([method, ok]);
    };
    expect(await provider.getBlockNumber()).to.equal(42);
    expect(attempts).to.deep.equal([
      ["eth_blockNumber", false],
      ["eth_blockNumber", true],
    ]);
    provider.destroy();
  });

  it("never names an endpoint's path, query or user part (where API keys live) in its errors and events", async () => {
    const { url } = await start([{ status: 503, body: () => "down" }]);
    const events: RpcHealthEvent[] = [];
    const keyed = `${url.replace("http://", "http://user:pass@")}/v2/SECRET_KEY?apikey=SECRET2`;
    const provider = new ResilientRpcProvider([keyed], 31337, {
      ...options,
      attempts: 2,
      onHealth: (e) => events.push(e),
    });
    const error = await rejection(provider.getBlockNumber());
    expect(error).to.be.instanceOf(RpcUnavailableError);
    const said = `${error?.message} ${JSON.stringify(events)}`;
    expect(said).to.not.match(/SECRET|pass/);
    expect(said).to.include(`${url}/…`);
    provider.destroy();
  });

  it("returns a JSON-RPC error with a success status as the node's answer, without retrying it", async () => {
    const { url, seen } = await start([rpcError(200, -32000, "nonce too low")]);
    const provider = new ResilientRpcProvider([url], 31337, options);
    expect((await rejection(provider.send("eth_sendRawTransaction", ["0x00"])))?.message).to.contain("nonce too low");
    expect(seen).to.have.length(1);
    provider.destroy();
  });

  it("moves to the next URL on a failure, and says so", async () => {
    const down = await start([{ status: 503, body: () => "down" }]);
    const up = await start([ok("0x7")]);
    const events: RpcHealthEvent[] = [];
    const provider = new ResilientRpcProvider([down.url, up.url], 31337, {
      ...options,
      onHealth: (e) => events.push(e),
    });
    expect(await provider.getBlockNumber()).to.equal(7);
    expect(events).to.deep.equal([
      { kind: "retry", url: down.url, method: "eth_blockNumber", attempt: 1, reason: `HTTP 503 from ${down.url}` },
      { kind: "failover", from: down.url, to: up.url, reason: `HTTP 503 from ${down.url}` },
    ]);
    expect(provider.activeUrl).to.equal(up.url);
    provider.destroy();
  });

  it("gives up after every attempt with RpcUnavailableError, counts a hung node as down, and reports down once and up when it answers", async () => {
    const { url } = await start(["hang", "hang", "hang", "hang", "hang", "hang", "hang", "hang", ok("0x1")]);
    const events: string[] = [];
    const provider = new ResilientRpcProvider([url], 31337, { ...options, onHealth: (e) => events.push(e.kind) });
    const first = await rejection(provider.getBlockNumber());
    expect(first).to.be.instanceOf(RpcUnavailableError);
    expect((first as RpcUnavailableError).shortMessage).to.contain("No RPC answered eth_blockNumber after 4 attempts");
    expect(await rejection(provider.send("eth_blockNumber", []))).to.be.instanceOf(RpcUnavailableError);
    expect(provider.isDown).to.equal(true);
    expect(await provider.send("eth_blockNumber", [])).to.equal("0x1");
    expect(events.filter((k) => k !== "retry")).to.deep.equal(["down", "up"]);
    expect(provider.retries).to.equal(8);
    expect(provider.isDown).to.equal(false);
    provider.destroy();
  });
});
