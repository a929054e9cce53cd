import { readFileSync } from "node:fs";
import { expect } from "chai";
import { LIVE_BOOKS } from "../../src/addressBooks/networks.js";
import { BaseError } from "../../src/errors.js";
import { parameterFileFor } from "../../src/ops/parameterFiles.js";
import { confirm } from "../../tasks/actions/run.js";
import { ethers, loadReplica } from "../fixtures/replica.js";

function committed(name: string): string {
  return readFileSync(new URL(`../../ignition/parameters/${name}.json`, import.meta.url), "utf8");
}

describe("Ignition parameter files", () => {
  for (const [name, book] of Object.entries(LIVE_BOOKS)) {
    it(`${name}.json says what the ${name} address book says (run \`npm run ignition:params\` after changing a book)`, () => {
      expect(committed(name)).to.equal(parameterFileFor(book));
    });
  }

  it("localhost.json matches the replica a fresh local node has, with Hardhat's first two accounts as owner and operator", async () => {
    const replica = await loadReplica();
    const [owner, operator] = await ethers.getSigners();
    if (owner === undefined || operator === undefined) throw new Error("missing signers");
    expect(committed("localhost")).to.equal(
      parameterFileFor(replica.book, { owner: await owner.getAddress(), operators: [await operator.getAddress()] }),
    );
  });
});

describe("deployment confirmation", () => {
  it("goes ahead with --yes and refuses when there is no terminal to ask", async () => {
    expect(await confirm("Deploy?", true)).to.equal(true);
    const tty = process.stdin.isTTY;
    Object.defineProperty(process.stdin, "isTTY", { value: false, configurable: true });
    try {
      await expect(confirm("Deploy?", false)).to.be.rejectedWith(BaseError, "Refusing to send without confirmation");
    } finally {
      Object.defineProperty(process.stdin, "isTTY", { value: tty, configurable: true });
    }
  });
});
