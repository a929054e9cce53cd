// The replica state every gas measurement starts from, shared by scripts/gas.ts (the snapshot)
// and scripts/gasTrace.ts (its opcode-level account), so both measure the same transactions.
import { parseUnits, type Signer } from "ethers";
import { network } from "hardhat";
import type { Address } from "../../src/addressBook.js";
import { deployExecutor } from "../../src/executor/deploy.js";
import type { AnyContract } from "../../src/replica/deploy.js";
import { dislocate, findPool } from "../../src/replica/market.js";
import { deployReplica, type Replica } from "../../src/replica/replica.js";

/** What every trade borrows. */
export const GAS_LOAN_AMOUNT = parseUnits("2", 18);

type Connection = Awaited<ReturnType<typeof network.create>>;

/** The replica, an executor driven by its operator, and the prices dislocated for trading. */
export interface GasMarket {
  readonly ethers: Connection["ethers"];
  readonly networkHelpers: Connection["networkHelpers"];
  readonly replica: Replica;
  /** Connected as the operator. */
  readonly executor: AnyContract;
  readonly trader: Signer;
  /** Mines the next transaction 12 s after the last block, so every run sees the same clock. */
  nextBlock(): Promise<void>;
}

/** Stands the replica up in process, deploys the executor, and dislocates WETH/USDC. */
export async function gasMarket(): Promise<GasMarket> {
  const { ethers, networkHelpers } = await network.create();
  const [deployer, owner, operator, trader] = await ethers.getSigners();
  if (deployer === undefined || owner === undefined || operator === undefined || trader === undefined) {
    throw new Error("The network needs four unlocked accounts.");
  }
  const replica = await deployReplica(deployer);
  const executor = (await deployExecutor(deployer, replica.book, (await owner.getAddress()) as Address)).connect(
    operator,
  ) as AnyContract;
  await (
    await (executor.connect(owner) as AnyContract).getFunction("setOperator")(await operator.getAddress(), true)
  ).wait();
  await dislocate(replica, findPool(replica, "uniswapV2", "WETH", "USDC"), trader, "WETH", parseUnits("50", 18));
  await dislocate(replica, findPool(replica, "uniswapV3", "WETH", "USDC", 500), trader, "WETH", parseUnits("150", 18));
  return {
    ethers,
    networkHelpers,
    replica,
    executor,
    trader,
    async nextBlock() {
      const latest = await ethers.provider.getBlock("latest");
      await networkHelpers.time.setNextBlockTimestamp((latest?.timestamp ?? 0) + 12);
    },
  };
}

/**
 * Runs the bare reference (BareV2V2Arb): the executor's Balancer loan and Sushiswap → Uniswap V2
 * WETH/USDC swaps with amounts quoted beforehand and no checks at all. Returns its transaction.
 */
export async function runBareReference(market: GasMarket): Promise<{ hash: string; address: string }> {
  const { ethers, replica } = market;
  const t = replica.tokenAddresses;
  const bare = (await ethers.deployContract("BareV2V2Arb", [replica.book.balancerV2.vault])) as unknown as AnyContract;
  const quote = async (dex: "sushiswap" | "uniswapV2", amount: bigint, path: Address[]): Promise<bigint> => {
    const amounts = (await replica[dex].router.getFunction("getAmountsOut")(amount, path)) as bigint[];
    const out = amounts[amounts.length - 1];
    if (out === undefined) throw new Error(`The ${dex} router quoted nothing.`);
    return out;
  };
  const out1 = await quote("sushiswap", GAS_LOAN_AMOUNT, [t.WETH, t.USDC]);
  const out2 = await quote("uniswapV2", out1, [t.USDC, t.WETH]);
  const wethIsToken0 = BigInt(t.WETH) < BigInt(t.USDC);
  await market.nextBlock();
  const tx = await bare.getFunction("run")(GAS_LOAN_AMOUNT, {
    token: t.WETH,
    pair1: findPool(replica, "sushiswap", "WETH", "USDC").address,
    pair2: findPool(replica, "uniswapV2", "WETH", "USDC").address,
    out1,
    out2: out2 - 1n,
    tokenIsToken0OfPair1: wethIsToken0,
    tokenIsToken0OfPair2: wethIsToken0,
  });
  await tx.wait();
  return { hash: tx.hash, address: await bare.getAddress() };
}
