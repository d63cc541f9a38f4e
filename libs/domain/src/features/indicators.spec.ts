// Every indicator against technicalindicators (an independent, widely used implementation) on
// random walks, walks with jumps and time gaps, small and large price scales, flat and tiny series.
import fc from 'fast-check';
import { ATR, BollingerBands, EMA, MACD, RSI, SD, SMA } from 'technicalindicators';
import type { Candle } from '../market/candle';
import { Atr, Bollinger, Macd, Rsi } from './indicators';
import { constantBars, randomBars } from './series.fixture';
import { Ema, LagBuffer, RollingStats, wilderAverage } from './streaming';

const SERIES: [string, Candle[]][] = [
  ['random walk', randomBars(1_500, { seed: 1 })],
  ['volatile walk', randomBars(1_500, { seed: 2, sigma: 0.02 })],
  ['jumps and time gaps', randomBars(1_500, { seed: 3, gapChance: 0.05 })],
  ['small prices (₹0.05 = 500 ticks)', randomBars(800, { seed: 4, start: 500, sigma: 0.01 })],
  ['large prices (₹90 lakh)', randomBars(800, { seed: 5, start: 90_000_000_000 })],
  ['long walk (drift check)', randomBars(20_000, { seed: 6 })],
];

/** Ours, run incrementally, with the NaN prefix dropped: aligned with technicalindicators' output. */
const defined = (xs: number[]): number[] => xs.filter((x) => !Number.isNaN(x));

function expectClose(ours: number[], theirs: number[], relTol: number, absTol = 0): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < ours.length; i += 1) {
    const tol = Math.max(absTol, relTol * Math.abs(theirs[i]!));
    if (!(Math.abs(ours[i]! - theirs[i]!) <= tol)) throw new Error(`index ${i}: ours ${ours[i]} vs theirs ${theirs[i]} (tolerance ${tol})`);
  }
}

const closes = (bars: Candle[]) => bars.map((b) => b.close);

function twoPassStd(xs: number[], n: number): number[] {
  const out: number[] = [];
  for (let j = 0; j + n <= xs.length; j += 1) {
    const w = xs.slice(j, j + n);
    const m = w.reduce((a, b) => a + b, 0) / n;
    out.push(Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / n));
  }
  return out;
}

describe.each(SERIES)('indicators vs technicalindicators — %s', (_name, bars) => {
  const c = closes(bars);

  it.each([8, 12, 21, 26])('EMA(%i), seeded with the SMA of its first inputs', (period) => {
    const e = new Ema(period);
    expectClose(defined(c.map((x) => e.update(x))), EMA.calculate({ period, values: c }), 1e-12);
  });

  it('Wilder smoothing equals their WEMA', async () => {
    const { WEMA } = await import('technicalindicators');
    const e = wilderAverage(14);
    expectClose(defined(c.map((x) => e.update(x))), WEMA.calculate({ period: 14, values: c }), 1e-12);
  });

  it('RSI(14) (theirs is rounded to 2 decimals)', () => {
    const r = new Rsi(14);
    const ours = defined(c.map((x) => r.update(x)));
    expect(ours.length).toBe(c.length - 14);
    expectClose(ours, RSI.calculate({ period: 14, values: c }), 0, 0.005 + 1e-9);
  });

  it('ATR(14)', () => {
    const a = new Atr(14);
    const ours = defined(bars.map((b) => a.update(b.high, b.low, b.close)));
    expect(ours.length).toBe(bars.length - 14);
    expectClose(ours, ATR.calculate({ period: 14, high: bars.map((b) => b.high), low: bars.map((b) => b.low), close: c }), 1e-10);
  });

  it('MACD(12,26,9) with EMAs: line, signal and histogram', () => {
    const m = new Macd(12, 26, 9);
    const rows = c.map((x) => (m.update(x), { line: m.line, signal: m.signal, hist: m.histogram }));
    const theirs = MACD.calculate({
      values: c,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const ours = rows.filter((r) => !Number.isNaN(r.line));
    expect(ours.length).toBe(c.length - 25);
    // Price-scale tolerance: the line is a difference of two large averages.
    const scale = 1e-12 * Math.max(...c);
    expectClose(
      ours.map((r) => r.line),
      theirs.map((t) => t.MACD!),
      0,
      scale,
    );
    const withSignal = theirs.filter((t) => t.signal !== undefined);
    expectClose(
      defined(ours.map((r) => r.signal)),
      withSignal.map((t) => t.signal!),
      0,
      scale,
    );
    expectClose(
      defined(ours.map((r) => r.hist)),
      withSignal.map((t) => t.histogram!),
      0,
      scale,
    );
    expect(rows.findIndex((r) => !Number.isNaN(r.hist))).toBe(33);
  });

  it('Bollinger %B(20, 2)', () => {
    const b = new Bollinger(20, 2);
    const ours = defined(c.map((x) => b.update(x)));
    const theirs = BollingerBands.calculate({ period: 20, stdDev: 2, values: c });
    expectClose(
      ours,
      theirs.map((t) => t.pb),
      1e-8,
      1e-8,
    );
  });

  it('rolling mean and population std of volume and of log returns (their SMA / SD, and two-pass)', () => {
    for (const xs of [bars.map((b) => b.volume), c.slice(1).map((x, i) => Math.log(x / c[i]!))]) {
      const s = new RollingStats(20);
      const means: number[] = [];
      const stds: number[] = [];
      for (const x of xs) {
        s.update(x);
        if (s.full) {
          means.push(s.mean);
          stds.push(s.std);
        }
      }
      const absTol = 1e-12 * Math.max(...xs.map(Math.abs));
      expectClose(means, SMA.calculate({ period: 20, values: xs }), 1e-10, absTol);
      expectClose(stds, twoPassStd(xs, 20), 1e-9, absTol);
      // Their SD goes wrong while an input of exactly 0 is in the window (a flat bar's return,
      // common at small prices); compare the other windows.
      const theirs = SD.calculate({ period: 20, values: xs });
      const clean = (_: number, j: number) => !xs.slice(j, j + 20).includes(0);
      expectClose(stds.filter(clean), theirs.filter(clean), 1e-8, absTol);
    }
  });
});

describe('edge series', () => {
  it('a series shorter than the period gives no value, as theirs gives none', () => {
    const c = closes(randomBars(13, { seed: 9 }));
    const r = new Rsi(14);
    const a = new Atr(14);
    const m = new Macd(12, 26, 9);
    const b = new Bollinger(20, 2);
    for (const x of c) expect([r.update(x), a.update(x, x, x), m.update(x), b.update(x)].every(Number.isNaN)).toBe(true);
    expect(RSI.calculate({ period: 14, values: c })).toEqual([]);
    expect(BollingerBands.calculate({ period: 20, stdDev: 2, values: c })).toEqual([]);
  });

  it('exactly the first defined value arrives on the bar theirs first reports', () => {
    const c = closes(randomBars(34, { seed: 10 }));
    const r = new Rsi(14);
    expect(c.map((x) => r.update(x)).findIndex((v) => !Number.isNaN(v))).toBe(14);
    const e = new Ema(21);
    expect(c.map((x) => e.update(x)).findIndex((v) => !Number.isNaN(v))).toBe(20);
    expect(EMA.calculate({ period: 21, values: c })).toHaveLength(14);
  });

  it('a flat series: RSI 50 (theirs says 100), ATR 0, MACD 0 (theirs has no signal), %B undefined (theirs: NaN too)', () => {
    const bars = constantBars(60);
    const c = closes(bars);
    const r = new Rsi(14);
    const a = new Atr(14);
    const m = new Macd(12, 26, 9);
    const b = new Bollinger(20, 2);
    for (const bar of bars) {
      r.update(bar.close);
      a.update(bar.high, bar.low, bar.close);
      m.update(bar.close);
      b.update(bar.close);
    }
    expect(r.value).toBe(50);
    expect(RSI.calculate({ period: 14, values: c }).at(-1)).toBe(100);
    expect(a.value).toBe(0);
    expect([m.line, m.signal, m.histogram]).toEqual([0, 0, 0]);
    expect(
      MACD.calculate({ values: c, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }).at(
        -1,
      ),
    ).toEqual({ MACD: 0, signal: undefined, histogram: 0 });
    expect(b.pctB).toBeNaN();
    expect(BollingerBands.calculate({ period: 20, stdDev: 2, values: c }).at(-1)!.pb).toBeNaN();
  });

  it('RSI: only gains → 100, only losses → 0', () => {
    const up = new Rsi(14);
    const down = new Rsi(14);
    for (let i = 0; i < 30; i += 1) {
      up.update(1_000 + i);
      down.update(1_000 - i);
    }
    expect(up.value).toBe(100);
    expect(down.value).toBe(0);
  });

  it('a window that turns flat after moving reads a variance of exactly 0, not rounding noise', () => {
    const v = new RollingStats(3);
    [-493_064.228, 0, 0, 0].forEach((x) => v.update(x));
    expect([v.mean, v.variance]).toEqual([0, 0]);
    const s = new RollingStats(20);
    for (const x of randomBars(500, { seed: 11 }).map((b) => b.close)) s.update(x);
    for (let i = 0; i < 20; i += 1) s.update(24_123_457);
    expect(s.variance).toBe(0);
    expect(s.mean).toBe(24_123_457);
    const b = new Bollinger(20, 2);
    for (const x of [...randomBars(100, { seed: 12 }).map((k) => k.close), ...Array(20).fill(25_000_000)]) b.update(x);
    expect(b.pctB).toBeNaN();
  });

  it('rolling stats equal a two-pass computation for any input (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        (xs, size) => {
          const s = new RollingStats(size);
          xs.forEach((x) => s.update(x));
          const win = xs.slice(-size);
          const mean = win.reduce((a, b) => a + b, 0) / win.length;
          const variance = win.reduce((a, b) => a + (b - mean) ** 2, 0) / win.length;
          // Sliding sums carry rounding from every input since the last exact recompute, so the
          // error scales with the largest input seen, not only those still in the window.
          const scale = Math.max(1, ...xs.map(Math.abs));
          expect(Math.abs(s.mean - mean)).toBeLessThanOrEqual(1e-9 * scale);
          expect(Math.abs(s.variance - variance)).toBeLessThanOrEqual(1e-9 * scale * scale);
        },
      ),
    );
  });

  it('LagBuffer reads back by age and NaN beyond what it holds', () => {
    const l = new LagBuffer(3);
    expect(l.ago(0)).toBeNaN();
    [1, 2, 3, 4].forEach((x) => l.push(x));
    expect([l.ago(0), l.ago(1), l.ago(2), l.ago(3)]).toEqual([4, 3, 2, NaN]);
  });

  it('refuses nonsense periods', () => {
    expect(() => new Ema(0)).toThrow(RangeError);
    expect(() => new RollingStats(1.5)).toThrow(RangeError);
    expect(() => new Macd(26, 12, 9)).toThrow(RangeError);
    expect(() => new Bollinger(20, 0)).toThrow(RangeError);
  });
});
