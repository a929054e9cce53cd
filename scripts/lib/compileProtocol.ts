// Compiles a protocol's own Solidity sources, as its npm package ships them, with the protocol's
// own compiler (an npm `solc` release under an alias) and settings, into one JSON file under
// cache/. Nothing is downloaded; the output is reused while the package, the compiler and the
// settings are the same.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";

const require = createRequire(import.meta.url);

/** One protocol's build. */
export interface ProtocolBuild {
  /** The protocol's name in messages. */
  readonly name: string;
  /** Where the compiled contracts go. */
  readonly output: string;
  /** The aliased npm `solc` package to compile with, e.g. `solc0819`. */
  readonly solc: string;
  /** Source paths to compile, as `resolve` understands them. */
  readonly targets: readonly string[];
  /** solc's settings besides the output selection: the protocol's own. */
  readonly settings: object;
  /** Reads a source by the path the sources import it by, or says it is not there. */
  readonly resolve: (path: string) => string | undefined;
  /** Versions of the packages the sources come from (part of the cache key). */
  readonly versions: Readonly<Record<string, string>>;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, unknown>>;
}

/** Compiles `build` unless its output is current; throws with solc's messages on an error. */
export function compileProtocol(build: ProtocolBuild): void {
  const solc = require(build.solc) as { version(): string; compile(input: string, options: object): string };
  const settings = {
    ...build.settings,
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences"] } },
  };
  const key = createHash("sha256")
    .update(JSON.stringify({ versions: build.versions, compiler: solc.version(), targets: build.targets, settings }))
    .digest("hex");
  if (existsSync(build.output) && (JSON.parse(readFileSync(build.output, "utf8")) as { key?: string }).key === key)
    return;
  const started = performance.now();
  const sources = Object.fromEntries(
    build.targets.map((target) => {
      const content = build.resolve(target);
      if (content === undefined) throw new Error(`${build.name}: ${target} is not in the package.`);
      return [target, { content }];
    }),
  );
  const read = (path: string) => {
    const contents = build.resolve(path);
    return contents === undefined ? { error: `not found: ${path}` } : { contents };
  };
  const output = JSON.parse(
    solc.compile(JSON.stringify({ language: "Solidity", sources, settings }), { import: read }),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    console.error(errors.map((e) => e.formattedMessage).join("\n"));
    throw new Error(`${build.name} did not compile with solc ${solc.version()}.`);
  }
  mkdirSync(dirname(build.output), { recursive: true });
  writeFileSync(build.output, JSON.stringify({ key, compiler: solc.version(), contracts: output.contracts }));
  console.log(
    `Compiled ${build.name} with solc ${solc.version()} in ${Math.round(performance.now() - started)} ms: ${build.output}`,
  );
}
