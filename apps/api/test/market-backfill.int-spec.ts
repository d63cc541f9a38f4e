import { aggregateCandles, candleAt, demoUniverse, isNseOpen, type Candle, type Timeframe } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { backfillHistory, CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { useTestApi } from './support/test-api';

const { api } = useTestApi();
const NOW = Date.parse('2026-11-20T08:00:00Z'); // Friday 13:30 IST: mid-session
const universe = demoUniverse(new Date(NOW));

async function series(symbol: string, timeframe: Timeframe): Promise<Candle[]> {
  const c = await api.app
    .get(CandlesRepository)
    .range({ symbol, timeframe, from: new Date(NOW - 30 * 86_400_000).toISOString(), to: new Date(NOW + 86_400_000).toISOString() });
  return Array.from({ length: c.length }, (_, i) => candleAt(c, i));
}

const looseRows = async () => Number((await api.app.get(Db).sql.one<{ n: string }>(`SELECT count(*)::text n FROM candles`)).n);
const chunkRows = async () => Number((await api.app.get(Db).sql.one<{ n: string }>(`SELECT count(*)::text n FROM candle_chunks`)).n);

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(universe);
});

describe('history backfill', () => {
  it('writes sessions of 1m bars and every timeframe consistent with them, for equities, indices and futures only', async () => {
    const candles = api.app.get(CandlesRepository);
    expect(await candles.hasAny()).toBe(false);
    const res = await backfillHistory({ candles, instruments: universe, days: 4, now: NOW, seed: 3 });
    // Mon 16 (from 13:30), Tue, Wed, Thu, Fri 20 (to 13:30): 5 sessions.
    expect(res.sessions).toBe(5);
    expect(await candles.hasAny()).toBe(true);

    const m1 = await series('RELIANCE', '1m');
    expect(m1.length).toBe(120 + 3 * 375 + 255);
    expect(m1.every((c) => isNseOpen(c.ts))).toBe(true);
    expect(m1.at(-1)!.ts).toBeLessThan(NOW);
    for (const tf of ['5m', '15m', '1h', '1d'] as const) {
      expect(await series('RELIANCE', tf)).toEqual(aggregateCandles(m1, tf));
    }
    const { n } = (
      await api.app.get(Db).sql.rows<{
        n: string;
      }>(`SELECT count(DISTINCT symbol)::text n FROM (SELECT symbol FROM candles UNION SELECT symbol FROM candle_chunks) s`)
    )[0]!;
    expect(Number(n)).toBe(universe.filter((i) => ['EQ', 'INDEX', 'FUT'].includes(i.instrumentType)).length);
    const options = await api.app
      .get(Db)
      .sql.rows(`SELECT 1 FROM candle_chunks c JOIN instruments i USING (symbol) WHERE i.instrument_type IN ('CE', 'PE') LIMIT 1`);
    expect(options).toEqual([]);
    // Closed windows went straight into chunks; only the windows containing NOW are loose rows.
    const loose = await api.app
      .get(Db)
      .sql.rows<{ timeframe: string; n: string }>(`SELECT timeframe, count(DISTINCT symbol)::text n FROM candles GROUP BY 1 ORDER BY 1`);
    expect(loose.map((r) => r.timeframe).sort()).toEqual(['15m', '1d', '1h', '1m', '5m']);
    expect(await chunkRows()).toBeGreaterThan(0);
  });

  it('is all or nothing: a failure part-way leaves no candles behind', async () => {
    const db = api.app.get(Db);
    await db.sql.rows(`TRUNCATE candles, candle_chunks`);
    const candles = api.app.get(CandlesRepository);
    let chunks = 0;
    const failing = Object.create(candles) as CandlesRepository;
    failing.bulkLoad = (months, fill) =>
      candles.bulkLoad(months, (io) =>
        fill({
          writeChunks: async (c) => {
            chunks += c.length;
            await io.writeChunks(c);
          },
          // The very last write fails, after every chunk went in.
          writeRows: () => Promise.reject(new Error('disk full')),
        }),
      );
    await expect(backfillHistory({ candles: failing, instruments: universe, days: 4, now: NOW, seed: 3 })).rejects.toThrow('disk full');
    expect(chunks).toBeGreaterThan(100);
    expect(await looseRows()).toBe(0);
    expect(await chunkRows()).toBe(0);
  });
});
