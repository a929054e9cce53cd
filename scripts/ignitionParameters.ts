// Writes ignition/parameters/<network>.json for every live network (from its address book)
// and for the local node (from a replica deployed in process, which has the same addresses as
// a fresh `npm run node`). A test keeps the committed files equal to what this writes.
import { writeFileSync } from "node:fs";
import { network } from "hardhat";
import { LIVE_BOOKS } from "../src/addressBooks/networks.js";
import { parameterFileFor } from "../src/ops/parameterFiles.js";
import { deployReplica } from "../src/replica/replica.js";

const dir = new URL("../ignition/parameters/", import.meta.url);
for (const [name, book] of Object.entries(LIVE_BOOKS)) {
  writeFileSync(new URL(`${name}.json`, dir), parameterFileFor(book));
}
const { ethers } = await network.create();
const [deployer, operator] = await ethers.getSigners();
if (deployer === undefined || operator === undefined) throw new Error("The in-process network needs two accounts.");
const replica = await deployReplica(deployer);
writeFileSync(
  new URL("localhost.json", dir),
  parameterFileFor(replica.book, { owner: await deployer.getAddress(), operators: [await operator.getAddress()] }),
);
console.log(`Wrote ignition/parameters/ for ${Object.keys(LIVE_BOOKS).join(", ")} and localhost.`);
