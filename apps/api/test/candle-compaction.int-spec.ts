import { candleAt, demoUniverse, type Candle } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { CandleChunksRepository, CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi();
const NOW = Date.parse('2026-11-20T08:00:00Z'); // Friday 13:30 IST
const DAY = 86_400_000;
const START = Date.parse('2026-11-15T18:30:00Z'); // Monday 00:00 IST

/** Five days of 1m bars, 09:15–15:30 IST each: four closed windows and today's open one. */
const bars: Candle[] = [];
for (let d = 0; d < 5; d += 1) {
  for (let m = 0; m < 375; m += 1) {
    const ts = START + d * DAY + (9 * 60 + 15 + m) * 60_000;
    if (ts >= NOW) break;
    const p = 14_000_000 + d * 10_000 + m * 500;
    bars.push({ ts, open: p, high: p + 1_000, low: p - 1_000, close: p + 500, volume: 10 + m });
  }
}

const read = async (): Promise<Candle[]> => {
  const c = await api.app
    .get(CandlesRepository)
    .range({ symbol: 'TCS', timeframe: '1m', from: new Date(START).toISOString(), to: new Date(NOW).toISOString() });
  return Array.from({ length: c.length }, (_, i) => candleAt(c, i));
};
const count = async (table: string) =>
  Number(
    (await api.app.get(Db).sql.one<{ n: string }>(`SELECT count(*)::text n FROM ${table} WHERE symbol = 'TCS' AND timeframe = '1m'`)).n,
  );

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date(NOW)));
  await api.app.get(CandlesRepository).upsertMany(bars.map((candle) => ({ symbol: 'TCS', timeframe: '1m' as const, candle })));
});

describe('candle compaction', () => {
  it('moves closed windows into chunks without changing what reads return; today stays loose', async () => {
    const before = await read();
    expect(before).toEqual(bars);
    // Two compactors at once (two worker replicas): each window moves exactly once.
    const chunks = api.app.get(CandleChunksRepository);
    const [a, b] = await Promise.all([chunks.compact(NOW), chunks.compact(NOW)]);
    expect(a + b).toBeGreaterThanOrEqual(4);
    expect(await count('candle_chunks')).toBe(4);
    expect(await count('candles')).toBe(bars.filter((c) => c.ts >= START + 4 * DAY).length);
    expect(await read()).toEqual(bars);
    expect(await chunks.compact(NOW)).toBe(0);
  });

  it('lets a later write to a compacted window win, and folds it into the chunk next time', async () => {
    const fixed = { ...bars[10]!, close: bars[10]!.close + 1_000, high: bars[10]!.high + 1_000 };
    await api.app.get(CandlesRepository).upsertMany([{ symbol: 'TCS', timeframe: '1m', candle: fixed }]);
    const expected = bars.map((c) => (c.ts === fixed.ts ? fixed : c));
    expect(await read()).toEqual(expected);
    expect(await api.app.get(CandleChunksRepository).compact(NOW)).toBe(1);
    expect(await count('candle_chunks')).toBe(4);
    expect(await read()).toEqual(expected);
  });

  it('serves JSON and Arrow from chunks exactly like from rows', async () => {
    const { token } = await signedIn(api);
    const res = await api.http.get(
      `/api/v1/market/candles?symbol=TCS&timeframe=1m&from=${new Date(START).toISOString()}&to=${new Date(START + DAY).toISOString()}`,
      token,
    );
    expect(res.status).toBe(200);
    expect(res.body.candles).toHaveLength(375);
    expect(res.body.candles[0]).toEqual({
      ts: new Date(bars[0]!.ts).toISOString(),
      open: '1400.00',
      high: '1400.10',
      low: '1399.90',
      close: '1400.05',
      volume: 10,
    });
  });
});
