import { expect } from "chai";
import type { Signer } from "ethers";
import hre from "hardhat";
import type { Address } from "../../src/addressBook.js";
import { deployExecutor } from "../../src/executor/deploy.js";
import { OpsError } from "../../src/ops/deployment.js";
import { prepareOwnerTransaction } from "../../src/ops/executorOps.js";
import { deployReplica } from "../../src/replica/replica.js";

/** An owner address held on a Ledger (any address: no device is attached here). */
const LEDGER_OWNER = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4" as Address;

describe("owner tasks signed on a Ledger", () => {
  const installed = hre.config.plugins.some((plugin) => plugin.id === "hardhat-ledger");

  it("is installed where its USB driver builds (CI installs libusb and libudev for it)", function () {
    // Elsewhere the optional dependency may be absent, and `--ledger` says how to install it.
    if (process.env.CI !== "true" && !installed) this.skip();
    expect(installed).to.equal(true);
  });

  it("adds the Ledger account to the connection, so the owner's transaction is signed on the device", async function () {
    if (!installed) this.skip();
    // What `--ledger <address>` does: the same network, with the account handed to the plugin.
    const connection = await hre.network.create({ override: { ledgerAccounts: [LEDGER_OWNER] } });
    const plain = await hre.network.create();
    try {
      const { ethers } = connection;
      const accounts = ((await ethers.provider.send("eth_accounts", [])) as string[]).map((a) => a.toLowerCase());
      expect(accounts).to.include(LEDGER_OWNER.toLowerCase());
      const plainAccounts = (await plain.ethers.provider.send("eth_accounts", [])) as string[];
      expect(plainAccounts.map((a) => a.toLowerCase())).to.not.include(LEDGER_OWNER.toLowerCase());
      // The checks before signing run for the Ledger account as for a key: it is the owner here.
      const [deployer] = await ethers.getSigners();
      const replica = await deployReplica(deployer as Signer);
      const executor = await deployExecutor(deployer as Signer, replica.book, LEDGER_OWNER);
      const executorAddress = (await executor.getAddress()) as Address;
      const pause = await prepareOwnerTransaction(ethers.provider, executorAddress, LEDGER_OWNER, { kind: "pause" });
      expect(pause.method).to.equal("pause");
      await expect(
        prepareOwnerTransaction(ethers.provider, executorAddress, (await deployer?.getAddress()) as Address, {
          kind: "pause",
        }),
      ).to.be.rejectedWith(OpsError, `is not the executor's owner (${LEDGER_OWNER})`);
      // Signing itself needs the device: the plugin asks for it and waits (untested here).
    } finally {
      await connection.close();
      await plain.close();
    }
  });
});
