import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { io } from 'socket.io-client';
import { demoUniverse, formatPrice, type Candle } from '@tradeloop/domain';
import {
  BacktestProgressEventSchema,
  BacktestSchema,
  BacktestTradePageSchema,
  REALTIME_EVENTS,
  type BacktestProgressEvent,
} from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { CandleChunksRepository, CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { startWorker } from './support/kite-world';
import { backtestRequest, holdBacktestRows } from './support/backtests';

/**
 * Backtests over HTTP and through the real worker (docs/backtests.md "Runs, storage and API"):
 * every refusal before a row exists, a run end to end on seeded candles (JSON and Arrow), cancel,
 * and a run whose worker stopped.
 */
const MAX_BARS = 5_000;
const { api, ctx } = useTestApi({ BACKTEST_MAX_BARS: String(MAX_BARS) }, { logLevel: 'silent' });

const T0 = Date.parse('2026-10-05T03:45:00Z'); // Monday 09:15 IST
const N = 3_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** Integer-tick closes swinging ±₹100 around ₹2,500 (period ~250 bars): SMA 5/20 crosses often. */
const bars = (shift = 0): Candle[] =>
  Array.from({ length: N }, (_, i) => {
    const close = 25_000_000 + Math.round(1_000_000 * Math.sin((i + shift) / 40)) + (i % 7) * 300;
    return { ts: T0 + i * 60_000, open: close - 500, high: close + 2_000, low: close - 2_000, close, volume: 1_000 + i };
  });
const RELIANCE = bars();

let quant: { token: string; user: { id: string } };
let modelId: string;
let otherFeatureSetModelId: string;
const MODEL_DIR = resolve(__dirname, '../../../models/demo-momentum/1');
let worker: RunningProcess | undefined;
let queuedCancelled: string;

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date(T0)));
  const candles = api.app.get(CandlesRepository);
  await candles.upsertMany(RELIANCE.map((candle) => ({ symbol: 'RELIANCE', timeframe: '1m' as const, candle })));
  await candles.upsertMany(bars(90).map((candle) => ({ symbol: 'INFY', timeframe: '1m' as const, candle })));
  quant = await signedIn(api, ['quant']);
  const form = new FormData();
  form.append('model', new Blob([readFileSync(`${MODEL_DIR}/model.onnx`)]), 'model.onnx');
  form.append('card', readFileSync(`${MODEL_DIR}/card.json`, 'utf8'));
  const res = await fetch(`${api.url}/api/v1/models`, { method: 'POST', body: form, headers: { authorization: `Bearer ${quant.token}` } });
  expect(res.status).toBe(201);
  modelId = ((await res.json()) as { model: { id: string } }).model.id;
  // The same model as if trained on another feature set (the registry refuses to register one, so it is written directly).
  otherFeatureSetModelId = randomUUID();
  await api.app.get(Db).sql.rows(
    `INSERT INTO models (id, name, version, stage, feature_set_version, card, checksum, size_bytes, artifact, created_by)
     SELECT $2, name, 'other-features', 'staging', 'deadbeefdeadbeef', jsonb_set(card, '{featureSetVersion}', '"deadbeefdeadbeef"'), checksum, size_bytes, artifact, created_by
     FROM models WHERE id = $1`,
    [modelId, otherFeatureSetModelId],
  );
});

afterAll(async () => {
  await worker?.stop();
});

const request = (over: Record<string, unknown> = {}) => backtestRequest(T0, T0 + N * 60_000, over);
const start = (body: unknown, token = quant.token) => api.http.request('POST', '/api/v1/backtests', { body, token });
const get = (id: string, token = quant.token) => api.http.get(`/api/v1/backtests/${id}`, token);
const rows = async () => Number((await api.app.get(Db).sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM backtests`)).n);
const untilStatus = (id: string, statuses: string[], ms = 30_000) =>
  eventually(
    async () => {
      const b = (await get(id)).body;
      return statuses.includes(b.status) ? b : null;
    },
    ms,
    `backtest ${id} ${statuses.join('|')}`,
  );
const ensureWorker = async () => {
  worker ??= await startWorker(ctx, await freePort(), { MARKET_FEED: 'off' });
};

describe('backtests API', () => {
  it('refuses bad requests with the field or limit named, and stores none of them', async () => {
    const before = await rows();
    const cases: [string, unknown, number, string, RegExp?][] = [
      [
        'fast not below slow',
        request({ strategy: { kind: 'sma-crossover', params: { fast: 20, slow: 5, quantity: 1 } } }),
        400,
        'strategy.params.fast',
      ],
      [
        'quantity zero',
        request({ strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: 0 } } }),
        400,
        'strategy.params.quantity',
      ],
      [
        'negative quantity',
        request({ strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: -3 } } }),
        400,
        'strategy.params.quantity',
      ],
      [
        'fractional fast',
        request({ strategy: { kind: 'sma-crossover', params: { fast: 2.5, slow: 20, quantity: 1 } } }),
        400,
        'strategy.params.fast',
      ],
      ['unknown kind', request({ strategy: { kind: 'martingale', params: {} } }), 400, 'strategy.kind'],
      [
        'params timeframe not the backtest timeframe',
        request({ strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: 1, timeframe: '5m' } } }),
        400,
        'strategy.params.timeframe',
      ],
      ['unknown symbol', request({ symbols: ['RELIANCE', 'NOPE'] }), 400, 'symbols.1'],
      ['no symbols', request({ symbols: [] }), 400, 'symbols'],
      ['from after to', request({ from: iso(T0 + 60_000), to: iso(T0) }), 400, 'from'],
      ['bad capital', request({ initialCapital: '-5' }), 400, 'initialCapital'],
      ['bad fill model', request({ fillModel: { at: 'vwap' } }), 400, 'fillModel.at'],
      ['participation above 1', request({ fillModel: { at: 'close', maxParticipation: 1.5 } }), 400, 'fillModel.maxParticipation'],
      ['ml-signal without a model', request({ strategy: { kind: 'ml-signal', params: { quantity: 1 } } }), 400, 'strategy.modelId'],
      [
        'ml-signal with an unknown model',
        request({ strategy: { kind: 'ml-signal', params: { quantity: 1 }, modelId: randomUUID() } }),
        400,
        'strategy.modelId',
      ],
      [
        'a symbol without candles in the range',
        request({ symbols: ['RELIANCE', 'TCS'] }),
        422,
        'symbols.1',
        new RegExp(`TCS in ${iso(T0)}`),
      ],
      [
        'a range before any candle',
        request({ from: '2020-01-01T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z' }),
        422,
        'symbols.0',
        /RELIANCE/,
      ],
      [
        'a model on another feature set',
        request({ strategy: { kind: 'ml-signal', params: { quantity: 1 }, modelId: otherFeatureSetModelId } }),
        422,
        'strategy.modelId',
        /feature set deadbeefdeadbeef/,
      ],
      [
        'a model of another timeframe',
        request({ timeframe: '5m', strategy: { kind: 'ml-signal', params: { quantity: 1 }, modelId } }),
        422,
        'timeframe',
      ],
      ['more bars than BACKTEST_MAX_BARS', request({ symbols: ['RELIANCE', 'INFY'] }), 422, 'to', /6,000 bars.*BACKTEST_MAX_BARS is 5,000/],
    ];
    for (const [what, body, status, field, detail] of cases) {
      const res = await start(body);
      expect(res.status, what).toBe(status);
      expect(res.headers.get('content-type'), what).toContain('application/problem+json');
      expect(
        res.body.errors?.map((e: { field: string }) => e.field),
        what,
      ).toContain(field);
      if (detail) expect(res.body.detail, what).toMatch(detail);
    }
    const trader = await signedIn(api, ['trader']);
    expect((await start(request(), trader.token)).status).toBe(403);
    expect(await rows()).toBe(before);
  });

  it('a queued run is cancelled at once (no worker running yet)', async () => {
    const { id } = (await start(request())).body;
    const del = await api.http.request('DELETE', `/api/v1/backtests/${id}`, { token: quant.token });
    expect(del.status).toBe(202);
    expect(del.body).toEqual({ id, status: 'cancelled' });
    expect((await get(id)).body).toMatchObject({ status: 'cancelled', metrics: null });
    queuedCancelled = id;
  });

  it('a cancel during the run ends it cancelled, with no metrics, trades or equity stored', async () => {
    expect(worker).toBeUndefined();
    const db = api.app.get(Db);
    const { id } = (await start(request())).body;
    // While this transaction holds a key-share lock on the row, the run can claim it, beat and be
    // asked to cancel (those updates leave the key alone) but cannot store its results: the
    // cancel lands while it is running, whatever the machine's speed.
    const release = await holdBacktestRows(db, [id]);
    try {
      await ensureWorker();
      await untilStatus(id, ['running']);
      const del = await api.http.request('DELETE', `/api/v1/backtests/${id}`, { token: quant.token });
      expect(del.status).toBe(202);
      expect(del.body).toEqual({ id, status: 'running' });
    } finally {
      await release();
    }
    const b = await untilStatus(id, ['completed', 'failed', 'cancelled']);
    expect(b).toMatchObject({ status: 'cancelled', metrics: null });
    const stored = await db.sql.one<{ t: string; e: string }>(
      `SELECT (SELECT count(*) FROM backtest_trades WHERE backtest_id = $1)::text AS t, (SELECT count(*) FROM backtest_equity WHERE backtest_id = $1)::text AS e`,
      [id],
    );
    expect(stored).toEqual({ t: '0', e: '0' });
    expect((await api.http.get(`/api/v1/backtests/${id}/equity`, quant.token)).body.points).toEqual([]);
    expect((await api.http.get(`/api/v1/backtests/${id}/trades`, quant.token)).body).toEqual({ items: [], nextCursor: null });
  });

  it('runs end to end in the worker: completed, with trades, equity and metrics readable as JSON and Arrow', async () => {
    const socket = io(`${api.url}/realtime`, {
      path: '/socket.io',
      auth: { token: quant.token },
      transports: ['websocket'],
      reconnection: false,
    });
    const progress: BacktestProgressEvent[] = [];
    await new Promise((r) => socket.once('ready', r));
    socket.on(REALTIME_EVENTS.backtestProgress, (e) => progress.push(BacktestProgressEventSchema.parse(e)));
    const res = await start(request());
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued' });
    const { id } = res.body;
    await ensureWorker();
    const done = BacktestSchema.parse(await untilStatus(id, ['completed', 'failed', 'cancelled']));
    expect(done).toMatchObject({ status: 'completed', progress: 1, error: null, barsProcessed: N });
    // The owner's socket hears the run reach 1 (progress never goes back; seq counts up by one).
    try {
      await eventually(() => progress.find((e) => e.id === id && e.progress === 1), 10_000, 'backtest.progress 1');
      const mine = progress.filter((e) => e.id === id);
      mine.forEach((e, i) => i > 0 && expect(e.progress).toBeGreaterThanOrEqual(mine[i - 1]!.progress));
      progress.forEach((e, i) => i > 0 && expect(e.seq).toBe(progress[i - 1]!.seq + 1));
    } finally {
      socket.close();
    }
    expect(done.request).toMatchObject({
      strategy: { kind: 'sma-crossover', params: { fast: 5, slow: 20, quantity: 1, allowShort: false, timeframe: '1m' } },
      fillModel: { at: 'close', slippageBps: 0 },
      fees: false,
      initialCapital: '100000.00',
    });

    // Every fill: at its bar's close (fill model 'close', no slippage), alternating BUY/SELL of 1 (long-only).
    const trades: { ts: string; side: string; quantity: number; price: string; fees: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.http.get(`/api/v1/backtests/${id}/trades?limit=7${cursor ? `&cursor=${cursor}` : ''}`, quant.token);
      expect(page.status).toBe(200);
      const parsed = BacktestTradePageSchema.parse(page.body);
      trades.push(...parsed.items);
      cursor = parsed.nextCursor;
    } while (cursor);
    expect(trades.length).toBeGreaterThan(10);
    const byTs = new Map(RELIANCE.map((b) => [iso(b.ts), b]));
    trades.forEach((t, i) => {
      expect(t.side).toBe(i % 2 === 0 ? 'BUY' : 'SELL');
      expect(t.quantity).toBe(1);
      expect(t.price).toBe(formatPrice(byTs.get(t.ts)!.close));
      expect(t.fees).toBe('0.00');
    });
    expect(done.metrics).toMatchObject({ trades: trades.length, fees: '0.00' });

    // The equity curve: one point per bar; the last = cash after the fills + the open position at the last close.
    const eq = await api.http.get(`/api/v1/backtests/${id}/equity`, quant.token);
    expect(eq.status).toBe(200);
    expect(eq.body.points).toHaveLength(N);
    expect(eq.body.points[0].ts).toBe(iso(T0));
    let cashTicks = 100_000 * 10_000;
    for (const t of trades) cashTicks += (t.side === 'BUY' ? -1 : 1) * Math.round(Number(t.price) * 10_000);
    const open = trades.length % 2;
    const finalTicks = cashTicks + open * RELIANCE[N - 1]!.close;
    // Exact in bigint: tick-units → paise (half up; the final equity is positive) → rupees with 2 places.
    const finalPaise = (BigInt(finalTicks) + 50n) / 100n;
    expect(eq.body.points.at(-1).equity).toBe(`${finalPaise / 100n}.${String(finalPaise % 100n).padStart(2, '0')}`);
    expect(done.metrics!.totalReturn).toBeCloseTo(finalTicks / 1e9 - 1, 12);

    const arrow = await fetch(`${api.url}/api/v1/backtests/${id}/equity`, {
      headers: { authorization: `Bearer ${quant.token}`, accept: 'application/vnd.apache.arrow.stream' },
    });
    expect(arrow.headers.get('content-type')).toContain('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(table.schema.fields.map((f) => f.name)).toEqual(['ts', 'equity']);
    expect(table.numRows).toBe(N);
    expect(Number(table.getChild('ts')!.get(0))).toBe(T0);
    expect(table.getChild('equity')!.get(N - 1)).toBeCloseTo(finalTicks / 10_000, 4);

    // Someone else's is not found; its owner's trader role could read it, another quant cannot.
    const other = await signedIn(api, ['quant']);
    expect((await get(id, other.token)).status).toBe(404);
    expect((await api.http.get(`/api/v1/backtests/${id}/trades`, other.token)).status).toBe(404);
    // Cancelling a completed run changes nothing.
    const del = await api.http.request('DELETE', `/api/v1/backtests/${id}`, { token: quant.token });
    expect(del.status).toBe(202);
    expect(del.body).toEqual({ id, status: 'completed' });
    // The run cancelled while queued was never claimed by the worker.
    expect((await get(queuedCancelled)).body).toMatchObject({ status: 'cancelled', startedAt: null });
  });

  it('ml-signal: the model scores the history in batches and the run names its model and feature-set versions', async () => {
    await ensureWorker();
    const res = await start(request({ strategy: { kind: 'ml-signal', params: { quantity: 2 }, modelId } }));
    expect(res.status).toBe(202);
    const done = BacktestSchema.parse(await untilStatus(res.body.id, ['completed', 'failed', 'cancelled']));
    expect(done).toMatchObject({
      status: 'completed',
      error: null,
      modelVersion: 'demo-momentum@1',
      featureSetVersion: 'b47d510aa2e5c7b4',
      request: { strategy: { kind: 'ml-signal', modelId, params: { quantity: 2, allowShort: false } } },
    });
    const trades = BacktestTradePageSchema.parse(
      (await api.http.get(`/api/v1/backtests/${res.body.id}/trades?limit=500`, quant.token)).body,
    ).items;
    expect(trades.length).toBeGreaterThan(0);
    expect(done.metrics!.trades).toBe(trades.length);
    const byTs = new Map(RELIANCE.map((b) => [iso(b.ts), b]));
    trades.forEach((t, i) => {
      // Long 2 on BUY, flat on SELL; never before the features' warm-up (100 bars) produced a row.
      expect(t.side).toBe(i % 2 === 0 ? 'BUY' : 'SELL');
      expect(t.quantity).toBe(2);
      expect(Date.parse(t.ts)).toBeGreaterThanOrEqual(T0 + 99 * 60_000);
      expect(t.price).toBe(formatPrice(byTs.get(t.ts)!.close));
    });
  });

  it('a worker killed mid-run: the run ends failed, never stuck running', async () => {
    await ensureWorker();
    const db = api.app.get(Db);
    const { id } = (await start(request())).body;
    // As in the cancel test, a key-share lock keeps the run from storing its results, so it is
    // still running when its worker is killed.
    const release = await holdBacktestRows(db, [id]);
    try {
      await untilStatus(id, ['running']);
      await worker!.stop('SIGKILL');
      worker = undefined;
    } finally {
      await release();
    }
    expect((await get(id)).body.status).toBe('running');
    // The next worker's sweep finds its heartbeat stale (15 s) and fails it.
    await ensureWorker();
    const b = await untilStatus(id, ['failed', 'completed', 'cancelled'], 45_000);
    expect(b).toMatchObject({ status: 'failed', error: 'worker stopped during the run', metrics: null });
    expect((await api.http.get(`/api/v1/backtests/${id}/trades`, quant.token)).body.items).toEqual([]);
  }, 60_000);

  it('a run left running by a worker that stopped (stale heartbeat) ends failed', async () => {
    await ensureWorker();
    const id = randomUUID();
    await api.app.get(Db).sql.rows(
      `INSERT INTO backtests (id, user_id, status, request, fill_model, started_at, heartbeat_at)
       SELECT $1, $2, 'running', request, fill_model, now() - interval '1 hour', now() - interval '1 hour' FROM backtests WHERE user_id = $2 LIMIT 1`,
      [id, quant.user.id],
    );
    expect((await get(id)).body.status).toBe('running');
    const b = await untilStatus(id, ['failed', 'completed', 'cancelled'], 30_000);
    expect(b).toMatchObject({ status: 'failed', error: 'worker stopped during the run', metrics: null });
  });

  it('counts candles kept in chunks, edge chunks decoded, when checking BACKTEST_MAX_BARS', async () => {
    // Every closed day of 1m bars moves into a chunk; the range starts and ends inside a chunk.
    await api.app.get(CandleChunksRepository).compact(Date.now());
    expect(
      Number(
        (await api.app.get(Db).sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM candles WHERE symbol IN ('RELIANCE', 'INFY')`)).n,
      ),
    ).toBe(0);
    const whole = await start(request({ symbols: ['RELIANCE', 'INFY'] }));
    expect(whole.status).toBe(422);
    expect(whole.body.detail).toMatch(/6,000 bars/);
    const inside = await start(request({ symbols: ['RELIANCE', 'INFY'], from: iso(T0 + 100 * 60_000), to: iso(T0 + 2_650 * 60_000) }));
    expect(inside.status).toBe(422);
    expect(inside.body.detail).toMatch(/5,100 bars/);
    const fits = await start(request({ symbols: ['RELIANCE', 'INFY'], from: iso(T0 + 100 * 60_000), to: iso(T0 + 2_550 * 60_000) }));
    expect(fits.status).toBe(202);
    await ensureWorker();
    expect(await untilStatus(fits.body.id, ['completed', 'failed', 'cancelled'])).toMatchObject({
      status: 'completed',
      barsProcessed: 4_900,
    });
  });
});
