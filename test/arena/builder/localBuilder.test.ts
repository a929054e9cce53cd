import { expect } from "chai";
import { id, keccak256, Transaction, type TransactionRequest, Wallet } from "ethers";
import { network } from "hardhat";
import { MempoolOrderError } from "../../../src/arena/builder/blockBuilder.js";
import { LocalBuilder } from "../../../src/arena/builder/localBuilder.js";
import { eip1193Upstream } from "../../../src/arena/upstream.js";
import { BundleClient } from "../../../src/engine/execute/bundleClient.js";
import { devAccount } from "../../../src/ops/devAccounts.js";

/** Hardhat's well-known development keys (accounts 1–4). */
const KEYS = [1, 2, 3, 4].map((i) => devAccount(i).privateKey) as [string, string, string, string];
const COINBASE = "0x00000000000000000000000000000000000c0ffe";
/** Creation code of a contract whose every call reverts (`PUSH1 0 DUP1 REVERT`). */
const ALWAYS_REVERTS = "0x6004600c60003960046000f3600080fd";

describe("LocalBuilder: a builder speaking the relays' interface on a real node", () => {
  let connection: Awaited<ReturnType<typeof network.create>>;
  let builder: LocalBuilder;
  let url: string;
  let client: BundleClient;
  const reputation = Wallet.createRandom();
  const chainId = 31337n;
  let reverter: string;
  const rpc = (method: string, params: unknown[] = []) => connection.provider.request({ method, params });

  async function signed(key: string, overrides: Partial<TransactionRequest> = {}): Promise<string> {
    const wallet = new Wallet(key);
    const nonce =
      overrides.nonce ?? Number((await rpc("eth_getTransactionCount", [wallet.address, "pending"])) as string);
    return wallet.signTransaction({
      type: 2,
      chainId,
      nonce,
      to: wallet.address,
      value: 1n,
      gasLimit: 60_000n,
      maxFeePerGas: 100n * 10n ** 9n,
      maxPriorityFeePerGas: 1n * 10n ** 9n,
      ...overrides,
    });
  }
  const hashOf = (raw: string) => (Transaction.from(raw).hash as string).toLowerCase();
  async function head(): Promise<number> {
    return Number((await rpc("eth_blockNumber")) as string);
  }
  async function blockHashes(n: number): Promise<string[]> {
    const block = (await rpc("eth_getBlockByNumber", [`0x${n.toString(16)}`, false])) as { transactions: string[] };
    return block.transactions.map((h) => h.toLowerCase());
  }
  async function post(body: string, header?: string): Promise<{ result?: unknown; error?: { message: string } }> {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(header === undefined ? {} : { "x-flashbots-signature": header }),
      },
      body,
    });
    return (await response.json()) as { result?: unknown; error?: { message: string } };
  }

  before(async () => {
    connection = await network.create("arena");
    const deployer = new Wallet(KEYS[3]);
    const deploy = await deployer.signTransaction({
      type: 2,
      chainId,
      nonce: 0,
      data: ALWAYS_REVERTS,
      gasLimit: 100_000n,
      maxFeePerGas: 100n * 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
    });
    const hash = (await rpc("eth_sendRawTransaction", [deploy])) as string;
    reverter = ((await rpc("eth_getTransactionReceipt", [hash])) as { contractAddress: string }).contractAddress;
    builder = new LocalBuilder({ node: eip1193Upstream(connection.provider), coinbase: COINBASE });
    url = await builder.start();
    client = new BundleClient(reputation, [{ name: "local", url }]);
  });

  after(async () => {
    await builder.stop();
    await connection.close();
  });

  it("refuses relay methods without a valid X-Flashbots-Signature, and names why", async () => {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_sendBundle",
      params: [{ txs: [await signed(KEYS[0])], blockNumber: "0x99" }],
    });
    expect((await post(body)).error?.message).to.equal("missing X-Flashbots-Signature header");
    const other = Wallet.createRandom();
    const forged = `${reputation.address}:${await other.signMessage(id(body))}`;
    expect((await post(body, forged)).error?.message).to.equal(
      `X-Flashbots-Signature signed by ${other.address}, not ${reputation.address}`,
    );
    expect(
      (await post(body, `${reputation.address}:${await reputation.signMessage(id(body))}`)).result,
    ).to.have.property("bundleHash");
  });

  it("gives each bad parameter a clear error and holds nothing from it", async () => {
    const before = builder.pending.length;
    const bad = await Promise.all([
      client.sendBundle({ txs: ["0x1234"], blockNumber: 1 }),
      client.sendBundle({ txs: [], blockNumber: 1 }),
      client.sendBundle({ txs: [await signed(KEYS[0])], blockNumber: 1, replacementUuid: "not-a-uuid" }),
      client.sendBundle({ txs: [await signed(KEYS[0])], blockNumber: 1, minTimestamp: 9, maxTimestamp: 8 }),
      client.mevSendBundle([], 1),
    ]);
    expect(bad.map((answers) => answers[0]?.error)).to.deep.equal([
      "eth_sendBundle: 0x1234… is not a signed transaction",
      "eth_sendBundle: txs: a bundle needs at least one transaction",
      "eth_sendBundle: replacementUuid: Invalid UUID",
      "eth_sendBundle: minTimestamp 9 is after maxTimestamp 8",
      "mev_sendBundle: body: a bundle needs at least one entry",
    ]);
    expect(builder.pending.length).to.equal(before);
  });

  it("includes a bundle at its target block, ahead of the public mempool, with the relays' bundle hash", async () => {
    await builder.buildNext();
    const publicTx = await signed(KEYS[0], { maxPriorityFeePerGas: 50n * 10n ** 9n });
    await post(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "eth_sendRawTransaction", params: [publicTx] }));
    const ours = await signed(KEYS[1]);
    const target = (await head()) + 1;
    const [answer] = await client.sendBundle({ txs: [ours], blockNumber: target });
    expect(answer?.accepted).to.equal(true);
    expect(answer?.result?.bundleHash).to.equal(keccak256(hashOf(ours)));
    const report = await builder.buildNext();
    expect(report.block.number).to.equal(target);
    expect(await blockHashes(target)).to.deep.equal([hashOf(ours), hashOf(publicTx)]);
    expect(builder.outcomes.get(keccak256(hashOf(ours)))).to.include({ status: "included", block: target });
  });

  it("takes, of two bundles spending one nonce, the one that pays the coinbase more", async () => {
    const nonce = Number((await rpc("eth_getTransactionCount", [new Wallet(KEYS[1]).address, "latest"])) as string);
    const low = await signed(KEYS[1], { nonce, maxPriorityFeePerGas: 2n * 10n ** 9n });
    const high = await signed(KEYS[1], { nonce, maxPriorityFeePerGas: 3n * 10n ** 9n, value: 2n });
    const target = (await head()) + 1;
    await client.sendBundle({ txs: [low], blockNumber: target });
    await client.sendBundle({ txs: [high], blockNumber: target });
    const before = BigInt((await rpc("eth_getBalance", [COINBASE, "latest"])) as string);
    const report = await builder.buildNext();
    expect(await blockHashes(target)).to.deep.equal([hashOf(high)]);
    const after = BigInt((await rpc("eth_getBalance", [COINBASE, "latest"])) as string);
    const included = builder.outcomes.get(keccak256(hashOf(high)));
    expect(included).to.deep.equal({ status: "included", block: target, payment: after - before });
    expect(after - before).to.equal(21_000n * 3n * 10n ** 9n);
    expect(report.outcomes.find((o) => o.bundle.hash === keccak256(hashOf(low)))?.outcome.status).to.equal("outbid");
  });

  it("leaves out a bundle whose transaction reverts, unless revertingTxHashes allows it", async () => {
    const reverting = await signed(KEYS[2], { to: reverter });
    const target = (await head()) + 1;
    await client.sendBundle({ txs: [reverting], blockNumber: target });
    await builder.buildNext();
    expect(await blockHashes(target)).to.deep.equal([]);
    expect(builder.outcomes.get(keccak256(hashOf(reverting)))).to.deep.equal({
      status: "failed",
      block: target,
      reason: `transaction ${hashOf(reverting)} reverted`,
    });
    const allowed = await signed(KEYS[2], { to: reverter });
    await client.sendBundle({ txs: [allowed], blockNumber: target + 1, revertingTxHashes: [hashOf(allowed)] });
    await builder.buildNext();
    expect(await blockHashes(target + 1)).to.deep.equal([hashOf(allowed)]);
    const receipt = (await rpc("eth_getTransactionReceipt", [hashOf(allowed)])) as { status: string };
    expect(receipt.status).to.equal("0x0");
  });

  it("waits for a later target block, and lets a past one expire", async () => {
    const later = await signed(KEYS[0]);
    const h = await head();
    await client.sendBundle({ txs: [later], blockNumber: h + 2 });
    await builder.buildNext();
    expect(await blockHashes(h + 1)).to.deep.equal([]);
    await builder.buildNext();
    expect(await blockHashes(h + 2)).to.deep.equal([hashOf(later)]);
    const stale = await signed(KEYS[0]);
    await client.sendBundle({ txs: [stale], blockNumber: h + 2 });
    await builder.buildNext();
    expect(builder.outcomes.get(keccak256(hashOf(stale)))).to.deep.equal({ status: "expired", block: h + 3 });
    expect(await blockHashes(h + 3)).to.deep.equal([]);
  });

  it("honours minTimestamp and maxTimestamp against the block's timestamp", async () => {
    const latest = (await rpc("eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
    const next = Number(latest.timestamp) + 12;
    const tooLate = await signed(KEYS[0]);
    const target = (await head()) + 1;
    await client.sendBundle({ txs: [tooLate], blockNumber: target, maxTimestamp: next - 1 });
    await builder.buildNext();
    expect(builder.outcomes.get(keccak256(hashOf(tooLate)))).to.deep.equal({
      status: "failed",
      block: target,
      reason: `timestamp ${next} outside its window`,
    });
    const inTime = await signed(KEYS[0]);
    await client.sendBundle({
      txs: [inTime],
      blockNumber: target + 1,
      minTimestamp: next + 12,
      maxTimestamp: next + 12,
    });
    await builder.buildNext();
    expect(await blockHashes(target + 1)).to.deep.equal([hashOf(inTime)]);
  });

  it("drops a cancelled bundle and replaces one sent again under the same UUID", async () => {
    const uuid = "7c1a2b4e-1f0d-4c33-9a7e-0b9f3d2a1c55";
    const first = await signed(KEYS[0]);
    const target = (await head()) + 1;
    await client.sendBundle({ txs: [first], blockNumber: target, replacementUuid: uuid });
    const [cancelled] = await client.cancelBundle(uuid);
    expect(cancelled?.result).to.equal(true);
    await builder.buildNext();
    expect(await blockHashes(target)).to.deep.equal([]);
    expect(builder.outcomes.get(keccak256(hashOf(first)))).to.deep.equal({ status: "cancelled" });
    const a = await signed(KEYS[0]);
    const b = await signed(KEYS[0], { value: 5n });
    await client.sendBundle({ txs: [a], blockNumber: target + 1, replacementUuid: uuid });
    await client.sendBundle({ txs: [b], blockNumber: target + 1, replacementUuid: uuid });
    await builder.buildNext();
    expect(await blockHashes(target + 1)).to.deep.equal([hashOf(b)]);
    expect(builder.outcomes.get(keccak256(hashOf(a)))).to.deep.equal({ status: "replaced", by: keccak256(hashOf(b)) });
  });

  it("puts a backrun right after its trigger, never before it, whatever the backrun pays", async () => {
    const trigger = await signed(KEYS[0], { maxPriorityFeePerGas: 10n ** 9n });
    const bystander = await signed(KEYS[2], { maxPriorityFeePerGas: 5n * 10n ** 9n });
    for (const raw of [trigger, bystander])
      await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] }));
    const backrun = await signed(KEYS[1], { maxPriorityFeePerGas: 90n * 10n ** 9n });
    const target = (await head()) + 1;
    const [answer] = await client.mevSendBundle([{ hash: hashOf(trigger) }, { tx: backrun, canRevert: false }], target);
    expect(answer?.accepted).to.equal(true);
    await builder.buildNext();
    expect(await blockHashes(target)).to.deep.equal([hashOf(trigger), hashOf(backrun), hashOf(bystander)]);
  });

  it("refuses a backrun whose trigger is not in the public mempool", async () => {
    const unknown = await signed(KEYS[0]);
    const backrun = await signed(KEYS[1]);
    const target = (await head()) + 1;
    await client.mevSendBundle([{ hash: hashOf(unknown) }, { tx: backrun, canRevert: false }], target);
    await builder.buildNext();
    expect(await blockHashes(target)).to.deep.equal([]);
    const outcome = builder.outcomes.get(keccak256(`0x${hashOf(unknown).slice(2)}${hashOf(backrun).slice(2)}`));
    expect(outcome).to.deep.equal({
      status: "failed",
      block: target,
      reason: `transaction ${hashOf(unknown)} is not in the public mempool`,
    });
  });

  it("simulates with eth_callBundle on the head and leaves the chain and mempool as they were", async () => {
    const pendingTx = await signed(KEYS[2]);
    await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [pendingTx] }));
    const before = await head();
    const tx = await signed(KEYS[1], { maxPriorityFeePerGas: 2n * 10n ** 9n });
    const answer = await client.callBundle([tx, await signed(KEYS[2], { to: reverter, nonce: 999 })], before + 1);
    expect(answer.accepted).to.equal(true);
    expect(answer.result?.stateBlockNumber).to.equal(before);
    expect(answer.result?.results[0]).to.deep.equal({ txHash: hashOf(tx), gasUsed: 21_000 });
    expect(answer.result?.results[1]?.error).to.be.a("string");
    expect(answer.result?.coinbaseDiff).to.equal((21_000n * 2n * 10n ** 9n).toString());
    expect(await head()).to.equal(before);
    const pending = (await rpc("eth_getBlockByNumber", ["pending", false])) as { transactions: string[] };
    expect(pending.transactions.map((h) => h.toLowerCase())).to.deep.equal([hashOf(pendingTx)]);
    await builder.buildNext();
  });

  it("never shows a client a block it mined to simulate", async () => {
    const start = await head();
    const target = start + 1;
    for (let i = 0; i < 4; i++)
      await client.sendBundle({
        txs: [await signed(KEYS[i % 3] as string, { nonce: 10_000 + i })],
        blockNumber: target,
      });
    const seen: number[] = [];
    let building = true;
    const watching = (async () => {
      while (building) {
        const answer = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }));
        seen.push(Number(answer.result as string));
      }
    })();
    await builder.buildNext();
    building = false;
    await watching;
    expect(seen.length).to.be.greaterThan(0);
    expect(new Set(seen.filter((n) => n !== start && n !== target))).to.deep.equal(new Set());
    expect(seen).to.deep.equal([...seen].sort((x, y) => x - y));
  });

  it("passes on reads and raw transactions only: no mining, no rewinding, no filters that keep simulated blocks", async () => {
    for (const method of [
      "evm_mine",
      "evm_revert",
      "hardhat_setCoinbase",
      "eth_newFilter",
      "eth_newBlockFilter",
      "eth_sendTransaction",
    ]) {
      const answer = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }));
      expect(answer.error?.message, method).to.equal(
        `${method} is not served here: only the relays' methods, reads of the chain and eth_sendRawTransaction`,
      );
    }
    const unknown = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getFilterChanges", params: ["0x1"] }),
    );
    expect(unknown.error?.message).to.equal("filter not found");
  });

  it("serves the public mempool's transactions through a pending-transaction filter", async () => {
    const filter = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_newPendingTransactionFilter" }));
    const raw = await signed(KEYS[0]);
    await post(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_sendRawTransaction", params: [raw] }));
    const changes = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 3, method: "eth_getFilterChanges", params: [filter.result] }),
    );
    expect(changes.result).to.deep.equal([hashOf(raw)]);
    const again = await post(
      JSON.stringify({ jsonrpc: "2.0", id: 4, method: "eth_getFilterChanges", params: [filter.result] }),
    );
    expect(again.result).to.deep.equal([]);
    await builder.buildNext();
  });
});

describe("LocalBuilder on a node that orders its mempool by tip", () => {
  it("refuses to make a block that would put a backrun before its trigger", async () => {
    const connection = await network.create();
    const builder = new LocalBuilder({ node: eip1193Upstream(connection.provider), coinbase: COINBASE });
    const url = await builder.start();
    try {
      const client = new BundleClient(Wallet.createRandom(), [{ name: "local", url }]);
      const sign = (key: string, tip: bigint) =>
        new Wallet(key).signTransaction({
          type: 2,
          chainId: 31337n,
          nonce: 0,
          to: new Wallet(key).address,
          value: 1n,
          gasLimit: 21_000n,
          maxFeePerGas: 100n * 10n ** 9n,
          maxPriorityFeePerGas: tip,
        });
      const trigger = await sign(devAccount(5).privateKey, 10n ** 9n);
      const backrun = await sign(devAccount(6).privateKey, 50n * 10n ** 9n);
      await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [trigger] }),
      });
      const head = Number((await connection.provider.request({ method: "eth_blockNumber" })) as string);
      await client.mevSendBundle(
        [{ hash: Transaction.from(trigger).hash as string }, { tx: backrun, canRevert: false }],
        head + 1,
      );
      await expect(builder.buildNext()).to.be.rejectedWith(MempoolOrderError, "first-in-first-out");
    } finally {
      await builder.stop();
      await connection.close();
    }
  });
});
