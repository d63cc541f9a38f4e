import type { Instrument } from '../instruments';
import { emptyColumns, mergeCandleColumns, sliceColumns, type CandleColumns } from '../candle-chunks';
import { TIMEFRAME_MS, type Timeframe } from '../timeframes';
import { derivativeLiquidity, derivativeValue, expiryCloseAt, isDerivative, onTickSize } from './derivative-model';
import { intradayIntensity, sessionOf, SESSION_SECONDS } from './nse-session';
import { hash32 } from './random';

export interface DeriveCandlesOptions {
  /** A future's rank among its underlying's by expiry (0 = the near month): how much it trades. */
  futureRank?: number;
}

/**
 * The history of a future or option as the simulated market's model prices it, bar for bar from
 * its underlying's bars of the same timeframe (derivative-model.ts, the formula the live ticks and
 * the previous close use):
 *
 * - each bar spans the underlying bar's time, clipped to the NSE session it falls in (a daily bar
 *   opens at 09:15 and closes at 15:30) and to the contract's expiry (15:30 IST on its date);
 * - open = the model at the underlying's open at the span's start, close = at its close at the
 *   span's end; the underlying's high and low are priced at the span's middle, and the bar's high
 *   and low are the extremes of the four (a put is dearest at the underlying's low);
 * - every price on the instrument's tick size, at least one tick, at the long-run implied volatility;
 * - volume in whole lots: the model's units per session for the contract (at the money, near month
 *   trade most) over the span, shaped by the intraday profile, with a fixed pseudo-random spread
 *   per (symbol, bar) so it reads like a market and is the same at every read.
 *
 * Bars from the contract's expiry close on are left out (it no longer trades). Pure and
 * deterministic: the same underlying bars give the same bars.
 */
export function deriveCandles(
  instrument: Instrument,
  underlying: CandleColumns,
  timeframe: Timeframe,
  opts: DeriveCandlesOptions = {},
): CandleColumns {
  if (!isDerivative(instrument)) throw new RangeError(`${instrument.symbol} is not a future or an option on an underlying`);
  const expiresAt = expiryCloseAt(instrument.expiry!);
  const size = TIMEFRAME_MS[timeframe];
  const tick = instrument.tickSize;
  const lot = Math.max(1, instrument.lotSize);
  const salt = hash32(instrument.symbol);
  const out = emptyColumns(underlying.length);
  let n = 0;
  for (let i = 0; i < underlying.length; i += 1) {
    const ts = underlying.ts[i]!;
    if (ts >= expiresAt) break;
    let from = ts;
    let to = ts + size;
    const s = sessionOf(ts);
    if (s) {
      if (s.open > from && s.open < to) from = s.open;
      if (s.close > from && s.close < to) to = s.close;
    }
    to = Math.min(to, expiresAt);
    const mid = (from + to) / 2;
    const value = (spot: number, at: number) => derivativeValue(instrument, spot, at);
    const open = value(underlying.open[i]!, from);
    const close = value(underlying.close[i]!, to);
    const atHigh = value(underlying.high[i]!, mid);
    const atLow = value(underlying.low[i]!, mid);
    out.ts[n] = ts;
    out.open[n] = onTickSize(open, tick);
    out.close[n] = onTickSize(close, tick);
    out.high[n] = onTickSize(Math.max(open, close, atHigh, atLow), tick);
    out.low[n] = onTickSize(Math.min(open, close, atHigh, atLow), tick);
    const perSecond = derivativeLiquidity(instrument, underlying.close[i]!, opts.futureRank ?? 0).unitsPerDay / SESSION_SECONDS;
    const expected = perSecond * ((to - from) / 1000) * intradayIntensity(mid) * spread(salt, ts);
    out.volume[n] = Math.max(1, Math.round(expected / lot)) * lot;
    n += 1;
  }
  return n === out.length ? out : sliceColumns(out, 0, n);
}

/**
 * A contract's series with derived history before it: the derived bars strictly before
 * `firstStored` (the contract's own first stored bar; null: it has none) followed by its stored
 * bars, which are the record from then on (the live feed's). With `limit`, the latest `limit` bars.
 */
export function withDerivedHistory(
  stored: CandleColumns,
  derived: CandleColumns,
  firstStored: number | null,
  limit?: number,
): CandleColumns {
  const before = firstStored ?? Number.POSITIVE_INFINITY;
  let cut = 0;
  while (cut < derived.length && derived.ts[cut]! < before) cut += 1;
  const merged = mergeCandleColumns([sliceColumns(derived, 0, cut)], stored, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  return limit !== undefined && merged.length > limit ? sliceColumns(merged, merged.length - limit, merged.length) : merged;
}

/**
 * A lognormal factor with mean ≈ 1 (σ 0.5), fixed per (symbol, bar): two uniforms from an integer
 * hash of the pair, through Box–Muller.
 */
function spread(salt: number, ts: number): number {
  const a = mix(salt ^ Math.floor(ts / 1000));
  const b = mix(a ^ 0x9e3779b9);
  const u1 = (a + 1) / 4_294_967_297;
  const u2 = b / 4_294_967_296;
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.exp(0.5 * z - 0.125);
}

/** A 32-bit integer mixer (the finaliser of MurmurHash3). */
function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
