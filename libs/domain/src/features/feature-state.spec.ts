import { ATR, BollingerBands, EMA, MACD, RSI } from 'technicalindicators';
import { DomainError } from '../errors';
import type { Candle } from '../market/candle';
import { istDayFraction, istDayOfWeek, istTimeOfDay } from './calendar';
import { buildSymbolRows } from './dataset';
import { FeatureEngine } from './feature-engine';
import { defineFeatureSet, FEATURE_PARAMS_V1, FEATURE_SET_V1 } from './feature-set';
import { FeatureState } from './feature-state';
import { columns, constantBars, randomBars } from './series.fixture';

const F = FEATURE_SET_V1.features;
const col = (name: string) => F.indexOf(name);

/** Every v1 feature of bar i from independent references (technicalindicators + direct formulas). */
function reference(bars: Candle[]) {
  const c = bars.map((b) => b.close);
  const v = bars.map((b) => b.volume);
  const rsi = RSI.calculate({ period: 14, values: c });
  const macd = MACD.calculate({
    values: c,
    fastPeriod: 12,
    slowPeriod: 26,
    signalPeriod: 9,
    SimpleMAOscillator: false,
    SimpleMASignal: false,
  });
  const bb = BollingerBands.calculate({ period: 20, stdDev: 2, values: c });
  const atr = ATR.calculate({ period: 14, high: bars.map((b) => b.high), low: bars.map((b) => b.low), close: c });
  const e8 = EMA.calculate({ period: 8, values: c });
  const e21 = EMA.calculate({ period: 21, values: c });
  const popStd = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
  };
  return (i: number): Record<string, number> => {
    const ret = (k: number) => Math.log(c[i]! / c[i - k]!);
    const rets = Array.from({ length: 20 }, (_, j) => Math.log(c[i - j]! / c[i - j - 1]!));
    const vw = v.slice(i - 19, i + 1);
    const vm = vw.reduce((a, b) => a + b, 0) / 20;
    const ist = new Date(bars[i]!.ts + 19_800_000);
    const minutes = ist.getUTCHours() * 60 + ist.getUTCMinutes() + ist.getUTCSeconds() / 60;
    return {
      ret_1: ret(1),
      ret_5: ret(5),
      ret_15: ret(15),
      vol_20: popStd(rets),
      rsi_14: rsi[i - 14]!,
      macd_hist_rel: macd[i - 25]!.histogram! / c[i]!,
      bb_pctb: bb[i - 19]!.pb,
      atr_14_rel: atr[i - 14]! / c[i]!,
      volume_z_20: (v[i]! - vm) / popStd(vw),
      ema_8_21_ratio: e8[i - 7]! / e21[i - 20]!,
      tod_sin: Math.sin((2 * Math.PI * minutes) / 1440),
      tod_cos: Math.cos((2 * Math.PI * minutes) / 1440),
      dow: (ist.getUTCDay() + 6) % 7,
    };
  };
}

describe('FeatureState', () => {
  it('returns null for the first 99 bars and a row from the 100th on (the warm-up)', () => {
    const s = new FeatureState();
    const rows = randomBars(150, { seed: 21 }).map((b) => s.update(b));
    expect(rows.findIndex((r) => r !== null)).toBe(FEATURE_SET_V1.params.warmupBars - 1);
    expect(rows.slice(99).every((r) => r !== null && r.length === F.length)).toBe(true);
    expect(s.stats).toMatchObject({ bars: 150, rows: 51, warmup: 99, nonFinite: 0 });
  });

  it('with the minimum warm-up a set emits from bar 34, when MACD’s signal is first defined', () => {
    const s = new FeatureState(defineFeatureSet('min', { ...FEATURE_PARAMS_V1, warmupBars: 34 }));
    const rows = randomBars(40, { seed: 22 }).map((b) => s.update(b));
    expect(rows.findIndex((r) => r !== null)).toBe(33);
    expect(rows.slice(33).every((r) => r !== null && r.every(Number.isFinite))).toBe(true);
  });

  it.each([
    ['a random walk', randomBars(600, { seed: 23 })],
    ['jumps and overnight gaps', randomBars(600, { seed: 24, gapChance: 0.05 })],
    [
      '1-minute bars across midnight and a weekend',
      randomBars(600, { seed: 25, stepMs: 60_000 * 17, from: Date.UTC(2026, 10, 27, 15, 0) }),
    ],
  ])('computes every feature as the references do — %s', (_name, bars) => {
    const ref = reference(bars);
    const s = new FeatureState();
    bars.forEach((b, i) => {
      const row = s.update(b);
      if (i < 99) return;
      const want = ref(i);
      F.forEach((name, f) => {
        const tol = name === 'rsi_14' ? 0.005 + 1e-9 : 1e-8 * Math.max(1, Math.abs(want[name]!));
        if (!(Math.abs(row![f]! - want[name]!) <= tol)) throw new Error(`bar ${i} ${name}: ${row![f]} vs ${want[name]}`);
      });
    });
  });

  it('never emits a non-finite value: flat volume makes volume_z_20 0/0, the bar gives null and is counted', () => {
    const bars = randomBars(200, { seed: 26 }).map((b, i) => (i >= 120 && i < 160 ? { ...b, volume: 500 } : b));
    const s = new FeatureState();
    const rows = bars.map((b) => s.update(b));
    // Windows of 20 equal volumes: bars 139…159 (the window ending at 159 is the last flat one).
    const nulls = rows.map((r, i) => (r === null ? i : -1)).filter((i) => i >= 99);
    expect(nulls).toEqual(Array.from({ length: 21 }, (_, k) => 139 + k));
    expect(s.stats.nonFinite).toBe(21);
    expect(s.stats.nonFiniteByFeature[col('volume_z_20')]).toBe(21);
    expect([...s.stats.nonFiniteByFeature].reduce((a, b) => a + b, 0)).toBe(21);
    expect(rows.filter((r) => r !== null).every((r) => r!.every(Number.isFinite))).toBe(true);
  });

  it('a suspended stock (flat price and volume) emits nothing, counting bb_pctb and volume_z_20', () => {
    const bars = [...randomBars(120, { seed: 27 }), ...constantBars(30).map((b, i) => ({ ...b, ts: Date.UTC(2026, 11, 1) + i * 300_000 }))];
    const s = new FeatureState();
    const rows = bars.map((b) => s.update(b));
    expect(rows.slice(139)).toEqual(Array(11).fill(null));
    expect(s.stats.nonFiniteByFeature[col('bb_pctb')]).toBe(11);
    expect(s.stats.nonFiniteByFeature[col('volume_z_20')]).toBeGreaterThanOrEqual(11);
    expect(s.stats.nonFiniteByFeature[col('rsi_14')]).toBe(0);
  });

  it('refuses a bar that is not newer than the last, and impossible prices, without changing state', () => {
    const bars = randomBars(3, { seed: 28 });
    const s = new FeatureState();
    s.update(bars[0]!);
    s.update(bars[1]!);
    expect(() => s.update(bars[1]!)).toThrow(DomainError);
    expect(() => s.update(bars[0]!)).toThrow(/increasing time order/);
    expect(() => s.update({ ...bars[2]!, close: 0 })).toThrow(/positive finite prices/);
    expect(() => s.update({ ...bars[2]!, volume: Number.NaN })).toThrow(/volume/);
    expect(() => s.update({ ...bars[2]!, high: Number.POSITIVE_INFINITY })).toThrow(DomainError);
    expect(s.stats.bars).toBe(2);
  });

  it('writes into the caller’s buffer when given one', () => {
    const s = new FeatureState();
    const out = new Float64Array(F.length);
    let last: Float64Array | null = null;
    for (const b of randomBars(101, { seed: 29 })) last = s.update(b, out);
    expect(last).toBe(out);
  });
});

describe('FeatureEngine (live) and the dataset batch path', () => {
  it('give bit-identical rows for the same bars, with symbols interleaved', () => {
    const series = {
      AAA: randomBars(400, { seed: 31 }),
      BBB: randomBars(400, { seed: 32, gapChance: 0.02 }),
      CCC: randomBars(250, { seed: 33 }),
    };
    const engine = new FeatureEngine();
    const live = new Map<string, Float64Array[]>();
    for (let i = 0; i < 400; i += 1) {
      for (const [sym, bars] of Object.entries(series)) {
        if (i >= bars.length) continue;
        const row = engine.update(sym, bars[i]!);
        if (row) live.set(sym, [...(live.get(sym) ?? []), row]);
      }
    }
    for (const [sym, bars] of Object.entries(series)) {
      // horizon 1 drops only the last row
      const batch = buildSymbolRows(sym, columns(bars), 1);
      const rows = live.get(sym)!;
      expect(batch.length).toBe(rows.length - 1);
      for (let r = 0; r < batch.length; r += 1)
        expect(Array.from(batch.features.subarray(r * F.length, (r + 1) * F.length))).toEqual(Array.from(rows[r]!));
    }
    expect(engine.symbols.sort()).toEqual(['AAA', 'BBB', 'CCC']);
    expect(engine.stateOf('CCC').stats.rows).toBe(151);
  });

  it('reset forgets a symbol: it warms up again', () => {
    const engine = new FeatureEngine();
    const bars = randomBars(120, { seed: 34 });
    bars.slice(0, 100).forEach((b) => engine.update('X', b));
    engine.reset('X');
    expect(engine.update('X', bars[100]!)).toBeNull();
    expect(engine.stateOf('X').stats.bars).toBe(1);
  });
});

describe('time features (IST)', () => {
  it('encodes the time of day on the unit circle and the weekday Monday = 0', () => {
    const mondayOpen = Date.parse('2026-11-23T09:15:00+05:30');
    expect(istDayFraction(mondayOpen)).toBeCloseTo((9 * 60 + 15) / 1440, 12);
    expect(istDayOfWeek(mondayOpen)).toBe(0);
    const [s, c] = istTimeOfDay(Date.parse('2026-11-23T18:00:00+05:30'));
    expect(s).toBeCloseTo(-1, 12);
    expect(c).toBeCloseTo(0, 12);
    // 20:00 UTC on a Sunday is already Monday 01:30 in India.
    expect(istDayOfWeek(Date.parse('2026-11-22T20:00:00Z'))).toBe(0);
    expect(istDayOfWeek(Date.parse('2026-11-22T18:29:59Z'))).toBe(6);
    expect(istDayFraction(Date.parse('2026-11-22T18:30:00Z'))).toBe(0);
    expect(istDayOfWeek(Date.parse('1969-12-31T12:00:00Z'))).toBe(2); // before the epoch: Wednesday
  });
});
