import { Command, InvalidArgumentError } from "commander";
import { getAddress, isAddress } from "ethers";

/** The exit code of a command line the script could not parse, as shells and getopt use it. */
export const USAGE_EXIT_CODE = 2;

/**
 * A commander `Command` for one of the toolkit's scripts: `--help` prints every option and exits
 * 0; an unknown, missing or malformed option prints a single `error: …` line on stderr and
 * exits {@link USAGE_EXIT_CODE}, without a stack trace or the whole help text.
 *
 * @example
 * const options = createCommand("bench", "Measure the engine.")
 *   .option("--pools <count>", "pools in the synthetic market", positiveInteger, 10_000)
 *   .parse()
 *   .opts<{ pools: number }>();
 */
export function createCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .allowExcessArguments(false)
    .configureOutput({ outputError: (message, write) => write(`${oneLine(message)} (see ${name} --help)\n`) })
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT_CODE));
}

/**
 * An option value that must be a whole number above zero, written in plain digits.
 *
 * @throws {InvalidArgumentError} otherwise, which commander reports as a usage error.
 */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n <= 0)
    throw new InvalidArgumentError("Expected a whole number above zero.");
  return n;
}

/**
 * An option value that must be a finite number from zero up, in decimal (`0`, `2.5`, `1e-3`).
 *
 * @throws {InvalidArgumentError} otherwise, which commander reports as a usage error.
 */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  // `Number` alone would also take "", " ", "0x1f" and "Infinity".
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?$/i.test(value) || !Number.isFinite(n))
    throw new InvalidArgumentError("Expected a number from 0 up.");
  return n;
}

/**
 * Commander's error message on one line, without its closing full stop: it puts a "Did you mean
 * …?" on a line of its own, and one line is easier to grep and to read in a CI log.
 */
function oneLine(message: string): string {
  return message
    .trim()
    .replace(/\s*\n\s*/g, " ")
    .replace(/\.$/, "");
}

/**
 * An option value that must be an address (checksummed on the way out).
 *
 * @throws {InvalidArgumentError} otherwise, which commander reports as a usage error.
 */
export function address(value: string): string {
  if (!isAddress(value)) throw new InvalidArgumentError("Expected a 0x-prefixed 20-byte hex address.");
  return getAddress(value);
}

/**
 * An option value that must be a URL with one of `schemes` (`http`, `ws`…).
 *
 * @throws {InvalidArgumentError} otherwise, which commander reports as a usage error.
 */
export function urlWith(...schemes: string[]): (value: string) => string {
  return (value) => {
    let scheme: string;
    try {
      scheme = new URL(value).protocol.replace(/:$/, "");
    } catch {
      throw new InvalidArgumentError(`Expected a URL (${schemes.map((s) => `${s}://`).join(", ")}).`);
    }
    if (!schemes.includes(scheme))
      throw new InvalidArgumentError(`Expected a ${schemes.map((s) => `${s}://`).join(" or ")} URL.`);
    return value;
  };
}
