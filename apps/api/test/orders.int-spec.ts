import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { demoUniverse, depositTx, walletBook } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, priceBelow } from './support/market-socket';
import { expectEveryOrderReplays } from './support/order-replay';
import { paperFunds, setPaperBalance } from './support/paper-book';

/** The real worker (execution engine + mock broker + simulated feed) against this file's database. */
const WORKER_MAIN = resolve(__dirname, '../../worker/dist/main.js');
const { api, ctx } = useTestApi();
let worker: RunningProcess;
let trader: { token: string; userId: string };

const post = (body: unknown, key: string | null = randomUUID(), token = trader.token) =>
  api.http.request('POST', '/api/v1/orders', { body, token, headers: key ? { 'idempotency-key': key } : {} });
const order = async (id: string) => (await api.http.get(`/api/v1/orders/${id}`, trader.token)).body;
const wallet = async () => (await api.http.get('/api/v1/wallet', trader.token)).body;
/** The trader's paper account: their (paper) orders hold and settle in its book, never in the wallet. */
const paper = async () => paperFunds(api, trader.token);
const FUNDED_WALLET = { currency: 'INR', available: '1000000.00', held: '0.00', total: '1000000.00' };
/** A buy limit 8 % under the market: inside the 10 % price band, far from filling. */
const farBid = async (symbol: string) => {
  const q = (await api.http.get(`/api/v1/market/quotes?symbols=${symbol}`, trader.token)).body.items[0];
  return priceBelow(q.ltp, 8);
};

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const port = await freePort();
  worker = startProcess(WORKER_MAIN, {
    ...ctx.env,
    WORKER_HEALTH_PORT: String(port),
    MARKET_FEED: 'simulated',
    MARKET_FEED_TICKS_PER_SECOND: '2000',
    LOG_LEVEL: 'warn',
  });
  await waitForHttp(`http://127.0.0.1:${port}/health/ready`, worker);
  const s = await signedIn(api, ['trader']);
  trader = { token: s.token, userId: s.user.id };
  await api.app
    .get(Db)
    .tx((sql) => api.app.get(LedgerRepository).post(sql, depositTx(walletBook(trader.userId), 10_00_000_00n, 'test funding')));
  // Real money in the wallet, and the same amount of paper money in the paper book the orders below spend.
  await setPaperBalance(api, trader.token, '1000000.00');
  // Quotes flowing: market orders need an LTP.
  await eventually(
    async () => (await api.http.get('/api/v1/market/quotes?symbols=RELIANCE,NIFTY26DECFUT', trader.token)).body.items?.length >= 1,
    10_000,
    'quotes',
  );
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

describe('orders', () => {
  it('refuses bad orders with a 400 naming the field, before anything is held', async () => {
    const cases: [unknown, string][] = [
      [{ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 0, product: 'CNC' }, 'quantity'],
      [{ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: -5, product: 'CNC' }, 'quantity'],
      [{ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 1.5, product: 'CNC' }, 'quantity'],
      [{ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', quantity: 1, product: 'CNC' }, 'price'],
      [{ symbol: 'RELIANCE', side: 'BUY', type: 'SL', quantity: 1, price: '1400.00', product: 'CNC' }, 'triggerPrice'],
      [{ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', quantity: 1, price: '1400.03', product: 'CNC' }, 'price'],
      [{ symbol: 'NOPE', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC' }, 'symbol'],
      [{ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', quantity: 1, price: 1400, product: 'CNC' }, 'price'],
    ];
    const before = await paper();
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(res.body.errors ?? []), JSON.stringify(body)).toContain(field);
    }
    expect((await post({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC' }, null)).status).toBe(400);
    expect(await paper()).toEqual(before);
  });

  it('refuses a quantity that is not a whole number of lots with the risk rule LOT_SIZE (422), holding nothing', async () => {
    // One NIFTY future lot is worth more than the default order limit, which is checked first:
    // a trader of its own (so its risk events stay out of the other tests) with room for it.
    const fut = demoUniverse(new Date()).find((i) => i.instrumentType === 'FUT' && i.underlying === 'NIFTY')!;
    const admin = await signedIn(api, ['admin']);
    const s = await signedIn(api, ['trader']);
    await setPaperBalance(api, s.token, '10000000.00');
    const limits = {
      maxOrderValue: '100000000.00',
      maxPositionValue: '100000000.00',
      maxOpenOrders: 50,
      maxDailyLoss: '1000000.00',
      maxOrdersPerMinute: 100,
    };
    expect((await api.http.request('PUT', `/api/v1/admin/risk/limits/${s.user.id}`, { body: limits, token: admin.token })).status).toBe(
      200,
    );
    const funds = async () => paperFunds(api, s.token);
    const before = await funds();
    const res = await post(
      { symbol: fut.symbol, side: 'BUY', type: 'MARKET', quantity: fut.lotSize + 1, product: 'NRML' },
      randomUUID(),
      s.token,
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('RISK_REJECTED');
    expect(res.body.detail).toMatch(/^LOT_SIZE: /);
    expect(await funds()).toEqual(before);
    expect((await api.http.get('/api/v1/orders', s.token)).body.items).toEqual([]);
    const events = (await api.http.get('/api/v1/risk/events', s.token)).body.items;
    expect(events.map((e: { rule: string }) => e.rule)).toEqual(['LOT_SIZE']);
    // A whole number of lots passes the rule (and is placed).
    const ok = await post(
      { symbol: fut.symbol, side: 'BUY', type: 'MARKET', quantity: fut.lotSize, product: 'NRML' },
      randomUUID(),
      s.token,
    );
    expect(ok.status).toBe(202);
  });

  it('buys at market: FILLED, a trade with its charges, a position, and the hold settled', async () => {
    const res = await post({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 10, product: 'CNC' });
    expect(res.status).toBe(202);
    expect(res.body.order).toMatchObject({ status: 'PENDING', symbol: 'RELIANCE', quantity: 10, broker: 'mock' });
    expect(Number(res.body.order.reserved)).toBeGreaterThan(0);
    const filled = await eventually(
      async () => {
        const o = await order(res.body.order.id);
        return o.status === 'FILLED' ? o : null;
      },
      10_000,
      'FILLED',
    );
    expect(filled.filledQuantity).toBe(10);
    expect(filled.reserved).toBe('0.00');
    expect(filled.history.map((h: { details: { event: string } }) => h.details.event)).toEqual(
      expect.arrayContaining(['PLACED', 'SENDING', 'ACCEPTED', 'FILL']),
    );
    const trades = (await api.http.get('/api/v1/trades', trader.token)).body.items.filter(
      (t: { orderId: string }) => t.orderId === filled.id,
    );
    expect(trades).toHaveLength(1);
    expect(trades[0].charges.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['stt', 'exchangeCharges', 'gst']));
    const pos = (await api.http.get('/api/v1/positions', trader.token)).body.items.find((p: { symbol: string }) => p.symbol === 'RELIANCE');
    expect(pos).toMatchObject({ product: 'CNC', netQuantity: 10, averagePrice: filled.averagePrice });
    const w = await paper();
    expect(w.held).toBe('0.00');
    const cost = Number(trades[0].value) + Number(trades[0].fees);
    expect(Number(w.available)).toBeCloseTo(1_000_000 - cost, 2);
    // A paper fill never touches the wallet.
    expect(await wallet()).toEqual(FUNDED_WALLET);
  });

  it('a far LIMIT rests OPEN with its hold; cancelling releases it; a second cancel is 409', async () => {
    const before = await paper();
    const res = await post({ symbol: 'TCS', side: 'BUY', type: 'LIMIT', price: await farBid('TCS'), quantity: 5, product: 'CNC' });
    expect(res.status).toBe(202);
    const id = res.body.order.id;
    await eventually(async () => (await order(id)).status === 'OPEN', 10_000, 'OPEN');
    expect((await paper()).held).toBe(res.body.order.reserved);
    expect(await wallet()).toEqual(FUNDED_WALLET);
    const del = await api.http.request('DELETE', `/api/v1/orders/${id}`, { token: trader.token });
    expect(del.status).toBe(202);
    await eventually(async () => (await order(id)).status === 'CANCELLED', 10_000, 'CANCELLED');
    expect(await paper()).toEqual(before);
    const again = await api.http.request('DELETE', `/api/v1/orders/${id}`, { token: trader.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_STATE');
  });

  it('modifies a resting LIMIT once the broker confirms: new terms, the hold follows; bad changes are 400/404/409/422', async () => {
    const before = await paper();
    const res = await post({
      symbol: 'HDFCBANK',
      side: 'BUY',
      type: 'LIMIT',
      price: await farBid('HDFCBANK'),
      quantity: 5,
      product: 'CNC',
    });
    const id = res.body.order.id;
    await eventually(async () => (await order(id)).status === 'OPEN', 10_000, 'OPEN');
    const patch = (body: unknown, orderId = id, token = trader.token) =>
      api.http.request('PATCH', `/api/v1/orders/${orderId}`, { body, token });
    // Bad changes: nothing to change, a field LIMIT has not, off the tick, not a number, unknown order.
    expect((await patch({})).status).toBe(400);
    expect((await patch({ triggerPrice: '100.00' })).body.errors[0].field).toBe('triggerPrice');
    expect((await patch({ price: '100.03' })).body.errors[0].field).toBe('price');
    expect((await patch({ quantity: 2.5 })).status).toBe(400);
    expect((await patch({ quantity: 2 }, randomUUID())).status).toBe(404);
    const other = await signedIn(api, ['trader']);
    expect((await patch({ quantity: 2 }, id, other.token)).status).toBe(404);
    // More than the paper book can hold: 422, nothing changes.
    expect((await patch({ quantity: 10_000_000 })).body.code).toBe('INSUFFICIENT_FUNDS');
    // A lower price and two more units.
    const lower = await farBid('HDFCBANK');
    const ok = await patch({ price: lower, quantity: 7 });
    expect(ok.status).toBe(202);
    await eventually(async () => (await order(id)).quantity === 7, 10_000, 'modified');
    const after = await order(id);
    expect(after).toMatchObject({ status: 'OPEN', price: lower, quantity: 7 });
    expect(after.history.map((h: { details: { event: string } }) => h.details.event)).toEqual(
      expect.arrayContaining(['MODIFY_REQUESTED', 'MODIFIED']),
    );
    expect((await paper()).held).toBe(after.reserved);
    // Made marketable, it fills at the next tick; then it is terminal: 409.
    const q = (await api.http.get('/api/v1/market/quotes?symbols=HDFCBANK', trader.token)).body.items[0];
    const through = (await patch({ price: priceBelow(q.ltp, -5) })).status;
    expect(through).toBe(202);
    await eventually(async () => (await order(id)).status === 'FILLED', 10_000, 'FILLED');
    const late = await patch({ quantity: 9 });
    expect([late.status, late.body.code]).toEqual([409, 'INVALID_STATE']);
    expect((await paper()).held).toBe(before.held);
    expect(await wallet()).toEqual(FUNDED_WALLET);
    // Leave no position behind for the tests that follow.
    const flat = await api.http.post('/api/v1/positions/square-off', { symbol: 'HDFCBANK' }, trader.token);
    await eventually(async () => (await order(flat.body.items[0].id)).status === 'FILLED', 10_000, 'flattened');
  });

  it('replays a repeated Idempotency-Key (one order), 409 for the same key with another body', async () => {
    const key = randomUUID();
    const body = { symbol: 'INFY', side: 'BUY', type: 'LIMIT', price: await farBid('INFY'), quantity: 1, product: 'CNC' };
    const [a, b] = await Promise.all([post(body, key), post(body, key)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.order.id).toBe(b.body.order.id);
    const c = await post({ ...body, quantity: 2 }, key);
    expect(c.status).toBe(409);
    const all = (await api.http.get('/api/v1/orders?symbol=INFY', trader.token)).body.items;
    expect(all).toHaveLength(1);
    await api.http.request('DELETE', `/api/v1/orders/${a.body.order.id}`, { token: trader.token });
  });

  it('insufficient funds is a 422 and holds nothing; the owner’s reset of the paper balance is what intake checks', async () => {
    const poor = await signedIn(api, ['trader']);
    // A new trader's paper book starts with PAPER_STARTING_BALANCE; the owner resets it to ₹1.
    const accountId = await setPaperBalance(api, poor.token, '1.00');
    const view = async () => (await api.http.get(`/api/v1/broker-accounts/${accountId}`, poor.token)).body;
    expect((await view()).paperBalance).toBe('1.00');
    const body = { symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price: await farBid('RELIANCE'), quantity: 1, product: 'CNC' };
    const res = await post(body, randomUUID(), poor.token);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(res.body.detail).toMatch(/paper balance is 1\.00/);
    expect((await api.http.get('/api/v1/orders', poor.token)).body.items).toEqual([]);
    expect(await paperFunds(api, poor.token, accountId)).toEqual({ currency: 'INR', available: '1.00', held: '0.00', total: '1.00' });
    // Reset to ₹5,00,000: the same order is accepted, held in the paper book; the view shows what is left available.
    await setPaperBalance(api, poor.token, '500000.00');
    const ok = await post(body, randomUUID(), poor.token);
    expect(ok.status).toBe(202);
    const held = ok.body.order.reserved as string;
    const funds = await paperFunds(api, poor.token, accountId);
    expect(funds).toMatchObject({ held, total: '500000.00' });
    expect((await view()).paperBalance).toBe(funds.available);
    // Their wallet was never funded, and still holds nothing.
    expect((await api.http.get('/api/v1/wallet', poor.token)).body).toMatchObject({ available: '0.00', held: '0.00' });
    await api.http.request('DELETE', `/api/v1/orders/${ok.body.order.id}`, { token: poor.token });
  });

  it("another user's order is a 404; a malformed id a 400", async () => {
    const other = await signedIn(api, ['trader']);
    const mine = (await api.http.get('/api/v1/orders', trader.token)).body.items[0];
    expect((await api.http.get(`/api/v1/orders/${mine.id}`, other.token)).status).toBe(404);
    expect((await api.http.request('DELETE', `/api/v1/orders/${mine.id}`, { token: other.token })).status).toBe(404);
    expect((await api.http.get('/api/v1/orders/not-an-id', other.token)).status).toBe(400);
  });

  it('the kill switch refuses new exposure with a 423 naming it, cancels open orders, lets a reducing order through', async () => {
    const open = await post({ symbol: 'TCS', side: 'BUY', type: 'LIMIT', price: await farBid('TCS'), quantity: 1, product: 'CNC' });
    await eventually(async () => (await order(open.body.order.id)).status === 'OPEN', 10_000, 'OPEN');
    const engage = await api.http.post('/api/v1/risk/kill-switch', { engaged: true, reason: 'stepping away' }, trader.token);
    expect(engage.status).toBe(200);
    expect(engage.body.self).toMatchObject({ engaged: true, reason: 'stepping away' });
    await eventually(async () => (await order(open.body.order.id)).status === 'CANCELLED', 10_000, 'cancelled by the switch');
    const refusedKey = randomUUID();
    const refused = await post({ symbol: 'TCS', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC' }, refusedKey);
    expect(refused.status).toBe(423);
    expect(refused.body.code).toBe('KILL_SWITCH_ENGAGED');
    // A retried request gets the same answer, and the refusal stays on record once.
    const retried = await post({ symbol: 'TCS', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC' }, refusedKey);
    expect([retried.status, retried.body.code]).toEqual([423, 'KILL_SWITCH_ENGAGED']);
    // Selling part of the RELIANCE bought earlier reduces exposure: allowed.
    const reduce = await post({ symbol: 'RELIANCE', side: 'SELL', type: 'MARKET', quantity: 4, product: 'CNC' });
    expect(reduce.status).toBe(202);
    await eventually(async () => (await order(reduce.body.order.id)).status === 'FILLED', 10_000, 'square-off filled');
    // Square-off flattens the rest (6 left), also through the engaged switch.
    const flat = await api.http.post('/api/v1/positions/square-off', { symbol: 'RELIANCE' }, trader.token);
    expect(flat.status).toBe(202);
    expect(flat.body.items).toHaveLength(1);
    expect(flat.body.items[0]).toMatchObject({ side: 'SELL', type: 'MARKET', quantity: 6 });
    await eventually(async () => (await order(flat.body.items[0].id)).status === 'FILLED', 10_000, 'flattened');
    const pos = (await api.http.get('/api/v1/positions', trader.token)).body.items.find((p: { symbol: string }) => p.symbol === 'RELIANCE');
    expect(pos.netQuantity).toBe(0);
    expect((await api.http.post('/api/v1/positions/square-off', {}, trader.token)).body.items).toEqual([]);
    const events = (await api.http.get('/api/v1/risk/events', trader.token)).body.items;
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['SWITCH_ENGAGED', 'REJECTED']));
    expect(events.filter((e: { kind: string }) => e.kind === 'REJECTED')).toEqual([expect.objectContaining({ rule: 'KILL_SWITCH_USER' })]);
  });

  it('every order this file made replays from its stored history to its row', async () => {
    await expectEveryOrderReplays(api.app.get(Db), 9);
  });

  it('paper orders left the wallet as it was funded, and the ledger verifies (both books)', async () => {
    expect(await wallet()).toEqual(FUNDED_WALLET);
    const compliance = await signedIn(api, ['compliance']);
    expect((await api.http.get('/api/v1/compliance/ledger/verify', compliance.token)).body).toMatchObject({ ok: true, problems: [] });
  });
});
