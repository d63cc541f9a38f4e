import { aggregateCandles, demoUniverse, isNseOpen, type Candle } from '@tradeloop/domain';
import { backfillHistory, CandlesRepository, Db, InstrumentsRepository } from '@tradeloop/server';
import { useTestApi } from './support/test-api';

const { api } = useTestApi();
const NOW = Date.parse('2026-11-20T08:00:00Z'); // Friday 13:30 IST: mid-session
const universe = demoUniverse(new Date(NOW));

async function series(symbol: string, timeframe: string): Promise<Candle[]> {
  const rows = await api.app.get(Db).sql.rows<{ t: string; o: string; h: string; l: string; c: string; v: string }>(
    `SELECT (extract(epoch FROM ts) * 1000)::bigint::text t, open_ticks::text o, high_ticks::text h, low_ticks::text l, close_ticks::text c, volume::text v
     FROM candles WHERE symbol = $1 AND timeframe = $2 ORDER BY ts`,
    [symbol, timeframe],
  );
  return rows.map((r) => ({ ts: Number(r.t), open: Number(r.o), high: Number(r.h), low: Number(r.l), close: Number(r.c), volume: Number(r.v) }));
}

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
    const { n } = (await api.app.get(Db).sql.rows<{ n: string }>(`SELECT count(DISTINCT symbol)::text n FROM candles`))[0]!;
    expect(Number(n)).toBe(universe.filter((i) => ['EQ', 'INDEX', 'FUT'].includes(i.instrumentType)).length);
    const options = await api.app.get(Db).sql.rows(`SELECT 1 FROM candles c JOIN instruments i USING (symbol) WHERE i.instrument_type IN ('CE', 'PE') LIMIT 1`);
    expect(options).toEqual([]);
  });

  it('is all or nothing: a failure part-way leaves no candles behind', async () => {
    const db = api.app.get(Db);
    await db.sql.rows(`TRUNCATE candles`);
    const candles = api.app.get(CandlesRepository);
    let chunks = 0;
    const failing = Object.create(candles) as CandlesRepository;
    failing.bulkLoad = (months, fill) =>
      candles.bulkLoad(months, (write) =>
        fill(async (rows) => {
          chunks += 1;
          if (chunks === 2) throw new Error('disk full');
          await write(rows);
        }),
      );
    await expect(backfillHistory({ candles: failing, instruments: universe, days: 4, now: NOW, seed: 3 })).rejects.toThrow('disk full');
    expect(chunks).toBe(2);
    expect(await candles.hasAny()).toBe(false);
  });
});
