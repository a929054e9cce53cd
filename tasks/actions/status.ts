import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { bookForProvider } from "../../src/ops/deployment.js";
import { deploymentBlock, describeStatus, executorStatus, resolveExecutor } from "../../src/ops/executorOps.js";
import { reportErrors } from "./run.js";

/** `npx hardhat executor status`: roles, pause state and balances. */
export default async function status(
  args: {
    readonly executor: string;
    readonly deploymentId: string;
    readonly json: boolean;
    readonly fromBlock: string;
    readonly pageBlocks: number;
  },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await reportErrors(async () => {
    // Reading needs no key: none is read from the keystore.
    const { ethers } = await hre.network.create({ override: { accounts: [] } });
    const provider = ethers.provider;
    const book = await bookForProvider(provider);
    const executor = await resolveExecutor(provider, args);
    const fromBlock = await deploymentBlock(provider, executor, args);
    const result = await executorStatus(provider, executor, book, { fromBlock, pageBlocks: args.pageBlocks });
    console.log(
      args.json ? JSON.stringify(result, (_, v) => (typeof v === "bigint" ? v.toString() : v)) : describeStatus(result),
    );
  });
}
