import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { demoUniverse } from '@tradeloop/domain';
import { StrategySchema } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { InstrumentsRepository } from '@tradeloop/market';
import { signedIn, useTestApi } from './support/test-api';

/** Strategies over HTTP: what is refused (and never stored), the lifecycle, the switch, ownership. */
const { api } = useTestApi();
const MODEL_DIR = resolve(__dirname, '../../../models/demo-momentum/1');
let quant: { token: string; user: { id: string } };
let modelId: string;

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  quant = await signedIn(api, ['quant']);
  const form = new FormData();
  form.append('model', new Blob([readFileSync(`${MODEL_DIR}/model.onnx`)]), 'model.onnx');
  form.append('card', readFileSync(`${MODEL_DIR}/card.json`, 'utf8'));
  const res = await fetch(`${api.url}/api/v1/models`, { method: 'POST', body: form, headers: { authorization: `Bearer ${quant.token}` } });
  modelId = ((await res.json()) as { model: { id: string } }).model.id;
});

const create = (body: unknown, token = quant.token) => api.http.request('POST', '/api/v1/strategies', { body, token });
const ml = (over: Record<string, unknown> = {}) => ({
  name: `s-${randomUUID().slice(0, 8)}`,
  kind: 'ml-signal',
  symbols: ['RELIANCE', 'tcs'],
  params: { quantity: 2 },
  modelId,
  mode: 'paper',
  ...over,
});

describe('strategies API', () => {
  it('creates a stopped strategy with defaults filled in and zero P&L', async () => {
    const res = await create(ml());
    expect(res.status).toBe(201);
    const s = StrategySchema.parse(res.body.strategy);
    expect(s).toMatchObject({
      kind: 'ml-signal',
      symbols: ['RELIANCE', 'TCS'],
      params: { quantity: 2, allowShort: false },
      status: 'stopped',
      mode: 'paper',
      maxPositionUnits: 20,
      killSwitch: { engaged: false },
      pnl: { realized: '0.00', unrealized: '0.00', total: '0.00' },
      orders: 0,
    });
    const sma = await create({
      name: `sma-${randomUUID().slice(0, 6)}`,
      kind: 'sma-crossover',
      symbols: ['INFY'],
      params: { fast: 5, slow: 20, quantity: 1 },
      mode: 'paper',
      maxPositionUnits: 4,
    });
    expect(sma.body.strategy).toMatchObject({
      params: { fast: 5, slow: 20, quantity: 1, allowShort: false, timeframe: '1m' },
      maxPositionUnits: 4,
      modelId: null,
    });
  });

  it('refuses bad strategies with the field named, and stores none of them', async () => {
    const db = api.app.get(Db);
    const before = (await db.sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM strategies`)).n;
    const cases: [string, unknown, number, string][] = [
      ['unknown kind', ml({ kind: 'martingale' }), 400, 'kind'],
      ['no symbols', ml({ symbols: [] }), 400, 'symbols'],
      ['duplicate symbols', ml({ symbols: ['TCS', 'tcs'] }), 400, 'symbols'],
      ['unknown symbol', ml({ symbols: ['RELIANCE', 'NOPE'] }), 400, 'symbols.1'],
      ['ml-signal without a model', ml({ modelId: undefined }), 400, 'modelId'],
      ['a model that does not exist', ml({ modelId: randomUUID() }), 400, 'modelId'],
      ['sma with a model', { ...ml({ kind: 'sma-crossover', params: { fast: 2, slow: 5, quantity: 1 } }) }, 400, 'modelId'],
      ['quantity missing', ml({ params: {} }), 400, 'params.quantity'],
      ['quantity zero', ml({ params: { quantity: 0 } }), 400, 'params.quantity'],
      ['unknown param', ml({ params: { quantity: 1, leverage: 10 } }), 400, 'params'],
      [
        'fast not below slow',
        { name: 'x', kind: 'sma-crossover', symbols: ['INFY'], params: { fast: 20, slow: 5, quantity: 1 }, mode: 'paper' },
        400,
        'params.fast',
      ],
      ['bad mode', ml({ mode: 'yolo' }), 400, 'mode'],
      ['unknown field', ml({ leverage: 3 }), 400, ''],
      ['empty name', ml({ name: ' ' }), 400, 'name'],
    ];
    for (const [what, body, status, field] of cases) {
      const res = await create(body);
      expect(res.status, what).toBe(status);
      expect(res.headers.get('content-type'), what).toContain('application/problem+json');
      if (field)
        expect(
          res.body.errors?.map((e: { field: string }) => e.field),
          what,
        ).toContain(field);
    }
    const name = `dup-${randomUUID().slice(0, 6)}`;
    expect((await create(ml({ name }))).status).toBe(201);
    expect((await create(ml({ name }))).status).toBe(409);
    expect(Number((await db.sql.one<{ n: string }>(`SELECT count(*)::text AS n FROM strategies`)).n)).toBe(Number(before) + 1);
  });

  it('starts, stops, pulls its own kill switch; a live strategy cannot start while its broker account needs a login; each change is audited', async () => {
    const { id } = (await create(ml())).body.strategy;
    const start = await api.http.request('POST', `/api/v1/strategies/${id}/start`, { token: quant.token });
    expect(start.status).toBe(200);
    expect(start.body.strategy.status).toBe('running');
    const ks = await api.http.request('POST', `/api/v1/strategies/${id}/kill-switch`, {
      body: { engaged: true, reason: 'test: enough' },
      token: quant.token,
    });
    expect(ks.body.strategy.killSwitch).toEqual({ engaged: true, reason: 'test: enough' });
    const stop = await api.http.request('POST', `/api/v1/strategies/${id}/stop`, { token: quant.token });
    expect(stop.body.strategy.status).toBe('stopped');
    // A live strategy names the live account it trades (400 without one); it cannot start while that account needs a login.
    const noAccount = await create(ml({ name: `live-${randomUUID().slice(0, 6)}`, mode: 'live' }));
    expect(noAccount.status).toBe(400);
    expect(JSON.stringify(noAccount.body.errors)).toContain('accountId');
    const kite = await api.http.post(
      '/api/v1/broker-accounts',
      { kind: 'kite', name: 'Quant Kite', credentials: { apiKey: 'quantapikey1', apiSecret: 'quantapisecret1' } },
      quant.token,
    );
    expect(kite.body).toMatchObject({ status: 'needs_login' });
    const live = (await create(ml({ name: `live-${randomUUID().slice(0, 6)}`, mode: 'live', accountId: kite.body.id }))).body.strategy;
    expect(live.accountId).toBe(kite.body.id);
    const refused = await api.http.request('POST', `/api/v1/strategies/${live.id}/start`, { token: quant.token });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('BROKER_LOGIN_REQUIRED');
    expect(refused.body.detail).toContain('Quant Kite');
    const list = await api.http.get('/api/v1/strategies', quant.token);
    expect(list.body.items.find((s: { id: string }) => s.id === id)).toMatchObject({ status: 'stopped', killSwitch: { engaged: true } });
    expect((await api.http.get(`/api/v1/strategies/${id}/orders`, quant.token)).body.items).toEqual([]);
    const actions = await api.app
      .get(Db)
      .sql.rows<{ action: string }>(`SELECT action FROM audit_events WHERE subject = $1 ORDER BY id`, [`strategy:${id}`]);
    expect(actions.map((a) => a.action)).toEqual(['strategy.created', 'strategy.started', 'risk.killswitch_engaged', 'strategy.stopped']);
  });

  it("another user's strategy is not found; traders cannot use strategies", async () => {
    const { id } = (await create(ml())).body.strategy;
    const other = await signedIn(api, ['quant']);
    expect((await api.http.get(`/api/v1/strategies/${id}`, other.token)).status).toBe(404);
    expect((await api.http.request('POST', `/api/v1/strategies/${id}/start`, { token: other.token })).status).toBe(404);
    const trader = await signedIn(api, ['trader']);
    expect((await create(ml(), trader.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/strategies', trader.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/strategies/not-an-id', quant.token)).status).toBe(400);
  });
});
