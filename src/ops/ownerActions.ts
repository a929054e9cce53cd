import { Contract, formatUnits, Interface, type Provider } from "ethers";
import type { Address, AddressBook } from "../addressBook.js";
import { executorAbi } from "../executor/abi.js";

/** One transaction the executor's owner may sign: never sent by the engine, which holds no owner key. */
export interface OwnerAction {
  readonly action: string;
  readonly description: string;
  readonly to: Address;
  readonly data: string;
  /** Wei sent with it (always "0" for these). */
  readonly value: string;
}

const ERC20 = ["function balanceOf(address) view returns (uint256)"];

/**
 * What the owner can do with the executor now, as exact unsigned transactions for a hardware
 * wallet or a multisig: sweep each token it holds to the profit receiver (amounts read from the
 * chain at this moment), withdraw its ETH, pause or unpause it.
 */
export async function ownerActions(
  provider: Provider,
  executor: Address,
  book: AddressBook,
  symbols: Readonly<Record<string, string>>,
): Promise<{ owner: Address | null; actions: OwnerAction[] }> {
  const iface = new Interface(executorAbi());
  const contract = new Contract(executor, iface, provider);
  const [owner, paused, eth] = await Promise.all([
    (contract.getFunction("owner")() as Promise<string>).catch(() => null),
    contract.getFunction("paused")() as Promise<boolean>,
    provider.getBalance(executor),
  ]);
  const actions: OwnerAction[] = [];
  const tokens = Object.values(book.tokens).filter((t): t is Address => t !== undefined);
  const balances = await Promise.all(
    tokens.map((t) => new Contract(t, ERC20, provider).getFunction("balanceOf")(executor) as Promise<bigint>),
  );
  tokens.forEach((token, i) => {
    const balance = balances[i] as bigint;
    if (balance === 0n) return;
    const symbol = symbols[token] ?? token;
    actions.push({
      action: "sweep",
      description: `Sweep all ${symbol} the executor holds (${balance} base units now) to the profit receiver (the owner when none is set).`,
      to: executor,
      data: iface.encodeFunctionData("sweep", [token, 0n]),
      value: "0",
    });
  });
  if (eth > 0n)
    actions.push({
      action: "withdrawETH",
      description: `Withdraw the executor's ${formatUnits(eth, 18)} ETH to the owner.`,
      to: executor,
      data: iface.encodeFunctionData("withdrawETH", [eth]),
      value: "0",
    });
  actions.push(
    paused
      ? {
          action: "unpause",
          description: "Unpause the executor (it is paused on chain: every trade reverts).",
          to: executor,
          data: iface.encodeFunctionData("unpause", []),
          value: "0",
        }
      : {
          action: "pause",
          description: "Pause the executor on chain: every trade reverts until the owner unpauses it.",
          to: executor,
          data: iface.encodeFunctionData("pause", []),
          value: "0",
        },
  );
  return { owner: owner as Address | null, actions };
}
