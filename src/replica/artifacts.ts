import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type InterfaceAbi, keccak256 } from "ethers";
import { multicall3Abi } from "viem";

const require = createRequire(import.meta.url);
const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Link references as solc reports them: file → library → byte ranges in the bytecode. */
export type LinkReferences = Readonly<
  Record<string, Readonly<Record<string, ReadonlyArray<{ readonly start: number; readonly length: number }>>>>
>;

/** A deployable contract: its ABI, its creation bytecode and the libraries it must be linked to. */
export interface Artifact {
  readonly name: string;
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
  readonly linkReferences: LinkReferences;
}

/**
 * Where each protocol contract's own compiled artifact lives in the npm packages.
 * Nothing here is recompiled: the replica deploys exactly the bytecode these packages ship.
 */
const PROTOCOL_ARTIFACTS = {
  // Uniswap V2 (waffle build files; the pair's creation code hashes to mainnet's init code hash)
  UniswapV2Factory: { file: "@uniswap/v2-core/build/UniswapV2Factory.json" },
  UniswapV2Pair: { file: "@uniswap/v2-core/build/UniswapV2Pair.json" },
  UniswapV2Router02: { file: "@uniswap/v2-periphery/build/UniswapV2Router02.json" },
  WETH9: { file: "@uniswap/v2-periphery/build/WETH9.json" },
  // Uniswap V3 (Hardhat artifacts)
  UniswapV3Factory: { file: "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json" },
  UniswapV3Pool: { file: "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json" },
  SwapRouter: { file: "@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json" },
  QuoterV2: { file: "@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json" },
  NonfungiblePositionManager: {
    file: "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json",
  },
  // Uniswap V4 (Foundry build output shipped in the packages, solc 0.8.26, Cancun)
  UniswapV4PoolManager: { file: "@uniswap/v4-core/out/PoolManager.sol/PoolManager.json" },
  UniswapV4ModifyLiquidityRouter: {
    file: "@uniswap/v4-core/out/PoolModifyLiquidityTest.sol/PoolModifyLiquidityTest.json",
  },
  UniswapV4SwapRouter: { file: "@uniswap/v4-core/out/PoolSwapTest.sol/PoolSwapTest.json" },
  UniswapV4StateView: { file: "@uniswap/v4-periphery/foundry-out/StateView.sol/StateView.json" },
  UniswapV4Quoter: { file: "@uniswap/v4-periphery/foundry-out/V4Quoter.sol/V4Quoter.json" },
  // Balancer V2 (the deployment tasks' artifacts, the bytecode that is on mainnet)
  BalancerAuthorizer: { file: "@balancer-labs/v2-deployments/dist/tasks/20210418-authorizer/artifact/Authorizer.json" },
  BalancerVault: { file: "@balancer-labs/v2-deployments/dist/tasks/20210418-vault/artifact/Vault.json" },
  BalancerWeightedPoolFactory: {
    file: "@balancer-labs/v2-deployments/dist/tasks/20210418-weighted-pool/bytecode/WeightedPoolFactory.json",
    abiFile: "@balancer-labs/v2-deployments/dist/tasks/20210418-weighted-pool/abi/WeightedPoolFactory.json",
  },
  BalancerWeightedPool: {
    file: "@balancer-labs/v2-deployments/dist/tasks/20210418-weighted-pool/bytecode/WeightedPool.json",
    abiFile: "@balancer-labs/v2-deployments/dist/tasks/20210418-weighted-pool/abi/WeightedPool.json",
  },
  // Aave V3 (core-v3 Hardhat artifacts)
  AaveSupplyLogic: { file: aave("protocol/libraries/logic/SupplyLogic.sol/SupplyLogic.json") },
  AaveBorrowLogic: { file: aave("protocol/libraries/logic/BorrowLogic.sol/BorrowLogic.json") },
  AaveLiquidationLogic: { file: aave("protocol/libraries/logic/LiquidationLogic.sol/LiquidationLogic.json") },
  AaveEModeLogic: { file: aave("protocol/libraries/logic/EModeLogic.sol/EModeLogic.json") },
  AaveBridgeLogic: { file: aave("protocol/libraries/logic/BridgeLogic.sol/BridgeLogic.json") },
  AaveConfiguratorLogic: { file: aave("protocol/libraries/logic/ConfiguratorLogic.sol/ConfiguratorLogic.json") },
  AaveFlashLoanLogic: { file: aave("protocol/libraries/logic/FlashLoanLogic.sol/FlashLoanLogic.json") },
  AavePoolLogic: { file: aave("protocol/libraries/logic/PoolLogic.sol/PoolLogic.json") },
  AavePoolAddressesProvider: {
    file: aave("protocol/configuration/PoolAddressesProvider.sol/PoolAddressesProvider.json"),
  },
  AavePool: { file: aave("protocol/pool/Pool.sol/Pool.json") },
  AavePoolConfigurator: { file: aave("protocol/pool/PoolConfigurator.sol/PoolConfigurator.json") },
  AaveACLManager: { file: aave("protocol/configuration/ACLManager.sol/ACLManager.json") },
  AaveOracle: { file: aave("misc/AaveOracle.sol/AaveOracle.json") },
  AaveProtocolDataProvider: { file: aave("misc/AaveProtocolDataProvider.sol/AaveProtocolDataProvider.json") },
  AaveMockAggregator: { file: aave("mocks/oracle/CLAggregators/MockAggregator.sol/MockAggregator.json") },
  AaveAToken: { file: aave("protocol/tokenization/AToken.sol/AToken.json") },
  AaveStableDebtToken: { file: aave("protocol/tokenization/StableDebtToken.sol/StableDebtToken.json") },
  AaveVariableDebtToken: { file: aave("protocol/tokenization/VariableDebtToken.sol/VariableDebtToken.json") },
  AaveDefaultReserveInterestRateStrategy: {
    file: aave("protocol/pool/DefaultReserveInterestRateStrategy.sol/DefaultReserveInterestRateStrategy.json"),
  },
} as const satisfies Record<string, { file: string; abiFile?: string }>;

function aave(path: string): string {
  return `@aave/core-v3/artifacts/contracts/${path}`;
}

/** Names of the protocol contracts the replica can deploy from npm artifacts. */
export type ProtocolArtifactName = keyof typeof PROTOCOL_ARTIFACTS | "Multicall3";

interface RawArtifact {
  abi?: InterfaceAbi;
  bytecode?: string | { object: string };
  creationCode?: string;
  evm?: { bytecode?: { object?: string } };
  linkReferences?: LinkReferences;
}

const cache = new Map<string, Artifact>();

/**
 * Loads a protocol contract's artifact from its npm package.
 * @example const factory = protocolArtifact("UniswapV2Factory");
 */
export function protocolArtifact(name: ProtocolArtifactName): Artifact {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  let artifact: Artifact;
  if (name === "Multicall3") {
    artifact = { name, abi: multicall3Abi as InterfaceAbi, bytecode: multicall3Bytecode(), linkReferences: {} };
  } else {
    const entry: { file: string; abiFile?: string } = PROTOCOL_ARTIFACTS[name];
    const raw = readJson(require.resolve(entry.file));
    const abi = entry.abiFile === undefined ? raw.abi : (readJson(require.resolve(entry.abiFile)) as unknown);
    artifact = normalise(name, raw, abi as InterfaceAbi | undefined);
  }
  cache.set(name, artifact);
  return artifact;
}

/**
 * Loads one of this project's compiled contracts from Hardhat's `artifacts/` folder.
 * @param sourcePath Path of the source under `contracts/`, e.g. `test/tokens/MintableERC20.sol`.
 * @param name Contract name inside that source.
 */
export function projectArtifact(sourcePath: string, name: string): Artifact {
  const key = `${sourcePath}:${name}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const file = `${projectRoot}artifacts/contracts/${sourcePath}/${name}.json`;
  let raw: RawArtifact;
  try {
    raw = readJson(file);
  } catch (cause) {
    throw new Error(`Artifact for ${name} not found at ${file}: run \`npx hardhat build\` first.`, { cause });
  }
  const artifact = normalise(name, raw, raw.abi);
  cache.set(key, artifact);
  return artifact;
}

/**
 * Multicall3's creation code, as deployed at 0xcA11bde05977b3631167028862bE2a173976CA11 on
 * every chain. viem ships it in its constants module but does not export it, so it is read
 * from the package's file.
 */
function multicall3Bytecode(): string {
  const viemEntry = require.resolve("viem");
  const file = viemEntry.replace(/_cjs[/\\]index\.js$|_esm[/\\]index\.js$/, "_esm/constants/contracts.js");
  const match = /multicall3Bytecode\s*=\s*['"](0x[0-9a-fA-F]+)['"]/.exec(readFileSync(file, "utf8"));
  if (match?.[1] === undefined) throw new Error(`Multicall3 bytecode not found in ${file}`);
  return match[1];
}

/** keccak256 of an artifact's creation code: the init code hash CREATE2 factories rely on. */
export function initCodeHash(artifact: Artifact): string {
  return keccak256(artifact.bytecode);
}

/**
 * Writes library addresses into an artifact's bytecode at the offsets solc recorded.
 * @throws when a library the bytecode needs is not given.
 */
export function linkBytecode(artifact: Artifact, libraries: Readonly<Record<string, string>>): string {
  let hex = artifact.bytecode.slice(2);
  for (const [file, libs] of Object.entries(artifact.linkReferences)) {
    for (const [lib, ranges] of Object.entries(libs)) {
      const address = libraries[lib];
      if (address === undefined) throw new Error(`${artifact.name} needs library ${lib} (${file}) to be linked.`);
      const body = address.toLowerCase().replace(/^0x/, "");
      for (const { start, length } of ranges) {
        hex = hex.slice(0, start * 2) + body + hex.slice((start + length) * 2);
      }
    }
  }
  return `0x${hex}`;
}

function normalise(name: string, raw: RawArtifact, abi: InterfaceAbi | undefined): Artifact {
  const code =
    typeof raw.bytecode === "string"
      ? raw.bytecode
      : (raw.bytecode?.object ?? raw.creationCode ?? raw.evm?.bytecode?.object);
  if (abi === undefined || code === undefined || code.length === 0) {
    throw new Error(`Artifact ${name} has no ABI or no bytecode.`);
  }
  return {
    name,
    abi,
    bytecode: code.startsWith("0x") ? code : `0x${code}`,
    linkReferences: raw.linkReferences ?? {},
  };
}

function readJson(file: string): RawArtifact {
  return JSON.parse(readFileSync(file, "utf8")) as RawArtifact;
}

/** The contracts of `@aave-dao/aave-v3-origin` the replica deploys, by name. */
export type OriginArtifactName =
  | "PoolInstance"
  | "PoolConfiguratorInstance"
  | "ATokenInstance"
  | "VariableDebtTokenInstance"
  | "ACLManager"
  | "PoolAddressesProvider"
  | "AaveOracle"
  | "DefaultReserveInterestRateStrategyV2"
  | "AaveProtocolDataProvider"
  | "BorrowLogic"
  | "ConfiguratorLogic"
  | "FlashLoanLogic"
  | "LiquidationLogic"
  | "PoolLogic"
  | "SupplyLogic";

interface ProtocolBuildOutput {
  readonly contracts: Record<
    string,
    Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string; linkReferences: LinkReferences } } }>
  >;
}

const builds = new Map<string, ProtocolBuildOutput>();

/** A contract from a protocol build `npm run build` made from the protocol's own sources (`scripts/lib/compileProtocol.ts`). */
function builtArtifact(build: string, name: string): Artifact {
  const key = `${build}:${name}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let output = builds.get(build);
  if (output === undefined) {
    const file = `${projectRoot}cache/${build}.json`;
    try {
      output = readJson(file) as unknown as ProtocolBuildOutput;
    } catch (cause) {
      throw new Error(`The ${build} build is not at ${file}: run \`npm run build\` first.`, { cause });
    }
    builds.set(build, output);
  }
  for (const contracts of Object.values(output.contracts)) {
    const found = contracts[name];
    if (found === undefined) continue;
    const artifact: Artifact = {
      name,
      abi: found.abi,
      bytecode: `0x${found.evm.bytecode.object}`,
      linkReferences: found.evm.bytecode.linkReferences,
    };
    cache.set(key, artifact);
    return artifact;
  }
  throw new Error(`${build} has no contract ${name}.`);
}

/**
 * Loads a contract of `@aave-dao/aave-v3-origin` as `npm run build` compiled it from the
 * package's own sources (`scripts/compileAaveOrigin.ts`, into `cache/aave-v3-origin.json`).
 */
export function originArtifact(name: OriginArtifactName): Artifact {
  return builtArtifact("aave-v3-origin", name);
}

/**
 * Morpho Blue as `npm run build` compiled it from `@morpho-org/morpho-blue`'s own sources with
 * its own compiler and settings (`scripts/compileMorphoBlue.ts`, into `cache/morpho-blue.json`).
 */
export function morphoArtifact(): Artifact {
  return builtArtifact("morpho-blue", "Morpho");
}
