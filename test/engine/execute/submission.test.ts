import { expect } from "chai";
import { Wallet } from "ethers";
import { ConfigError } from "../../../src/engine/config.js";
import { BundleClient, BundleClientError } from "../../../src/engine/execute/bundleClient.js";
import { devWallet } from "../../../src/ops/devAccounts.js";
import { loadExecutor } from "../../fixtures/executor.js";
import { serviceFor } from "../support/service.js";

const RELAYS = [{ name: "local", url: "http://127.0.0.1:9" }];

describe("choosing how trades are sent: the settings a live service refuses", () => {
  it("refuses bundles without a reputation key, saying where the key goes", async () => {
    const f = await loadExecutor();
    const attempt = serviceFor(f, true, { config: { submission: "bundle", relays: RELAYS } });
    await expect(attempt).to.be.rejectedWith(ConfigError, "no reputation key signs the requests to relays");
  });

  it("refuses the operator's own key as the reputation key", async () => {
    const f = await loadExecutor();
    const operator = devWallet(await f.operator.getAddress());
    const attempt = serviceFor(f, true, { config: { submission: "bundle", relays: RELAYS }, reputation: operator });
    await expect(attempt).to.be.rejectedWith(ConfigError, "The reputation key is the operator's key.");
  });

  it("refuses bundles when neither the configuration nor the address book lists a relay", async () => {
    const f = await loadExecutor();
    const attempt = serviceFor(f, true, { config: { submission: "bundle" }, reputation: Wallet.createRandom() });
    await expect(attempt).to.be.rejectedWith(ConfigError, "relays: No relays to send bundles to.");
  });

  it("refuses backruns without bundles: a backrun is a bundle placed after its trigger", async () => {
    const f = await loadExecutor();
    const attempt = serviceFor(f, true, { config: { submission: "direct", backruns: true } });
    await expect(attempt).to.be.rejectedWith(ConfigError, "backruns needs submission bundle");
  });

  it("takes bundles with a separate key and a relay, and direct sends with no key at all", async () => {
    const f = await loadExecutor();
    await serviceFor(f, true, { config: { submission: "bundle", relays: RELAYS }, reputation: Wallet.createRandom() });
    await serviceFor(f, true, { config: { submission: "direct" } });
  });

  it("refuses a relay list that cannot be used, naming the relay", () => {
    const key = Wallet.createRandom();
    expect(() => new BundleClient(key, [{ name: "a", url: "ftp://relay" }])).to.throw(
      BundleClientError,
      "Relay a: ftp://relay is not an http(s) URL.",
    );
    expect(() => new BundleClient(key, [RELAYS[0] as never, RELAYS[0] as never])).to.throw(
      BundleClientError,
      "Relay local is listed twice.",
    );
  });

  it("answers for an unreachable relay instead of throwing, with its latency", async () => {
    const client = new BundleClient(Wallet.createRandom(), RELAYS, 2_000);
    const [answer] = await client.sendBundle({ txs: ["0x01"], blockNumber: 1 });
    expect(answer?.relay).to.equal("local");
    expect(answer?.accepted).to.equal(false);
    // It may hold the bundle for all we know: the trade stays open for the tracker.
    expect(answer?.reached).to.equal(false);
    expect(answer?.error).to.be.a("string");
    expect(answer?.latencyMs).to.be.a("number");
  });
});
