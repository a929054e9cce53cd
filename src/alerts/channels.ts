import type { AlertChannelConfig } from "../engine/config.js";
import { BaseError } from "../errors.js";
import { type Alert, alertPayload } from "./messages.js";

/** The environment secrets are read from: `process.env`, or a test's own. */
export type AlertEnv = Readonly<Record<string, string | undefined>>;

/** Delivers alerts to one channel: one HTTP request per alert. */
export interface AlertSender {
  /** `telegram#0`: the channel's type and its place in `alerts`, for logs and counters. */
  readonly name: string;
  readonly type: AlertChannelConfig["type"];
  /** Where it sends, for logs: never a token or a secret URL. */
  readonly describe: string;
  /**
   * Sends one alert; resolves once the channel has accepted it (a 2xx answer).
   * @throws AlertSendError when it cannot be reached, does not answer in time, or answers anything but 2xx.
   */
  send(alert: Alert, signal?: AbortSignal): Promise<void>;
}

/** A channel configured so that it cannot be used: a secret's environment variable is not set. */
export class AlertConfigError extends BaseError {
  override readonly name = "AlertConfigError";
}

/** One delivery failed. The message never holds a token or a secret URL. */
export class AlertSendError extends BaseError {
  override readonly name = "AlertSendError";
  /** The HTTP status, when the channel answered. */
  readonly status: number | undefined;
  /** How long the channel asked us to wait (a 429's `Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(
    shortMessage: string,
    parameters: { details?: string; cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(shortMessage, {
      ...(parameters.details === undefined ? {} : { details: parameters.details }),
      ...(parameters.cause === undefined ? {} : { cause: parameters.cause }),
    });
    this.status = parameters.status;
    this.retryAfterMs = parameters.retryAfterMs;
  }
}

/** The longest text each service takes in one message. */
const TEXT_LIMIT = { telegram: 4_096, discord: 2_000 } as const;
/** How much of an error answer's body goes into the error message. */
const BODY_EXCERPT = 200;

/**
 * The sender for channel number `index` of `alerts`, with its secret read from `env` now.
 *
 * @example
 * const sender = senderFor({ type: "telegram", chatId: "42", tokenEnv: "TELEGRAM_BOT_TOKEN", apiUrl: "https://api.telegram.org", events: ["trade_landed"] }, 0, process.env, { timeoutMs: 10_000 });
 * await sender.send(alert);
 *
 * @throws AlertConfigError when the environment variable the channel names is not set (or empty).
 */
export function senderFor(
  channel: AlertChannelConfig,
  index: number,
  env: AlertEnv,
  options: { readonly timeoutMs: number },
): AlertSender {
  const name = `${channel.type}#${index}`;
  const secret = (variable: string, what: string): string => {
    const value = env[variable];
    if (value === undefined || value.trim() === "")
      throw new AlertConfigError(
        `Alert channel ${name} needs the environment variable ${variable}, which is not set.`,
        {
          details: `Set ${variable} to ${what}, or remove the channel from \`alerts\` in the configuration.`,
        },
      );
    return value.trim();
  };
  const secretUrl = (variable: string, what: string): string => {
    const url = secret(variable, what);
    // Said without the value: the URL is the secret.
    if (!/^https?:\/\/[^\s]+$/.test(url) || !URL.canParse(url))
      throw new AlertConfigError(`Alert channel ${name}: ${variable} does not hold an http(s) URL.`, {
        details: `Set ${variable} to ${what}.`,
      });
    return url;
  };
  switch (channel.type) {
    case "webhook": {
      if (channel.url === undefined && channel.urlEnv === undefined)
        throw new AlertConfigError(`Alert channel ${name} has neither url nor urlEnv.`, {
          details: "Give the webhook its URL, or the name of the environment variable that holds it.",
        });
      const url = channel.url ?? secretUrl(channel.urlEnv ?? "", "the webhook's URL");
      const secrets = channel.url === undefined ? [url] : [];
      return httpSender(name, "webhook", `webhook ${origin(url)}`, url, secrets, options.timeoutMs, (alert) =>
        alertPayload(alert),
      );
    }
    case "discord": {
      const url = secretUrl(
        channel.urlEnv,
        "the Discord channel's webhook URL (Server settings → Integrations → Webhooks)",
      );
      return httpSender(name, "discord", `discord ${origin(url)}`, url, [url], options.timeoutMs, (alert) => ({
        content: truncate(alert.text, TEXT_LIMIT.discord),
        // The text may quote what an operator typed: it must never ping @everyone or a role.
        allowed_mentions: { parse: [] },
      }));
    }
    case "telegram": {
      const token = secret(channel.tokenEnv, "the bot's token from @BotFather");
      const url = `${channel.apiUrl.replace(/\/+$/, "")}/bot${token}/sendMessage`;
      return httpSender(
        name,
        "telegram",
        `telegram chat ${channel.chatId} via ${origin(channel.apiUrl)}`,
        url,
        [token, url],
        options.timeoutMs,
        (alert) => ({ chat_id: channel.chatId, text: truncate(alert.text, TEXT_LIMIT.telegram) }),
      );
    }
  }
}

/** A sender that POSTs `body(alert)` as JSON to `url`, within `timeoutMs`, with `secrets` kept out of every message. */
function httpSender(
  name: string,
  type: AlertChannelConfig["type"],
  describe: string,
  url: string,
  secrets: readonly string[],
  timeoutMs: number,
  body: (alert: Alert) => unknown,
): AlertSender {
  const clean = (text: string) => redact(text, secrets);
  return {
    name,
    type,
    describe,
    async send(alert, signal) {
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      let answer: string;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body(alert)),
          signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
        });
        // Read the body whole (under the same deadline), so that the connection is free again.
        answer = await response.text();
      } catch (cause) {
        const why = timeout.aborted
          ? `no answer within ${timeoutMs} ms`
          : signal?.aborted
            ? "the alerts were closed"
            : clean(reasonOf(cause));
        throw new AlertSendError(`Cannot send the ${alert.kind} alert to ${describe}: ${why}.`, {
          details: "Check that the channel's URL is right and reachable from this machine.",
        });
      }
      if (response.status < 200 || response.status > 299) {
        const excerpt = clean(answer.slice(0, BODY_EXCERPT)).replace(/\s+/g, " ").trim();
        const retryAfter = Number(response.headers.get("retry-after"));
        throw new AlertSendError(
          `${describe} refused the ${alert.kind} alert with HTTP ${response.status}${excerpt === "" ? "" : `: ${excerpt}`}.`,
          {
            status: response.status,
            ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1_000 } : {}),
            details:
              response.status === 401 || response.status === 403 || response.status === 404
                ? "Check the channel's token or webhook URL, and (Telegram) that the bot is a member of the chat."
                : "The alert is retried a few times, then given up.",
          },
        );
      }
    },
  };
}

/** `text` with every secret replaced, longest first (a URL holds its token). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s !== "") out = out.split(s).join("[redacted]");
  return out;
}

/** A fetch failure's message with its cause's (`fetch failed: connect ECONNREFUSED 127.0.0.1:9`). */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || cause === "" ? error.message : `${error.message}: ${cause}`;
}

/** `https://discord.com`: where a URL points, without its path (which may hold a secret). */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(an invalid URL)";
  }
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
