import type { Instrument } from '../market/instruments';
import { PRICE_SCALE, type PriceTicks } from '../market/price';
import { blackScholes, normalCdf, normalPdf } from '../market/simulation/black-scholes';
import { NSE_CLOSE_MINUTE } from '../market/simulation/nse-session';
import { IST_OFFSET_MS } from '../market/timeframes';

/**
 * Black–Scholes greeks of a European option (docs/alerts.md, "Exit engine"), on the same pricer
 * and normal CDF as the simulator (market/simulation/black-scholes.ts):
 *   d1 = (ln(S/K) + (r + σ²/2) T) / (σ √T), d2 = d1 − σ √T
 *   delta = N(d1) (CE), N(d1) − 1 (PE)
 *   gamma = φ(d1) / (S σ √T)
 *   vega  = S φ(d1) √T / 100                 (per 1 vol point)
 *   theta = (−S φ(d1) σ / (2 √T) ∓ r K e^(−rT) N(±d2)) / 365   (per calendar day; − and N(d2) for CE, + and N(−d2) for PE)
 * At or past expiry (T ≤ 0) or with σ ≤ 0: delta is the intrinsic value's slope (CE 1 when S > K
 * else 0; PE −1 when S < K else 0), gamma, vega and theta 0, price the intrinsic value.
 * Money-free: S, K and the price are rupees as floats (greeks are not amounts of money).
 */

export const DAYS_PER_YEAR = 365;
const DAY_MS = 86_400_000;

export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  /** Per calendar day. */
  theta: number;
  /** Per 1 vol point (0.01 of σ). */
  vega: number;
}

export const emptyGreeks = (): Greeks => ({ price: 0, delta: 0, gamma: 0, theta: 0, vega: 0 });

/** Writes the greeks into `out` (no allocation: the exit engine calls this per tick) and returns it. */
export function blackScholesGreeksInto(
  out: Greeks,
  kind: 'CE' | 'PE',
  spot: number,
  strike: number,
  years: number,
  vol: number,
  rate: number,
): Greeks {
  if (years <= 0 || vol <= 0) {
    out.price = blackScholes(kind, spot, strike, years, vol, rate);
    out.delta = kind === 'CE' ? (spot > strike ? 1 : 0) : spot < strike ? -1 : 0;
    out.gamma = 0;
    out.theta = 0;
    out.vega = 0;
    return out;
  }
  const sqrtT = Math.sqrt(years);
  const sd = vol * sqrtT;
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * vol * vol) * years) / sd;
  const d2 = d1 - sd;
  const pdf = normalPdf(d1);
  const discountedStrike = strike * Math.exp(-rate * years);
  const decay = (-spot * pdf * vol) / (2 * sqrtT);
  if (kind === 'CE') {
    out.price = spot * normalCdf(d1) - discountedStrike * normalCdf(d2);
    out.delta = normalCdf(d1);
    out.theta = (decay - rate * discountedStrike * normalCdf(d2)) / DAYS_PER_YEAR;
  } else {
    out.price = discountedStrike * normalCdf(-d2) - spot * normalCdf(-d1);
    out.delta = normalCdf(d1) - 1;
    out.theta = (decay + rate * discountedStrike * normalCdf(-d2)) / DAYS_PER_YEAR;
  }
  out.gamma = pdf / (spot * sd);
  out.vega = (spot * pdf * sqrtT) / 100;
  return out;
}

export const blackScholesGreeks = (kind: 'CE' | 'PE', spot: number, strike: number, years: number, vol: number, rate: number): Greeks =>
  blackScholesGreeksInto(emptyGreeks(), kind, spot, strike, years, vol, rate);

/** The bracket the implied-volatility search works in (annual σ): 0.01 % to 500 %. */
export const IV_MIN = 0.0001;
export const IV_MAX = 5;

/**
 * The implied volatility of an option's market price: the σ at which blackScholes gives `price`,
 * by bisection on [IV_MIN, IV_MAX] (the price rises with σ) to 1e-8 or 100 halvings — deterministic
 * and bounded. null when there is no such σ: T ≤ 0, a non-positive input, or a price outside what
 * the bracket can give (at or below the value at IV_MIN, e.g. under the discounted intrinsic value;
 * at or above the value at IV_MAX). Lets the exit engine read an option's IV from its LTP and the
 * underlying's when no IV is quoted.
 */
export function impliedVolatility(
  kind: 'CE' | 'PE',
  price: number,
  spot: number,
  strike: number,
  years: number,
  rate: number,
): number | null {
  if (!(years > 0 && price > 0 && spot > 0 && strike > 0) || !Number.isFinite(price + spot + strike + years + rate)) return null;
  let lo = IV_MIN;
  let hi = IV_MAX;
  if (price <= blackScholes(kind, spot, strike, years, lo, rate) || price >= blackScholes(kind, spot, strike, years, hi, rate)) return null;
  for (let i = 0; i < 100 && hi - lo > 1e-8; i += 1) {
    const mid = (lo + hi) / 2;
    if (blackScholes(kind, spot, strike, years, mid, rate) < price) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Epoch ms of an expiry date's close: 15:30 IST on that IST calendar day ("YYYY-MM-DD"); NaN when not a date. */
export function expiryCloseMs(expiry: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expiry)) return NaN;
  return Date.parse(`${expiry}T00:00:00Z`) - IST_OFFSET_MS + NSE_CLOSE_MINUTE * 60_000;
}

/** Calendar days (fractional) from `ts` to the expiry's close at 15:30 IST; negative after it. */
export const daysToExpiry = (expiry: string, ts: number): number => (expiryCloseMs(expiry) - ts) / DAY_MS;

/**
 * The greeks of an option instrument (CE/PE with strike and expiry) at `ts`, with the underlying
 * at `underlying` ticks, implied volatility `iv` (annual, 0.15 = 15 %) and `rate` (annual,
 * continuous). T = days to expiry / 365. Throws RangeError for a non-option or bad inputs.
 */
export function optionGreeks(instrument: Instrument, underlying: PriceTicks, iv: number, ts: number, rate: number): Greeks {
  const kind = instrument.instrumentType;
  if ((kind !== 'CE' && kind !== 'PE') || instrument.strike === undefined || instrument.expiry === undefined)
    throw new RangeError(`${instrument.symbol} is not an option with a strike and an expiry`);
  const close = expiryCloseMs(instrument.expiry);
  if (!Number.isFinite(close)) throw new RangeError(`${instrument.symbol} has an unreadable expiry ${instrument.expiry}`);
  if (!Number.isSafeInteger(underlying) || underlying <= 0)
    throw new RangeError(`underlying must be a positive integer of ticks, got ${underlying}`);
  if (!Number.isFinite(iv) || iv < 0) throw new RangeError(`iv must be a finite number ≥ 0, got ${iv}`);
  if (!Number.isFinite(ts) || !Number.isFinite(rate)) throw new RangeError('ts and rate must be finite');
  const years = (close - ts) / DAY_MS / DAYS_PER_YEAR;
  return blackScholesGreeks(kind, underlying / PRICE_SCALE, instrument.strike / PRICE_SCALE, years, iv, rate);
}
