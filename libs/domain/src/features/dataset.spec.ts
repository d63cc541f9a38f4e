import fc from 'fast-check';
import type { Candle } from '../market/candle';
import { buildSymbolRows, mergeSymbolRows, type SymbolRows } from './dataset';
import { FEATURE_SET_V1 } from './feature-set';
import { columns, randomBars, seeded } from './series.fixture';

const W = FEATURE_SET_V1.features.length;

/** Rows keyed by ts: features, forward return and label. */
function byTs(rows: SymbolRows): Map<number, { features: number[]; forwardReturn: number; label: number }> {
  const m = new Map<number, { features: number[]; forwardReturn: number; label: number }>();
  for (let r = 0; r < rows.length; r += 1) {
    m.set(rows.ts[r]!, {
      features: Array.from(rows.features.subarray(r * W, (r + 1) * W)),
      forwardReturn: rows.forwardReturn[r]!,
      label: rows.label[r]!,
    });
  }
  return m;
}

/** Every bar after index k replaced by something else entirely (prices, volume, spacing). */
function perturbAfter(bars: Candle[], k: number, seed: number): Candle[] {
  const rand = seeded(seed);
  return bars.map((b, i) => {
    if (i <= k) return b;
    const close = Math.max(1, Math.round(b.close * (0.5 + rand())));
    return {
      ts: b.ts + Math.floor(rand() * 1_000),
      open: close,
      high: close + 1 + Math.round(rand() * 1e5),
      low: Math.max(1, close - Math.round(rand() * 1e5)),
      close,
      volume: Math.round(rand() * 1e6),
    };
  });
}

describe('labels', () => {
  it('label = 1 iff close h bars later is strictly higher (ties are 0); forward_return = ratio − 1', () => {
    const base = randomBars(100, { seed: 41 });
    // Closes set by hand: 100 → 3 bars later 103 (up), 101 → 101 (tie), 102 → 99 (down).
    const closesTail = [100, 101, 102, 103, 101, 99];
    const bars = [...base.slice(0, 94), ...closesTail.map((c, j) => ({ ...base[94 + j]!, open: c, high: c + 1, low: c - 1, close: c }))];
    expect(bars).toHaveLength(100);
    const rows = buildSymbolRows('X', columns(bars), 3);
    // Only bar 99 (the first after warm-up) would have a row, but it has no bar 3 later.
    expect(rows.length).toBe(0);
    expect(rows.stats.beyondHorizon).toBe(1);
    const longer = [
      ...randomBars(99, { seed: 42 }),
      ...closesTail.map((c, j) => ({ ...base[j]!, ts: Date.UTC(2027, 0, 1) + j * 300_000, open: c, high: c + 1, low: c - 1, close: c })),
    ];
    const r = buildSymbolRows('X', columns(longer), 3);
    // Bars 99, 100, 101 (closes 100, 101, 102) have rows; 102–104 lack a bar 3 later.
    expect(r.length).toBe(3);
    expect(Array.from(r.ts)).toEqual(longer.slice(99, 102).map((b) => b.ts));
    expect(Array.from(r.label)).toEqual([1, 0, 0]);
    expect(Array.from(r.forwardReturn)).toEqual([103 / 100 - 1, 0, 99 / 102 - 1]);
    expect(r.stats.beyondHorizon).toBe(3);
  });

  it('drops warm-up rows and rows whose horizon runs past the data, and says how many', () => {
    const bars = randomBars(500, { seed: 43 });
    const rows = buildSymbolRows('X', columns(bars), 12);
    expect(rows.length).toBe(500 - 99 - 12);
    expect(rows.stats).toMatchObject({ bars: 500, warmup: 99, nonFinite: 0, beyondHorizon: 12 });
    expect(rows.ts[0]).toBe(bars[99]!.ts);
    expect(rows.ts[rows.length - 1]).toBe(bars[500 - 13]!.ts);
  });

  it('refuses a horizon that is not a positive whole number of bars', () => {
    for (const h of [0, -1, 1.5, Number.NaN]) expect(() => buildSymbolRows('X', columns(randomBars(10)), h)).toThrow(/horizon/);
  });

  it('handles tiny series: nothing to emit', () => {
    expect(buildSymbolRows('X', columns([]), 12).length).toBe(0);
    expect(buildSymbolRows('X', columns(randomBars(5)), 12).length).toBe(0);
  });
});

describe('no look-ahead', () => {
  const horizon = 12;
  const bars = randomBars(800, { seed: 44, gapChance: 0.01 });
  const original = byTs(buildSymbolRows('X', columns(bars), horizon));

  it.each([99, 150, 400, 700])(
    'changing every bar after index %i changes no feature at or before it, nor any label whose horizon ends by then',
    (k) => {
      const changed = byTs(buildSymbolRows('X', columns(perturbAfter(bars, k, k)), horizon));
      let compared = 0;
      let labelsCompared = 0;
      for (let i = 99; i <= k; i += 1) {
        const ts = bars[i]!.ts;
        const a = original.get(ts);
        const b = changed.get(ts);
        if (i + horizon <= k) {
          expect(b).toEqual(a); // features, forward return and label
          labelsCompared += 1;
        } else if (a && b) {
          expect(b.features).toEqual(a.features); // the label looks past k, the features do not
        }
        compared += 1;
      }
      expect(compared).toBe(k - 98);
      expect(labelsCompared).toBe(Math.max(0, k - horizon - 98));
      // The perturbation is real: some later row differs.
      const later = [...changed.entries()].filter(([ts]) => ts > bars[k]!.ts);
      expect(later.some(([ts, row]) => JSON.stringify(row) !== JSON.stringify(original.get(ts)))).toBe(true);
    },
  );

  it('holds for any cut, horizon and perturbation (property)', () => {
    const short = randomBars(220, { seed: 45 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 219 }), fc.integer({ min: 1, max: 30 }), fc.integer(), (k, h, seed) => {
        const a = byTs(buildSymbolRows('X', columns(short), h));
        const b = byTs(buildSymbolRows('X', columns(perturbAfter(short, k, seed)), h));
        for (let i = 0; i <= k; i += 1) {
          const ts = short[i]!.ts;
          if (i + h <= k) expect(b.get(ts)).toEqual(a.get(ts));
          else if (a.has(ts) && b.has(ts)) expect(b.get(ts)!.features).toEqual(a.get(ts)!.features);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('merging symbols', () => {
  it('sorts rows by ts then symbol, whatever order the symbols come in, keeping each row intact', () => {
    const t0 = Date.UTC(2026, 10, 23, 3, 45);
    const parts = [
      buildSymbolRows('ZEE', columns(randomBars(160, { seed: 51, from: t0 })), 5),
      buildSymbolRows('ABB', columns(randomBars(200, { seed: 52, from: t0 + 300_000 * 10 })), 5),
      buildSymbolRows('M&M', columns(randomBars(130, { seed: 53, from: t0, stepMs: 60_000 })), 5),
      buildSymbolRows('EMPTY', columns(randomBars(20, { seed: 54 })), 5),
    ];
    const d = mergeSymbolRows(parts);
    expect(d.symbols).toEqual(['ABB', 'EMPTY', 'M&M', 'ZEE']);
    expect(d.length).toBe(parts.reduce((s, p) => s + p.length, 0));
    for (let r = 1; r < d.length; r += 1) {
      const ordered = d.ts[r - 1]! < d.ts[r]! || (d.ts[r - 1] === d.ts[r] && d.symbolIndex[r - 1]! < d.symbolIndex[r]!);
      if (!ordered) throw new Error(`row ${r} out of order`);
    }
    // Each merged row is the same row of its symbol.
    const seen = new Map<string, number>();
    for (let r = 0; r < d.length; r += 1) {
      const sym = d.symbols[d.symbolIndex[r]!]!;
      const p = parts.find((x) => x.symbol === sym)!;
      const i = seen.get(sym) ?? 0;
      seen.set(sym, i + 1);
      expect(d.ts[r]).toBe(p.ts[i]);
      expect(d.label[r]).toBe(p.label[i]);
      expect(d.forwardReturn[r]).toBe(p.forwardReturn[i]);
      expect(d.features.map((f) => f[r])).toEqual(Array.from(p.features.subarray(i * W, (i + 1) * W)));
    }
  });

  it('merges nothing into an empty dataset and refuses a symbol given twice', () => {
    expect(mergeSymbolRows([]).length).toBe(0);
    const p = buildSymbolRows('A', columns(randomBars(120)), 1);
    expect(() => mergeSymbolRows([p, p])).toThrow(/twice/);
  });
});
