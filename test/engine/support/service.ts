import { parseUnits } from "ethers";
import { type Address, symbolsOf } from "../../../src/addressBook.js";
import { parseEngineConfig } from "../../../src/engine/config.js";
import { createLogger, type Logger } from "../../../src/engine/log.js";
import { Records } from "../../../src/engine/record/records.js";
import { EngineService } from "../../../src/engine/service.js";
import type { MarketPool } from "../../../src/engine/venues/pools.js";
import { devWallet } from "../../../src/ops/devAccounts.js";
import { dislocate, findPool } from "../../../src/replica/market.js";
import { replicaMarketPools } from "../../../src/replica/marketPools.js";
import type { ReplicaTokenSymbol } from "../../../src/replica/tokens.js";
import { type ExecutorFixture, ethers, loadExecutor } from "../../fixtures/executor.js";

/** Options for a service on the in-process replica. */
export interface ServiceOptions {
  readonly log?: Logger;
  readonly config?: object;
  readonly extraPools?: readonly MarketPool[];
  readonly records?: Records;
  /** Another provider than the fixture's (a faulty or switchable one). */
  readonly provider?: typeof ethers.provider;
  /** Liquidate on the replica's Aave market (borrowing any of its reserves). */
  readonly liquidations?: boolean;
  /** That market's arithmetic ("3.0" when absent). */
  readonly rules?: "3.0" | "3.6";
  /** The key that signs requests to relays, with `submission` `bundle`. */
  readonly reputation?: { readonly address: string; signMessage(message: string): Promise<string> };
}

/** The engine service on the executor fixture's chain, signing with the operator's dev key. */
export async function serviceFor(f: ExecutorFixture, live: boolean, options: ServiceOptions = {}) {
  const book = f.replica.book;
  const records = options.records ?? new Records(":memory:");
  const operator = (await f.operator.getAddress()) as Address;
  const service = new EngineService({
    provider: options.provider ?? ethers.provider,
    book,
    executor: f.executorAddress,
    operator: live
      ? { address: operator, signer: devWallet(operator, options.provider ?? ethers.provider) }
      : { address: operator },
    pools: [...replicaMarketPools(f.replica.pools, f.replica.tokenAddresses, book), ...(options.extraPools ?? [])],
    baseTokens: [book.tokens.WETH, book.tokens.USDC, book.tokens.DAI],
    symbols: symbolsOf(book),
    aTokens: Object.fromEntries(
      Object.entries(f.replica.aave.aTokens).map(([s, a]) => [f.replica.tokenAddresses[s as ReplicaTokenSymbol], a]),
    ) as Record<Address, Address>,
    ...(options.liquidations === true
      ? {
          loanTokens: Object.keys(f.replica.aave.aTokens).map((s) => f.replica.tokenAddresses[s as ReplicaTokenSymbol]),
          liquidations: {
            source: {
              pool: f.replica.aave.deployment.pool,
              oracle: (await f.replica.aave.oracle.getAddress()) as Address,
            },
            fromBlock: 0,
            ...(options.rules === undefined ? {} : { rules: options.rules }),
          },
        }
      : {}),
    config: parseEngineConfig({ live, confirmations: 1, pollIntervalMs: 50, ...options.config }),
    records,
    log: options.log ?? createLogger(true),
    ...(options.reputation === undefined ? {} : { reputation: options.reputation }),
  });
  return { service, records };
}

/** The executor's balances of the tokens profit is counted in. */
export async function balances(f: ExecutorFixture): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  for (const symbol of ["WETH", "USDC", "DAI"] as const) {
    out[symbol] = (await f.replica.tokens[symbol].getFunction("balanceOf")(f.executorAddress)) as bigint;
  }
  return out;
}

/** Sells 40 WETH on Uniswap V2's WETH/USDC pair, opening arbitrage against every other WETH/USDC pool. */
export async function cheapenWethOnUniswapV2(f: ExecutorFixture): Promise<void> {
  await dislocate(f.replica, findPool(f.replica, "uniswapV2", "WETH", "USDC"), f.trader, "WETH", parseUnits("40", 18));
}

/** A fresh executor and started service, one WETH/USDC dislocation, and the service settled after it. */
export async function afterOneDislocation(live: boolean, config: object = {}) {
  const f = await loadExecutor();
  const { service, records } = await serviceFor(f, live, { config });
  await service.start();
  await cheapenWethOnUniswapV2(f);
  await service.settle();
  return { f, records, service };
}
