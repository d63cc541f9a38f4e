import fc from 'fast-check';
import { DomainError } from '../errors';
import { bucketStart, CandleAggregator, resample, TIMEFRAMES, type Candle, type Tick, type Timeframe } from '.';

const T0 = Date.UTC(2026, 10, 23, 3, 45, 0); // 09:15 IST, market open

describe('bucket alignment (IST)', () => {
  it('aligns minutes to the clock, hours and days to IST', () => {
    const t = Date.UTC(2026, 10, 23, 4, 7, 31); // 09:37:31 IST
    expect(new Date(bucketStart(t, '1m')).toISOString()).toBe('2026-11-23T04:07:00.000Z');
    expect(new Date(bucketStart(t, '5m')).toISOString()).toBe('2026-11-23T04:05:00.000Z');
    expect(new Date(bucketStart(t, '15m')).toISOString()).toBe('2026-11-23T04:00:00.000Z');
    expect(new Date(bucketStart(t, '1h')).toISOString()).toBe('2026-11-23T03:30:00.000Z'); // 09:00 IST
    expect(new Date(bucketStart(t, '1d')).toISOString()).toBe('2026-11-22T18:30:00.000Z'); // 00:00 IST
  });
  it('puts 23:59:59.999 and 00:00 IST on different days', () => {
    const midnightIst = Date.UTC(2026, 10, 22, 18, 30);
    expect(bucketStart(midnightIst - 1, '1d')).toBe(midnightIst - 86_400_000);
    expect(bucketStart(midnightIst, '1d')).toBe(midnightIst);
  });
});

describe('CandleAggregator', () => {
  it('builds OHLCV and closes a candle on the first tick of the next bucket', () => {
    const closed: Candle[] = [];
    const agg = new CandleAggregator((_s, tf, c) => tf === '1m' && closed.push({ ...c }), ['1m']);
    agg.onTick('TCS', T0 + 1_000, 35_000_000, 10);
    agg.onTick('TCS', T0 + 20_000, 35_010_000, 5);
    agg.onTick('TCS', T0 + 40_000, 34_990_000, 1);
    agg.onTick('TCS', T0 + 59_999, 35_005_000, 2);
    expect(closed).toEqual([]);
    agg.onTick('TCS', T0 + 60_000, 35_006_000, 3);
    expect(closed).toEqual([{ ts: T0, open: 35_000_000, high: 35_010_000, low: 34_990_000, close: 35_005_000, volume: 18 }]);
    expect(agg.current('TCS', '1m')).toEqual({
      ts: T0 + 60_000,
      open: 35_006_000,
      high: 35_006_000,
      low: 35_006_000,
      close: 35_006_000,
      volume: 3,
    });
  });

  it('lists the candles still open in a bucket (no later tick closed them), per timeframe, as copies', () => {
    const agg = new CandleAggregator(() => undefined, ['1m', '5m']);
    agg.onTick('TCS', T0 + 1_000, 35_000_000, 1);
    agg.onTick('INFY', T0 + 2_000, 15_000_000, 1);
    agg.onTick('INFY', T0 + 61_000, 15_001_000, 1);
    expect(agg.openIn('1m', T0).map(([s]) => s)).toEqual(['TCS']);
    expect(agg.openIn('1m', T0 + 60_000).map(([s]) => s)).toEqual(['INFY']);
    expect(
      agg
        .openIn('5m', T0)
        .map(([s]) => s)
        .sort(),
    ).toEqual(['INFY', 'TCS']);
    expect(agg.openIn('1h', T0)).toEqual([]);
    agg.openIn('1m', T0)[0]![1].close = 1;
    expect(agg.current('TCS', '1m')!.close).toBe(35_000_000);
    expect(agg.symbolCount).toBe(2);
  });

  it('resumes a stored candle: later ticks in its bucket extend it, a newer open candle wins', () => {
    const closed: Candle[] = [];
    const agg = new CandleAggregator((_s, _tf, c) => closed.push({ ...c }), ['1m']);
    agg.resume('TCS', '1m', { ts: T0, open: 100, high: 120, low: 90, close: 110, volume: 7 });
    agg.onTick('TCS', T0 + 30_000, 125, 2);
    expect(agg.current('TCS', '1m')).toEqual({ ts: T0, open: 100, high: 125, low: 90, close: 125, volume: 9 });
    agg.resume('TCS', '1m', { ts: T0 - 60_000, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(agg.current('TCS', '1m')?.open).toBe(100);
    agg.onTick('TCS', T0 + 60_000, 130, 1);
    expect(closed).toEqual([{ ts: T0, open: 100, high: 125, low: 90, close: 125, volume: 9 }]);
    agg.resume('TCS', '5m', { ts: T0, open: 1, high: 1, low: 1, close: 1, volume: 1 }); // not aggregated here: ignored
    expect(agg.current('TCS', '5m')).toBeUndefined();
  });

  it('invents no candles across a gap', () => {
    const closed: Candle[] = [];
    const agg = new CandleAggregator((_s, _tf, c) => closed.push({ ...c }), ['1m']);
    agg.onTick('X', T0, 100, 1);
    agg.onTick('X', T0 + 10 * 60_000, 200, 1);
    expect(closed.map((c) => c.ts)).toEqual([T0]);
  });

  it('counts ticks for already-closed buckets as late, without changing history', () => {
    const closed: Candle[] = [];
    const agg = new CandleAggregator((_s, _tf, c) => closed.push({ ...c }), ['1m']);
    agg.onTick('X', T0 + 61_000, 100, 1);
    agg.onTick('X', T0 + 1_000, 999, 1);
    expect(agg.lateTicks).toBe(1);
    expect(agg.current('X', '1m')!.high).toBe(100);
  });

  it('keeps symbols apart and refuses nonsense ticks', () => {
    const agg = new CandleAggregator();
    agg.onTick('A', T0, 100, 1);
    agg.onTick('B', T0, 200, 1);
    expect(agg.current('A', '1d')!.close).toBe(100);
    expect(agg.current('B', '1d')!.close).toBe(200);
    for (const [p, q] of [
      [0, 1],
      [-1, 1],
      [1.5, 1],
      [100, -1],
      [Number.NaN, 1],
    ] as const) {
      expect(() => agg.onTick('A', T0, p, q)).toThrow(DomainError);
    }
  });

  it('property: equals a batch resample of the same ticks, for every timeframe', () => {
    const ticks = fc
      .array(
        fc.record({
          dt: fc.integer({ min: 0, max: 400_000 }),
          price: fc.integer({ min: 1, max: 10_000_000 }),
          quantity: fc.integer({ min: 0, max: 1000 }),
        }),
        { minLength: 1, maxLength: 300 },
      )
      .map((xs) => {
        let ts = T0 - 3_600_000 * 10;
        return xs.map(({ dt, price, quantity }): Tick => ({ ts: (ts += dt), price, quantity }));
      });
    fc.assert(
      fc.property(ticks, (series) => {
        const closed = new Map<Timeframe, Candle[]>(TIMEFRAMES.map((tf) => [tf, []]));
        const agg = new CandleAggregator((_s, tf, c) => closed.get(tf)!.push({ ...c }));
        for (const t of series) agg.onTick('S', t.ts, t.price, t.quantity);
        agg.flush();
        for (const tf of TIMEFRAMES) expect(closed.get(tf)).toEqual(resample(series, tf));
        expect(agg.lateTicks).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
