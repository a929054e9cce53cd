import { type DestinationStream, type LevelWithSilent, pino } from "pino";
import pinoPretty from "pino-pretty";
import { BaseError } from "../errors.js";

/**
 * A structured logger: one event per line on stderr, so stdout stays for results. `event` is a
 * snake_case name a reader can grep for; `fields` are its details, bigints included.
 *
 * `debug` and `child` are optional so that a test can still pass a three-method stub: call
 * `log.debug?.(…)`, and {@link childLogger} rather than `log.child`.
 */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** Detail an operator wants only while chasing a problem; shown at `LOG_LEVEL=debug`. */
  debug?(event: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` to every line, e.g. `{ stage: "execute" }` for one pipeline stage. */
  child?(bindings: Record<string, unknown>): Logger;
}

/** How `createLogger` writes: `silent` drops everything, `level` overrides `LOG_LEVEL`, `pretty` overrides the TTY check. */
export interface LoggerOptions {
  readonly silent?: boolean;
  /** `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`; defaults to `LOG_LEVEL`, then `info`. */
  readonly level?: string;
  /** Colourised lines for a person, instead of JSON lines for a machine; defaults to whether stderr is a terminal. */
  readonly pretty?: boolean;
}

const LEVELS: readonly LevelWithSilent[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child: () => silentLogger,
};

/**
 * A logger on stderr: pretty when `pretty` is set or stderr is a terminal, JSON lines otherwise.
 * A boolean is the older form of `{ silent }`, which tests use to drop everything.
 *
 * Writes are synchronous, so a script that calls `process.exit` right after logging loses nothing.
 *
 * @example
 * const log = createLogger();
 * childLogger(log, { stage: "execute" }).info("trade_sent", { tx, profit: 12_345n });
 * // {"level":"info","time":"2025-01-01T00:00:00.000Z","stage":"execute","tx":"0x…","profit":"12345","event":"trade_sent"}
 *
 * @throws {BaseError} when the level (from `options.level` or `LOG_LEVEL`) is not one pino knows.
 */
export function createLogger(options: boolean | LoggerOptions = {}): Logger {
  const { silent = false, level, pretty } = typeof options === "boolean" ? { silent: options } : options;
  if (silent) return silentLogger;
  const chosen = level ?? process.env.LOG_LEVEL ?? "info";
  if (!(LEVELS as readonly string[]).includes(chosen))
    throw new BaseError(`Unknown log level "${chosen}".`, {
      details: `Set ${level === undefined ? "LOG_LEVEL" : "the level"} to one of ${LEVELS.join(", ")}.`,
    });
  const human = pretty ?? process.stderr.isTTY === true;
  const destination: DestinationStream = human
    ? pinoPretty({
        colorize: true,
        sync: true,
        destination: 2,
        messageKey: "event",
        singleLine: true,
        translateTime: "SYS:HH:MM:ss.l",
      })
    : pino.destination({ fd: 2, sync: true });
  const root = pino(
    {
      level: chosen,
      messageKey: "event",
      // No pid or hostname: one process per run, and the lines are read next to it.
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      // `plain` has already turned every error into an object; pino's own `err` serializer would
      // take that object for an error and call its type "Object".
      serializers: { err: (err: unknown) => err },
      formatters: {
        // A label reads without a lookup table; pino-pretty understands either form.
        level: (label) => ({ level: label }),
        log: (fields) => plain(fields) as Record<string, unknown>,
      },
    },
    destination,
  );
  return wrap(root);
}

/**
 * `log.child(bindings)`, or for a logger without `child` (a test's stub) one that merges
 * `bindings` into each line's fields, so a stage can tag its lines whatever it was given.
 */
export function childLogger(log: Logger, bindings: Record<string, unknown>): Logger {
  if (log.child !== undefined) return log.child(bindings);
  const merged = (fields?: Record<string, unknown>) => ({ ...bindings, ...fields });
  return {
    info: (event, fields) => log.info(event, merged(fields)),
    warn: (event, fields) => log.warn(event, merged(fields)),
    error: (event, fields) => log.error(event, merged(fields)),
    debug: (event, fields) => log.debug?.(event, merged(fields)),
    child: (more) => childLogger(log, { ...bindings, ...more }),
  };
}

function wrap(p: pino.Logger): Logger {
  return {
    info: (event, fields) => p.info(fields ?? {}, event),
    warn: (event, fields) => p.warn(fields ?? {}, event),
    error: (event, fields) => p.error(fields ?? {}, event),
    debug: (event, fields) => p.debug(fields ?? {}, event),
    // pino's `formatters.bindings` sees only the root's bindings, not a child's.
    child: (bindings) => wrap(p.child(plain(bindings) as Record<string, unknown>)),
  };
}

/**
 * `value` with bigints as decimal strings (JSON has no integer wider than a double, and pino
 * would write them as bare numbers that most readers round) and errors as their message and
 * stack (`JSON.stringify` writes an Error as `{}`). Copies only what it changes; `seen` stops
 * at a cycle, which pino's own stringifier then marks.
 */
function plain(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return pino.stdSerializers.err(value);
  if (value === null || typeof value !== "object" || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    const mapped = value.map((v) => plain(v, seen));
    return mapped.some((v, i) => v !== value[i]) ? mapped : value;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, v] of Object.entries(value)) {
      const p = plain(v, seen);
      if (p !== v) {
        copy ??= { ...value };
        copy[key] = p;
      }
    }
    return copy ?? value;
  }
  return value;
}
