// `npm run mcp` as an MCP client starts it: a child process on stdio, talking to a real engine's
// API on the local chain, through the SDK's own client.
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { expect } from "chai";
import { symbolsOf } from "../../src/addressBook.js";
import { API_TOKEN_NAME } from "../../src/api/auth.js";
import { startApi } from "../../src/api/server.js";
import { createLogger } from "../../src/engine/log.js";
import { SqliteRecordsReader } from "../../src/engine/record/reader.js";
import type { Records } from "../../src/engine/record/records.js";
import type { EngineService } from "../../src/engine/service.js";
import { createMcpServer } from "../../src/mcp/server.js";
import { EngineMetrics } from "../../src/metrics/metrics.js";
import { afterOneDislocation } from "../engine/support/service.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN = "test-token";
const TOOLS = ["explain_trade", "opportunities", "pause", "profit", "resume", "status", "trades"];

/** What a tool call answers, as the client sees it. */
interface ToolResult {
  readonly content: ReadonlyArray<{ type: string; text?: string }>;
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
}

/** The API's JSON for a trade, as much of it as these tests read. */
interface ApiTrade {
  id: number;
  cycle: string;
  lender: string;
  status: string;
  txHash: string;
  expectedProfit: { raw: string; text: string };
  expectedProfitUsd: { text: string };
  realisedProfit: { raw: string; text: string };
  realisedProfitUsd: { text: string };
}

/** `scripts/mcp.ts` started the way `npm run mcp` starts it, as a child process, and a client on its stdio. */
async function spawnMcp(api: string, env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    // The test runner's Node (22, from the `node` devDependency), as test/engine/support/engineProcess.ts does.
    command: process.execPath,
    args: ["--disable-warning=ExperimentalWarning", "--import", "tsx", "scripts/mcp.ts", "--api", api],
    cwd: root,
    // Only the SDK's default variables (PATH, HOME…) besides these: no token unless given here.
    env: { LOG_LEVEL: "info", ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: "mcp-test", version: "0.0.0" });
  await client.connect(transport);
  return { client, transport, stderr: () => stderr };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

function textOf(result: ToolResult): string {
  return result.content.map((c) => c.text ?? "").join("\n");
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("the MCP server (npm run mcp) over a running engine's API", () => {
  let service: EngineService;
  let records: Records;
  let metrics: EngineMetrics;
  let api: Awaited<ReturnType<typeof startApi>>;
  let withoutToken: Awaited<ReturnType<typeof spawnMcp>>;
  let withToken: Awaited<ReturnType<typeof spawnMcp>>;
  let unreachable: Awaited<ReturnType<typeof spawnMcp>>;
  let trade: ApiTrade;

  const apiGet = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${api.url}${path}`);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as T;
  };

  before(async () => {
    const run = await afterOneDislocation(true);
    service = run.service;
    records = run.records;
    metrics = new EngineMetrics(service);
    api = await startApi(
      {
        service,
        records: new SqliteRecordsReader(records),
        book: run.f.replica.book,
        symbols: symbolsOf(run.f.replica.book),
        metrics,
        log: createLogger(true),
        token: TOKEN,
        host: "127.0.0.1",
      },
      0,
    );
    const succeeded = await apiGet<{ rows: ApiTrade[] }>("/api/trades?status=succeeded");
    const first = succeeded.rows[0];
    if (first === undefined) throw new Error("The service made no trade to look at.");
    trade = first;
    [withoutToken, withToken, unreachable] = await Promise.all([
      spawnMcp(api.url),
      spawnMcp(api.url, { [API_TOKEN_NAME]: TOKEN }),
      spawnMcp(`http://127.0.0.1:${await closedPort()}`),
    ]);
  });

  after(async () => {
    for (const child of [withoutToken, withToken, unreachable]) await child?.client.close();
    await api?.close();
    await service?.stop();
    metrics?.close();
  });

  it("runs under the Node the repository needs (22), logging to stderr only", async () => {
    expect(Number(process.versions.node.split(".")[0])).to.be.at.least(22);
    // stdout is the MCP channel: the client reading it at all shows nothing else went there.
    expect(withToken.stderr()).to.contain('"event":"mcp_ready"');
    expect(withToken.stderr()).to.contain('"controls":"on"');
    expect(withoutToken.stderr()).to.contain("off: set FLASH_ARB_API_TOKEN");
    expect(withToken.stderr()).not.to.contain(TOKEN);
  });

  it("lists exactly its tools, each with an input schema", async () => {
    const { tools } = await withoutToken.client.listTools();
    expect(tools.map((t) => t.name).sort()).to.deep.equal(TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).to.equal("object");
      expect(tool.description, tool.name).to.be.a("string").and.not.equal("");
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName.trades?.inputSchema.properties ?? {}).sort()).to.deep.equal(
      [
        "chainId",
        "lender",
        "limit",
        "offset",
        "order",
        "since",
        "sort",
        "status",
        "strategy",
        "token",
        "until",
        "venue",
      ].sort(),
    );
    expect(Object.keys(byName.opportunities?.inputSchema.properties ?? {})).to.include("limit");
    expect(Object.keys(byName.profit?.inputSchema.properties ?? {})).to.include("period");
    expect(byName.explain_trade?.inputSchema.required).to.deep.equal(["id"]);
    // The controls take no token: the server has it from its environment, or not at all.
    for (const name of ["pause", "resume", "status"])
      expect(Object.keys(byName[name]?.inputSchema.properties ?? {}), name).to.deep.equal([]);
  });

  it("status says the engine is running, on which chain, and gives the API's JSON", async () => {
    const chainId = service.status().chainId;
    expect(chainId).to.equal(31337);
    const result = await call(withoutToken.client, "status");
    expect(result.isError ?? false).to.equal(false);
    const text = textOf(result);
    expect(text).to.contain("The engine is running on");
    expect(text).to.contain(`(chain ${chainId})`);
    expect(text).to.contain(`Head: block ${service.status().headBlock}`);
    expect(result.structuredContent?.state).to.equal("running");
    expect(result.structuredContent?.chainId).to.equal(chainId);
  });

  it("trades with status succeeded gives the real trade, its realised profit as the API writes it", async () => {
    const result = await call(withoutToken.client, "trades", { status: "succeeded" });
    expect(result.isError ?? false).to.equal(false);
    const page = result.structuredContent as { total: number; rows: ApiTrade[] };
    const fromApi = await apiGet<{ total: number; rows: ApiTrade[] }>("/api/trades?status=succeeded");
    expect(page.total).to.equal(fromApi.total);
    expect(page.rows.map((r) => r.id)).to.deep.equal(fromApi.rows.map((r) => r.id));
    const row = page.rows.find((r) => r.id === trade.id);
    expect(row?.status).to.equal("succeeded");
    expect(row?.realisedProfit.text).to.equal(trade.realisedProfit.text);
    expect(row?.realisedProfit.raw).to.equal(trade.realisedProfit.raw);
    expect(BigInt(trade.realisedProfit.raw)).to.equal(records.get(trade.id)?.realisedProfit);
    expect(textOf(result)).to.contain(`#${trade.id} block`);
    expect(textOf(result)).to.contain(`realised ${trade.realisedProfit.text} (${trade.realisedProfitUsd.text})`);
    // A list of statuses filters the same way.
    const several = await call(withoutToken.client, "trades", { status: ["succeeded", "reverted"], limit: 1 });
    expect((several.structuredContent as { rows: ApiTrade[] }).rows).to.have.length(1);
  });

  it("explain_trade tells the trade's cycle, lender, expected and realised profit, and transaction", async () => {
    const result = await call(withoutToken.client, "explain_trade", { id: trade.id });
    expect(result.isError ?? false).to.equal(false);
    const text = textOf(result);
    expect(text).to.contain(`Trade #${trade.id}: succeeded`);
    expect(text).to.contain(`Cycle: ${trade.cycle}.`);
    expect(text).to.contain(`from ${trade.lender}`);
    expect(text).to.contain(`Expected profit: ${trade.expectedProfit.text} (${trade.expectedProfitUsd.text})`);
    expect(text).to.contain(`Realised profit: ${trade.realisedProfit.text} (${trade.realisedProfitUsd.text})`);
    expect(text).to.contain(`Transaction: ${trade.txHash}`);
    // A trade that landed has no reason to give, and says none.
    expect(text).not.to.contain("Reason:");
    expect((result.structuredContent as { id: number; txHash: string }).txHash).to.equal(trade.txHash);
  });

  it("explain_trade of an id the engine does not have is an error result saying so", async () => {
    const result = await call(withoutToken.client, "explain_trade", { id: 999_999 });
    expect(result.isError).to.equal(true);
    expect(textOf(result)).to.contain("No trade 999999.");
  });

  it("explain_trade finds the trade through the list from an engine without GET /api/trades/:id", async () => {
    const requested: string[] = [];
    // The real API, except that its by-id route answers as a route that does not exist.
    const oldEngine: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      requested.push(url.pathname);
      if (/^\/api\/trades\/\d+$/.test(url.pathname))
        return new Response(
          JSON.stringify({ message: `Route GET:${url.pathname} not found`, error: "Not Found", statusCode: 404 }),
          { status: 404, headers: { "content-type": "application/json" } },
        );
      return fetch(input, init);
    };
    const server = createMcpServer({ apiUrl: api.url, fetch: oldEngine });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "mcp-test", version: "0.0.0" });
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    try {
      const result = await call(client, "explain_trade", { id: trade.id });
      expect(result.isError ?? false).to.equal(false);
      expect(textOf(result)).to.contain(`Realised profit: ${trade.realisedProfit.text}`);
      expect(requested).to.deep.equal([`/api/trades/${trade.id}`, "/api/trades"]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("opportunities and profit show the funnel and the period's profit as the API gives them", async () => {
    const opportunities = await call(withoutToken.client, "opportunities", { limit: 5 });
    expect(opportunities.isError ?? false).to.equal(false);
    const page = opportunities.structuredContent as { funnel: { landed: number }; rows: ApiTrade[] };
    expect(page.funnel.landed).to.be.at.least(1);
    expect(page.rows.length).to.be.at.most(5);
    expect(textOf(opportunities)).to.contain(`landed ${page.funnel.landed}`);
    const profit = await call(withoutToken.client, "profit", { period: "day" });
    const fromApi = await apiGet<{ buckets: Array<{ netUsd: { text: string }; realisedUsd: { text: string } }> }>(
      "/api/profit?period=day",
    );
    expect(profit.structuredContent).to.deep.equal(fromApi);
    const bucket = fromApi.buckets[0];
    expect(textOf(profit)).to.contain(`net ${bucket?.netUsd.text}`);
  });

  it("an error from the API is an error result with the API's message", async () => {
    const result = await call(withoutToken.client, "trades", { since: "last tuesday" });
    expect(result.isError).to.equal(true);
    expect(textOf(result)).to.match(/^The engine's API refused GET \/api\/trades \(400\): since: /);
  });

  it("pause without a token configured is refused, saying how to configure one, and the engine keeps sending", async () => {
    const result = await call(withoutToken.client, "pause");
    expect(result.isError).to.equal(true);
    expect(textOf(result)).to.contain("Cannot pause: this MCP server has no API token");
    expect(textOf(result)).to.contain(API_TOKEN_NAME);
    expect(service.paused).to.equal(false);
    expect(records.auditPage({ kind: "pause" }).total).to.equal(0);
  });

  it("with the token, pause pauses the engine (audited as from the API's caller) and resume resumes it", async () => {
    const paused = await call(withToken.client, "pause");
    expect(paused.isError ?? false, textOf(paused)).to.equal(false);
    expect(paused.structuredContent).to.deep.equal({ changed: true, state: "paused" });
    expect(textOf(paused)).to.contain("Paused:");
    expect(service.paused).to.equal(true);
    const audit = records.auditPage({ kind: "pause" }).rows;
    expect(audit).to.have.length(1);
    expect(String(audit[0]?.detail.from)).to.contain("api 127.0.0.1");
    const status = await call(withoutToken.client, "status");
    expect(textOf(status)).to.contain("The engine is paused on");

    const resumed = await call(withToken.client, "resume");
    expect(resumed.isError ?? false, textOf(resumed)).to.equal(false);
    expect(resumed.structuredContent).to.deep.equal({ changed: true, state: "running" });
    expect(service.paused).to.equal(false);
    expect(records.auditPage({ kind: "resume" }).rows[0]?.detail.from).to.contain("api 127.0.0.1");
    const again = await call(withToken.client, "resume");
    expect(textOf(again)).to.contain("Nothing had stopped it; nothing changed.");
  });

  it("an API that cannot be reached gives an error result, and the server goes on answering", async () => {
    const result = await call(unreachable.client, "status");
    expect(result.isError).to.equal(true);
    expect(textOf(result)).to.match(/^Cannot reach the engine's API at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    const trades = await call(unreachable.client, "trades", { limit: 1 });
    expect(trades.isError).to.equal(true);
    expect((await unreachable.client.listTools()).tools).to.have.length(TOOLS.length);
    expect(unreachable.transport.pid).to.be.a("number");
  });
});
