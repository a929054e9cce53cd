import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { symbolsOf } from "../../src/addressBook.js";
import { startApi } from "../../src/api/server.js";
import { createLogger } from "../../src/engine/log.js";
import { SqliteRecordsReader } from "../../src/engine/record/reader.js";
import type { Records } from "../../src/engine/record/records.js";
import type { EngineService } from "../../src/engine/service.js";
import { EngineMetrics } from "../../src/metrics/metrics.js";
import { setOraclePrice } from "../../src/replica/aave.js";
import { openPosition } from "../../src/replica/positions.js";
import { balances, cheapenWethOnUniswapV2, serviceFor } from "../engine/support/service.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../fixtures/executor.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WEB_BUILD = join(ROOT, "dist/web/index.html");
const ARTIFACT = join(ROOT, "cache/test-artifacts/dashboard.png");
const README_SCREENSHOT = join(ROOT, "docs/dashboard.png");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** How long the page may take to show what the engine did (the stream, then a throttled reload). */
const SHOWN_WITHIN_MS = 15_000;

/** Builds the dashboard when `dist/web` is missing (the API decides at start whether it serves it). */
async function ensureWebBuild(): Promise<void> {
  if (existsSync(WEB_BUILD)) return;
  try {
    const { build } = await import("vite");
    await build({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "warn" });
  } catch (cause) {
    throw new Error(`dist/web is missing and building it failed: run \`npm run build\` (${(cause as Error).message}).`);
  }
  if (!existsSync(WEB_BUILD)) throw new Error("dist/web is missing: run `npm run build`.");
}

/** A page of `/api/trades` (the same numbers the page is to show). */
async function apiTrades(url: string, query: string): Promise<{ total: number; rows: Array<Record<string, unknown>> }> {
  const response = await fetch(`${url}/api/trades?${query}`);
  expect(response.status, await response.clone().text()).to.equal(200);
  return (await response.json()) as { total: number; rows: Array<Record<string, unknown>> };
}

describe("the operator's dashboard in a browser", function () {
  this.timeout(180_000);
  const token = randomBytes(16).toString("hex");
  let f: ExecutorFixture;
  let service: EngineService;
  let records: Records;
  let running: Promise<void> | undefined;
  let metrics: EngineMetrics | undefined;
  let api: { url: string; close(): Promise<void> } | undefined;
  let browser: BrowserContext | undefined;
  let profile: string | undefined;
  let page: Page;
  let operator: string;
  let alice: string;
  /** What the page logged: printed when a test fails. */
  const pageLog: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
    await ensureWebBuild();
    f = await loadExecutor();
    operator = await f.operator.getAddress();
    // A borrower for the liquidation the page is to show as its own strategy.
    const borrower = (await ethers.getSigners())[6];
    if (borrower === undefined) throw new Error("missing signers");
    alice = await openPosition(f.replica, borrower, [["WETH", "10"]], [["USDC", "18000"]]);
    ({ service, records } = await serviceFor(f, true, {
      config: { maxConsecutiveFailures: 100 },
      liquidations: true,
    }));
    await service.start();
    running = service.run();
    // The first head handled: the page's header has a block to show.
    await service.idle();
    metrics = new EngineMetrics(service);
    api = await startApi(
      {
        service,
        records: new SqliteRecordsReader(records),
        book: f.replica.book,
        symbols: symbolsOf(f.replica.book),
        metrics,
        log: createLogger(true),
        token,
        host: "127.0.0.1",
      },
      0,
    );
    profile = mkdtempSync(join(tmpdir(), "flash-arb-chromium-"));
    // Playwright takes the profile directory itself (it refuses --user-data-dir among the args).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1280, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(SHOWN_WITHIN_MS);
    page.on("console", (message) => pageLog.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => pageLog.push(`error: ${error.message}`));
    page.on("requestfailed", (request) => pageLog.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  });

  // A failed test leaves what the page showed, and what it logged, next to the screenshot.
  afterEach(async function () {
    if (this.currentTest?.state !== "failed" || page === undefined) return;
    const name = (this.currentTest.title.split(/[,:]/)[0] ?? "test").replace(/[^a-z0-9]+/gi, "-");
    mkdirSync(join(ROOT, "cache/test-artifacts"), { recursive: true });
    await page.screenshot({ path: join(ROOT, `cache/test-artifacts/dashboard-failed-${name}.png`), fullPage: true });
    console.error(`dashboard test: the page's log\n${pageLog.slice(-30).join("\n")}`);
  });

  after(async () => {
    // Each in turn, whatever failed before: the browser first (it holds the stream open).
    const steps: Array<() => Promise<unknown>> = [
      async () => browser?.close(),
      async () => api?.close(),
      async () => service?.stop(),
      async () => running,
      async () => metrics?.close(),
      async () => records?.close(),
      async () => profile !== undefined && rmSync(profile, { recursive: true, force: true }),
    ];
    for (const step of steps) await step().catch((error: unknown) => console.error("dashboard test cleanup:", error));
  });

  it("loads with the token from the address, forgets it from the address bar, and shows the running state and chain", async () => {
    await page.goto(`${api?.url}/#token=${token}`);
    const state = page.getByTestId("state");
    await page.waitForSelector('[data-testid="state"][data-state="running"]');
    expect(await state.textContent()).to.contain("Running");
    expect(await page.getByTestId("chain").textContent()).to.equal(
      `${service.config.chain} · ${service.chainIdentity?.chainId}`,
    );
    const head = service.status().headBlock;
    expect(head).to.be.a("number");
    await page.waitForSelector(`[data-testid="head"]:has-text("#${(head as number).toLocaleString("en-US")}")`);
    expect(page.url()).to.equal(`${api?.url}/`);
    expect(await page.evaluate(() => sessionStorage.getItem("flash-arb.apiToken"))).to.equal(token);
    await page.waitForSelector('[data-testid="stream-state"]:text("live")');
    expect(await page.getByTestId("landing-model").textContent()).to.equal(
      "No landing model (landingModelPath unset): candidates are ranked by net value.",
    );
  });

  it("shows a trade made on the chain in the table, the funnel and the feed without a reload", async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    const lastId = records.lastId();
    await cheapenWethOnUniswapV2(f);
    await service.idle();
    const landed = records.list({ afterId: lastId }).filter((r) => r.status === "succeeded");
    expect(landed.length, "the dislocation was traded").to.be.greaterThan(0);
    const trade = landed[landed.length - 1];
    if (trade === undefined) throw new Error("no trade");
    const row = page.locator(`[data-testid="trade-row"][data-id="${trade.id}"][data-status="succeeded"]`);
    await row.waitFor();
    const view = (await apiTrades(api?.url ?? "", "status=succeeded&limit=500")).rows.find((r) => r.id === trade.id);
    const realised = view?.realisedProfit as { text: string };
    const realisedUsd = view?.realisedProfitUsd as { text: string };
    expect(await row.getByTestId("realised").textContent()).to.equal(`${realised.text}${realisedUsd.text}`);
    // The local chain has no explorer: the hash, not a link.
    expect(view?.txUrl).to.equal(null);
    expect(await row.locator('[data-testid="tx"] code').getAttribute("title")).to.equal(trade.txHash);
    expect(await row.locator('[data-testid="tx"] a').count()).to.equal(0);
    const funnel = (
      (await (await fetch(`${api?.url}/api/opportunities?limit=1`)).json()) as { funnel: { landed: number } }
    ).funnel;
    await page.waitForSelector(`[data-testid="funnel-landed"]:text-is("${funnel.landed}")`);
    await page.waitForSelector(`[data-testid="feed"] li[data-event="trade"]:has-text("trade #${trade.id} succeeded")`);
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).to.equal(
      true,
    );
  });

  it("narrows the table with the API's filters, and shows the API's total for them", async () => {
    // Rows that did not land: with a ceiling of one cent, every candidate of a new price move is
    // dropped and recorded as such.
    service.updateConfig({ maxProfitUsd: 0.01 }, { from: "test" });
    const lastId = records.lastId();
    await cheapenWethOnUniswapV2(f);
    await service.idle();
    service.updateConfig({ maxProfitUsd: null }, { from: "test" });
    expect(records.list({ afterId: lastId }).filter((r) => r.status !== "succeeded")).to.not.have.length(0);
    const all = await apiTrades(api?.url ?? "", "limit=1");
    const succeeded = await apiTrades(api?.url ?? "", "status=succeeded&limit=500");
    expect(succeeded.total).to.be.greaterThan(0).and.lessThan(all.total);
    await page.getByTestId("filter-status").selectOption("succeeded");
    await page.waitForSelector(`[data-testid="trades-total"]:text-is("${succeeded.total}")`);
    const statuses = await page
      .locator('[data-testid="trade-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
    expect(statuses.length).to.equal(Math.min(succeeded.total, 15));
    expect(new Set(statuses)).to.deep.equal(new Set(["succeeded"]));
    // And a token on top: the one fewest succeeded trades were in, so the table narrows again.
    const counts = new Map<string, number>();
    for (const r of succeeded.rows) counts.set(String(r.token), (counts.get(String(r.token)) ?? 0) + 1);
    const [symbol] = [...counts.entries()].sort((a, b) => a[1] - b[1])[0] ?? [];
    if (symbol === undefined) throw new Error("no token");
    const both = await apiTrades(api?.url ?? "", `status=succeeded&token=${symbol}&limit=1`);
    await page.getByTestId("filter-token").fill(symbol);
    await page.getByTestId("filter-token").press("Enter");
    await page.waitForSelector(`[data-testid="trades-total"]:text-is("${both.total}")`);
    const tokens = await page
      .locator('[data-testid="trade-row"]')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-status")} ${r.getAttribute("data-token")}`));
    expect(new Set(tokens)).to.deep.equal(new Set([`succeeded ${symbol}`]));
    // A time the API cannot read: its message, as it says it.
    await page.getByTestId("filter-since").fill("yesterday");
    await page.getByTestId("filter-since").press("Enter");
    await page.waitForSelector(`[data-testid="trades-error"]:has-text("Cannot read the time 'yesterday'")`);
    // Back to every record.
    await page.getByTestId("filter-since").fill("");
    await page.getByTestId("filter-since").press("Enter");
    await page.getByTestId("filter-token").fill("");
    await page.getByTestId("filter-token").press("Enter");
    await page.getByTestId("filter-status").selectOption("");
    const now = await apiTrades(api?.url ?? "", "limit=1");
    await page.waitForSelector(`[data-testid="trades-total"]:text-is("${now.total}")`);
  });

  it("shows a liquidation as its own strategy, and filters by strategy as the API does", async () => {
    const [deployer] = await ethers.getSigners();
    if (deployer === undefined) throw new Error("missing signers");
    await setOraclePrice(f.replica.aave, deployer, f.replica.tokenAddresses.WETH, 2_150n * 10n ** 8n);
    await service.idle();
    const liquidations = await apiTrades(api?.url ?? "", "strategy=liquidation&limit=500");
    const landed = liquidations.rows.filter((r) => r.status === "succeeded");
    expect(landed.length).to.equal(1);
    expect(String(landed[0]?.cycle)).to.contain(alice);
    // And the metrics count it as its own strategy.
    const metricsText = await (await fetch(`${api?.url}/metrics`)).text();
    expect(metricsText).to.include('flasharb_trades_total{chain="31337",strategy="liquidation",outcome="succeeded"} 1');
    await page.getByTestId("filter-strategy").selectOption("liquidation");
    await page.waitForSelector(`[data-testid="trades-total"]:text-is("${liquidations.total}")`);
    const rows = page.locator('[data-testid="trade-row"]');
    const strategies = await rows.evaluateAll((all) => all.map((r) => r.getAttribute("data-strategy")));
    expect(new Set(strategies)).to.deep.equal(new Set(["liquidation"]));
    const row = page.locator(`[data-testid="trade-row"][data-id="${landed[0]?.id}"]`);
    expect(await row.locator(".badge.strategy").textContent()).to.equal("liquidation");
    const view = landed[0] as { realisedProfit: { text: string }; realisedProfitUsd: { text: string } };
    expect(await row.getByTestId("realised").textContent()).to.equal(
      `${view.realisedProfit.text}${view.realisedProfitUsd.text}`,
    );
    await page.getByTestId("filter-strategy").selectOption("arbitrage");
    const arbitrage = await apiTrades(api?.url ?? "", "strategy=arbitrage&limit=1");
    await page.waitForSelector(`[data-testid="trades-total"]:text-is("${arbitrage.total}")`);
    await page.getByTestId("filter-strategy").selectOption("");
    const all = await apiTrades(api?.url ?? "", "limit=1");
    expect(all.total).to.equal(arbitrage.total + liquidations.total);
    await page.waitForSelector(`[data-testid="trades-total"]:text-is("${all.total}")`);
  });

  it("pauses from the page: the header says paused, and a new dislocation is not traded on chain or in the records", async () => {
    // A fresh load with the token in the address, as the engine prints it.
    await page.goto(`${api?.url}/#token=${token}`);
    await page.waitForSelector('[data-testid="state"][data-state="running"]');
    await page.getByTestId("pause").click();
    await page.waitForSelector('[data-testid="state"][data-state="paused"]');
    expect(await page.getByTestId("state").textContent()).to.contain("Paused");
    expect(service.status().state).to.equal("paused");
    expect(records.auditPage({ kind: "pause" }).rows[0]?.detail).to.deep.include({ from: "api 127.0.0.1" });

    const nonce = await ethers.provider.getTransactionCount(operator);
    const held = await balances(f);
    const lastId = records.lastId();
    await cheapenWethOnUniswapV2(f);
    await service.idle();
    expect(await balances(f)).to.deep.equal(held);
    expect(await ethers.provider.getTransactionCount(operator)).to.equal(nonce);
    const fresh = records.list({ afterId: lastId });
    expect(fresh.filter((r) => r.reason === "risk guard: paused").length).to.be.greaterThan(0);
    expect(fresh.filter((r) => r.txHash !== null)).to.deep.equal([]);
    await page.waitForSelector('[data-testid="risk-paused"]:text-is("paused")');
    expect(await page.getByTestId("risk-state").textContent()).to.equal("clear");
  });

  it("resumes from the page, and the next dislocation is traded again", async () => {
    await page.getByTestId("resume").click();
    await page.waitForSelector('[data-testid="state"][data-state="running"]');
    expect(service.status().state).to.equal("running");
    const nonce = await ethers.provider.getTransactionCount(operator);
    const lastId = records.lastId();
    await cheapenWethOnUniswapV2(f);
    await service.idle();
    const landed = records.list({ afterId: lastId }).filter((r) => r.status === "succeeded");
    expect(landed.length).to.be.greaterThan(0);
    expect(await ethers.provider.getTransactionCount(operator)).to.be.greaterThan(nonce);
    const newest = landed[landed.length - 1];
    await page.waitForSelector(`[data-testid="trade-row"][data-id="${newest?.id}"][data-status="succeeded"]`);
  });

  it("refuses a control with a wrong token, says why, and forgets that token", async () => {
    await page.evaluate(() => sessionStorage.setItem("flash-arb.apiToken", "not-the-token"));
    await page.getByTestId("pause").click();
    await page.waitForSelector('[data-testid="control-error"]:has-text("A valid bearer token is required")');
    expect(service.status().state).to.equal("running");
    expect(await page.getByTestId("state").getAttribute("data-state")).to.equal("running");
    expect(await page.evaluate(() => sessionStorage.getItem("flash-arb.apiToken"))).to.equal(null);
  });

  it("asks for the token when a control needs it, changes a live limit, and shows the server's message when it refuses one", async () => {
    await page.evaluate(() => sessionStorage.removeItem("flash-arb.apiToken"));
    const asked = new Promise<string>((resolve) =>
      page.once("dialog", (dialog) => {
        resolve(dialog.message());
        void dialog.accept(token);
      }),
    );
    await page.getByTestId("limit-tokenDenylist").fill("NOPE");
    await page.getByTestId("limits-save").click();
    expect(await asked).to.contain("API token");
    expect(await page.getByTestId("limits-error").textContent()).to.contain("Unknown token(s) NOPE.");
    expect(service.config.tokenDenylist).to.deep.equal([]);

    await page.getByTestId("limit-tokenDenylist").fill("");
    await page.getByTestId("limit-minProfitUsd").fill("0.5");
    await page.getByTestId("limits-save").click();
    expect(await page.getByTestId("limits-result").textContent()).to.equal("Changed minProfitUsd 0 → 0.5.");
    expect(service.config.minProfitUsd).to.equal(0.5);
    // Empty returns the key to its default.
    await page.getByTestId("limit-minProfitUsd").fill("");
    await page.getByTestId("limits-save").click();
    await page.waitForSelector('[data-testid="limits-result"]:text-is("Changed minProfitUsd 0.5 → 0.")');
    expect(service.config.minProfitUsd).to.equal(0);
  });

  it("saves a screenshot (and the README's with UPDATE_SCREENSHOT=1)", async () => {
    await page.reload();
    await page.waitForSelector('[data-testid="state"][data-state="running"]');
    await page.waitForSelector('[data-testid="profit-latest"]');
    const total = (await apiTrades(api?.url ?? "", "limit=1")).total;
    await page.waitForSelector(`[data-testid="trades-total"]:text-is("${total}")`);
    mkdirSync(join(ROOT, "cache/test-artifacts"), { recursive: true });
    await page.screenshot({ path: ARTIFACT });
    expect(existsSync(ARTIFACT)).to.equal(true);
    if (process.env.UPDATE_SCREENSHOT === "1") {
      mkdirSync(join(ROOT, "docs"), { recursive: true });
      copyFileSync(ARTIFACT, README_SCREENSHOT);
    }
  });
});
