import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";
import { executorTasks, replicaTasks } from "./tasks/executor.js";

const require = createRequire(import.meta.url);

/// Ledger signing for the owner tasks (`--ledger <address>`). The plugin is an optional
/// dependency: its USB driver compiles against libusb and libudev, and an install without them
/// still works, with every task but Ledger signing.
const ledgerPlugin = await import("@nomicfoundation/hardhat-ledger").then(
  (module) => module.default,
  () => undefined,
);

/// Solidity is compiled by the npm `solc` package so that nothing is downloaded.
const SOLC_VERSION = "0.8.28";
const solcPath = require.resolve("solc/soljson.js");

/// The mainnet block that fork mode pins. Pinning makes fork tests reproducible and
/// lets the RPC provider's cache answer repeated runs.
export const MAINNET_FORK_BLOCK = 21_000_000;

/** A live network whose RPC URL and deployer key are configuration variables. */
function liveNetwork(name: string, chainId: number, chainType: "l1" | "op" | "generic") {
  const upper = name.toUpperCase();
  return {
    [name]: {
      type: "http" as const,
      chainType,
      chainId,
      url: configVariable(`${upper}_RPC_URL`),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  };
}

/** The executor's source and every Solidity file under contracts/ or test/ that imports it. */
function filesImportingExecutor(): string[] {
  const files = ["contracts/FlashArbExecutor.sol"];
  const root = fileURLToPath(new URL(".", import.meta.url));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(`${root}${dir}`, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (
        path.endsWith(".sol") &&
        /import[^;]*FlashArbExecutor\.sol"/.test(readFileSync(`${root}${path}`, "utf8"))
      ) {
        files.push(path);
      }
    }
  };
  walk("contracts");
  walk("test");
  return [...new Set(files)];
}

function compilerSettings(viaIR: boolean) {
  return {
    // Cancun gives transient storage (EIP-1153) and is live on every chain we target.
    evmVersion: "cancun",
    optimizer: { enabled: true, runs: 10_000 },
    viaIR,
  };
}

export default defineConfig({
  plugins: ledgerPlugin === undefined ? [hardhatToolboxMochaEthers] : [hardhatToolboxMochaEthers, ledgerPlugin],
  tasks: [...executorTasks, ...replicaTasks],
  solidity: {
    compilers: [{ version: SOLC_VERSION, path: solcPath, settings: compilerSettings(false) }],
    // The IR pipeline compiles the executor's calldata-reading hot path without stack-depth
    // limits, and cheaper; it is slow, so only the executor and the files that build it use it.
    overrides: Object.fromEntries(
      filesImportingExecutor().map((file) => [
        file,
        { version: SOLC_VERSION, path: solcPath, settings: compilerSettings(true) },
      ]),
    ),
  },
  paths: {
    tests: {
      solidity: "./test/solidity",
      mocha: "./test",
    },
  },
  test: {
    solidity: {
      // Solidity tests deploy the protocols from the bytecode their npm packages ship.
      fsPermissions: {
        readDirectory: ["./node_modules/@uniswap", "./node_modules/@balancer-labs"],
        readFile: ["./cache/morpho-blue.json"],
      },
      fuzz: {
        runs: 256,
        // Fixed seed: a failing input found once is found on every run.
        seed: "0x5eed000000000000000000000000000000000000000000000000000000000001",
      },
      invariant: {
        runs: 64,
        depth: 32,
        failOnRevert: false,
      },
    },
  },
  networks: {
    // In-process chain used by tests and scripts; the replica is deployed onto it.
    hardhat: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
    },
    // The arena's chain (`npm run arena`) and the builder's tests: a first-in-first-out mempool,
    // so the local builder decides each block's order; it turns automine off once deployed.
    arena: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
      mining: { auto: true, mempool: { order: "fifo" } },
    },
    // Ethereum mainnet forked at a pinned block. Only created when MAINNET_RPC_URL is set.
    mainnetFork: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
      forking: {
        url: configVariable("MAINNET_RPC_URL"),
        blockNumber: MAINNET_FORK_BLOCK,
      },
    },
    // A `hardhat node --hostname 127.0.0.1` running on this machine (`npm run node`).
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
    },
    // Live networks: the RPC URL and the signing key come from Hardhat's encrypted keystore
    // (`npx hardhat keystore set SEPOLIA_RPC_URL`), or from the environment in development.
    ...liveNetwork("sepolia", 11155111, "l1"),
    ...liveNetwork("mainnet", 1, "l1"),
    ...liveNetwork("polygon", 137, "generic"),
    ...liveNetwork("arbitrum", 42161, "generic"),
    ...liveNetwork("optimism", 10, "op"),
    ...liveNetwork("base", 8453, "op"),
  },
  verify: {
    // Needs the network: `npx hardhat ignition verify chain-<chainId> --network <name>` from a machine
    // online; Ignition supplies the constructor arguments from its record.
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
});
