import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { engineConfigSchema, loadEngineConfig, parseEngineConfig } from "../../src/engine/config.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE = "config/engine.example.json";
const README = "config/README.md";

const schemaKeys = Object.keys(engineConfigSchema.shape);
const example = JSON.parse(readFileSync(`${root}${EXAMPLE}`, "utf8")) as Record<string, unknown>;

/** The README's table rows whose first cell is a `key`, as key → the row's cells. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readFileSync(`${root}${README}`, "utf8").split("\n")) {
    const cells = line
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim());
    const key = /^`([^`]+)`$/.exec(cells[0] ?? "")?.[1];
    if (!line.trim().startsWith("|") || key === undefined) continue;
    expect(rows.has(key), `${key} has two rows`).to.equal(false);
    rows.set(key, cells);
  }
  return rows;
}

describe("the configuration's example and documentation", () => {
  it("the example file is a valid configuration, as the engine reads it", () => {
    expect(() => parseEngineConfig(example)).to.not.throw();
    const config = loadEngineConfig(`${root}${EXAMPLE}`, {});
    expect(config.chain).to.equal("mainnet");
    expect(config.live).to.equal(false);
  });

  it("the example sets every key of the schema", () => {
    expect(schemaKeys).to.have.length.above(0);
    for (const key of schemaKeys) expect(example, `${EXAMPLE} lacks ${key}`).to.have.property(key);
  });

  it("the README has a table row for every key of the schema and none for a key it lacks", () => {
    const documented = [...documentedRows().keys()];
    for (const key of schemaKeys) expect(documented, `${README} does not document ${key}`).to.include(key);
    for (const key of documented)
      expect(schemaKeys, `${README} documents ${key}, which the schema lacks`).to.include(key);
  });

  it("the README gives each key the schema's own default", () => {
    const defaults = parseEngineConfig({}) as Record<string, unknown>;
    const rows = documentedRows();
    for (const key of schemaKeys) {
      const expected = defaults[key] === undefined ? "none" : `\`${JSON.stringify(defaults[key])}\``;
      expect(rows.get(key)?.[2], `default of ${key}`).to.equal(expected);
    }
  });
});
