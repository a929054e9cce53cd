// Fails when solc reported any warning for this project's own sources (contracts and
// Solidity tests) in the current build. Hardhat prints warnings but does not fail on them;
// we treat them as errors. Run after `hardhat build`.
//
// Each artifact names the build-info it was compiled in and its source. Only those
// (build-info, source) pairs are read: Hardhat can leave older build-infos behind, and a
// test job's build-info may hold a stale compile of a contract that has since been rebuilt.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface SolcMessage {
  readonly errorCode?: string;
  readonly severity: string;
  readonly formattedMessage?: string;
  readonly message: string;
  readonly sourceLocation?: { readonly file: string };
}

interface ArtifactHeader {
  readonly buildInfoId?: string;
  readonly inputSourceName?: string;
}

const artifactsDir = join(import.meta.dirname, "..", "artifacts");
const buildInfoDir = join(artifactsDir, "build-info");

/** Build-info id → the project sources whose current artifacts come from it. */
function currentSources(folder: string, out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (path !== buildInfoDir) currentSources(path, out);
    } else if (entry.name.endsWith(".json")) {
      const { buildInfoId, inputSourceName } = JSON.parse(readFileSync(path, "utf8")) as ArtifactHeader;
      if (buildInfoId === undefined || inputSourceName === undefined) continue;
      const sources = out.get(buildInfoId) ?? new Set<string>();
      sources.add(inputSourceName);
      out.set(buildInfoId, sources);
    }
  }
  return out;
}

/**
 * Contract and initcode size limits (solc 5574, 3860) matter for contracts that go on chain,
 * not for Solidity test contracts, which Hardhat's test runner deploys without those limits.
 */
const SIZE_LIMIT_CODES = new Set(["5574", "3860"]);

const warnings = new Set<string>();
for (const [id, sources] of currentSources(artifactsDir)) {
  const file = join(buildInfoDir, `${id}.output.json`);
  const { output } = JSON.parse(readFileSync(file, "utf8")) as { output: { errors?: SolcMessage[] } };
  for (const message of output.errors ?? []) {
    const source = message.sourceLocation?.file;
    if (source === undefined || !sources.has(source)) continue;
    if (source.startsWith("project/test/") && SIZE_LIMIT_CODES.has(message.errorCode ?? "")) continue;
    warnings.add(message.formattedMessage ?? `${source}: ${message.message}`);
  }
}
if (warnings.size > 0) {
  console.error(`solc reported ${warnings.size} warning(s) in this project's sources; fix them:\n`);
  for (const text of warnings) console.error(text);
  process.exit(1);
}
console.log("No compiler warnings in this project's sources.");
