import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

/** Options every executor task takes to find its executor. */
function targeted<T extends ReturnType<typeof task>>(builder: T) {
  return builder
    .addOption({
      name: "executor",
      description: "The executor's address (default: from the Ignition deployment)",
      defaultValue: "",
    })
    .addOption({
      name: "deploymentId",
      description: "Ignition deployment id (default: chain-<chainId>)",
      defaultValue: "",
    });
}

/** Options every owner task takes to choose how its transaction is signed. */
function signed<T extends ReturnType<typeof task>>(builder: T) {
  return targeted(builder)
    .addOption({
      name: "ledger",
      description: "Sign on a Ledger with this account instead of the keystore's key",
      defaultValue: "",
    })
    .addOption({
      name: "safe",
      description:
        "The Safe that owns the executor: print the transaction and a Transaction Builder batch, send nothing",
      defaultValue: "",
    })
    .addFlag({ name: "yes", description: "Send with the keystore's key without asking" });
}

/** The executor's deployment and owner tasks (`npx hardhat executor …`). */
export const executorTasks = [
  emptyTask("executor", "Deploy and operate the FlashArbExecutor").build(),
  task(["executor", "deploy"], "Deploy the executor through Ignition, after checks and confirmation")
    .addOption({ name: "owner", description: "The cold owner's address", defaultValue: "" })
    .addOption({ name: "operators", description: "Comma-separated operator (hot key) addresses", defaultValue: "" })
    .addOption({
      name: "profitReceiver",
      description: "Where profit goes (default: stays in the executor)",
      defaultValue: "",
    })
    .addOption({ name: "curvePools", description: "Comma-separated Curve pools to allow", defaultValue: "" })
    .addOption({
      name: "deploymentId",
      description: "Ignition deployment id (default: chain-<chainId>)",
      defaultValue: "",
    })
    .addFlag({ name: "yes", description: "Confirm without asking" })
    .setAction(() => import("./actions/deploy.js"))
    .build(),
  targeted(task(["executor", "status"], "Show owner, operators, profit receiver, pause state and balances"))
    .addFlag({ name: "json", description: "Print one JSON object" })
    .addOption({
      name: "fromBlock",
      description: "Read events from this block (default: the deployment's, from Ignition's record or the chain)",
      defaultValue: "",
    })
    .addOption({
      name: "pageBlocks",
      description: "Blocks per log query (halved when the RPC refuses a page)",
      type: ArgumentType.INT,
      defaultValue: 10_000,
    })
    .setAction(() => import("./actions/status.js"))
    .build(),
  signed(task(["executor", "withdraw"], "Withdraw a token (or ETH) to the owner"))
    .addOption({ name: "token", description: "Token address or symbol (WETH, USDC…), or ETH", defaultValue: "" })
    .addOption({ name: "amount", description: 'Amount in whole units, or "all"', defaultValue: "all" })
    .setAction(() => import("./actions/withdraw.js"))
    .build(),
  signed(task(["executor", "sweep"], "Send a token's balance above a threshold to the profit receiver"))
    .addOption({ name: "token", description: "Token address or symbol (WETH, USDC…)", defaultValue: "" })
    .addOption({ name: "keep", description: "Amount to keep, in whole units", defaultValue: "0" })
    .setAction(() => import("./actions/sweep.js"))
    .build(),
  signed(task(["executor", "pause"], "Stop execution (withdrawals still work)"))
    .setAction(() => import("./actions/pause.js"))
    .build(),
  signed(task(["executor", "unpause"], "Let execution run again"))
    .setAction(() => import("./actions/unpause.js"))
    .build(),
  signed(task(["executor", "grant-operator"], "Let an address execute"))
    .addOption({ name: "account", description: "The operator's address", defaultValue: "" })
    .setAction(() => import("./actions/grantOperator.js"))
    .build(),
  signed(task(["executor", "revoke-operator"], "Stop an address from executing"))
    .addOption({ name: "account", description: "The operator's address", defaultValue: "" })
    .setAction(() => import("./actions/revokeOperator.js"))
    .build(),
  signed(task(["executor", "set-profit-receiver"], "Send future profit to an address (none: keep it in the executor)"))
    .addOption({ name: "account", description: 'The receiver\'s address, or "none"', defaultValue: "" })
    .setAction(() => import("./actions/setProfitReceiver.js"))
    .build(),
  signed(task(["executor", "allow-curve-pool"], "Let routes swap through a Curve pool"))
    .addOption({ name: "pool", description: "The Curve pool's address", defaultValue: "" })
    .setAction(() => import("./actions/allowCurvePool.js"))
    .build(),
  signed(task(["executor", "disallow-curve-pool"], "Stop routes from swapping through a Curve pool"))
    .addOption({ name: "pool", description: "The Curve pool's address", defaultValue: "" })
    .setAction(() => import("./actions/disallowCurvePool.js"))
    .build(),
  signed(task(["executor", "propose-owner"], "Propose a new owner (step 1 of 2)"))
    .addOption({ name: "account", description: "The proposed owner", defaultValue: "" })
    .setAction(() => import("./actions/proposeOwner.js"))
    .build(),
  signed(task(["executor", "accept-owner"], "Accept ownership, signed by the proposed owner (step 2 of 2)"))
    .setAction(() => import("./actions/acceptOwner.js"))
    .build(),
];

/** Tasks acting on the local node's replica (`npx hardhat replica …`). */
export const replicaTasks = [
  emptyTask("replica", "Act on the local node's replica").build(),
  task(["replica", "dislocate"], "Move one pool's price with a large swap, once or every N blocks")
    .addOption({
      name: "pool",
      description: 'dex:TOKEN/TOKEN[:fee], e.g. "uniswapV2:WETH/USDC"',
      defaultValue: "uniswapV2:WETH/USDC",
    })
    .addOption({ name: "tokenIn", description: "The token sold", defaultValue: "WETH" })
    .addOption({ name: "amount", description: "How much, in whole units", defaultValue: "50" })
    .addOption({
      name: "everyBlocks",
      description: "Repeat every N blocks (0: once)",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .addOption({
      name: "count",
      description: "How many times when repeating (0: until stopped)",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .setAction(() => import("./actions/dislocate.js"))
    .build(),
];
