import { DomainError } from '../errors';
import { FEATURE_SET_V1 } from '../features/feature-set';
import { Atr, Bollinger, Macd, Rsi } from '../features/indicators';
import { Ema } from '../features/streaming';
import { aggregateCandles } from '../market/aggregate-candles';
import type { Candle } from '../market/candle';
import type { Instrument } from '../market/instruments';
import type { PriceTicks } from '../market/price';
import { isNseOpen, istDayStart, NSE_CLOSE_MINUTE, NSE_OPEN_MINUTE, sessionOf } from '../market/simulation/nse-session';
import { TIMEFRAME_MS, type Timeframe } from '../market/timeframes';
import type { Paise } from '../money';
import type { SignalThresholds } from '../signals/signal-rule';

/**
 * The one snapshot of the market both decision engines read (docs/alerts.md, "Engines"): built
 * once per delivery by {@link buildMarketContext}, then engine A and engine B are pure functions of
 * (alert, context, config). Prices are integer ticks; indicators are computed on tick values by
 * the feature engine's indicator classes (one implementation of each indicator).
 */

/** Periods of the indicators in the context; the defaults are the feature set's (FEATURE_SET_V1). */
export interface ContextIndicatorParams {
  readonly rsiPeriod: number;
  readonly macd: { readonly fast: number; readonly slow: number; readonly signal: number };
  readonly emaFast: number;
  readonly emaSlow: number;
  readonly atrPeriod: number;
  readonly bollinger: { readonly period: number; readonly width: number };
  /** Keltner channel: EMA(period) of the close ± multiplier × ATR(period). */
  readonly keltner: { readonly period: number; readonly multiplier: number };
}

const V1 = FEATURE_SET_V1.params;
export const DEFAULT_CONTEXT_INDICATORS: ContextIndicatorParams = Object.freeze({
  rsiPeriod: V1.rsiPeriod,
  macd: V1.macd,
  emaFast: V1.emaRatio.fast,
  emaSlow: V1.emaRatio.slow,
  atrPeriod: V1.atrPeriod,
  bollinger: V1.bollinger,
  keltner: { period: 20, multiplier: 1.5 },
});

/** Indicator values at one closed candle, in ticks where they are prices; NaN while undefined. */
export interface CandleIndicators {
  readonly rsi: number;
  readonly macd: number;
  readonly macdSignal: number;
  readonly macdHistogram: number;
  readonly emaFast: number;
  readonly emaSlow: number;
  readonly atr: number;
  readonly bbMiddle: number;
  readonly bbUpper: number;
  readonly bbLower: number;
  /** (upper − lower) / middle. */
  readonly bbBandwidth: number;
  readonly kcMiddle: number;
  readonly kcUpper: number;
  readonly kcLower: number;
}

export type SessionPhase = 'CLOSED' | 'OPENING' | 'MIDDAY' | 'CLOSING';
/** The first and last this many minutes of the NSE session are its OPENING and CLOSING phases. */
export const SESSION_EDGE_MINUTES = 30;

export interface SessionTime {
  /** Whole minutes since IST midnight (0 … 1439). */
  readonly istMinute: number;
  /** Monday to Friday (holidays are not modelled, as in nse-session.ts). */
  readonly tradingDay: boolean;
  /** Inside 09:15–15:30 IST on a trading day. */
  readonly open: boolean;
  readonly phase: SessionPhase;
  /** Minutes since 09:15 IST (negative before it); NaN on a non-trading day. */
  readonly minutesSinceOpen: number;
  /** Minutes until 15:30 IST (negative after it); NaN on a non-trading day. */
  readonly minutesToClose: number;
}

export interface OpeningRange {
  readonly high: PriceTicks;
  readonly low: PriceTicks;
  /** Session open (epoch ms) and the end of the range window. */
  readonly from: number;
  readonly to: number;
  /** Whether the window is over and every candle of it is present. */
  readonly complete: boolean;
}

/** The production model's score for the symbol at the last closed bar, with the card's thresholds. */
export interface ContextModelScore {
  readonly score: number;
  readonly thresholds: SignalThresholds;
}

/** The user's book as the limits see it. */
export interface ContextPositions {
  /** Open positions across symbols. */
  readonly openCount: number;
  /** Gross exposure of the open positions (Σ |net quantity| × LTP), paise. */
  readonly exposure: Paise;
  /** Whether the user already holds an open position in this symbol. */
  readonly symbolOpen: boolean;
}

export interface MarketContext {
  readonly instrument: Instrument;
  /** When the context was taken (epoch ms). */
  readonly now: number;
  readonly ltp: PriceTicks;
  readonly timeframe: Timeframe;
  /** The last N closed candles of `timeframe`, oldest first. */
  readonly candles: readonly Candle[];
  /** Indicators at each of `candles` (same index), computed over all the closed candles given. */
  readonly indicators: readonly CandleIndicators[];
  readonly higherTimeframe: Timeframe | null;
  /** Closed candles of the higher timeframe rolled up from the input, oldest first (last N). */
  readonly higherCandles: readonly Candle[];
  /** Today's opening range, or null when no candle of it is known (or the timeframe is coarser). */
  readonly openingRange: OpeningRange | null;
  readonly session: SessionTime;
  readonly model: ContextModelScore | null;
  readonly positions: ContextPositions;
}

export interface MarketContextInput {
  readonly instrument: Instrument;
  readonly now: number;
  readonly ltp: PriceTicks;
  readonly timeframe: Timeframe;
  /** Candles of `timeframe`, oldest first; the one still forming at `now` (if any) is dropped. More history warms the indicators. */
  readonly candles: readonly Candle[];
  readonly model: ContextModelScore | null;
  readonly positions: ContextPositions;
  /** How many closed candles the context keeps (default 50). */
  readonly keep?: number;
  /** Minutes from the session open that make the opening range (default 15). */
  readonly openingRangeMinutes?: number;
  /** Default: the next coarser timeframe (1m→5m, 5m→15m, 15m→1h, 1h→1d; none above 1d). */
  readonly higherTimeframe?: Timeframe | null;
  readonly indicatorParams?: ContextIndicatorParams;
}

export const DEFAULT_CONTEXT_KEEP = 50;
export const DEFAULT_OPENING_RANGE_MINUTES = 15;
const NEXT_TIMEFRAME: Record<Timeframe, Timeframe | null> = { '1m': '5m', '5m': '15m', '15m': '1h', '1h': '1d', '1d': null };

/** The IST session time at `ts`. */
export function sessionTimeAt(ts: number): SessionTime {
  const istMinute = Math.floor((ts - istDayStart(ts)) / 60_000);
  const s = sessionOf(ts);
  if (s === null) return { istMinute, tradingDay: false, open: false, phase: 'CLOSED', minutesSinceOpen: NaN, minutesToClose: NaN };
  const minutesSinceOpen = istMinute - NSE_OPEN_MINUTE;
  const minutesToClose = NSE_CLOSE_MINUTE - istMinute;
  const open = isNseOpen(ts);
  const phase: SessionPhase = !open
    ? 'CLOSED'
    : minutesSinceOpen < SESSION_EDGE_MINUTES
      ? 'OPENING'
      : minutesToClose <= SESSION_EDGE_MINUTES
        ? 'CLOSING'
        : 'MIDDAY';
  return { istMinute, tradingDay: true, open, phase, minutesSinceOpen, minutesToClose };
}

/**
 * Indicators at every candle, oldest first: RSI, MACD, EMA fast/slow, ATR (Wilder), Bollinger
 * (SMA ± width σ) and Keltner (EMA ± multiplier × ATR), each NaN until its warm-up is over.
 */
export function computeIndicators(candles: readonly Candle[], p: ContextIndicatorParams = DEFAULT_CONTEXT_INDICATORS): CandleIndicators[] {
  const rsi = new Rsi(p.rsiPeriod);
  const macd = new Macd(p.macd.fast, p.macd.slow, p.macd.signal);
  const emaFast = new Ema(p.emaFast);
  const emaSlow = new Ema(p.emaSlow);
  const atr = new Atr(p.atrPeriod);
  const bb = new Bollinger(p.bollinger.period, p.bollinger.width);
  const kcEma = new Ema(p.keltner.period);
  const kcAtr = new Atr(p.keltner.period);
  const out: CandleIndicators[] = [];
  for (let i = 0; i < candles.length; i += 1) {
    const c = candles[i]!;
    rsi.update(c.close);
    macd.update(c.close);
    atr.update(c.high, c.low, c.close);
    bb.update(c.close);
    const bbFull = i + 1 >= p.bollinger.period;
    const bbMiddle = bbFull ? bb.middle : NaN;
    const half = bbFull ? bb.halfWidth : NaN;
    const kcMiddle = kcEma.update(c.close);
    const kcHalf = p.keltner.multiplier * kcAtr.update(c.high, c.low, c.close);
    out.push({
      rsi: rsi.value,
      macd: macd.line,
      macdSignal: macd.signal,
      macdHistogram: macd.histogram,
      emaFast: emaFast.update(c.close),
      emaSlow: emaSlow.update(c.close),
      atr: atr.value,
      bbMiddle,
      bbUpper: bbMiddle + half,
      bbLower: bbMiddle - half,
      bbBandwidth: (2 * half) / bbMiddle,
      kcMiddle,
      kcUpper: kcMiddle + kcHalf,
      kcLower: kcMiddle - kcHalf,
    });
  }
  return out;
}

/** Today's opening range from closed candles of `timeframe` (oldest first); see {@link OpeningRange}. */
export function openingRangeOf(candles: readonly Candle[], timeframe: Timeframe, now: number, minutes: number): OpeningRange | null {
  const session = sessionOf(now);
  const size = TIMEFRAME_MS[timeframe];
  const windowMs = minutes * 60_000;
  if (session === null || size > windowMs) return null;
  const from = session.open;
  const to = from + windowMs;
  let high = -Infinity;
  let low = Infinity;
  let covered = 0;
  for (const c of candles) {
    if (c.ts < from || c.ts + size > to || c.ts + size > now) continue;
    if (c.high > high) high = c.high;
    if (c.low < low) low = c.low;
    covered += size;
  }
  if (covered === 0) return null;
  return { high, low, from, to, complete: now >= to && covered === windowMs };
}

function invalid(message: string, field: string): never {
  throw new DomainError('VALIDATION_FAILED', message, { fieldErrors: [{ field, message }] });
}

/**
 * Builds the context from candles and the caller's reads (LTP, model score, positions). Candles
 * must be in strictly increasing time, each with positive integer prices (low ≤ open, close ≤
 * high); only candles closed by `now` are used. Throws VALIDATION_FAILED naming the field
 * otherwise: the caller's data is broken, not the alert.
 */
export function buildMarketContext(input: MarketContextInput): MarketContext {
  const { now, timeframe } = input;
  if (!Number.isFinite(now)) invalid('now must be a finite epoch ms', 'now');
  if (!Number.isSafeInteger(input.ltp) || input.ltp <= 0) invalid('ltp must be a positive integer of ticks', 'ltp');
  const keep = input.keep ?? DEFAULT_CONTEXT_KEEP;
  if (!Number.isSafeInteger(keep) || keep < 1) invalid('keep must be a positive integer', 'keep');
  const orMinutes = input.openingRangeMinutes ?? DEFAULT_OPENING_RANGE_MINUTES;
  if (!Number.isSafeInteger(orMinutes) || orMinutes < 1 || orMinutes > NSE_CLOSE_MINUTE - NSE_OPEN_MINUTE)
    invalid('openingRangeMinutes must be a whole number of minutes within the session', 'openingRangeMinutes');
  const size = TIMEFRAME_MS[timeframe];
  const closed: Candle[] = [];
  let lastTs = -Infinity;
  for (let i = 0; i < input.candles.length; i += 1) {
    const c = input.candles[i]!;
    const prices = [c.open, c.high, c.low, c.close];
    if (!(c.ts > lastTs) || !Number.isFinite(c.ts)) invalid(`candles[${i}] is not after the one before it`, `candles[${i}].ts`);
    if (!prices.every((p) => Number.isSafeInteger(p) && p > 0) || c.low > Math.min(c.open, c.close) || c.high < Math.max(c.open, c.close))
      invalid(`candles[${i}] needs positive integer prices with low ≤ open, close ≤ high`, `candles[${i}]`);
    if (!(Number.isFinite(c.volume) && c.volume >= 0)) invalid(`candles[${i}] needs a finite volume ≥ 0`, `candles[${i}].volume`);
    lastTs = c.ts;
    if (c.ts + size <= now) closed.push(c);
  }
  const indicators = computeIndicators(closed, input.indicatorParams ?? DEFAULT_CONTEXT_INDICATORS);
  const start = Math.max(0, closed.length - keep);
  const higherTimeframe = input.higherTimeframe === undefined ? NEXT_TIMEFRAME[timeframe] : input.higherTimeframe;
  let higherCandles: Candle[] = [];
  if (higherTimeframe !== null) {
    const hSize = TIMEFRAME_MS[higherTimeframe];
    if (hSize <= size) invalid('higherTimeframe must be coarser than timeframe', 'higherTimeframe');
    higherCandles = aggregateCandles(closed, higherTimeframe).filter((c) => c.ts + hSize <= now);
    higherCandles = higherCandles.slice(Math.max(0, higherCandles.length - keep));
  }
  return {
    instrument: input.instrument,
    now,
    ltp: input.ltp,
    timeframe,
    candles: closed.slice(start),
    indicators: indicators.slice(start),
    higherTimeframe,
    higherCandles,
    openingRange: openingRangeOf(closed, timeframe, now, orMinutes),
    session: sessionTimeAt(now),
    model: input.model,
    positions: input.positions,
  };
}
