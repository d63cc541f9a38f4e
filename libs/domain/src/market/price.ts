import { DomainError } from '../errors';
import type { Unit } from '../units';

/** Prices are integer 1/10000ths of a rupee (docs/domain.md, "Money and units"), held in a JS number (exact < 2^53). */
export type PriceTicks = Unit<number, 'PriceTicks'>;
export const PRICE_SCALE = 10_000;

const PRICE_PATTERN = /^(0|[1-9][0-9]{0,10})(?:\.([0-9]{1,4}))?$/;

/** "24350.05" → 243500500. Strict: no sign, exponent or separators; ≤ 4 decimals. */
export function parsePrice(input: unknown, field = 'price'): PriceTicks {
  const m = typeof input === 'string' ? PRICE_PATTERN.exec(input) : null;
  if (!m) {
    throw new DomainError('VALIDATION_FAILED', `Invalid ${field}`, {
      fieldErrors: [{ field, message: 'must be a decimal string with at most 4 decimal places, such as "24350.05"' }],
    });
  }
  const ticks = Number(m[1]) * PRICE_SCALE + Number((m[2] ?? '').padEnd(4, '0'));
  if (ticks <= 0)
    throw new DomainError('VALIDATION_FAILED', `Invalid ${field}`, { fieldErrors: [{ field, message: 'must be greater than zero' }] });
  return ticks;
}

/** 243500500 → "24350.05"; at least 2 decimals, up to 4 ("0.05", "292.50", "101.1234"). */
export function formatPrice(ticks: PriceTicks): string {
  if (!Number.isSafeInteger(ticks)) throw new RangeError(`price ticks must be a safe integer, got ${ticks}`);
  const negative = ticks < 0;
  const abs = Math.abs(ticks);
  const whole = Math.floor(abs / PRICE_SCALE);
  let frac = String(abs % PRICE_SCALE).padStart(4, '0');
  frac = frac.replace(/0{1,2}$/, '');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}
