import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REALTIME_EVENTS, SignalEventSchema, type SignalEvent } from '@tradeloop/contracts';
import { candleAt, demoUniverse, FEATURE_SET_V1, FeatureState } from '@tradeloop/domain';
import { backfillHistory, CandlesRepository, InstrumentsRepository } from '@tradeloop/market';
import { SignalsRepository } from '@tradeloop/ml';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '@tradeloop/testing';
import { MarketClient, eventually, sleep } from './support/market-socket';
import { signedIn, useTestApi } from './support/test-api';

/**
 * The live signal loop end to end, all real: stored history, the worker's simulated feed and
 * SignalEngine, the shipped demo model registered and promoted through the API, onnxruntime,
 * Postgres, Redis and a quant's socket. At the next 1-minute close every symbol gets a signal,
 * computed from exactly the features the dataset builder would compute from the stored candles.
 */
const WORKER_MAIN = resolve(__dirname, '../../worker/dist/main.js');
const MODEL_DIR = resolve(__dirname, '../../../models/demo-momentum/1');
const SYMBOLS = ['RELIANCE', 'TCS', 'INFY'];
const { api, ctx } = useTestApi();
let worker: RunningProcess | undefined;

afterAll(async () => {
  await worker?.stop();
});

async function upload(token: string, version: string): Promise<{ id: string }> {
  const card = { ...JSON.parse(readFileSync(`${MODEL_DIR}/card.json`, 'utf8')), version };
  const form = new FormData();
  form.append('model', new Blob([readFileSync(`${MODEL_DIR}/model.onnx`)]), 'model.onnx');
  form.append('card', new Blob([JSON.stringify(card)], { type: 'application/json' }), 'card.json');
  const res = await fetch(`${api.url}/api/v1/models`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { model: { id: string } }).model;
}

describe('live signals', () => {
  it('at the next bar close, stores and pushes one signal per symbol from the production model, with the features the dataset builder computes', async () => {
    const universe = demoUniverse(new Date()).filter((i) => SYMBOLS.includes(i.symbol));
    await api.app.get(InstrumentsRepository).upsert(universe);
    // Three sessions of 1m history: enough to prime 500 bars per symbol.
    await backfillHistory({ candles: api.app.get(CandlesRepository), instruments: universe, days: 5, now: Date.now(), seed: 7 });

    const quant = await signedIn(api, ['quant']);
    const model = await upload(quant.token, 'live-test');
    expect(
      (await api.http.request('POST', `/api/v1/models/${model.id}/promote`, { body: { stage: 'production' }, token: quant.token })).status,
    ).toBe(200);

    const trader = await signedIn(api, ['trader']);
    const quantSocket = new MarketClient(api.url, quant.token);
    const traderSocket = new MarketClient(api.url, trader.token);
    const ready = Promise.all([quantSocket.ready(), traderSocket.ready()]);
    const pushed: SignalEvent[] = [];
    const traderGot: unknown[] = [];
    quantSocket.socket.on(REALTIME_EVENTS.signal, (e: unknown) => pushed.push(SignalEventSchema.parse(e)));
    traderSocket.socket.on(REALTIME_EVENTS.signal, (e: unknown) => traderGot.push(e));
    await ready;

    const port = await freePort();
    worker = startProcess(WORKER_MAIN, {
      ...ctx.env,
      WORKER_HEALTH_PORT: String(port),
      MARKET_FEED: 'simulated',
      MARKET_FEED_TICKS_PER_SECOND: '300',
      LOG_LEVEL: 'warn',
    });
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`, worker);

    // The next 1m close (≤ 60 s away), plus the gathering grace.
    await eventually(() => (pushed.length >= SYMBOLS.length ? true : null), 75_000, 'signals pushed at the bar close');
    const bucket = pushed[0]!.signal.ts;
    const ofBucket = pushed.filter((e) => e.signal.ts === bucket);
    expect(ofBucket.map((e) => e.signal.symbol).sort()).toEqual([...SYMBOLS].sort());
    expect(
      ofBucket.every((e) => e.signal.modelId === model.id && e.signal.stage === 'production' && e.signal.modelVersion === 'live-test'),
    ).toBe(true);
    expect(new Set(ofBucket.map((e) => e.seq)).size).toBe(SYMBOLS.length);
    expect(traderGot).toEqual([]);

    // The feed writes candles every second: let the closed bar reach Postgres.
    await sleep(1_500);
    // Stored as pushed, with the features the dataset builder computes over the stored candles.
    try {
      const card = JSON.parse(readFileSync(`${MODEL_DIR}/card.json`, 'utf8')) as { features: string[] };
      for (const e of ofBucket) {
        const stored = (await api.app.get(SignalsRepository).detail(e.signal.id))!;
        expect(stored).toMatchObject({ score: e.signal.score, signal: e.signal.signal, featuresHash: e.signal.featuresHash });
        // History is stored as chunks and loose rows: read it the way the dataset builder does.
        const c = await api.app
          .get(CandlesRepository)
          .range({ symbol: e.signal.symbol, timeframe: '1m', to: new Date(Date.parse(e.signal.ts) + 1).toISOString(), limit: 500 });
        expect(c.ts[c.length - 1]).toBe(Date.parse(e.signal.ts));
        const state = new FeatureState();
        let row: Float64Array | null = null;
        for (let i = 0; i < c.length; i += 1) row = state.update(candleAt(c, i));
        expect(row, `${e.signal.symbol}: a feature row from the stored candles`).not.toBeNull();
        const expected = card.features.map((name) => Math.fround(row![FEATURE_SET_V1.features.indexOf(name)]!));
        expect(stored.features).toEqual(expected);
      }
    } finally {
      quantSocket.close();
      traderSocket.close();
    }
    const list = await api.http.get(`/api/v1/signals?modelId=${model.id}`, quant.token);
    expect(list.body.items.filter((s: { ts: string }) => s.ts === bucket)).toHaveLength(SYMBOLS.length);
  }, 150_000);
});
