/**
 * An endpoint's URL as logs, events, alerts and the API may show it: scheme, host and port only.
 * An RPC URL's path or query often holds the provider's API key (`/v2/<key>`), and its user
 * part a password; those become `/…`.
 *
 * @example
 * publicUrl("https://eth-mainnet.g.alchemy.com/v2/abc123"); // "https://eth-mainnet.g.alchemy.com/…"
 * publicUrl("http://127.0.0.1:8545"); // "http://127.0.0.1:8545"
 */
export function publicUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(a URL that does not parse)";
  }
  const hidden = (parsed.pathname !== "/" && parsed.pathname !== "") || parsed.search !== "" || parsed.username !== "";
  return `${parsed.protocol}//${parsed.host}${hidden ? "/…" : ""}`;
}
