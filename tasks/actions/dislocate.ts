import { readFileSync } from "node:fs";
import { parseUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { formatAmount } from "../../src/engine/format.js";
import { BaseError } from "../../src/errors.js";
import { LOCAL_RECORD_PATH } from "../../src/ops/deployment.js";
import { dislocate, findPool, otherToken } from "../../src/replica/market.js";
import { attachReplica, type ReplicaRecord } from "../../src/replica/record.js";
import type { ReplicaPool } from "../../src/replica/replica.js";
import { type ReplicaTokenSymbol, TOKEN_DECIMALS } from "../../src/replica/tokens.js";
import { reportErrors } from "./run.js";

interface DislocateArgs {
  readonly pool: string;
  readonly tokenIn: string;
  readonly amount: string;
  readonly everyBlocks: number;
  readonly count: number;
}

/** Parses "uniswapV2:WETH/USDC" or "uniswapV3:WETH/USDC:500". */
function parsePool(spec: string): {
  dex: ReplicaPool["dex"];
  a: ReplicaTokenSymbol;
  b: ReplicaTokenSymbol;
  fee?: number;
} {
  const match = /^(uniswapV2|sushiswap|uniswapV3|balancerV2):([A-Z]+)\/([A-Z]+)(?::(\d+))?$/.exec(spec);
  if (match === null) {
    throw new BaseError(`--pool: "${spec}" is not a pool.`, {
      details: 'Write it as dex:TOKEN/TOKEN[:fee], e.g. "uniswapV2:WETH/USDC" or "uniswapV3:WETH/USDC:500".',
    });
  }
  const [, dex, a, b, fee] = match;
  return {
    dex: dex as ReplicaPool["dex"],
    a: a as ReplicaTokenSymbol,
    b: b as ReplicaTokenSymbol,
    ...(fee === undefined ? {} : { fee: Number(fee) }),
  };
}

/**
 * `npx hardhat replica dislocate --network localhost`: a large one-sided swap on one pool of
 * the local node's replica, once or every N blocks, so that arbitrage exists for the engine.
 */
export default async function dislocateTask(args: DislocateArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await reportErrors(async () => {
    const spec = parsePool(args.pool);
    const tokenIn = args.tokenIn as ReplicaTokenSymbol;
    if (!(tokenIn in TOKEN_DECIMALS)) throw new BaseError(`--token-in: unknown token "${args.tokenIn}".`);
    if (!/^\d+(\.\d+)?$/.test(args.amount)) throw new BaseError(`--amount: "${args.amount}" is not a number.`);
    let record: ReplicaRecord;
    try {
      record = (JSON.parse(readFileSync(LOCAL_RECORD_PATH, "utf8")) as { replica: ReplicaRecord }).replica;
    } catch (cause) {
      throw new BaseError("No local node record.", {
        details: "Start the local node with `npm run node` first.",
        cause,
      });
    }
    const connection = await hre.network.create();
    const chainId = Number((await connection.ethers.provider.getNetwork()).chainId);
    if (chainId !== record.chainId) {
      throw new BaseError(`The network is chain ${chainId}, but the replica lives on chain ${record.chainId}.`, {
        details: "Pass --network localhost.",
      });
    }
    const signers = await connection.ethers.getSigners();
    const trader = signers[2];
    if (trader === undefined) throw new BaseError("The node needs at least three accounts.");
    // The in-process network has the local node's chain ID too: check the replica is there.
    if ((await connection.ethers.provider.getCode(record.book.tokens.WETH)) === "0x")
      throw new BaseError("The replica is not on this network.", {
        details: "Pass --network localhost (the node `npm run node` started).",
      });
    const replica = attachReplica(record, trader);
    let pool: ReplicaPool;
    try {
      pool = findPool(replica, spec.dex, spec.a, spec.b, spec.fee);
    } catch (cause) {
      throw new BaseError(`--pool: the replica has no pool "${args.pool}".`, {
        details: `Its pools: ${replica.pools.map((p) => `${p.dex}:${p.dex === "balancerV2" ? p.tokens.join("/") : `${p.token0}/${p.token1}${p.dex === "uniswapV3" ? `:${p.fee}` : ""}`}`).join(", ")}.`,
        cause,
      });
    }
    const amount = parseUnits(args.amount, TOKEN_DECIMALS[tokenIn]);
    const received = otherToken(pool, tokenIn);
    const once = async () => {
      let out: bigint;
      try {
        out = await dislocate(replica, pool, trader, tokenIn, amount);
      } catch (cause) {
        throw new BaseError(`Selling ${args.amount} ${tokenIn} on ${args.pool} failed.`, {
          details:
            "The trader (account 2) may not hold enough for it, or the pool cannot take it: try a smaller --amount.",
          cause,
        });
      }
      const block = await connection.ethers.provider.getBlockNumber();
      console.log(
        `Block ${block}: sold ${args.amount} ${tokenIn} on ${args.pool}, received ${formatAmount(out, TOKEN_DECIMALS[received], received)}.`,
      );
    };
    if (args.everyBlocks <= 0) {
      await once();
      return;
    }
    let done = 0;
    let last = await connection.ethers.provider.getBlockNumber();
    while (args.count === 0 || done < args.count) {
      const now = await connection.ethers.provider.getBlockNumber();
      if (now - last >= args.everyBlocks) {
        await once();
        done += 1;
        last = await connection.ethers.provider.getBlockNumber();
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  });
}
