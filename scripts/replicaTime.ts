import { network } from "hardhat";
import { deployReplica } from "../src/replica/replica.js";

// Measures how long the whole replica takes to stand up on the in-process chain.
const { ethers } = await network.create();
const [deployer] = await ethers.getSigners();
if (deployer === undefined) throw new Error("The in-process network has no accounts.");
const started = performance.now();
const replica = await deployReplica(deployer);
const elapsed = performance.now() - started;
const block = await ethers.provider.getBlockNumber();
console.log(
  JSON.stringify({
    replicaStartupMs: Math.round(elapsed),
    pools: replica.pools.length,
    blocks: block,
    multicall3: replica.book.multicall3,
  }),
);
