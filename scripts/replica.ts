import { network } from "hardhat";
import { deployReplica } from "../src/replica/replica.js";

// Stands the replica up on the chosen network (the in-process chain by default, or
// `--network localhost` for a running `hardhat node`) and prints its address book and how
// long the deployment took.
const { ethers } = await network.create();
const [deployer] = await ethers.getSigners();
if (deployer === undefined) throw new Error("The network has no unlocked accounts to deploy from.");
const started = performance.now();
const replica = await deployReplica(deployer);
const elapsedMs = Math.round(performance.now() - started);
console.log(
  JSON.stringify({ book: replica.book, pools: replica.pools }, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2),
);
console.log(
  `Replica deployed in ${elapsedMs} ms: ${replica.pools.length} pools, ` +
    `${await ethers.provider.getBlockNumber()} blocks, chain ${replica.chainId}.`,
);
