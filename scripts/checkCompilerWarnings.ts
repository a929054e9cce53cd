// Fails when solc reported any warning for this project's own sources (contracts and
// Solidity tests) in the current build. Hardhat prints warnings but does not fail on them;
// we treat them as errors. Run after `hardhat build`, which keeps one build-info per
// compilation job and removes obsolete ones.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface SolcMessage {
  readonly severity: string;
  readonly formattedMessage?: string;
  readonly message: string;
  readonly sourceLocation?: { readonly file: string };
}

const dir = join(import.meta.dirname, "..", "artifacts", "build-info");
const seen = new Set<string>();
for (const file of readdirSync(dir).filter((f) => f.endsWith(".output.json"))) {
  const { output } = JSON.parse(readFileSync(join(dir, file), "utf8")) as { output: { errors?: SolcMessage[] } };
  for (const message of output.errors ?? []) {
    if (!message.sourceLocation?.file.startsWith("project/")) continue;
    seen.add(message.formattedMessage ?? `${message.sourceLocation.file}: ${message.message}`);
  }
}
if (seen.size > 0) {
  console.error(`solc reported ${seen.size} warning(s) in this project's sources; fix them:\n`);
  for (const text of seen) console.error(text);
  process.exit(1);
}
console.log("No compiler warnings in this project's sources.");
