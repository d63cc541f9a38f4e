import { EngineConfigsRepository, DEFAULT_ENGINE_CONFIG } from '@tradeloop/alerts';
import { demoUniverse, parsePrice, signWebhook } from '@tradeloop/domain';
import { InstrumentsRepository, QuotesStore } from '@tradeloop/market';
import { Db } from '@tradeloop/platform';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { startWorker } from './support/kite-world';
import { eventually } from './support/market-socket';
import { signedIn, useTestApi } from './support/test-api';

/**
 * Alert processing end to end (docs/alerts.md "Processing", "Positions"): a signed alert is
 * routed, both engines decide on one context (the routed decision and the shadow's, every rule
 * and agent recorded), an ENTER places one order per account through the order intake and the
 * paper fill opens a real alert position; a SKIP places nothing. Real API, worker, Postgres, Redis.
 */
// The simulated market is steered (the test seam), so RELIANCE prints at a known price and the paper broker fills at it.
const { api, ctx } = useTestApi({ MARKET_STEERING: 'true' });

let worker: RunningProcess;
let trader: { id: string; token: string };
let paper: string;
const sql = () => api.app.get(Db).sql;

async function createSource(split: number) {
  const res = await api.http.post(
    '/api/v1/webhooks',
    { name: `p-${split}-${Date.now()}`, engine: { split }, accountIds: [paper] },
    trader.token,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; url: string; secret: string };
}

let n = 0;
async function send(source: { url: string; secret: string }, action: 'buy' | 'sell') {
  const raw = JSON.stringify({ symbol: 'RELIANCE', action, quantity: 1, alert_id: `p-${++n}-${Date.now()}` });
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await api.http.request('POST', source.url, {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-tradeloop-timestamp': ts,
      'x-tradeloop-signature': signWebhook(source.secret, ts, raw),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.deliveryId as string;
}

const until = (sourceId: string, id: string, statuses: string[]) =>
  eventually(
    async () => {
      const res = await api.http.get(`/api/v1/webhooks/${sourceId}/deliveries?limit=100`, trader.token);
      const d = (res.body.items as any[]).find((x) => x.id === id);
      return d && statuses.includes(d.status) ? d : null;
    },
    30_000,
    `delivery ${id} ${statuses.join('|')}`,
  );

const ordersTagged = async () =>
  (await sql().one<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1 AND client_tag = 'alert'`, [trader.id])).n;

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const t = await signedIn(api, ['trader']);
  trader = { id: t.user.id, token: t.token };
  const accounts = await api.http.get('/api/v1/broker-accounts', trader.token);
  paper = accounts.body.items.find((a: { kind: string }) => a.kind === 'paper').id;
  worker = await startWorker(ctx, await freePort());
  const admin = await signedIn(api, ['admin']);
  const steered = await api.http.post('/api/v1/admin/market/steer', { symbol: 'RELIANCE', price: '2500' }, admin.token);
  expect(steered.status).toBe(200);
  await eventually(
    async () => ((await api.app.get(QuotesStore).get(['RELIANCE'])).get('RELIANCE')?.[2] === parsePrice('2500') ? true : null),
    30_000,
    'RELIANCE quoted at the steered price',
  );
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

describe('alert processing', () => {
  it('split 0 → engine B decides ENTER (threshold 0, no veto), shadow A recorded with every rule; one paper order fills; a real alert position opens', async () => {
    const c = DEFAULT_ENGINE_CONFIG;
    await api.app.get(EngineConfigsRepository).put(trader.id, {
      ...c,
      b: { ...c.b, entryThreshold: 0, vetoThreshold: 100, limits: { maxOpenPositions: 1000, maxExposure: 10n ** 15n } },
    });
    const source = await createSource(0);
    const id = await send(source, 'buy');
    const d = await until(source.id, id, ['filled', 'rejected']);
    expect(d.status, JSON.stringify(d)).toBe('filled');
    expect(d.engine).toBe('B');
    expect(d.decision).toMatchObject({ engine: 'B', decision: 'ENTER' });
    expect(d.decision.agents.map((a: { agent: string }) => a.agent)).toEqual([
      'context',
      'technical',
      'risk',
      'orb',
      'pattern',
      'squeeze',
      'ml',
    ]);
    expect(d.shadowDecision.engine).toBe('A');
    expect(d.shadowDecision.rules.map((r: { rule: string }) => r.rule)).toEqual([
      'SESSION_WINDOW',
      'ALLOWED_SYMBOL',
      'DIRECTION_ALLOWED',
      'MAX_OPEN_POSITIONS',
      'MAX_EXPOSURE',
      'NO_DUPLICATE_POSITION',
    ]);
    expect(d.orderIds).toHaveLength(1);
    expect(d.steps.map((s: { step: string }) => s.step)).toEqual([
      'received',
      'authenticated',
      'deduplicated',
      'routed',
      'decided',
      'ordered',
      'filled',
    ]);
    const rows = await sql().rows<{
      shadow: boolean;
      status: string;
      engine: string;
      account_id: string | null;
      entry_order_id: string | null;
      quantity: string;
    }>(
      `SELECT shadow, status, engine, account_id, entry_order_id, quantity::text FROM alert_positions WHERE delivery_id = $1 AND NOT shadow`,
      [id],
    );
    expect(rows).toEqual([{ shadow: false, status: 'open', engine: 'B', account_id: paper, entry_order_id: d.orderIds[0], quantity: '1' }]);
  });

  it('split 100 → engine A; directions SELL only makes a BUY a SKIP: decided, no order', async () => {
    const c = DEFAULT_ENGINE_CONFIG;
    await api.app.get(EngineConfigsRepository).put(trader.id, { ...c, a: { ...c.a, directions: ['SELL'] } });
    const before = await ordersTagged();
    const source = await createSource(100);
    const id = await send(source, 'buy');
    const d = await until(source.id, id, ['decided', 'rejected']);
    expect(d.status).toBe('decided');
    expect(d.engine).toBe('A');
    expect(d.decision).toMatchObject({ engine: 'A', decision: 'SKIP' });
    expect(d.decision.failed).toContain('DIRECTION_ALLOWED');
    expect(d.shadowDecision.engine).toBe('B');
    expect(d.orderIds).toEqual([]);
    expect(await ordersTagged()).toBe(before);
  });
});
