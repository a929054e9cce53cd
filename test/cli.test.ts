import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { InvalidArgumentError } from "commander";
import { nonNegativeNumber, positiveInteger, USAGE_EXIT_CODE } from "../src/cli.js";

const root = fileURLToPath(new URL("../", import.meta.url));

/** `npm run bench -- …args` as a user runs it, without npm's own lines around the output. */
function bench(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["node_modules/.bin/tsx", "scripts/bench.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function nonEmptyLines(text: string): string[] {
  return text.split("\n").filter((line) => line.trim() !== "");
}

describe("the bench script's command line", function () {
  // Each case starts a Node process that compiles the script.
  this.timeout(120_000);

  it("prints usage with every flag on stdout for --help and exits 0", () => {
    const { status, stdout, stderr } = bench("--help");
    expect(status).to.equal(0);
    expect(stdout).to.match(/^Usage: bench \[options\]/);
    for (const flag of ["--json", "--pools <count>", "--rounds <count>", "-h, --help"]) expect(stdout).to.include(flag);
    expect(stderr).to.equal("");
  });

  it("refuses an unknown flag with one error line on stderr and exit code 2", () => {
    const { status, stdout, stderr } = bench("--bogus");
    expect(status).to.equal(USAGE_EXIT_CODE);
    expect(nonEmptyLines(stderr)).to.deep.equal(["error: unknown option '--bogus' (see bench --help)"]);
    expect(stderr).to.not.match(/^\s*at /m);
    expect(stdout).to.equal("");
  });

  it("refuses a pool count that is not a number, or is negative, with one error line and exit code 2", () => {
    for (const value of ["abc", "-1"]) {
      const { status, stdout, stderr } = bench("--pools", value);
      expect(status, value).to.equal(USAGE_EXIT_CODE);
      expect(nonEmptyLines(stderr), value).to.deep.equal([
        `error: option '--pools <count>' argument '${value}' is invalid. Expected a whole number above zero (see bench --help)`,
      ]);
      expect(stderr, value).to.not.match(/^\s*at /m);
      expect(stdout, value).to.equal("");
    }
  });

  it("puts commander's suggestion for a misspelt flag on the same line", () => {
    const { status, stderr } = bench("--pool", "3");
    expect(status).to.equal(USAGE_EXIT_CODE);
    expect(nonEmptyLines(stderr)).to.deep.equal([
      "error: unknown option '--pool' (Did you mean --pools?) (see bench --help)",
    ]);
  });
});

describe("option value parsers", () => {
  it("positiveInteger takes plain digits above zero", () => {
    expect(positiveInteger("1")).to.equal(1);
    expect(positiveInteger("10000")).to.equal(10_000);
    expect(positiveInteger("007")).to.equal(7);
  });

  it("positiveInteger refuses zero, signs, fractions, exponents, hex, blanks and unsafe integers", () => {
    for (const value of ["0", "-1", "+1", "1.5", "1e3", "0x10", "", " 1", "abc", "9007199254740993"])
      expect(() => positiveInteger(value), JSON.stringify(value)).to.throw(
        InvalidArgumentError,
        "Expected a whole number above zero.",
      );
  });

  it("nonNegativeNumber takes decimals and exponents from zero up", () => {
    expect(nonNegativeNumber("0")).to.equal(0);
    expect(nonNegativeNumber("2.5")).to.equal(2.5);
    expect(nonNegativeNumber(".5")).to.equal(0.5);
    expect(nonNegativeNumber("3.")).to.equal(3);
    expect(nonNegativeNumber("1e-3")).to.equal(0.001);
  });

  it("nonNegativeNumber refuses negatives, blanks, hex, Infinity and overflow", () => {
    for (const value of ["-1", "-0", "", " ", ".", "0x1f", "Infinity", "NaN", "1e999", "1,5"])
      expect(() => nonNegativeNumber(value), JSON.stringify(value)).to.throw(
        InvalidArgumentError,
        "Expected a number from 0 up.",
      );
  });
});
