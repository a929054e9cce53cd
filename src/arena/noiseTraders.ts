import { type HDNodeWallet, MaxUint256, NonceManager, type Provider, Transaction } from "ethers";
import type { Address } from "../addressBook.js";
import { devAccount } from "../ops/devAccounts.js";
import { pareto, poisson } from "../ops/random.js";
import type { AnyContract } from "../replica/deploy.js";
import { swapCall } from "../replica/market.js";
import { amountForUsd } from "../replica/prices.js";
import type { Replica, ReplicaPool } from "../replica/replica.js";
import { fund, type ReplicaTokenSymbol } from "../replica/tokens.js";

/** Tokens whose quirks (a fee on transfer, a blocklist) are there for the executor's tests, not for trading. */
const SKIPPED: ReadonlySet<string> = new Set(["FOT", "BLOCK"]);
/** Dollars each trader starts with in every token. */
const BUDGET_USD = 20_000_000n;
/** A swap's gas limit: the most any router's swap through the replica's pools takes, with room. */
const SWAP_GAS = 600_000n;

/** How the noise traders trade. */
export interface NoiseOptions {
  /** Swaps per block, on average (Poisson). */
  readonly swapsPerBlock: number;
  /** The smallest swap, in dollars; sizes are Pareto above it. */
  readonly minUsd: number;
  /** Pareto tail index: lower means heavier tails (more very large swaps). */
  readonly tailIndex: number;
  /** No swap is larger than this, in dollars. */
  readonly maxUsd: number;
}

export const DEFAULT_NOISE: NoiseOptions = { swapsPerBlock: 2, minUsd: 2_000, tailIndex: 1.2, maxUsd: 600_000 };

/** One swap a noise trader sent. */
export interface NoiseSwap {
  readonly hash: string;
  readonly trader: Address;
  readonly pool: string;
  readonly tokenIn: ReplicaTokenSymbol;
  readonly usd: number;
}

/**
 * Traders who swap at random through the protocols' own routers (Uniswap V2 and Sushiswap's
 * routers, V3's SwapRouter, V4's swap router, Balancer's Vault) across the replica's pools, with
 * heavy-tailed sizes and no minimum output, so prices move and arbitrage appears as it does on a
 * live chain. Every draw comes from the seeded generator: the same seed gives the same swaps.
 */
export class NoiseTraders {
  private readonly wallets: HDNodeWallet[];
  private readonly nonces = new Map<string, number>();
  private readonly pools: readonly ReplicaPool[];

  constructor(
    private readonly replica: Replica,
    accounts: readonly number[],
    private readonly random: () => number,
    private readonly options: NoiseOptions = DEFAULT_NOISE,
  ) {
    this.wallets = accounts.map((i) => devAccount(i));
    this.pools = replica.pools.filter((p) => tokensOf(p).every((t) => !SKIPPED.has(t)));
  }

  /**
   * Funds every trader with every token and approves every router, on a chain that still mines
   * each transaction at once (before the builder takes the blocks over).
   */
  async setup(provider: Provider, funder: HDNodeWallet): Promise<void> {
    const spenders = [
      this.replica.book.uniswapV2.router,
      this.replica.book.sushiswap.router,
      this.replica.book.uniswapV3.swapRouter,
      this.replica.uniswapV4.deployment.swapRouter,
      this.replica.book.balancerV2.vault,
    ];
    const symbols = [...new Set(this.pools.flatMap(tokensOf))];
    // Nonces counted here: the provider's short cache of nonce reads cannot keep up with a
    // node that mines each transaction at once.
    const minter = new NonceManager(funder.connect(provider));
    for (const wallet of this.wallets) {
      const trader = new NonceManager(wallet.connect(provider));
      for (const symbol of symbols) {
        const amount = amountForUsd(symbol, BUDGET_USD);
        if (symbol === "WETH") await fund(this.replica.tokens, symbol, trader, wallet.address, amount);
        else await fund(this.replica.tokens, symbol, minter, wallet.address, amount);
        const token = this.replica.tokens[symbol].connect(trader) as AnyContract;
        for (const spender of spenders) await (await token.getFunction("approve")(spender, MaxUint256)).wait();
      }
      this.nonces.set(wallet.address, await provider.getTransactionCount(wallet.address, "latest"));
    }
  }

  /** This block's swaps, signed; the caller sends them to the public mempool. */
  async next(chainId: bigint, baseFeePerGas: bigint): Promise<Array<NoiseSwap & { readonly raw: string }>> {
    const count = poisson(this.random, this.options.swapsPerBlock);
    const swaps: Array<NoiseSwap & { raw: string }> = [];
    for (let i = 0; i < count; i++) {
      const wallet = this.wallets[Math.floor(this.random() * this.wallets.length)] as HDNodeWallet;
      const pool = this.pools[Math.floor(this.random() * this.pools.length)] as ReplicaPool;
      const tokens = tokensOf(pool);
      const tokenIn = tokens[Math.floor(this.random() * tokens.length)] as ReplicaTokenSymbol;
      const others = tokens.filter((t) => t !== tokenIn);
      const tokenOut = others[Math.floor(this.random() * others.length)] as ReplicaTokenSymbol;
      const usd = Math.min(this.options.maxUsd, pareto(this.random, this.options.minUsd, this.options.tailIndex));
      // Ordinary traders tip one to three gwei.
      const tip = BigInt(1 + Math.floor(this.random() * 3)) * 10n ** 9n;
      const amountIn = amountForUsd(tokenIn, BigInt(Math.round(usd)));
      const nonce = this.nonces.get(wallet.address) as number;
      const { to, data } = this.swapCall(pool, wallet.address as Address, tokenIn, tokenOut, amountIn);
      const raw = await wallet.signTransaction({
        type: 2,
        chainId,
        nonce,
        to,
        data,
        gasLimit: SWAP_GAS,
        maxFeePerGas: baseFeePerGas * 3n + tip,
        maxPriorityFeePerGas: tip,
      });
      this.nonces.set(wallet.address, nonce + 1);
      swaps.push({
        hash: Transaction.from(raw).hash as string,
        trader: wallet.address as Address,
        pool: pool.address,
        tokenIn,
        usd,
        raw,
      });
    }
    return swaps;
  }

  /** Forgets a trader's nonce count (a swap of theirs did not get into a block): read it again. */
  async resync(provider: Provider): Promise<void> {
    for (const wallet of this.wallets)
      this.nonces.set(wallet.address, await provider.getTransactionCount(wallet.address, "latest"));
  }

  /** The router call that swaps `amountIn` of `tokenIn` for `tokenOut` through `pool`, with no minimum output. */
  swapCall(
    pool: ReplicaPool,
    me: Address,
    tokenIn: ReplicaTokenSymbol,
    tokenOut: ReplicaTokenSymbol,
    amountIn: bigint,
  ): { to: string; data: string } {
    return swapCall(this.replica, pool, me, tokenIn, tokenOut, amountIn);
  }
}

/** The symbols of a replica pool's tokens. */
export function tokensOf(pool: ReplicaPool): ReplicaTokenSymbol[] {
  return pool.dex === "balancerV2" ? [...pool.tokens] : [pool.token0, pool.token1];
}
