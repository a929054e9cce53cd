// Accounts for the executor's overhead on the Balancer-loan V2 → V2 trade, the figure
// `npm run gas` records as "overhead:balancer:v2-v2": it runs that trade and the bare reference
// (BareV2V2Arb) on the same replica state as the gas snapshot, traces both opcode by opcode, and
// splits each transaction's gas by the contract that spent it and, inside the two arbitrage
// contracts, by kind of work.
import { readFileSync } from "node:fs";
import { getBytes } from "ethers";
import { v2DexIndex } from "../src/executor/deploy.js";
import { encodeLoan, encodeRoute } from "../src/executor/route.js";
import { findPool } from "../src/replica/market.js";
import { GAS_LOAN_AMOUNT, gasMarket, runBareReference } from "./lib/gasMarket.js";

interface StructLog {
  readonly op: string;
  readonly gas: number;
  readonly gasCost: number;
  readonly depth: number;
  readonly stack?: readonly string[];
}

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);
/** Opcodes that touch another account and pay EIP-2929's 2,500 extra the first time. */
const ACCOUNT_ACCESS = new Set([...CALLS, "EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY", "BALANCE"]);

const market = await gasMarket();
const { ethers, networkHelpers, replica, executor, nextBlock } = market;
const t = replica.tokenAddresses;
const pair1 = findPool(replica, "sushiswap", "WETH", "USDC").address;
const pair2 = findPool(replica, "uniswapV2", "WETH", "USDC").address;
const names = new Map<string, string>([
  [pair1.toLowerCase(), "Sushiswap WETH/USDC pair"],
  [pair2.toLowerCase(), "Uniswap V2 WETH/USDC pair"],
  [replica.book.balancerV2.vault.toLowerCase(), "Balancer Vault"],
  [t.WETH.toLowerCase(), "WETH"],
  [t.USDC.toLowerCase(), "USDC"],
]);
const feesCollector = (await new ethers.Contract(
  replica.book.balancerV2.vault,
  ["function getProtocolFeesCollector() view returns (address)"],
  ethers.provider,
).getFunction("getProtocolFeesCollector")()) as string;
names.set(feesCollector.toLowerCase(), "Balancer fees collector");
const snapshot = await networkHelpers.takeSnapshot();

await nextBlock();
const route = encodeRoute([
  { kind: "UniswapV2", factoryIndex: v2DexIndex("sushiswap"), tokenOut: t.USDC, feePips: 3000 },
  { kind: "UniswapV2", factoryIndex: v2DexIndex("uniswapV2"), tokenOut: t.WETH, feePips: 3000 },
]);
const executorTx = await executor.getFunction("execute")(encodeLoan("BalancerV2", t.WETH, GAS_LOAN_AMOUNT), 0, route, {
  gasLimit: 3_000_000,
});
await executorTx.wait();
const executorBreakdown = await breakdown(executorTx.hash, await executor.getAddress());

await snapshot.restore();
const bareTx = await runBareReference(market);
const bareBreakdown = await breakdown(bareTx.hash, bareTx.address);

const order = (row: string): number =>
  row.startsWith("intrinsic")
    ? 0
    : row.startsWith("the arbitrage")
      ? 1
      : row === "refunds"
        ? 3
        : row.startsWith("total")
          ? 4
          : 2;
const rows = [...new Set([...executorBreakdown.keys(), ...bareBreakdown.keys()])].sort((a, b) => order(a) - order(b));
console.log("| where the gas went | executor | bare reference | difference |");
console.log("| --- | ---: | ---: | ---: |");
for (const row of rows) {
  const a = executorBreakdown.get(row) ?? 0;
  const b = bareBreakdown.get(row) ?? 0;
  console.log(`| ${row} | ${a.toLocaleString("en")} | ${b.toLocaleString("en")} | ${(a - b).toLocaleString("en")} |`);
}
const overhead = (executorBreakdown.get("total (gasUsed)") ?? 0) - (bareBreakdown.get("total (gasUsed)") ?? 0);
const recorded = (
  JSON.parse(readFileSync(new URL("../snapshots/gas.json", import.meta.url), "utf8")) as Record<string, number>
)["overhead:balancer:v2-v2"];
if (overhead !== recorded) {
  console.error(`The traced overhead (${overhead}) is not the snapshot's (${recorded}): run \`npm run gas\` first.`);
  process.exitCode = 1;
}
console.log(
  "\nThe executor reads its WETH balance before borrowing, so it pays WETH's first touch that the bare" +
    "\nreference leaves to the Vault: the two rows net out.",
);

/**
 * Splits a transaction's gas: intrinsic and calldata, refunds, each contract's own steps
 * (excluding the calls it makes), and for `subject` its steps by kind of work.
 */
async function breakdown(hash: string, subject: string): Promise<Map<string, number>> {
  const receipt = await ethers.provider.getTransactionReceipt(hash);
  const tx = await ethers.provider.getTransaction(hash);
  if (receipt === null || tx === null) throw new Error(`No receipt for ${hash}.`);
  const trace = (await ethers.provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const self = "the arbitrage contract:";
  const parts = new Map<string, number>();
  const add = (key: string, gas: number): void => {
    parts.set(key, (parts.get(key) ?? 0) + gas);
  };
  const data = getBytes(tx.data);
  const zeros = data.filter((b) => b === 0).length;
  add("intrinsic (21,000) and calldata", 21_000 + 4 * zeros + 16 * (data.length - zeros));
  // Which account each depth is running; depth 1 is the transaction's target.
  const frames: string[] = [subject.toLowerCase()];
  let executed = 0;
  for (let i = 0; i < logs.length; i++) {
    const step = logs[i] as StructLog;
    const next = logs[i + 1];
    const frame = frames[step.depth - 1] ?? "?";
    let cost = step.gasCost;
    if (next !== undefined && next.depth > step.depth) {
      // A call: its own cost is what the caller lost, less what the callee used.
      let j = i + 1;
      while (j < logs.length && (logs[j] as StructLog).depth > step.depth) j++;
      const last = logs[j - 1] as StructLog;
      const after = logs[j];
      const used = next.gas - (last.gas - last.gasCost);
      cost = after === undefined ? step.gasCost : step.gas - after.gas - used;
      const target = `0x${BigInt(step.stack?.[step.stack.length - 2] ?? 0)
        .toString(16)
        .padStart(40, "0")}`;
      frames[step.depth] = step.op === "DELEGATECALL" ? frame : target;
    } else if (next !== undefined && next.depth === step.depth) {
      cost = step.gas - next.gas;
    }
    executed += cost;
    if (frame !== subject.toLowerCase()) {
      add(names.get(frame) ?? `other contract ${frame.slice(0, 10)}`, cost);
    } else if (ACCOUNT_ACCESS.has(step.op) && cost >= 2_600) {
      add(`${self} first touch of an account (EIP-2929)`, 2_500);
      add(`${self} other execution`, cost - 2_500);
    } else if (step.op === "SLOAD" || step.op === "SSTORE") {
      add(`${self} storage`, cost);
    } else if (step.op.startsWith("LOG")) {
      add(`${self} event`, cost);
    } else if (step.op === "TLOAD" || step.op === "TSTORE") {
      add(`${self} transient storage`, cost);
    } else if (step.op === "KECCAK256") {
      add(`${self} hashing`, cost);
    } else if (CALLS.has(step.op)) {
      add(`${self} calls (warm)`, cost);
    } else {
      add(`${self} other execution`, cost);
    }
  }
  const intrinsic = parts.get("intrinsic (21,000) and calldata") ?? 0;
  add("refunds", Number(receipt.gasUsed) - intrinsic - executed);
  add("total (gasUsed)", Number(receipt.gasUsed));
  return parts;
}
