// Adds to package-lock.json the platform-specific optional packages that npm left out.
//
// npm drops an optional dependency from the lockfile when it cannot read its manifest, as
// happens when a registry mirror carries only the current platform's native binaries
// (Hardhat's EDR and Biome ship one package per OS and CPU). `npm ci` then finds the lock
// out of step with package.json and refuses to install. The missing entries are the
// packages' own exact versions, marked optional: npm skips those that do not fit the
// machine and, elsewhere, fetches the one that does.
//
// Run after changing dependencies: `npx -y -p node@22 -- npm install X && npm run lock:complete`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
}

const file = join(import.meta.dirname, "..", "package-lock.json");
const lock = JSON.parse(readFileSync(file, "utf8")) as { packages: Record<string, LockEntry> };
const added: string[] = [];
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] !== undefined) continue;
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
      throw new Error(`${name} is wanted as "${version}", not an exact version: add it to the lock by hand.`);
    }
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true };
    added.push(`${name}@${version}`);
  }
}
// Keep npm's order: the root first, then paths in code-point order.
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length === 0 ? "package-lock.json is complete." : `Added ${added.length}: ${added.join(", ")}`);
