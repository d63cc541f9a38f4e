import type { Quantity } from '../units';
import type { PriceTicks } from './price';

export const INSTRUMENT_TYPES = ['EQ', 'INDEX', 'FUT', 'CE', 'PE'] as const;
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];
/** NSE cash and indices; NFO derivatives (Kite's segments, docs/brokers.md 1.2). */
export const EXCHANGES = ['NSE', 'NFO'] as const;
export type Exchange = (typeof EXCHANGES)[number];

export interface Instrument {
  symbol: string;
  exchange: Exchange;
  name: string;
  instrumentType: InstrumentType;
  /** Orders must be a multiple of this many units. */
  lotSize: Quantity;
  tickSize: PriceTicks;
  /** Expiry date (IST calendar day, YYYY-MM-DD) for derivatives. */
  expiry?: string;
  strike?: PriceTicks;
  underlying?: string;
  /**
   * `false` once an instrument master deactivated it (expired or delisted; docs/brokers.md 6): old
   * orders keep reading it, new orders are refused. Absent means active.
   */
  active?: false;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
// Weekly option month codes: 1–9 for Jan–Sep, O/N/D for Oct–Dec (docs/brokers.md 1.7).
const WEEKLY_MONTH = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'O', 'N', 'D'];

const parts = (isoDate: string) => {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return { yy: String(y % 100).padStart(2, '0'), m, dd: String(d).padStart(2, '0') };
};
// Strikes print in rupees without trailing zeros: 24350, 292.5 (docs/brokers.md 1.7, 3.7).
const strikeText = (strike: PriceTicks) => String(strike / 10_000);

/** `NIFTY26NOVFUT`: monthly future, Kite style. */
export function futureSymbol(underlying: string, expiry: string): string {
  const { yy, m } = parts(expiry);
  return `${underlying}${yy}${MONTHS[m - 1]}FUT`;
}

/**
 * `NIFTY26NOV24350CE` for a monthly expiry, `NIFTY26N2424350CE` for a weekly one
 * (`<U><YY><M><DD><STRIKE><CE|PE>`, M = 1–9, O, N, D).
 */
export function optionSymbol(underlying: string, expiry: string, strike: PriceTicks, type: 'CE' | 'PE', monthly: boolean): string {
  const { yy, m, dd } = parts(expiry);
  const when = monthly ? `${yy}${MONTHS[m - 1]}` : `${yy}${WEEKLY_MONTH[m - 1]}${dd}`;
  return `${underlying}${when}${strikeText(strike)}${type}`;
}

/** Tuesdays (NSE index derivative expiry day) from `from` (inclusive), as YYYY-MM-DD. */
export function nextTuesdays(from: Date, count: number): string[] {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  const out: string[] = [];
  while (out.length < count) {
    if (d.getUTCDay() === 2) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** The last Tuesday of the month containing `isoDate` (monthly expiry). */
export function lastTuesdayOfMonth(year: number, month1: number): string {
  const d = new Date(Date.UTC(year, month1, 0)); // last day of the month
  while (d.getUTCDay() !== 2) d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
