import { formatPrice, PRICE_SCALE, type PriceTicks } from '@tradeloop/domain';

/**
 * Prices between our ticks (integer 1/10000 rupee) and Kite's decimal rupees, exactly: strings
 * are split at the decimal point, never multiplied as floats. Kite sends JSON numbers
 * (`"average_price": 1532.55`); a JS number's shortest decimal form is the literal Kite wrote
 * for every value with at most 15 significant digits, so `String(n)` recovers it.
 */

const DECIMAL = /^(0|[1-9][0-9]{0,10})(?:\.([0-9]+))?$/;

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
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'string') text = value.trim();
  else return null;
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
