import { BaseError } from "../errors.js";

/** Significant digits shown for an amount below one whole unit. */
const SMALL_SIGNIFICANT = 4;

/** Display names of the V2-style DEX keys whose spelling title-casing would get wrong. */
const DEX_NAMES: Readonly<Record<string, string>> = { uniswapV2: "Uniswap V2", sushiswap: "Sushiswap" };

/**
 * `amount` base units of a token with `decimals` decimals, for a person: thousands separators
 * and two decimals from one whole unit up, four significant digits below it, rounded half away
 * from zero, computed exactly in bigint.
 *
 * @example
 * formatAmount(38_707_421_337n * 10n ** 12n, 18, "DAI"); // "38,707.42 DAI"
 * formatAmount(123_400_000_000_000n, 18, "WETH"); // "0.0001234 WETH"
 * formatAmount(-3_100_000n, 6); // "-3.10"
 *
 * @throws {BaseError} when `decimals` is not a whole number from 0 up.
 */
export function formatAmount(amount: bigint, decimals: number, symbol?: string): string {
  if (!Number.isSafeInteger(decimals) || decimals < 0)
    throw new BaseError(`Token decimals ${decimals} is not a whole number from 0 up.`, {
      details: "Pass the token's `decimals()` as read from its contract.",
    });
  const abs = amount < 0n ? -amount : amount;
  let shown = 2;
  let scaled = rounded(abs, decimals, shown);
  if (abs !== 0n && abs < 10n ** BigInt(decimals)) {
    // No more decimals than the token has (they would all be zeros), but two like a whole amount.
    shown = Math.max(2, Math.min(decimals, decimals - abs.toString().length + SMALL_SIGNIFICANT));
    scaled = rounded(abs, decimals, shown);
    // Rounding up from 9999.5 in the last shown digit carries into a fifth significant digit…
    if (scaled >= 10n ** BigInt(SMALL_SIGNIFICANT)) {
      shown -= 1;
      scaled = rounded(abs, decimals, shown);
    }
    // …and may reach one whole unit, which is shown as such.
    if (scaled >= 10n ** BigInt(shown)) {
      shown = 2;
      scaled = rounded(abs, decimals, shown);
    }
  }
  const text = `${amount < 0n && scaled !== 0n ? "-" : ""}${decimal(scaled, shown)}`;
  return symbol === undefined ? text : `${text} ${symbol}`;
}

/**
 * An amount of US dollars given in micro-dollars (USDC base units), to the cent, rounded half
 * away from zero: `$1,234.56`, `-$3.10`.
 */
export function formatUsd(usd6: bigint): string {
  const abs = usd6 < 0n ? -usd6 : usd6;
  const cents = rounded(abs, 6, 2);
  return `${usd6 < 0n && cents !== 0n ? "-" : ""}$${decimal(cents, 2)}`;
}

/** `0xFFec…3873`: enough of an address to tell it apart in a table, not to type it. */
export function shortAddress(a: string): string {
  return a.length <= 12 ? a : `${a.slice(0, 6)}…${a.slice(-4)}`;
}

/** `abs`, a non-negative amount with `decimals` decimals, rounded half up to `shown` decimals. */
function rounded(abs: bigint, decimals: number, shown: number): bigint {
  if (shown >= decimals) return abs * 10n ** BigInt(shown - decimals);
  const unit = 10n ** BigInt(decimals - shown);
  return abs / unit + (2n * (abs % unit) >= unit ? 1n : 0n);
}

/** `scaled` / 10^`shown` as text with thousands separators in the whole part. */
function decimal(scaled: bigint, shown: number): string {
  const digits = scaled.toString().padStart(shown + 1, "0");
  const whole = digits.slice(0, digits.length - shown).replace(/\B(?=(\d{3})+$)/g, ",");
  return shown === 0 ? whole : `${whole}.${digits.slice(digits.length - shown)}`;
}

/**
 * `value` / 10^`scale` (a fraction already in percent) rounded to at most `places` decimals,
 * without trailing zeros: pips with scale 4 (3000 → "0.3"), 1e18 fractions with scale 16.
 */
/** `value` / 10^`scale` as a percentage with up to `places` decimals, trailing zeros dropped. */
export function percent(value: bigint, scale: number, places: number): string {
  return decimal(rounded(value, scale, places), places).replace(/\.?0+$/, "");
}

/** `uniswapV2` → "Uniswap V2"; an unknown key title-cased word by word: `shibaSwap` → "Shiba Swap". */
export function dexName(key: string): string {
  const known = DEX_NAMES[key];
  if (known !== undefined) return known;
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_-]+/)
    .filter((word) => word !== "")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}
