import { createServer, type AddressInfo } from 'node:net';
import { demoUniverse, depositTx, formatPrice, parsePrice } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { FakeOpenAlgo } from '@tradeloop/testing/openalgo-fake';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { placeOrder, startWorker as startLiveWorker, untilOrderStatus } from './support/kite-world';

/**
 * OpenAlgo accounts end to end (issue 15): two OpenAlgo installations (two loopback fakes,
 * libs/testing/src/openalgo-fake), one in analyzer mode. An account is a host and an API key, no
 * daily login: it is checked when added and is `connected` (analyzer shown) or `error` with the
 * reason. Orders go through the real worker; a down host marks only its own account; a placement
 * whose answer is lost is resolved by the heuristic (OpenAlgo has no order tags).
 */
const alpha = new FakeOpenAlgo({ analyzer: true, apiKey: 'alpha-openalgo-key-000000000000000000' });
const beta = new FakeOpenAlgo({ apiKey: 'beta-openalgo-key-0000000000000000000' });
const env: Record<string, string> = {};
beforeAll(async () => {
  await alpha.start();
  await beta.start();
  Object.assign(env, {
    // The fake serves the order stream on its own port at /ws.
    OPENALGO_WS_PORT: '0',
    OPENALGO_REQUEST_TIMEOUT_MS: '1000',
    OPENALGO_POLL_INTERVAL_MS: '200',
    OPENALGO_CHECK_INTERVAL_MS: '300',
    BROKER_FUNDS_CACHE_MS: '0',
  });
});
afterAll(async () => {
  await alpha.stop();
  await beta.stop();
});
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
let trader: { id: string; token: string };
let worker: RunningProcess | null = null;
let ltp: number;
const ids: { alpha?: string; beta?: string } = {};

const place = (body: Record<string, unknown>) => placeOrder(api, trader.token, body);
const untilStatus = (id: string, status: string, ms = 20_000) => untilOrderStatus(api, trader.token, id, status, ms);
const accountView = async (id: string) => (await api.http.get(`/api/v1/broker-accounts/${id}`, trader.token)).body;
const addAccount = (name: string, host: string, apiKey: string) =>
  api.http.post('/api/v1/broker-accounts', { kind: 'openalgo', name, credentials: { host, apiKey } }, trader.token);

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const s = await signedIn(api, ['trader']);
  trader = { id: s.user.id, token: s.token };
  await api.app
    .get(Db)
    .tx((sql) => api.app.get(LedgerRepository).post(sql, depositTx({ kind: 'wallet', userId: trader.id }, 10_00_000_00n, 'funding')));
  worker = await startLiveWorker(ctx, await freePort());
  const quote = await eventually(
    async () => (await api.http.get('/api/v1/market/quotes?symbols=RELIANCE', trader.token)).body.items?.[0] ?? null,
    15_000,
    'quotes',
  );
  ltp = parsePrice(quote.ltp);
  for (const f of [alpha, beta]) f.setQuote('NSE', 'RELIANCE', { ltp, bid: ltp, ask: ltp + 500 });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
});

describe('OpenAlgo accounts, end to end', () => {
  it('an account is checked when added: connected (analyzer mode shown), or error with the reason', async () => {
    const a = await addAccount('OpenAlgo sandbox', alpha.endpoints().host, alpha.apiKey);
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ kind: 'openalgo', status: 'connected', statusReason: expect.stringContaining('Analyzer mode') });
    expect(JSON.stringify(a.body)).not.toContain(alpha.apiKey);
    ids.alpha = a.body.id;
    const b = await addAccount('OpenAlgo live', beta.endpoints().host, beta.apiKey);
    expect(b.body).toMatchObject({ status: 'connected', statusReason: null });
    ids.beta = b.body.id;

    const badKey = await addAccount('Wrong key', beta.endpoints().host, 'not-the-key-000000000000');
    expect(badKey.body).toMatchObject({ status: 'error', statusReason: expect.stringContaining('refused the API key') });
    const html = await addAccount('Wrong path', `${beta.endpoints().host}/dashboard`, beta.apiKey);
    expect(html.body).toMatchObject({ status: 'error', statusReason: expect.stringContaining('HTML') });
    // A host nothing listens on: the account is in error, saying which host cannot be reached.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const downHost = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = await addAccount('Host down', downHost, beta.apiKey);
    expect(down.body).toMatchObject({ status: 'error', statusReason: expect.stringContaining(`cannot reach OpenAlgo at ${downHost}`) });
    // An account in error takes no orders (409 naming it), nothing reaches any OpenAlgo.
    const refused = await place({
      symbol: 'RELIANCE',
      side: 'BUY',
      type: 'MARKET',
      quantity: 1,
      product: 'CNC',
      accountId: badKey.body.id,
    });
    expect(refused.status).toBe(409);
    expect(alpha.placements() + beta.placements()).toBe(0);
    // The broker's own view of it: a 409 that says what to fix — never a daily login, which OpenAlgo has not.
    for (const view of ['funds', 'positions', 'orders']) {
      const res = await api.http.get(`/api/v1/broker-accounts/${badKey.body.id}/${view}`, trader.token);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('CONFLICT');
      expect(res.body.detail).toContain('check its host and API key');
      expect(res.body.detail).not.toContain('login');
    }
  });

  it('a market order on one OpenAlgo fills there through the worker; the other install sees nothing', async () => {
    const res = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 3, product: 'CNC', accountId: ids.alpha });
    expect(res.status).toBe(202);
    expect(res.body.order).toMatchObject({ accountId: ids.alpha, broker: 'openalgo' });
    const filled = await untilStatus(res.body.order.id, 'FILLED');
    expect(filled.filledQuantity).toBe(3);
    expect(alpha.placements()).toBe(1);
    expect(beta.placements()).toBe(0);
    const atAlpha = alpha.orderList().find((o) => o.orderid === filled.brokerOrderId)!;
    expect(atAlpha).toMatchObject({ status: 'complete', filled: 3 });
    expect(filled.averagePrice).toBe(formatPrice(FakeOpenAlgo.averageTicks(atAlpha)!));
  });

  it('a limit order rests at the other install and is cancelled there', async () => {
    const price = formatPrice(Math.floor((ltp * 97) / 100 / 500) * 500);
    const res = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price, quantity: 2, product: 'CNC', accountId: ids.beta });
    expect(res.status).toBe(202);
    const open = await untilStatus(res.body.order.id, 'OPEN');
    expect(beta.orderList().find((o) => o.orderid === open.brokerOrderId)).toMatchObject({ status: 'open' });
    const del = await api.http.request('DELETE', `/api/v1/orders/${open.id}`, { token: trader.token });
    expect(del.status).toBeLessThan(300);
    await untilStatus(open.id, 'CANCELLED');
    expect(beta.orderList().find((o) => o.orderid === open.brokerOrderId)).toMatchObject({ status: 'cancelled' });
  });

  it('a host that goes down marks only its own account error (the worker re-checks it); the other keeps trading; back up, connected again', async () => {
    const statusOf = (id: string, status: string) =>
      eventually(async () => ((await accountView(id)).status === status ? accountView(id) : null), 15_000, `${id} ${status}`);
    await beta.goDown();
    try {
      const inError = await statusOf(ids.beta!, 'error');
      expect(inError.statusReason).toContain(`OpenAlgo at ${beta.endpoints().host}`);
      expect(await accountView(ids.alpha!)).toMatchObject({ status: 'connected' });
      const refused = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC', accountId: ids.beta });
      expect(refused.status).toBe(409);
      const res = await place({ symbol: 'RELIANCE', side: 'SELL', type: 'MARKET', quantity: 1, product: 'CNC', accountId: ids.alpha });
      expect(res.status).toBe(202);
      await untilStatus(res.body.order.id, 'FILLED');
    } finally {
      await beta.comeBack();
    }
    expect(await statusOf(ids.beta!, 'connected')).toMatchObject({ statusReason: null });
    // Its owner re-entering the key checks it at once, too.
    const patched = await api.http.request('PATCH', `/api/v1/broker-accounts/${ids.beta}`, {
      body: { credentials: { host: beta.endpoints().host, apiKey: beta.apiKey } },
      token: trader.token,
    });
    expect(patched.body).toMatchObject({ status: 'connected', statusReason: null });
  });

  it('a placement whose answer is lost is found by the heuristic (no tags at OpenAlgo) and never sent twice', async () => {
    const before = alpha.placements();
    alpha.failNext('placeorder', 'timeout-after-accept');
    const res = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 2, product: 'CNC', accountId: ids.alpha });
    expect(res.status).toBe(202);
    const filled = await untilStatus(res.body.order.id, 'FILLED', 30_000);
    expect(alpha.placements()).toBe(before + 1);
    expect(alpha.orderList().filter((o) => o.orderid === filled.brokerOrderId)).toHaveLength(1);
    const accepted = filled.history.filter((h: { details: { event: string } }) => h.details.event === 'ACCEPTED');
    expect(accepted).toHaveLength(1);
    expect(accepted[0].details.how).toBe('found-by-heuristic');
  });
});
