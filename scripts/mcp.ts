// `npm run mcp`: an MCP server on stdio for AI assistants, over a running engine's operator API.
// stdout is the MCP channel: nothing else may write there (logs go to stderr).
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { API_TOKEN_NAME } from "../src/api/auth.js";
import { createCommand, urlWith } from "../src/cli.js";
import { createLogger } from "../src/engine/log.js";
import { createMcpServer } from "../src/mcp/server.js";

/** The engine's API by default: its default apiHost and apiPort. */
const DEFAULT_API = "http://127.0.0.1:8081";

const command = createCommand(
  "mcp",
  "Serve a running engine to AI assistants over MCP (stdio): status, opportunities, trades, profit, explain_trade, pause, resume.",
)
  .option("--api <url>", "the engine's operator API (its apiHost and apiPort)", urlWith("http", "https"), DEFAULT_API)
  .addHelpText(
    "after",
    `\nThe server talks to the engine only through its HTTP API; it opens no records and holds no key.
pause and resume need the engine's token: set ${API_TOKEN_NAME} in this server's environment
(the assistant never sees or passes it). Logs go to stderr; stdout carries MCP only, so start
it with npm's --silent (npm prints its banner on stdout otherwise).

Examples:
  npm run --silent mcp -- --api http://127.0.0.1:8081
  ${API_TOKEN_NAME}=… npm --prefix /path/to/flash-arb run --silent mcp   # as an MCP client's command`,
  );
const options = command.parse().opts<{ api: string }>();

const log = createLogger();
const token = process.env[API_TOKEN_NAME] || undefined;
const server = createMcpServer({ apiUrl: options.api, token, log });
const transport = new StdioServerTransport();

let closing = false;
async function close(why: string): Promise<void> {
  if (closing) return;
  closing = true;
  log.info("mcp_stopped", { why });
  await server.close();
  process.exit(0);
}

transport.onerror = (error) => log.warn("mcp_transport_error", { reason: error.message });
process.stdin.on("end", () => void close("stdin closed"));
process.on("SIGINT", () => void close("SIGINT"));
process.on("SIGTERM", () => void close("SIGTERM"));

await server.connect(transport);
log.info("mcp_ready", {
  api: options.api,
  controls: token === undefined ? `off: set ${API_TOKEN_NAME} to pause and resume` : "on",
});
