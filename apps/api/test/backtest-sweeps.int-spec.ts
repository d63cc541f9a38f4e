import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { demoUniverse, type Candle } from '@tradeloop/domain';
import { BacktestListPageSchema, BacktestSchema, BacktestTradePageSchema, type BacktestTradeDto } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { startWorker } from './support/kite-world';
import { backtestRequest, holdBacktestRows } from './support/backtests';

/**
 * Backtest sweeps (docs/backtests.md "Sweeps"): params lists expand to one child run per
 * combination, every combination checked before anything is stored, each child replayed twice
 * (in-sample, then out-of-sample) in the real worker, the parent aggregating its children, and a
 * cancel on the parent reaching every child.
 */
const MAX_SWEEP = 10;
const { api, ctx } = useTestApi({ BACKTEST_MAX_SWEEP: String(MAX_SWEEP) }, { logLevel: 'silent' });

const T0 = Date.parse('2026-10-05T03:45:00Z'); // Monday 09:15 IST
const N = 3_000;
const iso = (ms: number) => new Date(ms).toISOString();
/**
 * Integer-tick closes swinging around ₹2,500 with a slowly growing amplitude: SMAs cross often,
 * differently early and late. Volumes vary (a constant volume has no z-score, so the demo model
 * would see no features and signal nothing).
 */
const bars: Candle[] = Array.from({ length: N }, (_, i) => {
  const close = 25_000_000 + Math.round((600_000 + 200 * i) * Math.sin(i / 37)) + (i % 7) * 300;
  return { ts: T0 + i * 60_000, open: close - 500, high: close + 2_000, low: close - 2_000, close, volume: 1_000 + (i % 50) * 20 };
});

let quant: { token: string; user: { id: string } };
let worker: RunningProcess | undefined;
const MODEL_DIR = resolve(__dirname, '../../../models/demo-momentum/1');

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date(T0)));
  await api.app.get(CandlesRepository).upsertMany(bars.map((candle) => ({ symbol: 'RELIANCE', timeframe: '1m' as const, candle })));
  quant = await signedIn(api, ['quant']);
});
afterAll(async () => {
  await worker?.stop();
});

const request = (params: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  backtestRequest(T0, T0 + N * 60_000, { strategy: { kind: 'sma-crossover', params: { quantity: 1, ...params } }, ...over });
const start = (body: unknown) => api.http.request('POST', '/api/v1/backtests', { body, token: quant.token });
const get = (id: string) => api.http.get(`/api/v1/backtests/${id}`, quant.token);
const rows = async () => Number((await api.app.get(Db).sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM backtests`)).n);
const allTrades = async (id: string): Promise<BacktestTradeDto[]> => {
  const out: BacktestTradeDto[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.http.get(`/api/v1/backtests/${id}/trades?limit=500${cursor ? `&cursor=${cursor}` : ''}`, quant.token);
    expect(res.status).toBe(200);
    const page = BacktestTradePageSchema.parse(res.body);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
};

describe('backtest sweeps', () => {
  it('refuses a grid with any invalid combination, over BACKTEST_MAX_SWEEP, or a split without candles, naming the field; stores nothing', async () => {
    const before = await rows();
    const cases: [string, unknown, number, string, RegExp][] = [
      [
        'fast not below slow in one combination',
        request({ fast: [5, 25], slow: [20, 30] }),
        400,
        'strategy.params.fast',
        /fast 25, slow 20/,
      ],
      ['a bad quantity in the list', request({ fast: 5, slow: 20, quantity: [1, 0] }), 400, 'strategy.params.quantity', /quantity 0/],
      [
        'more combinations than the cap',
        request({ fast: [2, 3, 4, 5], slow: [20, 30, 40] }),
        422,
        'strategy.params.fast',
        /BACKTEST_MAX_SWEEP/,
      ],
      ['outOfSample on a single backtest', request({ fast: 5, slow: 20 }, { outOfSample: 0.3 }), 400, 'outOfSample', /sweep/],
      ['outOfSample of 1', request({ fast: [5, 10], slow: 20 }, { outOfSample: 1 }), 400, 'outOfSample', /./],
      [
        'an out-of-sample part without candles',
        request({ fast: [5, 10], slow: 20 }, { to: iso(T0 + 2 * N * 60_000), outOfSample: 0.4 }),
        422,
        'outOfSample',
        /out-of-sample/,
      ],
      ['an empty list', request({ fast: [], slow: 20 }), 400, 'strategy.params.fast', /./],
    ];
    for (const [name, body, status, field, message] of cases) {
      const res = await start(body);
      expect(res.status, name).toBe(status);
      const fieldError = (res.body.errors as { field: string; message: string }[] | undefined)?.find((e) => e.field === field);
      expect(fieldError, `${name}: ${JSON.stringify(res.body)}`).toBeDefined();
      expect(`${res.body.detail ?? ''} ${fieldError!.message}`, name).toMatch(message);
    }
    expect(await rows()).toBe(before);
  });

  it('a cancel on a queued sweep cancels every child', async () => {
    const res = await start(request({ fast: [5, 10], slow: [20, 30] }));
    expect(res.status).toBe(202);
    expect(res.body.children).toHaveLength(4);
    const del = await api.http.request('DELETE', `/api/v1/backtests/${res.body.id}`, { token: quant.token });
    expect(del.status).toBe(202);
    expect(del.body.status).toBe('cancelled');
    const parent = BacktestSchema.parse((await get(res.body.id)).body);
    expect(parent.status).toBe('cancelled');
    expect(parent.children!.map((c) => c.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    for (const c of res.body.children as { id: string }[]) expect((await get(c.id)).body.status).toBe('cancelled');
  });

  it('runs a 3×3 grid as 9 children, each in-sample and out-of-sample; the parent aggregates them', async () => {
    const res = await start(request({ fast: [5, 10, 15], slow: [20, 30, 40] }, { outOfSample: 0.4 }));
    expect(res.status).toBe(202);
    const { id } = res.body as { id: string };
    const children = res.body.children as { id: string; params: Record<string, unknown> }[];
    // Every combination once, first key slowest, the request's other params (and the timeframe) in each.
    expect(children.map((c) => [c.params.fast, c.params.slow])).toEqual([
      [5, 20],
      [5, 30],
      [5, 40],
      [10, 20],
      [10, 30],
      [10, 40],
      [15, 20],
      [15, 30],
      [15, 40],
    ]);
    for (const c of children) expect(c.params).toMatchObject({ quantity: 1, timeframe: '1m' });
    const queued = BacktestSchema.parse((await get(id)).body);
    const splitAt = T0 + Math.floor(N * 60_000 * 0.6);
    expect(queued).toMatchObject({
      status: 'queued',
      progress: 0,
      metrics: null,
      sweep: { combinations: 9, outOfSample: 0.4, splitAt: iso(splitAt) },
    });

    // The list shows the parent with its children counted, never the children themselves.
    const listed = BacktestListPageSchema.parse((await api.http.get('/api/v1/backtests?limit=50', quant.token)).body).items;
    expect(listed.find((b) => b.id === id)).toMatchObject({ children: 9, status: 'queued' });
    for (const c of children) expect(listed.map((b) => b.id)).not.toContain(c.id);

    worker ??= await startWorker(ctx, await freePort(), { MARKET_FEED: 'off' });
    const done = BacktestSchema.parse(
      await eventually(
        async () => {
          const b = (await get(id)).body;
          return ['completed', 'failed', 'cancelled'].includes(b.status) ? b : null;
        },
        60_000,
        'sweep finished',
      ),
    );
    expect(done).toMatchObject({ status: 'completed', progress: 1, error: null, barsProcessed: 9 * N });
    expect(done.children!.map((c) => c.id)).toEqual(children.map((c) => c.id));
    for (const c of done.children!) {
      expect(c.status).toBe('completed');
      expect(c.metrics).not.toBeNull();
      expect(c.outOfSampleMetrics).not.toBeNull();
      // Two different replays, not one set of figures shown twice.
      expect(c.outOfSampleMetrics).not.toEqual(c.metrics);
    }

    // One child in full: its fills split at splitAt — in-sample before, out-of-sample from it on —
    // and its two metric sets count exactly those fills.
    const child = BacktestSchema.parse((await get(children[0]!.id)).body);
    expect(child).toMatchObject({ parentId: id, splitAt: iso(splitAt), status: 'completed', children: null, sweep: null });
    const trades = await allTrades(child.id);
    const inSample = trades.filter((t) => t.sample === 'in');
    const outSample = trades.filter((t) => t.sample === 'out');
    expect(inSample.length).toBe(child.metrics!.trades);
    expect(outSample.length).toBe(child.outOfSampleMetrics!.trades);
    expect(outSample.length).toBeGreaterThan(0);
    for (const t of inSample) expect(Date.parse(t.ts)).toBeLessThan(splitAt);
    for (const t of outSample) expect(Date.parse(t.ts)).toBeGreaterThanOrEqual(splitAt);
    expect(Date.parse(outSample[0]!.ts)).toBeLessThan(T0 + N * 60_000);
  });

  it('ml-signal: a quantity × allowShort sweep with the demo model runs in the worker; each child’s in-sample and out-of-sample fills follow its params', async () => {
    // ml-signal's params are quantity and allowShort (the model's thresholds are its card's, not params).
    const form = new FormData();
    form.append('model', new Blob([readFileSync(`${MODEL_DIR}/model.onnx`)]), 'model.onnx');
    form.append('card', readFileSync(`${MODEL_DIR}/card.json`, 'utf8'));
    const reg = await fetch(`${api.url}/api/v1/models`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${quant.token}` },
    });
    expect(reg.status).toBe(201);
    const modelId = ((await reg.json()) as { model: { id: string } }).model.id;

    const res = await start(
      request({}, { strategy: { kind: 'ml-signal', modelId, params: { quantity: [1, 2], allowShort: [false, true] } }, outOfSample: 0.4 }),
    );
    expect(res.status).toBe(202);
    const { id } = res.body as { id: string };
    const children = res.body.children as { id: string; params: Record<string, unknown> }[];
    expect(children.map((c) => c.params)).toEqual([
      { quantity: 1, allowShort: false },
      { quantity: 1, allowShort: true },
      { quantity: 2, allowShort: false },
      { quantity: 2, allowShort: true },
    ]);
    worker ??= await startWorker(ctx, await freePort(), { MARKET_FEED: 'off' });
    const done = BacktestSchema.parse(
      await eventually(
        async () => {
          const b = (await get(id)).body;
          return ['completed', 'failed', 'cancelled'].includes(b.status) ? b : null;
        },
        60_000,
        'ml-signal sweep finished',
      ),
    );
    expect(done).toMatchObject({ status: 'completed', error: null, barsProcessed: 4 * N, modelVersion: 'demo-momentum@1' });
    const splitAt = T0 + Math.floor(N * 60_000 * 0.6);

    type Fills = { in: BacktestTradeDto[]; out: BacktestTradeDto[] };
    const fills: Fills[] = [];
    for (const [k, c] of children.entries()) {
      const child = BacktestSchema.parse((await get(c.id)).body);
      expect(child).toMatchObject({
        status: 'completed',
        parentId: id,
        splitAt: new Date(splitAt).toISOString(),
        modelVersion: 'demo-momentum@1',
        featureSetVersion: 'b47d510aa2e5c7b4',
        request: { strategy: { kind: 'ml-signal', modelId, params: c.params } },
      });
      const trades = await allTrades(c.id);
      const f: Fills = { in: trades.filter((t) => t.sample === 'in'), out: trades.filter((t) => t.sample === 'out') };
      // Both parts traded, their fills stored apart and counted by their own metrics.
      expect(f.in.length, `child ${k} in-sample fills`).toBeGreaterThan(1);
      expect(f.out.length, `child ${k} out-of-sample fills`).toBeGreaterThan(1);
      expect(child.metrics!.trades).toBe(f.in.length);
      expect(child.outOfSampleMetrics!.trades).toBe(f.out.length);
      for (const t of f.in) expect(Date.parse(t.ts)).toBeLessThan(splitAt);
      for (const t of f.out) expect(Date.parse(t.ts)).toBeGreaterThanOrEqual(splitAt);
      // Each part from flat: the positions its params allow — long q or flat; with allowShort also short q.
      const q = c.params.quantity as number;
      for (const part of [f.in, f.out]) {
        let net = 0;
        const held = new Set<number>();
        for (const t of part) {
          net += t.side === 'BUY' ? t.quantity : -t.quantity;
          held.add(net);
        }
        const allowed = c.params.allowShort ? [-q, 0, q] : [0, q];
        for (const h of held) expect(allowed, `child ${k} position ${h}`).toContain(h);
        expect(held.has(q)).toBe(true);
        if (c.params.allowShort) expect(held.has(-q), `child ${k} goes short`).toBe(true);
        else expect(held.has(-q)).toBe(false);
      }
      fills.push(f);
    }
    // quantity 2 is quantity 1 doubled: the same fills (time, side, price), twice the units and P&L.
    const doubled = (a: BacktestTradeDto[], b: BacktestTradeDto[]) => {
      expect(b.map((t) => [t.ts, t.side, t.price])).toEqual(a.map((t) => [t.ts, t.side, t.price]));
      expect(b.map((t) => t.quantity)).toEqual(a.map((t) => 2 * t.quantity));
      // Realised P&L in paise: twice as much, give or take the one rounding of each figure to the paisa.
      const paise = (t: BacktestTradeDto) => Math.round(Number(t.realizedPnl) * 100);
      b.forEach((t, i) => expect(Math.abs(paise(t) - 2 * paise(a[i]!))).toBeLessThanOrEqual(1));
    };
    for (const short of [0, 1]) {
      doubled(fills[short]!.in, fills[2 + short]!.in);
      doubled(fills[short]!.out, fills[2 + short]!.out);
      const one = done.children![short]!;
      const two = done.children![2 + short]!;
      expect(two.metrics!.totalReturn).toBeCloseTo(2 * one.metrics!.totalReturn, 9);
      expect(two.outOfSampleMetrics!.totalReturn).toBeCloseTo(2 * one.outOfSampleMetrics!.totalReturn, 9);
    }
    // allowShort changes what is traded: a sell from long goes on to short, so the figures differ.
    expect(fills[1]!.in).not.toEqual(fills[0]!.in);
    expect(done.children![1]!.metrics).not.toEqual(done.children![0]!.metrics);
  }, 90_000);

  it('a cancel on a running sweep stops every running child; the sweep ends cancelled with nothing stored', async () => {
    await worker?.stop();
    worker = undefined;
    const db = api.app.get(Db);
    const res = await start(request({ fast: [5, 10], slow: 20 }));
    expect(res.status).toBe(202);
    const { id } = res.body as { id: string };
    const childIds = (res.body.children as { id: string }[]).map((c) => c.id);
    // Key-share locks on the children: they can be claimed, beat and asked to cancel, but cannot
    // store results, so the cancel lands while they run whatever the machine's speed.
    const release = await holdBacktestRows(db, childIds);
    try {
      worker = await startWorker(ctx, await freePort(), { MARKET_FEED: 'off' });
      await eventually(
        async () => {
          const b = BacktestSchema.parse((await get(id)).body);
          return b.children!.every((c) => c.status === 'running') ? b : null;
        },
        30_000,
        'both children running',
      );
      expect(BacktestSchema.parse((await get(id)).body).status).toBe('running');
      const del = await api.http.request('DELETE', `/api/v1/backtests/${id}`, { token: quant.token });
      expect(del.status).toBe(202);
      expect(del.body.status).toBe('running');
    } finally {
      await release();
    }
    const done = BacktestSchema.parse(
      await eventually(
        async () => {
          const b = (await get(id)).body;
          return ['completed', 'failed', 'cancelled'].includes(b.status) ? b : null;
        },
        30_000,
        'sweep ended',
      ),
    );
    expect(done.status).toBe('cancelled');
    expect(done.children!.map((c) => [c.status, c.metrics, c.outOfSampleMetrics])).toEqual([
      ['cancelled', null, null],
      ['cancelled', null, null],
    ]);
    const stored = await db.sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM backtest_trades WHERE backtest_id = ANY($1::uuid[])`, [
      childIds,
    ]);
    expect(stored.n).toBe('0');
  });
});
