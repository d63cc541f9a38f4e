import type { Instrument } from '../instruments';
import type { PriceTicks } from '../price';
import { blackScholes } from './black-scholes';
import { previousSessionClose } from './nse-session';

/**
 * The simulated market's model of index derivatives, in one place so that every price of a future
 * or an option — the live tick, the previous close a quote's day change is measured against, and
 * the history a chart shows — comes from the same formula: futures are the index carried to expiry
 * at RISK_FREE_RATE, options are Black–Scholes on the index with a smile.
 */

export const RISK_FREE_RATE = 0.065;
const SECONDS_PER_YEAR = 365 * 86_400;

/** Per index: its own annualised volatility and the implied volatility of its options at the money. */
export const INDEX_VOLATILITY: Readonly<Record<string, { annualVol: number; atmIv: number }>> = {
  NIFTY: { annualVol: 0.13, atmIv: 0.12 },
  BANKNIFTY: { annualVol: 0.17, atmIv: 0.15 },
};

/** The at-the-money implied volatility of options on `underlying` (NIFTY's for an index the model does not know). */
export const atmIvOf = (underlying: string | undefined): number => (INDEX_VOLATILITY[underlying ?? ''] ?? INDEX_VOLATILITY['NIFTY']!).atmIv;

/** 15:30 IST on the expiry date (YYYY-MM-DD), epoch ms: when a contract stops trading. */
export const expiryCloseAt = (expiry: string): number => Date.parse(`${expiry}T10:00:00Z`);

/** Years from `ts` to the expiry's close (negative after it). */
export const yearsToExpiry = (expiry: string, ts: number): number => (expiryCloseAt(expiry) - ts) / 1000 / SECONDS_PER_YEAR;

/** A future or an option on an underlying, with what pricing it needs (an expiry; a strike for an option). */
export const isDerivative = (i: Instrument): boolean =>
  i.underlying !== undefined &&
  i.expiry !== undefined &&
  (i.instrumentType === 'FUT' || ((i.instrumentType === 'CE' || i.instrumentType === 'PE') && i.strike !== undefined));

/**
 * Implied volatility at `strike` with the index at `spot`: puts below spot and far strikes trade
 * richer (the smile); `volRatio` is the index's current volatility over its long-run level (the
 * smile's level follows it as √ratio; 1 = the long-run level). Never below 3 %.
 */
export function smileIv(atmIv: number, volRatio: number, spot: number, strike: number): number {
  const m = Math.log(strike / spot);
  return Math.max(0.03, atmIv * Math.sqrt(volRatio) * (1 + 2.5 * m * m - 0.6 * m));
}

/**
 * Fair value (ticks, not yet on the tick size) of a future or option with its underlying at
 * `spot` (ticks) at wall time `ts`. Past expiry an option is worth its intrinsic value and a
 * future the index.
 */
export function derivativeValue(instrument: Instrument, spot: number, ts: number, volRatio = 1): number {
  const years = yearsToExpiry(instrument.expiry!, ts);
  if (instrument.instrumentType === 'FUT') return spot * Math.exp(RISK_FREE_RATE * Math.max(0, years));
  if (instrument.instrumentType !== 'CE' && instrument.instrumentType !== 'PE')
    throw new RangeError(`${instrument.symbol} is not a future or an option`);
  const strike = instrument.strike!;
  const iv = smileIv(atmIvOf(instrument.underlying), volRatio, spot, strike);
  return blackScholes(instrument.instrumentType, spot, strike, years, iv, RISK_FREE_RATE);
}

/** A model value on the instrument's tick size: the nearest tick, at least one tick (nothing trades at zero). */
export const onTickSize = (value: number, tickSize: PriceTicks): PriceTicks => Math.max(tickSize, Math.round(value / tickSize) * tickSize);

/**
 * The previous close of a future or option as the model prices it: its value with the underlying
 * at the underlying's previous close, at the time of that close (15:30 IST of the previous
 * session, so the time to expiry is as of then), at the long-run implied volatility.
 */
export function derivativePreviousClose(instrument: Instrument, underlyingPrevClose: PriceTicks, ts: number): PriceTicks {
  return onTickSize(derivativeValue(instrument, underlyingPrevClose, previousSessionClose(ts)), instrument.tickSize);
}

/**
 * How much a derivative trades, by the model: a print weight (how often the live feed picks it),
 * its quoted spread and its average units per session. Options trade most at the money and fade
 * with the distance of the strike from `spot` (in ~0.25 % steps); futures by expiry rank (0 = the
 * near month, where the liquidity is).
 */
export function derivativeLiquidity(
  instrument: Instrument,
  spot: number,
  futureRank = 0,
): { weight: number; spreadBps: number; unitsPerDay: number } {
  const lot = instrument.lotSize;
  if (instrument.instrumentType === 'FUT') {
    const share = futureRank === 0 ? 1 : futureRank === 1 ? 0.1 : 0.02;
    return { weight: futureRank === 0 ? 6 : futureRank === 1 ? 1.5 : 0.5, spreadBps: 1, unitsPerDay: 100_000 * lot * share };
  }
  const distance = Math.abs(Math.log(instrument.strike! / spot)) / 0.0025;
  const nearness = Math.exp(-distance / 6);
  return { weight: 2 * nearness + 0.02, spreadBps: 40, unitsPerDay: 400_000 * lot * nearness };
}
