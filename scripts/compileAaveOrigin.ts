// Compiles the Aave V3 market of `@aave-dao/aave-v3-origin` (its own sources, as npm ships them)
// with its own compiler and settings (solc 0.8.27 from npm, 200 optimizer runs, no metadata hash)
// into cache/aave-v3-origin.json, for the replica's second Aave market: the one that runs the
// liquidation rules of v3.3 and later. The only mapping is OpenZeppelin's: the sources import
// `openzeppelin-contracts/…`, which is the `@openzeppelin/contracts` package. Nothing is
// downloaded; the output is reused while the package, the compiler and the settings are the same.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../", import.meta.url));
export const ORIGIN_OUTPUT = join(root, "cache/aave-v3-origin.json");

/** The contracts the market is deployed from; the libraries they link come with them. */
const TARGETS = [
  "contracts/instances/PoolInstance.sol",
  "contracts/instances/PoolConfiguratorInstance.sol",
  "contracts/instances/ATokenInstance.sol",
  "contracts/instances/VariableDebtTokenInstance.sol",
  "contracts/protocol/configuration/ACLManager.sol",
  "contracts/protocol/configuration/PoolAddressesProvider.sol",
  "contracts/misc/AaveOracle.sol",
  "contracts/misc/DefaultReserveInterestRateStrategyV2.sol",
  "contracts/helpers/AaveProtocolDataProvider.sol",
];

const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  metadata: { bytecodeHash: "none" },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences"] } },
};

const originRoot = join(dirname(require.resolve("@aave-dao/aave-v3-origin/package.json")), "src");
const ozRoot = dirname(require.resolve("@openzeppelin/contracts/package.json"));

function readSource(path: string): { contents: string } | { error: string } {
  const file = path.startsWith("openzeppelin-contracts/contracts/")
    ? join(ozRoot, path.slice("openzeppelin-contracts/contracts/".length))
    : join(originRoot, path);
  return existsSync(file) ? { contents: readFileSync(file, "utf8") } : { error: `not found: ${path} (${file})` };
}

/** What the output depends on: the package's and the compiler's versions and the settings. */
function fingerprint(compilerVersion: string): string {
  const origin = JSON.parse(readFileSync(join(originRoot, "../package.json"), "utf8")) as { version: string };
  const oz = JSON.parse(readFileSync(join(ozRoot, "package.json"), "utf8")) as { version: string };
  return createHash("sha256")
    .update(JSON.stringify({ origin: origin.version, oz: oz.version, compilerVersion, TARGETS, SETTINGS }))
    .digest("hex");
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, unknown>>;
}

const solc = require("solc0827") as { version(): string; compile(input: string, options: object): string };
const key = fingerprint(solc.version());
if (existsSync(ORIGIN_OUTPUT) && (JSON.parse(readFileSync(ORIGIN_OUTPUT, "utf8")) as { key?: string }).key === key) {
  process.exit(0);
}
const started = performance.now();
const input = {
  language: "Solidity",
  sources: Object.fromEntries(TARGETS.map((t) => [t, { content: readFileSync(join(originRoot, t), "utf8") }])),
  settings: SETTINGS,
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: readSource })) as SolcOutput;
const errors = (output.errors ?? []).filter((e) => e.severity === "error");
if (errors.length > 0) {
  console.error(errors.map((e) => e.formattedMessage).join("\n"));
  throw new Error(`aave-v3-origin did not compile with solc ${solc.version()}.`);
}
mkdirSync(dirname(ORIGIN_OUTPUT), { recursive: true });
writeFileSync(ORIGIN_OUTPUT, JSON.stringify({ key, compiler: solc.version(), contracts: output.contracts }));
console.log(
  `Compiled aave-v3-origin with solc ${solc.version()} in ${Math.round(performance.now() - started)} ms: ${ORIGIN_OUTPUT}`,
);
