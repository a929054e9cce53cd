// Compiles the Aave V3 market of `@aave-dao/aave-v3-origin` (its own sources, as npm ships them)
// with its own compiler and settings (solc 0.8.27 from npm, 200 optimizer runs, no metadata hash)
// into cache/aave-v3-origin.json, for the replica's second Aave market: the one that runs the
// liquidation rules of v3.3 and later. The only mapping is OpenZeppelin's: the sources import
// `openzeppelin-contracts/…`, which is the `@openzeppelin/contracts` package.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileProtocol } from "./lib/compileProtocol.js";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../", import.meta.url));
const originRoot = join(dirname(require.resolve("@aave-dao/aave-v3-origin/package.json")), "src");
const ozRoot = dirname(require.resolve("@openzeppelin/contracts/package.json"));
const version = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;

compileProtocol({
  name: "aave-v3-origin",
  output: join(root, "cache/aave-v3-origin.json"),
  solc: "solc0827",
  // The contracts the market is deployed from; the libraries they link come with them.
  targets: [
    "contracts/instances/PoolInstance.sol",
    "contracts/instances/PoolConfiguratorInstance.sol",
    "contracts/instances/ATokenInstance.sol",
    "contracts/instances/VariableDebtTokenInstance.sol",
    "contracts/protocol/configuration/ACLManager.sol",
    "contracts/protocol/configuration/PoolAddressesProvider.sol",
    "contracts/misc/AaveOracle.sol",
    "contracts/misc/DefaultReserveInterestRateStrategyV2.sol",
    "contracts/helpers/AaveProtocolDataProvider.sol",
  ],
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", metadata: { bytecodeHash: "none" } },
  resolve: (path) => {
    const file = path.startsWith("openzeppelin-contracts/contracts/")
      ? join(ozRoot, path.slice("openzeppelin-contracts/contracts/".length))
      : join(originRoot, path);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  },
  versions: { origin: version(join(originRoot, "..")), oz: version(ozRoot) },
});
