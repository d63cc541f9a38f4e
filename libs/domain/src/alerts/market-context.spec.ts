import { DomainError } from '../errors';
import { Atr, Bollinger, Macd, Rsi } from '../features/indicators';
import { Ema } from '../features/streaming';
import type { Candle } from '../market/candle';
import {
  buildMarketContext,
  computeIndicators,
  DEFAULT_CONTEXT_INDICATORS,
  openingRangeOf,
  sessionTimeAt,
  type MarketContextInput,
} from './market-context';
import { candle, EQUITY, ist, MONDAY, SATURDAY } from './engines.fixture';

const FIVE = 300_000;

/** n 5-minute candles from `from`, closes stepping by `step` ticks from `start`, each bar ±200 ticks around. */
function series(from: number, n: number, start = 25_000_000, step = 1_000): Candle[] {
  const out: Candle[] = [];
  for (let i = 0; i < n; i += 1) {
    const close = start + i * step + (i % 3 === 0 ? -3_000 : 2_000);
    const open = start + (i - 1) * step;
    out.push(candle(from + i * FIVE, open, Math.max(open, close) + 200, Math.min(open, close) - 200, close, 100 + i));
  }
  return out;
}

const input = (over: Partial<MarketContextInput> = {}): MarketContextInput => ({
  instrument: EQUITY,
  now: ist(MONDAY, '11:00'),
  ltp: 25_100_000,
  timeframe: '5m',
  candles: series(ist(MONDAY, '09:15'), 21),
  model: null,
  positions: { openCount: 0, exposure: 0n, symbolOpen: false },
  ...over,
});

describe('sessionTimeAt (IST)', () => {
  it.each([
    ['09:14', false, 'CLOSED', -1, 376],
    ['09:15', true, 'OPENING', 0, 375],
    ['09:44', true, 'OPENING', 29, 346],
    ['09:45', true, 'MIDDAY', 30, 345],
    ['14:59', true, 'MIDDAY', 344, 31],
    ['15:00', true, 'CLOSING', 345, 30],
    ['15:29', true, 'CLOSING', 374, 1],
    ['15:30', false, 'CLOSED', 375, 0],
  ])('%s on a Monday: open %s, phase %s', (hhmm, open, phase, since, to) => {
    const s = sessionTimeAt(ist(MONDAY, hhmm));
    expect(s).toEqual({
      istMinute: Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)),
      tradingDay: true,
      open,
      phase,
      minutesSinceOpen: since,
      minutesToClose: to,
    });
  });

  it('a Saturday is no trading day', () => {
    const s = sessionTimeAt(ist(SATURDAY, '11:00'));
    expect(s.tradingDay).toBe(false);
    expect(s.phase).toBe('CLOSED');
    expect(s.istMinute).toBe(660);
    expect(s.minutesSinceOpen).toBeNaN();
  });

  it('uses whole minutes (seconds dropped)', () => {
    expect(sessionTimeAt(ist(MONDAY, '09:44') + 59_999).phase).toBe('OPENING');
  });
});

describe('computeIndicators', () => {
  const bars = series(ist(MONDAY, '09:15'), 60);
  const rows = computeIndicators(bars);

  it('is the feature engine indicators, bar by bar', () => {
    const p = DEFAULT_CONTEXT_INDICATORS;
    const rsi = new Rsi(p.rsiPeriod);
    const macd = new Macd(p.macd.fast, p.macd.slow, p.macd.signal);
    const fast = new Ema(p.emaFast);
    const slow = new Ema(p.emaSlow);
    const atr = new Atr(p.atrPeriod);
    const bb = new Bollinger(p.bollinger.period, p.bollinger.width);
    const kcEma = new Ema(p.keltner.period);
    const kcAtr = new Atr(p.keltner.period);
    bars.forEach((b, i) => {
      const r = rows[i]!;
      expect(r.rsi).toBe(rsi.update(b.close));
      expect(r.macdHistogram).toBe(macd.update(b.close));
      expect(r.macd).toBe(macd.line);
      expect(r.macdSignal).toBe(macd.signal);
      expect(r.emaFast).toBe(fast.update(b.close));
      expect(r.emaSlow).toBe(slow.update(b.close));
      expect(r.atr).toBe(atr.update(b.high, b.low, b.close));
      bb.update(b.close);
      const m = kcEma.update(b.close);
      const a = kcAtr.update(b.high, b.low, b.close);
      expect(r.kcMiddle).toBe(m);
      expect(r.kcUpper).toBe(m + 1.5 * a);
      expect(r.kcLower).toBe(m - 1.5 * a);
      if (i + 1 >= 20) {
        expect(r.bbMiddle).toBe(bb.middle);
        expect(r.bbUpper).toBe(bb.middle + bb.halfWidth);
        expect(r.bbLower).toBe(bb.middle - bb.halfWidth);
        expect(r.bbBandwidth).toBeCloseTo((2 * bb.halfWidth) / bb.middle, 12);
      }
    });
  });

  it('is NaN until each warm-up is over', () => {
    expect(rows[13]!.rsi).toBeNaN();
    expect(rows[14]!.rsi).not.toBeNaN();
    expect(rows[18]!.bbUpper).toBeNaN();
    expect(rows[19]!.bbUpper).not.toBeNaN();
    expect(rows[32]!.macdHistogram).toBeNaN();
    expect(rows[33]!.macdHistogram).not.toBeNaN();
    expect(rows[19]!.kcUpper).toBeNaN();
    expect(rows[20]!.kcUpper).not.toBeNaN();
  });

  it('is empty for no candles', () => expect(computeIndicators([])).toEqual([]));
});

describe('openingRangeOf', () => {
  const open = ist(MONDAY, '09:15');
  const bars = [
    candle(open, 100, 130, 95, 120),
    candle(open + FIVE, 120, 150, 110, 140),
    candle(open + 2 * FIVE, 140, 145, 90, 100),
    candle(open + 3 * FIVE, 100, 400, 10, 200),
  ];

  it('is the high and low of the first 15 minutes, complete once they are over', () => {
    expect(openingRangeOf(bars, '5m', ist(MONDAY, '09:30'), 15)).toEqual({
      high: 150,
      low: 90,
      from: open,
      to: ist(MONDAY, '09:30'),
      complete: true,
    });
  });

  it('is incomplete (and only from closed candles) while the window runs', () => {
    expect(openingRangeOf(bars, '5m', ist(MONDAY, '09:29'), 15)).toEqual({
      high: 150,
      low: 95,
      from: open,
      to: ist(MONDAY, '09:30'),
      complete: false,
    });
  });

  it('is incomplete when a candle of the window is missing', () => {
    expect(openingRangeOf([bars[0]!, bars[2]!], '5m', ist(MONDAY, '10:00'), 15)?.complete).toBe(false);
  });

  it('honours the window length', () => {
    expect(openingRangeOf(bars, '5m', ist(MONDAY, '10:00'), 5)).toMatchObject({ high: 130, low: 95, complete: true });
    expect(openingRangeOf(bars, '5m', ist(MONDAY, '10:00'), 20)).toMatchObject({ high: 400, low: 10, complete: true });
  });

  it('is null on a weekend, with no candle of today, or with a timeframe coarser than the window', () => {
    expect(openingRangeOf(bars, '5m', ist(SATURDAY, '10:00'), 15)).toBeNull();
    expect(openingRangeOf(bars, '5m', ist('2026-12-08', '10:00'), 15)).toBeNull();
    expect(openingRangeOf(bars, '1h', ist(MONDAY, '11:00'), 15)).toBeNull();
    expect(openingRangeOf([], '5m', ist(MONDAY, '10:00'), 15)).toBeNull();
  });
});

describe('buildMarketContext', () => {
  it('keeps closed candles only, the last N with their indicators', () => {
    const now = ist(MONDAY, '11:00');
    const bars = series(ist(MONDAY, '09:15'), 22); // the 22nd starts at 11:00: still forming
    const c = buildMarketContext(input({ now, candles: bars, keep: 5 }));
    expect(c.candles).toEqual(bars.slice(16, 21));
    expect(c.indicators).toEqual(computeIndicators(bars.slice(0, 21)).slice(16));
    expect(c.ltp).toBe(25_100_000);
    expect(c.session.phase).toBe('MIDDAY');
    expect(c.openingRange).toMatchObject({ complete: true, from: ist(MONDAY, '09:15') });
    expect(c.positions).toEqual({ openCount: 0, exposure: 0n, symbolOpen: false });
  });

  it('keeps 50 by default and fewer when fewer closed', () => {
    const many = series(ist(MONDAY, '09:15') - 100 * FIVE, 120);
    expect(buildMarketContext(input({ candles: many })).candles).toHaveLength(50);
    expect(buildMarketContext(input({ candles: many.slice(0, 3) })).candles).toHaveLength(3);
    expect(buildMarketContext(input({ candles: [] })).indicators).toEqual([]);
  });

  it('rolls closed higher-timeframe candles up from the candles (5m → 15m by default)', () => {
    const now = ist(MONDAY, '10:05');
    const bars = series(ist(MONDAY, '09:15'), 10); // 09:15 … 10:00 closed at 10:05
    const c = buildMarketContext(input({ now, candles: bars }));
    expect(c.higherTimeframe).toBe('15m');
    // 09:15, 09:30, 09:45 are whole; 10:00 is not closed at 10:05.
    expect(c.higherCandles.map((h) => h.ts)).toEqual([ist(MONDAY, '09:15'), ist(MONDAY, '09:30'), ist(MONDAY, '09:45')]);
    expect(c.higherCandles[0]).toEqual({
      ts: bars[0]!.ts,
      open: bars[0]!.open,
      high: Math.max(bars[0]!.high, bars[1]!.high, bars[2]!.high),
      low: Math.min(bars[0]!.low, bars[1]!.low, bars[2]!.low),
      close: bars[2]!.close,
      volume: bars[0]!.volume + bars[1]!.volume + bars[2]!.volume,
    });
  });

  it.each([
    ['1m', '5m'],
    ['15m', '1h'],
    ['1h', '1d'],
    ['1d', null],
  ] as const)('the higher timeframe of %s is %s', (tf, higher) => {
    expect(buildMarketContext(input({ timeframe: tf, candles: [] })).higherTimeframe).toBe(higher);
  });

  it('takes an explicit higher timeframe or none', () => {
    expect(buildMarketContext(input({ higherTimeframe: '1h' })).higherTimeframe).toBe('1h');
    const none = buildMarketContext(input({ higherTimeframe: null }));
    expect(none.higherTimeframe).toBeNull();
    expect(none.higherCandles).toEqual([]);
  });

  const fieldOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      return (e as DomainError).options.fieldErrors?.[0]?.field;
    }
    return undefined;
  };
  const t0 = ist(MONDAY, '09:15');

  it.each([
    ['candles out of order', { candles: [candle(t0 + FIVE, 10, 10, 10, 10), candle(t0, 10, 10, 10, 10)] }, 'candles[1].ts'],
    ['a repeated candle time', { candles: [candle(t0, 10, 10, 10, 10), candle(t0, 10, 10, 10, 10)] }, 'candles[1].ts'],
    ['a zero price', { candles: [candle(t0, 0, 10, 0, 10)] }, 'candles[0]'],
    ['a fractional price', { candles: [candle(t0, 10.5, 11, 10, 10)] }, 'candles[0]'],
    ['a NaN price', { candles: [candle(t0, 10, NaN, 10, 10)] }, 'candles[0]'],
    ['low above the open', { candles: [candle(t0, 10, 12, 11, 12)] }, 'candles[0]'],
    ['high below the close', { candles: [candle(t0, 10, 11, 9, 12)] }, 'candles[0]'],
    ['a negative volume', { candles: [candle(t0, 10, 10, 10, 10, -1)] }, 'candles[0].volume'],
    ['a non-integer LTP', { ltp: 1.5 }, 'ltp'],
    ['a zero LTP', { ltp: 0 }, 'ltp'],
    ['a NaN now', { now: NaN }, 'now'],
    ['keep 0', { keep: 0 }, 'keep'],
    ['an opening range of 0 minutes', { openingRangeMinutes: 0 }, 'openingRangeMinutes'],
    ['an opening range longer than the session', { openingRangeMinutes: 376 }, 'openingRangeMinutes'],
    ['a higher timeframe not coarser', { higherTimeframe: '5m' }, 'higherTimeframe'],
  ] as [string, Partial<MarketContextInput>, string][])('refuses %s', (_name, over, field) => {
    expect(fieldOf(() => buildMarketContext(input(over)))).toBe(field);
  });

  it('accepts a flat candle (all four prices equal) and the full session as the opening range', () => {
    expect(buildMarketContext(input({ candles: [candle(t0, 10, 10, 10, 10)], openingRangeMinutes: 375 })).candles).toHaveLength(1);
  });
});
