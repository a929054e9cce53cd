import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { bookForProvider } from "../../src/ops/deployment.js";
import { describeStatus, executorStatus, resolveExecutor } from "../../src/ops/executorOps.js";
import { connect, reportErrors } from "./run.js";

/** `npx hardhat executor status`: roles, pause state and balances. */
export default async function status(
  args: { readonly executor: string; readonly deploymentId: string; readonly json: boolean },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  await reportErrors(async () => {
    const { provider } = await connect(hre);
    const book = await bookForProvider(provider);
    const executor = await resolveExecutor(provider, args);
    const result = await executorStatus(provider, executor, book);
    console.log(
      args.json ? JSON.stringify(result, (_, v) => (typeof v === "bigint" ? v.toString() : v)) : describeStatus(result),
    );
  });
}
