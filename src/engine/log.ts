/** A structured logger: one JSON object per line on stderr, so stdout stays for results. */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

function write(level: string, event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }, (_, v) =>
    typeof v === "bigint" ? v.toString() : v,
  );
  process.stderr.write(`${line}\n`);
}

/** Logs to stderr; `silent` drops everything (tests). */
export function createLogger(silent = false): Logger {
  if (silent) return { info() {}, warn() {}, error() {} };
  return {
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
  };
}
