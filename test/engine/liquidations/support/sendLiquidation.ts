// A funded liquidator's own `liquidationCall` on the replica, for the tests that hold the
// engine's predictions to what the Pool does.
import { MaxUint256, type Result, type Signer } from "ethers";
import type { Address } from "../../../../src/addressBook.js";
import type { AnyContract } from "../../../../src/replica/deploy.js";
import { unitsOf } from "../../../../src/replica/positions.js";
import type { Replica } from "../../../../src/replica/replica.js";
import { fund, type ReplicaTokenSymbol } from "../../../../src/replica/tokens.js";
import { networkHelpers } from "../../../fixtures/replica.js";

/**
 * `liquidator` (funded with the debt asset) liquidates all it may of `user`'s `debt` for
 * `collateral` on the replica's Aave market, mined at `when`. Returns the Pool's
 * `LiquidationCall` event and the collateral the liquidator received.
 */
export async function sendLiquidation(
  replica: Replica,
  liquidator: Signer,
  user: Address,
  collateral: ReplicaTokenSymbol,
  debt: ReplicaTokenSymbol,
  when: bigint,
): Promise<{ event: Result | undefined; received: bigint }> {
  const me = await liquidator.getAddress();
  await fund(replica.tokens, debt, liquidator, me, unitsOf(debt, "1000000"));
  const pool = replica.aave.pool.connect(liquidator) as AnyContract;
  await (
    await (replica.tokens[debt].connect(liquidator) as AnyContract).getFunction("approve")(pool, MaxUint256)
  ).wait();
  const token = replica.tokens[collateral];
  const before = (await token.getFunction("balanceOf")(me)) as bigint;
  await networkHelpers.time.setNextBlockTimestamp(when);
  const receipt = await (
    await pool.getFunction("liquidationCall")(
      replica.tokenAddresses[collateral],
      replica.tokenAddresses[debt],
      user,
      MaxUint256,
      false,
    )
  ).wait();
  const event = receipt.logs
    .map((log: { topics: string[]; data: string }) => pool.interface.parseLog(log))
    .find((parsed: { name: string } | null) => parsed?.name === "LiquidationCall");
  return { event: event?.args, received: ((await token.getFunction("balanceOf")(me)) as bigint) - before };
}
