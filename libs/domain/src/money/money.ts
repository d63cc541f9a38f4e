import { DomainError } from '../errors';
import type { Unit } from '../units';

/**
 * Money is an integer count of paise (1/100 INR) held in a bigint. It is built only from
 * bigint or from a strictly validated decimal string, and it never passes through a float.
 */
export type Paise = Unit<bigint, 'Paise'>;

export const CURRENCY = 'INR';
/** Decimal places of INR amounts in the API. */
export const MONEY_SCALE = 2;
/** The largest amount accepted from a client: 13 integer digits (₹9,99,99,99,99,99,999.99). */
export const MONEY_MAX_INTEGER_DIGITS = 13;

// Plain decimal only: no sign, no exponent, no grouping, no spaces, at most 2 decimals.
const MONEY_PATTERN = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/;

export type MoneyParseProblem = 'not-a-string' | 'format' | 'too-many-decimals' | 'too-large' | 'not-positive';

/**
 * Parses a client-supplied amount. Returns the problem instead of throwing so callers can
 * attach it to the right field.
 */
export function tryParsePositiveMoney(input: unknown): { ok: true; paise: Paise } | { ok: false; problem: MoneyParseProblem } {
  if (typeof input !== 'string') return { ok: false, problem: 'not-a-string' };
  const m = MONEY_PATTERN.exec(input);
  if (!m) {
    return { ok: false, problem: /^[0-9]+\.[0-9]{3,}$/.test(input) ? 'too-many-decimals' : 'format' };
  }
  const [, whole, frac = ''] = m;
  if (whole!.length > MONEY_MAX_INTEGER_DIGITS) return { ok: false, problem: 'too-large' };
  const paise = BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
  if (paise <= 0n) return { ok: false, problem: 'not-positive' };
  return { ok: true, paise };
}

export const MONEY_PROBLEM_MESSAGES: Record<MoneyParseProblem, string> = {
  'not-a-string': 'must be a decimal string such as "1500.00"',
  format: 'must be a plain decimal such as "1500.00" (no sign, exponent, spaces or separators)',
  'too-many-decimals': 'must have at most 2 decimal places',
  'too-large': `must have at most ${MONEY_MAX_INTEGER_DIGITS} digits before the decimal point`,
  'not-positive': 'must be greater than zero',
};

/** Parses a positive amount or throws VALIDATION_FAILED naming `field`. */
export function parsePositiveMoney(input: unknown, field = 'amount'): Paise {
  const r = tryParsePositiveMoney(input);
  if (!r.ok) {
    throw new DomainError('VALIDATION_FAILED', `Invalid ${field}`, {
      fieldErrors: [{ field, message: MONEY_PROBLEM_MESSAGES[r.problem] }],
    });
  }
  return r.paise;
}

/** "1500.00", "-0.05": the API's decimal-string form, exact for any bigint. */
export function formatMoney(paise: Paise): string {
  const negative = paise < 0n;
  const abs = negative ? -paise : paise;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/** Indian digit grouping for display: 100000.5 → "1,00,000.50". */
export function formatMoneyIndian(paise: Paise): string {
  const [sign, body] = formatMoney(paise).startsWith('-') ? ['-', formatMoney(-paise)] : ['', formatMoney(paise)];
  const [whole, frac] = body.split('.') as [string, string];
  const last3 = whole.slice(-3);
  const rest = whole.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${sign}${rest ? `${rest},` : ''}${last3}.${frac}`;
}

/**
 * round(a × b / c), halves rounded away from zero (half-up on magnitudes), in exact integer
 * arithmetic. Used for fees: `mulDivRoundHalfUp(turnover, 3n, 10_000n)` is 0.03 %.
 */
export function mulDivRoundHalfUp(a: bigint, b: bigint, c: bigint): bigint {
  if (c === 0n) throw new RangeError('division by zero');
  const n = a * b;
  const negative = n < 0n !== c < 0n;
  const absN = n < 0n ? -n : n;
  const absC = c < 0n ? -c : c;
  const q = (absN * 2n + absC) / (absC * 2n);
  return negative ? -q : q;
}
