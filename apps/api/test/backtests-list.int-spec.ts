import { demoUniverse, type Candle } from '@tradeloop/domain';
import { BacktestListPageSchema, type BacktestMetrics } from '@tradeloop/contracts';
import { CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { BacktestsRepository } from '@tradeloop/strategies';
import { signedIn, useTestApi } from './support/test-api';

/**
 * `GET /api/v1/backtests` (docs/api.md "Backtests"): the caller's own backtests, newest first,
 * cursor-paged, each with its request and its metrics once completed. No worker runs here: the
 * runs stay queued, and one is completed through the repository the worker uses.
 */
const { api } = useTestApi({}, { logLevel: 'silent' });

const T0 = Date.parse('2026-10-05T03:45:00Z'); // Monday 09:15 IST
const N = 200;
const iso = (ms: number) => new Date(ms).toISOString();
const candles: Candle[] = Array.from({ length: N }, (_, i) => {
  const close = 25_000_000 + (i % 13) * 1_000;
  return { ts: T0 + i * 60_000, open: close, high: close + 500, low: close - 500, close, volume: 100 };
});

let quant: { token: string; user: { id: string } };
let other: { token: string; user: { id: string } };

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date(T0)));
  await api.app.get(CandlesRepository).upsertMany(candles.map((candle) => ({ symbol: 'RELIANCE', timeframe: '1m' as const, candle })));
  quant = await signedIn(api, ['quant']);
  other = await signedIn(api, ['quant']);
});

const start = async (fast: number, token = quant.token): Promise<string> => {
  const res = await api.http.request('POST', '/api/v1/backtests', {
    token,
    body: {
      strategy: { kind: 'sma-crossover', params: { fast, slow: 30, quantity: 1 } },
      symbols: ['RELIANCE'],
      timeframe: '1m',
      from: iso(T0),
      to: iso(T0 + N * 60_000),
      initialCapital: '100000.00',
    },
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
};
const list = (query: string, token = quant.token) => api.http.get(`/api/v1/backtests${query}`, token);

describe('GET /api/v1/backtests', () => {
  it('lists only the caller’s backtests, newest first, paged by cursor, with request and metrics', async () => {
    const mine: string[] = [];
    for (let fast = 2; fast <= 6; fast += 1) mine.push(await start(fast));
    const theirs = await start(7, other.token);

    // One of them completes (through the worker's own repository path), so its metrics are listed.
    const repo = api.app.get(BacktestsRepository);
    expect(await repo.claim(mine[1]!)).toBeDefined();
    const metrics: BacktestMetrics = {
      totalReturn: 0.0125,
      cagr: 0.5,
      sharpe: 1.25,
      sortino: null,
      maxDrawdown: 0.02,
      winRate: 0.5,
      profitFactor: null,
      trades: 4,
      fees: '0.00',
      exposure: 0.4,
      turnover: 1.5,
    };
    expect(
      await repo.complete(mine[1]!, {
        trades: [],
        equityTs: new Float64Array(),
        equityValue: new Float64Array(),
        metrics,
        barsProcessed: N,
      }),
    ).toBe('completed');

    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const page = BacktestListPageSchema.parse(res.body);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    // Newest first: the reverse of the order they were created in; the other user's is absent.
    expect(seen.map((b) => b.id)).toEqual([...mine].reverse());
    expect(seen.map((b) => b.id)).not.toContain(theirs);
    const createdAt = seen.map((b) => Date.parse(b.createdAt as string));
    expect([...createdAt].sort((a, b) => b - a)).toEqual(createdAt);

    const done = seen.find((b) => b.id === mine[1])!;
    expect(done).toMatchObject({ status: 'completed', progress: 1, metrics, children: null });
    const queued = seen.find((b) => b.id === mine[0])!;
    expect(queued).toMatchObject({
      status: 'queued',
      progress: 0,
      metrics: null,
      children: null,
      strategy: { kind: 'sma-crossover', params: { fast: 2, slow: 30, quantity: 1, timeframe: '1m' } },
      symbols: ['RELIANCE'],
      timeframe: '1m',
      from: iso(T0),
      to: iso(T0 + N * 60_000),
    });

    const theirList = BacktestListPageSchema.parse((await list('', other.token)).body);
    expect(theirList.items.map((b) => b.id)).toEqual([theirs]);
    expect(theirList.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not issue, and a limit out of range, naming the field', async () => {
    for (const [query, field] of [
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      [`?cursor=${Buffer.from(JSON.stringify(['signals', 1, '00000000-0000-4000-8000-000000000000'])).toString('base64url')}`, 'cursor'],
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
    ] as const) {
      const res = await list(query);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.body.errors ?? res.body), query).toContain(field);
    }
  });

  it('needs a quant, trader or admin token', async () => {
    expect((await api.http.get('/api/v1/backtests')).status).toBe(401);
    const viewer = await signedIn(api, ['viewer']);
    expect((await list('', viewer.token)).status).toBe(403);
  });
});
