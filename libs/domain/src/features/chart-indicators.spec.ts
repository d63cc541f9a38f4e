// The chart's indicators: hand-worked cases, edge cases, the IST day anchor of the VWAP, and
// cross-checks against technicalindicators (an independent implementation) and naive formulas.
import fc from 'fast-check';
import { EMA, RSI, SMA, VWAP } from 'technicalindicators';
import type { Candle } from '../market/candle';
import {
  CHART_INDICATORS,
  chartIndicatorSeries,
  chartIndicatorText,
  emaSeries,
  indicatorBarOf,
  rsiSeries,
  SessionVwap,
  smaSeries,
  vwapSeries,
  type IndicatorBar,
} from './chart-indicators';
import { constantBars, randomBars } from './series.fixture';

const defined = (xs: number[]): number[] => xs.filter((x) => !Number.isNaN(x));
const closes = (bars: readonly Candle[]) => bars.map((b) => b.close);

function expectClose(ours: number[], theirs: number[], relTol: number, absTol = 0): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < ours.length; i += 1) {
    const tol = Math.max(absTol, relTol * Math.abs(theirs[i]!));
    if (!(Math.abs(ours[i]! - theirs[i]!) <= tol)) throw new Error(`index ${i}: ours ${ours[i]} vs theirs ${theirs[i]} (tolerance ${tol})`);
  }
}

/** A minute bar at IST wall time `hh:mm` of 2026-11-23 (a Monday), plus `days`. */
const istMinute = (hh: number, mm: number, days = 0) => Date.UTC(2026, 10, 23 + days, hh, mm) - 19_800_000;
const bar = (ts: number, high: number, low: number, close: number, volume: number): IndicatorBar => ({ ts, high, low, close, volume });

const SERIES: [string, Candle[]][] = [
  ['random walk', randomBars(1_200, { seed: 11 })],
  ['volatile walk with gaps', randomBars(1_200, { seed: 12, sigma: 0.02, gapChance: 0.05 })],
  ['small prices', randomBars(600, { seed: 13, start: 500, sigma: 0.01 })],
  ['large prices', randomBars(600, { seed: 14, start: 90_000_000_000 })],
];

describe('smaSeries', () => {
  it('is the mean of the last n values, NaN before n', () => {
    expect(smaSeries([1, 2, 3, 4, 5, 6], 3)).toEqual([NaN, NaN, 2, 3, 4, 5]);
    expect(smaSeries([10, 20], 1)).toEqual([10, 20]);
    expect(smaSeries([], 20)).toEqual([]);
    expect(smaSeries([1, 2], 3)).toEqual([NaN, NaN]);
  });

  it('is exact on a constant window, even after large values left it', () => {
    const xs = [9e10, 1, 7, 25_000_000, 25_000_000, 25_000_000];
    expect(smaSeries(xs, 3).at(-1)).toBe(25_000_000);
  });

  it('refuses a period that is not a positive integer', () => {
    for (const p of [0, -1, 1.5, Number.NaN]) expect(() => smaSeries([1], p)).toThrow(RangeError);
  });

  it.each(SERIES)('agrees with a two-pass mean and with technicalindicators — %s', (_n, bars) => {
    const c = closes(bars);
    for (const period of [5, 20, 50]) {
      const ours = smaSeries(c, period);
      expect(ours.slice(0, period - 1).every(Number.isNaN)).toBe(true);
      const naive = c.slice(period - 1).map((_, j) => c.slice(j, j + period).reduce((a, b) => a + b, 0) / period);
      expectClose(defined(ours), naive, 1e-12);
      expectClose(defined(ours), SMA.calculate({ period, values: c }), 1e-12);
    }
  });
});

describe('emaSeries', () => {
  it('seeds with the SMA of the first n values, then smooths with 2 / (n + 1)', () => {
    // alpha 0.5: 2 → (4 − 2) × 0.5 + 2 = 3 → (5 − 3) × 0.5 + 3 = 4 → (1 − 4) × 0.5 + 4 = 2.5
    expect(emaSeries([1, 2, 3, 4, 5, 1], 3)).toEqual([NaN, NaN, 2, 3, 4, 2.5]);
    expect(emaSeries([], 20)).toEqual([]);
    expect(() => emaSeries([1], 0)).toThrow(RangeError);
  });

  it('stays on a constant series', () => {
    expect(defined(emaSeries(closes(constantBars(40)), 20))).toEqual(Array(21).fill(25_000_000));
  });

  it.each(SERIES)('agrees with technicalindicators — %s', (_n, bars) => {
    const c = closes(bars);
    for (const period of [9, 20]) {
      const ours = emaSeries(c, period);
      expect(ours.slice(0, period - 1).every(Number.isNaN)).toBe(true);
      expectClose(defined(ours), EMA.calculate({ period, values: c }), 1e-12);
    }
  });
});

describe('rsiSeries', () => {
  it("matches Wilder's worked example (exact averages: 70.46 where rounded tables print 70.53)", () => {
    const c = [
      44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22,
      45.64, 46.21,
    ];
    const r = rsiSeries(c, 14);
    expect(r.slice(0, 14).every(Number.isNaN)).toBe(true);
    expect(r.slice(14).map((x) => x.toFixed(2))).toEqual(['70.46', '66.25', '66.48', '69.35', '66.29', '57.92', '62.88']);
  });

  it('reads 100 with no losses, 0 with no gains, 50 on a flat series', () => {
    expect(rsiSeries([1, 2, 3, 4], 2).at(-1)).toBe(100);
    expect(rsiSeries([4, 3, 2, 1], 2).at(-1)).toBe(0);
    expect(rsiSeries([5, 5, 5, 5], 2).at(-1)).toBe(50);
  });

  it('stays within [0, 100]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1e9 }), { minLength: 16, maxLength: 200 }), (xs) => {
        for (const v of defined(rsiSeries(xs, 14))) if (!(v >= 0 && v <= 100)) return false;
        return true;
      }),
    );
  });

  it.each(SERIES)('agrees with technicalindicators (theirs rounded to 2 decimals) — %s', (_n, bars) => {
    const c = closes(bars);
    const ours = defined(rsiSeries(c, 14));
    expect(ours.length).toBe(c.length - 14);
    expectClose(ours, RSI.calculate({ period: 14, values: c }), 0, 0.005 + 1e-9);
  });
});

describe('SessionVwap / vwapSeries', () => {
  it('is Σ typical × volume / Σ volume through each bar of the day', () => {
    const bars = [bar(istMinute(9, 15), 12, 9, 10, 100), bar(istMinute(9, 16), 14, 10, 13, 300), bar(istMinute(9, 17), 13, 11, 12, 0)];
    // typical 31/3 and 37/3: (31 × 100 + 37 × 300) / (3 × 400) = 14200 / 1200
    expect(vwapSeries(bars)).toEqual([31 / 3, 14_200 / 1_200, 14_200 / 1_200]);
  });

  it('agrees with technicalindicators within one session', () => {
    const bars = randomBars(375, { seed: 21, stepMs: 60_000 });
    const ours = vwapSeries(bars);
    const theirs = VWAP.calculate({
      high: bars.map((b) => b.high),
      low: bars.map((b) => b.low),
      close: bars.map((b) => b.close),
      volume: bars.map((b) => b.volume),
    });
    expectClose(ours, theirs, 1e-12);
  });

  it('starts again at the first bar of each IST day (midnight IST, 18:30 UTC), weekends included', () => {
    const late = istMinute(23, 59);
    const next = istMinute(0, 0, 1);
    expect(next - late).toBe(60_000);
    const v = vwapSeries([bar(late, 100, 100, 100, 10), bar(next, 200, 200, 200, 1), bar(istMinute(9, 15, 5), 50, 50, 50, 3)]);
    expect(v).toEqual([100, 200, 50]);
  });

  it('does not reset within a day, however long the gap between bars', () => {
    const v = vwapSeries([bar(istMinute(0, 5), 100, 100, 100, 1), bar(istMinute(23, 55), 200, 200, 200, 1)]);
    expect(v).toEqual([100, 150]);
  });

  it('is undefined while the day has traded no volume (an index), and carries on through zero-volume bars', () => {
    const v = vwapSeries([
      bar(istMinute(9, 15), 100, 90, 95, 0),
      bar(istMinute(9, 16), 100, 90, 95, 0),
      bar(istMinute(9, 17), 30, 30, 30, 5),
      bar(istMinute(9, 18), 90, 90, 90, 0),
    ]);
    expect(v.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(v.slice(2)).toEqual([30, 30]);
    expect(new SessionVwap().value).toBeNaN();
  });

  it('lies between the lowest low and the highest high of the day so far', () => {
    const barArb = fc.record({
      low: fc.integer({ min: 1, max: 1e8 }),
      span: fc.integer({ min: 0, max: 1e6 }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      volume: fc.integer({ min: 0, max: 1e6 }),
    });
    fc.assert(
      fc.property(fc.array(barArb, { minLength: 1, maxLength: 60 }), (raw) => {
        const bars = raw.map((r, i) =>
          bar(istMinute(9, 15) + i * 60_000, r.low + r.span, r.low, r.low + Math.round(r.span * r.at), r.volume),
        );
        const v = vwapSeries(bars);
        let lo = Infinity;
        let hi = -Infinity;
        let vol = 0;
        for (let i = 0; i < bars.length; i += 1) {
          lo = Math.min(lo, bars[i]!.low);
          hi = Math.max(hi, bars[i]!.high);
          vol += bars[i]!.volume;
          if (vol === 0 ? !Number.isNaN(v[i]) : !(v[i]! >= lo - 1e-6 && v[i]! <= hi + 1e-6)) return false;
        }
        return true;
      }),
    );
  });
});

describe('chartIndicatorSeries', () => {
  it('is SMA 20, EMA 20, the session VWAP and RSI 14 of the bars, one value per bar', () => {
    const bars = randomBars(300, { seed: 31, stepMs: 60_000 });
    const s = chartIndicatorSeries(bars);
    expect(Object.keys(s).sort()).toEqual([...CHART_INDICATORS].sort());
    const c = closes(bars);
    expect(s.sma20).toEqual(smaSeries(c, 20));
    expect(s.ema20).toEqual(emaSeries(c, 20));
    expect(s.rsi14).toEqual(rsiSeries(c, 14));
    expect(s.vwap).toEqual(vwapSeries(bars));
    for (const k of CHART_INDICATORS) expect(s[k]).toHaveLength(300);
  });

  it('is empty for no bars', () => {
    expect(chartIndicatorSeries([])).toEqual({ sma20: [], ema20: [], vwap: [], rsi14: [] });
  });
});

describe('chartIndicatorText', () => {
  it('rounds a price-like value half up to a whole tick and writes it as prices are', () => {
    expect(chartIndicatorText('sma20', 25_012_345.5)).toBe('2501.2346');
    expect(chartIndicatorText('ema20', 25_012_345.49)).toBe('2501.2345');
    expect(chartIndicatorText('vwap', 25_010_000.2)).toBe('2501.00');
    expect(chartIndicatorText('vwap', 25_010_500)).toBe('2501.05');
  });

  it('gives RSI two decimals, and nothing while undefined', () => {
    expect(chartIndicatorText('rsi14', 61.2712)).toBe('61.27');
    expect(chartIndicatorText('rsi14', 100)).toBe('100.00');
    expect(chartIndicatorText('rsi14', Number.NaN)).toBe('');
    expect(chartIndicatorText('sma20', Number.NaN)).toBe('');
    expect(chartIndicatorText('vwap', Number.POSITIVE_INFINITY)).toBe('');
  });
});

describe('indicatorBarOf', () => {
  it('reads the API candle exactly in ticks, its time in epoch ms', () => {
    expect(indicatorBarOf({ ts: '2026-11-23T03:45:00.000Z', high: '2501.05', low: '2499.5', close: '2500.0525', volume: 12 })).toEqual({
      ts: Date.UTC(2026, 10, 23, 3, 45),
      high: 25_010_500,
      low: 24_995_000,
      close: 25_000_525,
      volume: 12,
    });
  });

  it('gives NaN for what is not a decimal price', () => {
    const b = indicatorBarOf({ ts: 'x', high: '-1.00', low: '1e3', close: '', volume: 0 });
    expect([b.ts, b.high, b.low, b.close].every(Number.isNaN)).toBe(true);
  });
});
