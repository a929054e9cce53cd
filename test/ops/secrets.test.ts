import { expect } from "chai";
import { VoidSigner, Wallet } from "ethers";
import hre from "hardhat";
import { BaseError } from "../../src/errors.js";
import { OPERATOR_KEY, operatorSigner, readSecret } from "../../src/ops/secrets.js";
import { ethers } from "../fixtures/replica.js";

/** Hardhat's well-known development key for account 1. */
const DEV_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/** Runs `body` with the environment variable `name` set to `value` (or unset), then restores it. */
async function withEnv<T>(name: string, value: string | undefined, body: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

describe("secrets and the operator's key", () => {
  it("reads a secret through Hardhat's configuration-variable hooks, falling back to the environment", async () => {
    const name = "FLASHARB_TEST_SECRET";
    expect(await withEnv(name, "s3cret", () => readSecret(hre.hooks, name))).to.equal("s3cret");
    expect(await withEnv(name, undefined, () => readSecret(hre.hooks, name))).to.equal(undefined);
    expect(await withEnv(name, "", () => readSecret(hre.hooks, name))).to.equal(undefined);
  });

  it("signs live with the stored key, and refuses --live without one, saying where to store it", async () => {
    const provider = ethers.provider;
    const signer = await withEnv(OPERATOR_KEY, DEV_KEY, () => operatorSigner(provider, hre.hooks, { live: true }));
    expect(signer).to.be.instanceOf(Wallet);
    expect(await signer.getAddress()).to.equal(new Wallet(DEV_KEY).address);
    await expect(
      withEnv(OPERATOR_KEY, undefined, () => operatorSigner(provider, hre.hooks, { live: true })),
    ).to.be.rejectedWith(BaseError, "--live needs the operator's key.");
    await expect(
      withEnv(OPERATOR_KEY, "0x1234", () => operatorSigner(provider, hre.hooks, { live: true })),
    ).to.be.rejectedWith(BaseError, "OPERATOR_PRIVATE_KEY is not a private key.");
  });

  it("simulates a dry-run from --operator or the key's address, and needs one of them", async () => {
    const provider = ethers.provider;
    const address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const given = await withEnv(OPERATOR_KEY, undefined, () =>
      operatorSigner(provider, hre.hooks, { live: false, operator: address }),
    );
    expect(given).to.be.instanceOf(VoidSigner);
    expect(await given.getAddress()).to.equal(address);
    const fromKey = await withEnv(OPERATOR_KEY, DEV_KEY, () => operatorSigner(provider, hre.hooks, { live: false }));
    expect(fromKey).to.be.instanceOf(VoidSigner);
    expect(await fromKey.getAddress()).to.equal(address);
    await expect(
      withEnv(OPERATOR_KEY, undefined, () => operatorSigner(provider, hre.hooks, { live: false })),
    ).to.be.rejectedWith(BaseError, "Dry-run needs to know the operator to simulate from.");
    await expect(
      withEnv(OPERATOR_KEY, undefined, () => operatorSigner(provider, hre.hooks, { live: false, operator: "0x12" })),
    ).to.be.rejectedWith(Error, '--operator: "0x12" is not an address');
  });
});
