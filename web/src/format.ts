// Presentation only: every value formatted here came from the API.

const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const integer = new Intl.NumberFormat("en-US");

/** Micro-dollars (the API's `usd6`) to the cent. */
export function usd6Text(usd6: string): string {
  return dollars.format(Number(BigInt(usd6)) / 1e6);
}

/** Micro-dollars as a number of dollars, for the charts. */
export function usd6Number(usd6: string): number {
  return Number(BigInt(usd6)) / 1e6;
}

/** Wei (a decimal string) as ETH with `digits` decimals, rounded down. */
export function ethText(wei: string, digits = 4): string {
  const value = BigInt(wei);
  const sign = value < 0n ? "-" : "";
  const abs = value < 0n ? -value : value;
  const whole = abs / 10n ** 18n;
  const fraction = (abs % 10n ** 18n).toString().padStart(18, "0").slice(0, digits);
  return `${sign}${integer.format(whole)}${digits > 0 ? `.${fraction}` : ""} ETH`;
}

/** A decimal string as a grouped integer (`24,999,956`). */
export function countText(value: string | number): string {
  return integer.format(BigInt(value));
}

/** A duration in the past, for a person. */
export function agoText(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s ago`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min ago`;
  return `${Math.round(ms / 3_600_000)} h ago`;
}

/** A record time (ISO, UTC) in the browser's local time. */
export function timeText(iso: string): string {
  const at = new Date(iso);
  const today = new Date().toDateString() === at.toDateString();
  return today ? at.toLocaleTimeString() : at.toLocaleString();
}

/** `0x1234…abcd`. */
export function shortHex(hex: string): string {
  return hex.length <= 14 ? hex : `${hex.slice(0, 6)}…${hex.slice(-4)}`;
}

/** Calls `fn` at most once per `ms`, the last call of a burst included. */
export function throttle(fn: () => void, ms: number): () => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      fn();
    }, wait);
  };
}
