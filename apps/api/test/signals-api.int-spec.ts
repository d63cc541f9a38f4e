import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { SignalDetailSchema, SignalListSchema } from '@tradeloop/contracts';
import { hashFeatures, SignalsRepository, type NewSignal } from '@tradeloop/ml';
import { signedIn, useTestApi } from './support/test-api';

/** The signals API over rows the live engine stores (the engine itself: signals-live.int-spec). */
const { api } = useTestApi();
const T0 = Date.UTC(2026, 10, 23, 4, 0);
const MINUTE = 60_000;

function signal(
  modelId: string,
  symbol: string,
  i: number,
  verdict: NewSignal['signal'],
  stage: NewSignal['stage'] = 'production',
): NewSignal {
  const features = Float32Array.from([i / 100, -i / 100, 0.5]);
  return {
    id: uuidv7({ msecs: T0 + i * MINUTE }),
    modelId,
    modelName: 'demo',
    modelVersion: stage === 'shadow' ? '2' : '1',
    stage,
    symbol,
    timeframe: '1m',
    ts: T0 + i * MINUTE,
    score: verdict === 'BUY' ? 0.7 : verdict === 'SELL' ? 0.3 : 0.5,
    signal: verdict,
    closeTicks: 25_000_000 + i,
    features,
    featuresHash: hashFeatures(features),
  };
}

describe('signals API', () => {
  const prod = randomUUID();
  const shadow = randomUUID();
  let quant: { token: string };

  beforeAll(async () => {
    const repo = api.app.get(SignalsRepository);
    const rows: NewSignal[] = [];
    for (let i = 0; i < 30; i += 1) {
      rows.push(signal(prod, 'RELIANCE', i, i % 3 === 0 ? 'BUY' : 'HOLD'), signal(prod, 'TCS', i, 'SELL'));
      rows.push(signal(shadow, 'RELIANCE', i, i % 2 === 0 ? 'BUY' : 'HOLD', 'shadow'));
    }
    const stored = await repo.insertMany(rows);
    expect(stored).toHaveLength(90);
    // The same bars again (a restarted worker): nothing new, nothing changed.
    expect(await repo.insertMany(rows.slice(0, 10).map((r) => ({ ...r, id: uuidv7({ msecs: r.ts }), score: 0.99 })))).toEqual([]);
    quant = await signedIn(api, ['quant']);
  });

  it('lists newest first, filtered by symbol and model, in keyset pages that cover every row once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.http.get(
        `/api/v1/signals?symbol=RELIANCE&modelId=${prod}&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        quant.token,
      );
      expect(res.status).toBe(200);
      const page = SignalListSchema.parse(res.body);
      expect(page.items.every((s) => s.symbol === 'RELIANCE' && s.modelId === prod)).toBe(true);
      seen.push(...page.items.map((s) => s.ts));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(30);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(new Set(seen).size).toBe(30);
    const first = (await api.http.get(`/api/v1/signals?symbol=RELIANCE&modelId=${prod}&limit=1`, quant.token)).body.items[0];
    expect(first).toMatchObject({ stage: 'production', modelVersion: '1', signal: 'HOLD', score: 0.5 });
    expect(first.featuresHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('one signal carries the exact features it was computed from, and the hash matches them', async () => {
    const [s] = (await api.http.get(`/api/v1/signals?symbol=TCS&limit=1`, quant.token)).body.items;
    const res = await api.http.get(`/api/v1/signals/${s.id}`, quant.token);
    expect(res.status).toBe(200);
    const d = SignalDetailSchema.parse(res.body);
    expect(d.close).toBe('2500.0029');
    const values = Object.values(d.features);
    expect(values).toEqual([Math.fround(0.29), Math.fround(-0.29), 0.5]);
    expect(hashFeatures(Float32Array.from(values))).toBe(d.featuresHash);
  });

  it('lines up a shadow model against production on the same bars', async () => {
    const res = await api.http.get(`/api/v1/signals/compare?modelId=${prod}&otherModelId=${shadow}&symbol=RELIANCE&limit=30`, quant.token);
    expect(res.status).toBe(200);
    expect(res.body.bars).toBe(30);
    const agree = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 'BUY' : 'HOLD') === (i % 2 === 0 ? 'BUY' : 'HOLD')).filter(
      Boolean,
    ).length;
    expect(res.body.agreement).toBeCloseTo(agree / 30, 10);
    expect(res.body.items[0]).toMatchObject({ symbol: 'RELIANCE', a: { stage: 'production' }, b: { stage: 'shadow' } });
  });

  it('bad queries are 400 problem documents; unknown ids 404; traders 403', async () => {
    for (const q of [
      'limit=0',
      'limit=501',
      'modelId=nope',
      'cursor=garbage',
      'extra=1',
      `cursor=${Buffer.from(JSON.stringify(['users', 'x', 'y'])).toString('base64url')}`,
    ]) {
      const res = await api.http.get(`/api/v1/signals?${q}`, quant.token);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api.http.get(`/api/v1/signals/compare?modelId=${prod}&otherModelId=${prod}`, quant.token)).status).toBe(400);
    expect((await api.http.get(`/api/v1/signals/not-a-uuid`, quant.token)).status).toBe(400);
    expect((await api.http.get(`/api/v1/signals/${randomUUID()}`, quant.token)).status).toBe(404);
    const trader = await signedIn(api, ['trader']);
    expect((await api.http.get('/api/v1/signals', trader.token)).status).toBe(403);
    const compliance = await signedIn(api, ['compliance']);
    expect((await api.http.get('/api/v1/signals?limit=1', compliance.token)).status).toBe(200);
  });
});
