import { randomUUID } from 'node:crypto';
import { demoUniverse, depositTx, parsePrice } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { FakeOpenAlgo } from '@tradeloop/testing/openalgo-fake';
import { signedIn, useTestApi } from './support/test-api';
import { placeOrder, startWorker, untilOrderStatus } from './support/kite-world';
import { eventually } from './support/market-socket';

/**
 * The fan-out (docs/watchlist-trading.md, "Fan-out"): one click to three OpenAlgo
 * installs and a paper account. On OpenAlgo the delta goes out as `placesmartorder` with
 * `position_size` — the net the order leaves at the broker (our net for the contract + the delta);
 * the paper account takes an ordinary order. Loopback fakes of OpenAlgo, the real API and worker.
 */
// Three installs on three broker accounts: their order ids come from distinct number spaces.
const fakes = [0, 1, 2].map(
  (i) => new FakeOpenAlgo({ apiKey: `openalgo-key-${i}-000000000000000000000000`, orderIdPrefix: `25120${7 + i}0` }),
);
const env: Record<string, string> = {};
beforeAll(async () => {
  for (const f of fakes) await f.start();
  Object.assign(env, {
    OPENALGO_WS_PORT: '0',
    OPENALGO_REQUEST_TIMEOUT_MS: '1000',
    OPENALGO_POLL_INTERVAL_MS: '200',
    BROKER_FUNDS_CACHE_MS: '0',
  });
});
afterAll(async () => {
  for (const f of fakes) await f.stop();
});
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });

let worker: RunningProcess;
let trader: { id: string; token: string };
let paper: string;
const openAlgo: string[] = [];

const sql = () => api.app.get(Db).sql;

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const s = await signedIn(api, ['trader']);
  trader = { id: s.user.id, token: s.token };
  await api.app
    .get(Db)
    .tx((q) => api.app.get(LedgerRepository).post(q, depositTx({ kind: 'wallet', userId: trader.id }, 10_00_000_00n, 'funding')));
  for (const [i, f] of fakes.entries()) {
    const res = await api.http.post(
      '/api/v1/broker-accounts',
      { kind: 'openalgo', name: `OpenAlgo ${i + 1}`, credentials: { host: f.endpoints().host, apiKey: f.apiKey } },
      trader.token,
    );
    expect(res.body.status).toBe('connected');
    openAlgo.push(res.body.id);
  }
  paper = (await api.http.get('/api/v1/broker-accounts', trader.token)).body.items.find((a: { kind: string }) => a.kind === 'paper').id;
  worker = await startWorker(ctx, await freePort());
  const quote = await eventually(
    async () => (await api.http.get('/api/v1/market/quotes?symbols=RELIANCE', trader.token)).body.items?.[0] ?? null,
    15_000,
    'quotes',
  );
  const ltp = parsePrice(quote.ltp);
  for (const f of fakes) f.setQuote('NSE', 'RELIANCE', { ltp, bid: ltp, ask: ltp + 500 });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
});

const brokerNet = (f: FakeOpenAlgo) => f.netPositions().get('NSE:RELIANCE:CNC') ?? 0;

describe('quick orders fanned out to three OpenAlgo installs and a paper account', () => {
  it('each OpenAlgo order is a smart order naming the position it leaves; the paper one an ordinary order; 4/4 accepted', async () => {
    // An order of the trader's own on the first install: the account already holds 3 there.
    const manual = await placeOrder(api, trader.token, {
      symbol: 'RELIANCE',
      side: 'BUY',
      type: 'MARKET',
      quantity: 3,
      product: 'CNC',
      accountId: openAlgo[0],
    });
    await untilOrderStatus(api, trader.token, manual.body.order.id, 'FILLED', 20_000);

    const wl = (await api.http.post('/api/v1/watchlists', { name: `fan-${randomUUID().slice(0, 8)}`, symbols: ['RELIANCE'] }, trader.token))
      .body.id;
    const put = await api.http.request('PUT', `/api/v1/settings/watchlists/${wl}`, {
      body: { values: { accountIds: [...openAlgo, paper], product: 'CNC' } },
      token: trader.token,
    });
    expect(put.status).toBe(200);

    for (const target of [1, 2]) {
      const res = await api.http.post(
        '/api/v1/orders/quick',
        { intentId: randomUUID(), watchlistId: wl, symbol: 'RELIANCE', action: 'BUY', tradeMode: 'EQUITY' },
        trader.token,
      );
      expect(res.status).toBe(202);
      expect(res.body.summary).toEqual({ total: 4, accepted: 4, failed: 0 });
      for (const r of res.body.intent.results) {
        expect(r).toMatchObject({ status: 'accepted', deltaQuantity: 1, targetQuantity: target });
        await untilOrderStatus(api, trader.token, r.orderId, 'FILLED', 20_000);
      }
      const orders = await sql().rows<{ account_id: string; position_size: number | null; quantity: number }>(
        `SELECT account_id, position_size, quantity FROM orders WHERE intent_id = $1 ORDER BY account_id`,
        [res.body.intent.id],
      );
      const sizeOf = new Map(orders.map((o) => [o.account_id, o.position_size]));
      // The first install holds the 3 of the manual order besides the leg.
      expect(sizeOf.get(openAlgo[0]!)).toBe(3 + target);
      expect(sizeOf.get(openAlgo[1]!)).toBe(target);
      expect(sizeOf.get(openAlgo[2]!)).toBe(target);
      expect(sizeOf.get(paper)).toBeNull();
    }
    // What each install holds now: exactly the position each smart order named.
    expect(fakes.map(brokerNet)).toEqual([5, 2, 2]);
    // A fill the order stream missed (a session's first order can beat its stream's subscription) arrives with the 10 s reconciliation.
  }, 90_000);
});
