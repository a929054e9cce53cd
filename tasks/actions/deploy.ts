import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import ExecutorModule from "../../ignition/modules/FlashArbExecutor.js";
import type { Address } from "../../src/addressBook.js";
import {
  bookForProvider,
  describePlan,
  ignitionParameters,
  parseAddress,
  parseAddressList,
  planDeployment,
} from "../../src/ops/deployment.js";
import { confirm, connect, reportErrors } from "./run.js";

interface DeployArgs {
  readonly owner: string;
  readonly operators: string;
  readonly profitReceiver: string;
  readonly curvePools: string;
  readonly deploymentId: string;
  readonly yes: boolean;
}

/** `npx hardhat executor deploy`: checks, prints, asks, then deploys through Ignition. */
export default async function deploy(args: DeployArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await reportErrors(async () => {
    const owner = parseAddress("--owner", args.owner);
    const operators = parseAddressList("--operators", args.operators);
    const profitReceiver =
      args.profitReceiver === "" ? undefined : parseAddress("--profit-receiver", args.profitReceiver);
    const curvePools = parseAddressList("--curve-pools", args.curvePools);
    const { connection, provider, signer } = await connect(hre);
    const book = await bookForProvider(provider);
    const plan = await planDeployment(provider, (await signer.getAddress()) as Address, book, {
      owner,
      operators,
      ...(profitReceiver === undefined ? {} : { profitReceiver }),
      curvePools,
    });
    console.log(`About to deploy FlashArbExecutor:\n${describePlan(plan)}\n`);
    if (plan.needsConfirmation && !(await confirm("Deploy?", args.yes))) {
      console.log("Not deployed.");
      return;
    }
    const deploymentId = args.deploymentId === "" ? `chain-${plan.chainId}` : args.deploymentId;
    const { executor } = await connection.ignition.deploy(ExecutorModule, {
      parameters: ignitionParameters(plan) as never,
      deploymentId,
    });
    console.log(`FlashArbExecutor deployed at ${await executor.getAddress()} (Ignition deployment "${deploymentId}").`);
  });
}
