import type { HDNodeWallet } from "ethers";
import type { Records } from "../../../src/engine/record/records.js";
import { devWallet } from "../../../src/ops/devAccounts.js";

/** A record to hang transactions on, as the engine makes one per trade. */
export function trade(records: Records): number {
  return records.add({
    block: 0,
    cycle: "test",
    route: "0x00000000000000000000000000000000000000a1",
    token: "WETH",
    amountIn: 1n,
    lender: "BalancerV2",
    expectedProfit: 0n,
    gasCost: 0n,
    status: "simulated",
    reason: null,
  });
}

/** The local key of the chain's account `index`, connected to `provider`. */
export async function wallet(
  ethers: { getSigners(): Promise<Array<{ getAddress(): Promise<string> }>> },
  provider: Parameters<typeof devWallet>[1],
  index: number,
): Promise<HDNodeWallet> {
  const signers = await ethers.getSigners();
  return devWallet(await (signers[index] as { getAddress(): Promise<string> }).getAddress(), provider);
}
