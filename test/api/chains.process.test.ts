// Two engine processes, one per chain (two local nodes with different chain IDs), writing their
// records to one PostgreSQL database: each one's API shows both chains side by side.
import { expect } from "chai";
import { Records } from "../../src/engine/record/records.js";
import { type LocalNode, startLocalNode } from "../../src/ops/localNode.js";
import {
  type EngineProcess,
  eventually,
  localMarket,
  scratch,
  spawnEngine,
  writeConfig,
} from "../engine/support/engineProcess.js";
import { freshDatabase, requirePostgres } from "../engine/support/postgres.js";

const TOKEN = "chains-test-token";
const CHAINS = [
  { chainId: 31337, port: 8552, apiPort: 8092 },
  { chainId: 31338, port: 8553, apiPort: 8093 },
] as const;

describe("several chains in one PostgreSQL (engine processes)", function () {
  this.timeout(240_000);
  const nodes: LocalNode[] = [];
  const engines: EngineProcess[] = [];
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;

  before(function () {
    requirePostgres.call(this);
  });

  after(async () => {
    for (const engine of engines) if (engine.child.exitCode === null) engine.child.kill("SIGKILL");
    for (const node of nodes) await node.stop();
    await database?.drop();
  });

  it("two engines on chains 31337 and 31338 write to one database; each API lists both and filters them apart", async () => {
    database = await freshDatabase();
    const dir = scratch("chains");
    const setups: Array<(typeof CHAINS)[number] & { recordPath: string; rpcUrl: string; records: string }> = [];
    for (const chain of CHAINS) {
      const recordPath = `${dir}/node-${chain.chainId}.json`;
      nodes.push(await startLocalNode({ port: chain.port, chainId: chain.chainId, recordPath }));
      setups.push({
        ...chain,
        recordPath,
        rpcUrl: `http://127.0.0.1:${chain.port}`,
        records: `${dir}/engine-${chain.chainId}.sqlite`,
      });
    }
    const config = writeConfig(dir, { pollIntervalMs: 100, confirmations: 1, shutdownTimeoutMs: 3_000 });
    for (const s of setups)
      engines.push(
        spawnEngine(
          ["--live", "--config", config, "--rpc", s.rpcUrl, "--database", s.records, "--api-port", String(s.apiPort)],
          { FLASH_ARB_LOCAL_RECORD: s.recordPath, DATABASE_URL: database.url, FLASH_ARB_API_TOKEN: TOKEN },
        ),
      );
    for (const engine of engines) await engine.waitFor("dashboard");
    for (const s of setups) await localMarket(s.rpcUrl, s.recordPath).cheapenWeth();

    const api = (s: (typeof setups)[number], path: string) =>
      fetch(`http://127.0.0.1:${s.apiPort}${path}`).then((r) => r.json() as Promise<Record<string, unknown>>);
    const succeededIn = (file: string) => {
      const records = new Records(file);
      try {
        return records.all().filter((r) => r.status === "succeeded");
      } finally {
        records.close();
      }
    };
    // Each engine's own file says what it traded; the shared database catches up with both.
    // Each engine's own file says what it traded; the shared database catches up with both. The
    // files are read again on every poll: trades may still land meanwhile.
    for (const s of setups) {
      await eventually(`trades on chain ${s.chainId}`, () => (succeededIn(s.records).length > 0 ? true : undefined));
      for (const reader of setups) {
        const seen = await eventually(`chain ${s.chainId} through the API of chain ${reader.chainId}`, async () => {
          const local = succeededIn(s.records)
            .map((r) => r.txHash)
            .sort();
          const page = await api(reader, `/api/trades?chainId=${s.chainId}&status=succeeded&limit=500`);
          const rows = page.rows as Array<{ txHash: string; chainId: number }>;
          const shown = rows.map((r) => r.txHash).sort();
          return JSON.stringify(shown) === JSON.stringify(local) ? rows : undefined;
        });
        for (const row of seen) expect(row.chainId).to.equal(s.chainId);
      }
    }
    for (const s of setups) {
      const chains = await api(s, "/api/chains");
      expect(chains).to.deep.equal({ chains: [31337, 31338], engine: s.chainId });
      const status = await api(s, "/api/status");
      expect(status.chainId).to.equal(s.chainId);
    }
    // Profit per chain apart, and both together.
    const [a, b] = setups as [(typeof setups)[number], (typeof setups)[number]];
    const usd = async (query: string) =>
      ((await api(a, `/api/profit?period=day${query}`)).buckets as Array<{ realisedUsd: { usd6: string } }>).reduce(
        (sum, bucket) => sum + BigInt(bucket.realisedUsd.usd6),
        0n,
      );
    // Read until no trade lands between the three reads: the engines are still running.
    const sums = await eventually("the profit of both chains, and of each", async () => {
      const both = await usd("");
      const ofA = await usd(`&chainId=${a.chainId}`);
      const ofB = await usd(`&chainId=${b.chainId}`);
      return both === (await usd("")) ? { both, ofA, ofB } : undefined;
    });
    expect(sums.both).to.equal(sums.ofA + sums.ofB);
    expect(sums.ofB).to.be.greaterThan(0n);

    for (const engine of engines) engine.child.kill("SIGTERM");
    for (const engine of engines) expect((await engine.exited).code).to.equal(0);
  });
});
