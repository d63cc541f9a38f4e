import { tableFromIPC } from 'apache-arrow';
import { demoUniverse, formatPrice, type Candle } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { CandleChunksRepository, CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi();
const T0 = Date.UTC(2026, 9, 31, 22, 0); // spans a month boundary: two partitions

const bars = (n: number, start = T0): Candle[] =>
  Array.from({ length: n }, (_, i) => {
    const open = 14_200_000 + i * 500;
    return { ts: start + i * 60_000, open, high: open + 1_000, low: open - 1_500, close: open + 500, volume: 100 + i };
  });

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date('2026-11-22T00:00:00Z')));
  await api.app.get(CandlesRepository).upsert('RELIANCE', '1m', bars(200));
});

describe('GET /api/v1/market/candles', () => {
  const range = (q: string) => `/api/v1/market/candles?${q}`;
  const iso = (ms: number) => new Date(ms).toISOString();

  it('returns JSON candles oldest first, across monthly partitions', async () => {
    const { token } = await signedIn(api);
    const res = await api.http.get(range(`symbol=RELIANCE&timeframe=1m&from=${iso(T0)}&to=${iso(T0 + 200 * 60_000)}`), token);
    expect(res.status).toBe(200);
    expect(res.body.candles).toHaveLength(200);
    expect(res.body.candles[0]).toEqual({ ts: iso(T0), open: '1420.00', high: '1420.10', low: '1419.85', close: '1420.05', volume: 100 });
    const parts = await api.app
      .get(Db)
      .sql.rows<{ n: string }>(`SELECT count(*)::text n FROM pg_inherits WHERE inhparent = 'candles'::regclass`);
    expect(Number(parts[0]!.n)).toBeGreaterThanOrEqual(2);
  });

  it('returns the same rows as an Arrow IPC stream with the documented columns', async () => {
    const { token } = await signedIn(api);
    const url = `${api.url}${range(`symbol=RELIANCE&timeframe=1m&from=${iso(T0)}&to=${iso(T0 + 200 * 60_000)}`)}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.apache.arrow.stream' } });
    expect(res.headers.get('content-type')).toContain('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    expect(table.numRows).toBe(200);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'ts:Timestamp<MILLISECOND>',
      'open:Float64',
      'high:Float64',
      'low:Float64',
      'close:Float64',
      'volume:Int64',
    ]);
    const first = table.get(0)!.toJSON();
    expect(first).toMatchObject({ ts: T0, open: 1420, high: 1420.1, low: 1419.85, close: 1420.05, volume: 100n });
  });

  it('without from: the latest candles before `to` (default now), however long ago, from rows and chunks alike', async () => {
    const { token } = await signedIn(api);
    const upTo = await api.http.get(range(`symbol=RELIANCE&timeframe=1m&to=${iso(T0 + 100 * 60_000)}`), token);
    expect(upTo.status).toBe(200);
    expect(upTo.body.candles).toHaveLength(100);
    expect(upTo.body.candles.at(-1).ts).toBe(iso(T0 + 99 * 60_000));
    // The bars are weeks old: "now" still shows them (a chart opened on a Sunday shows Friday).
    const latest = await api.http.get(range('symbol=RELIANCE&timeframe=1m&limit=30'), token);
    expect(latest.body.candles.map((c: { ts: string }) => c.ts)).toEqual(
      bars(200)
        .slice(170)
        .map((b) => iso(b.ts)),
    );
    const dflt = await api.http.get(range('symbol=RELIANCE&timeframe=1m'), token);
    expect(dflt.body.candles).toHaveLength(200);
    // After compaction into chunks, plus a newer loose bar and a loose correction of a chunk bar.
    await api.app.get(CandleChunksRepository).compact(Date.now());
    const newer = { ts: T0 + 300 * 60_000, open: 14_300_000, high: 14_300_000, low: 14_300_000, close: 14_300_000, volume: 1 };
    const fixed = { ...bars(200)[199]!, close: 14_399_000, high: 14_399_000 };
    await api.app
      .get(CandlesRepository)
      .upsertMany([newer, fixed].map((candle) => ({ symbol: 'RELIANCE', timeframe: '1m' as const, candle })));
    const mixed = await api.http.get(range('symbol=RELIANCE&timeframe=1m&limit=3'), token);
    expect(mixed.body.candles.map((c: { ts: string; close: string }) => [c.ts, c.close])).toEqual([
      [iso(T0 + 198 * 60_000), formatPrice(bars(200)[198]!.close)],
      [iso(T0 + 199 * 60_000), '1439.90'],
      [iso(newer.ts), '1430.00'],
    ]);
    expect((await api.http.get(range(`symbol=RELIANCE&timeframe=1m&limit=5&from=${iso(T0)}`), token)).status).toBe(400);
    expect((await api.http.get(range('symbol=RELIANCE&timeframe=1m&limit=0'), token)).status).toBe(400);
    expect((await api.http.get(range('symbol=RELIANCE&timeframe=1m&limit=100001'), token)).status).toBe(400);
  });

  it('re-writing the same candles is idempotent', async () => {
    const repo = api.app.get(CandlesRepository);
    const window = {
      symbol: 'RELIANCE',
      timeframe: '1m' as const,
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 200 * 60_000).toISOString(),
    };
    const before = await repo.range(window);
    await repo.upsert('RELIANCE', '1m', bars(200));
    await repo.upsert('RELIANCE', '1m', bars(200));
    const after = await repo.range(window);
    expect(after.length).toBe(200);
    expect([...after.ts]).toEqual([...before.ts]);
  });

  it('unknown symbol 404, bad timeframe / inverted / oversized ranges 400 with the reason', async () => {
    const { token } = await signedIn(api);
    expect((await api.http.get(range(`symbol=NOPE&timeframe=1m&from=${iso(T0)}&to=${iso(T0 + 60_000)}`), token)).status).toBe(404);
    expect((await api.http.get(range(`symbol=RELIANCE&timeframe=2m&from=${iso(T0)}&to=${iso(T0 + 60_000)}`), token)).status).toBe(400);
    const inverted = await api.http.get(range(`symbol=RELIANCE&timeframe=1m&from=${iso(T0 + 60_000)}&to=${iso(T0)}`), token);
    expect(inverted.status).toBe(400);
    expect(inverted.body.errors[0]).toMatchObject({ field: 'from', message: 'from must be before to' });
    const huge = await api.http.get(range(`symbol=RELIANCE&timeframe=1m&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`), token);
    expect(huge.status).toBe(400);
    expect(huge.body.detail).toMatch(/at most 100,000/);
    expect((await api.http.get(range('symbol=RELIANCE&timeframe=1m&from=yesterday&to=today'), token)).status).toBe(400);
  });
});
