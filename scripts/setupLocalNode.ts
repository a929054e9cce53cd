// Run by `npm run node` against the fresh node it started: deploys the replica and, through
// Ignition, the executor (owner: account 0, operator: account 1), and writes
// deployments/localhost.json — the address book and addresses the engine reads.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import ExecutorModule from "../ignition/modules/FlashArbExecutor.js";
import type { Address } from "../src/addressBook.js";
import { ignitionParameters, LOCAL_RECORD_PATH, planDeployment } from "../src/ops/deployment.js";
import { recordToJson, replicaRecord } from "../src/replica/record.js";
import { deployReplica } from "../src/replica/replica.js";

// `startLocalNode` names the node and the record through these two variables when it runs a
// node on another port (benchmarks, tests); by default, the node of `npm run node`.
const nodeUrl = process.env.FLASH_ARB_NODE_URL ?? "http://127.0.0.1:8545";
const recordPath = process.env.FLASH_ARB_LOCAL_RECORD ?? LOCAL_RECORD_PATH;
const connection = await network.create({ network: "localhost", override: { url: nodeUrl } });
const provider = connection.ethers.provider;
const [deployer, operator] = await connection.ethers.getSigners();
if (deployer === undefined || operator === undefined) throw new Error("The node has fewer than two accounts.");
// The chain ID is a guard against deploying with the dev keys anywhere but a node we started:
// 31337, or the one `startLocalNode` asked its node for.
const expectedChainId = Number(process.env.FLASH_ARB_NODE_CHAIN_ID ?? 31337);
const chainId = Number((await provider.getNetwork()).chainId);
if (chainId !== expectedChainId)
  throw new Error(`Expected the local node (chain ${expectedChainId}), got chain ${chainId}.`);
if ((await provider.getBlockNumber()) !== 0) {
  throw new Error("The node already has blocks: the local setup needs a fresh node to give the same addresses.");
}

const started = performance.now();
const replica = await deployReplica(deployer);
// A previous node's Ignition journal describes a chain that no longer exists.
rmSync(fileURLToPath(new URL(`../ignition/deployments/chain-${chainId}`, import.meta.url)), {
  recursive: true,
  force: true,
});
const owner = (await deployer.getAddress()) as Address;
const operatorAddress = (await operator.getAddress()) as Address;
const plan = await planDeployment(provider, owner, replica.book, { owner, operators: [operatorAddress] });
const { executor } = await connection.ignition.deploy(ExecutorModule, {
  parameters: ignitionParameters(plan) as never,
  deploymentId: `chain-${chainId}`,
  displayUi: false,
});
const record = {
  rpcUrl: nodeUrl,
  chainId,
  book: replica.book,
  executor: await executor.getAddress(),
  owner,
  operator: operatorAddress,
  replica: await replicaRecord(replica),
};
mkdirSync(dirname(recordPath), { recursive: true });
writeFileSync(recordPath, `${recordToJson(record)}\n`);
console.log(
  `Replica and executor deployed in ${Math.round(performance.now() - started)} ms. ` +
    `Executor ${record.executor}, operator ${operatorAddress}. Wrote ${recordPath}.`,
);
