import { formatPrice, PRICE_SCALE, type PriceTicks } from '@tradeloop/domain';

/**
 * Prices between our ticks (integer 1/10000 rupee) and Kite's decimal rupees, exactly: strings
 * are split at the decimal point, never multiplied as floats. Kite sends JSON numbers
 * (`"average_price": 1532.55`); a JS number's shortest decimal form is the literal Kite wrote
 * for every value with at most 15 significant digits, so `String(n)` recovers it.
 */

const DECIMAL = /^(0|[1-9][0-9]{0,10})(?:\.([0-9]+))?$/;

/** The decimal literal of a Kite JSON number or string (`String(n)` for a number: docs/brokers.md 4.11); null for anything else. */
function decimalText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return typeof value === 'string' ? value.trim() : null;
}

/** Our price as Kite's form value: "24350.05", "470.00" ("470" would do as well). */
export function ticksToKitePrice(ticks: PriceTicks): string {
  if (!Number.isSafeInteger(ticks) || ticks <= 0) throw new RangeError(`a price must be a positive whole number of ticks, got ${ticks}`);
  return formatPrice(ticks);
}

/**
 * A Kite price (number or decimal string) in ticks; null for anything that is not a
 * non-negative decimal with at most 4 places (negative, exponent form, NaN, a fifth decimal
 * that is not zero). Trailing zeros beyond the fourth place are exact and accepted.
 */
export function kitePriceToTicks(value: unknown): PriceTicks | null {
  const text = decimalText(value);
  if (text === null) return null;
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > 4) return null;
  const ticks = Number(m[1]) * PRICE_SCALE + Number(frac.padEnd(4, '0'));
  return Number.isSafeInteger(ticks) ? ticks : null;
}

/** How many decimal places a Kite price was given with (after dropping trailing zeros). */
export function kitePriceDecimals(value: number | string): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.slice(dot + 1).replace(/0+$/, '').length;
}

const SIGNED_DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/**
 * A Kite decimal (JSON number or string, rupees) × 10^scale as a bigint, rounded half away from
 * zero, by decimal-string arithmetic only: `kiteDecimalToScaled(1532.555, 2)` is 153256n paise.
 * A JS number's shortest form (`String(n)`) is the literal Kite wrote for any value with at
 * most 15 significant digits (docs/brokers.md 4.11). Null for anything that is not a number.
 */
export function kiteDecimalToScaled(value: unknown, scale: number): bigint | null {
  const text = decimalText(value);
  if (text === null) return null;
  const m = SIGNED_DECIMAL.exec(text);
  if (!m) return null;
  const negative = m[1] === '-';
  const frac = m[3] ?? '';
  const digits = BigInt(`${m[2]}${frac}`);
  const shift = Number(m[4] ?? '0') - frac.length + scale;
  let scaled: bigint;
  if (shift >= 0) scaled = digits * 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    scaled = (2n * digits + div) / (2n * div);
  }
  return negative ? -scaled : scaled;
}

/** A Kite price in ticks, rounded to the nearest tick (position averages carry more decimals; Upstox too); null when absent, zero or unreadable. */
export function kitePriceRounded(value: unknown): PriceTicks | null {
  const scaled = kiteDecimalToScaled(value, 4);
  if (scaled === null || scaled <= 0n || scaled > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(scaled);
}
