// Compiles Morpho Blue (`@morpho-org/morpho-blue` 1.0.0, its own sources as npm ships them) with
// its own compiler and settings, those of its Foundry build profile — solc 0.8.19 from npm, the IR
// pipeline, 999,999 optimizer runs, no metadata hash — into cache/morpho-blue.json, for the
// replica's Morpho lender. The sources import each other by relative path only.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { compileProtocol } from "./lib/compileProtocol.js";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../", import.meta.url));
const morphoRoot = dirname(require.resolve("@morpho-org/morpho-blue/package.json"));

compileProtocol({
  name: "morpho-blue",
  output: join(root, "cache/morpho-blue.json"),
  solc: "solc0819",
  targets: ["src/Morpho.sol"],
  settings: {
    optimizer: { enabled: true, runs: 999_999 },
    viaIR: true,
    evmVersion: "paris",
    metadata: { bytecodeHash: "none" },
  },
  resolve: (path) => {
    const file = join(morphoRoot, normalize(path));
    return file.startsWith(morphoRoot) && existsSync(file) ? readFileSync(file, "utf8") : undefined;
  },
  versions: {
    morpho: (JSON.parse(readFileSync(join(morphoRoot, "package.json"), "utf8")) as { version: string }).version,
  },
});
