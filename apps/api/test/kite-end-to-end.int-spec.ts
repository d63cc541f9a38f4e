import { demoUniverse, depositTx, formatPrice, parsePrice } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, LedgerVerifier } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually } from './support/market-socket';
import { expectEveryOrderReplays } from './support/order-replay';
import { logInToKite, placeOrder, startWorker as startKiteWorker, untilOrderStatus, useFakeKite } from './support/kite-world';
import { paise, paperFunds } from './support/paper-book';

/**
 * A Kite account end to end (issue 14): a trader adds it, logs in through Kite's login page and
 * callback, trades it from the same order API as paper — and the broker's truth (the fake Kite's
 * own book) ends up exactly in our orders, trades, positions and ledger, through faults too.
 * The worker is a real process; Kite is the loopback fake (libs/testing/src/kite-fake).
 */
const { fake, env } = useFakeKite();
const { api, ctx } = useTestApi(env, { logLevel: 'silent' });
let healthPort: number;
let trader: { id: string; token: string };
let worker: RunningProcess | null = null;

const startWorker = (extra: Record<string, string> = {}) => startKiteWorker(ctx, healthPort, extra);
const place = (body: Record<string, unknown>) => placeOrder(api, trader.token, body);
const orderOf = async (id: string) => (await api.http.get(`/api/v1/orders/${id}`, trader.token)).body;
const untilStatus = (id: string, status: string, ms = 15_000) => untilOrderStatus(api, trader.token, id, status, ms);
const logIn = (accountId: string) => logInToKite(api, trader.token, accountId);

let accountId: string;
/** RELIANCE's LTP in ticks when the file started (ours and Kite's). */
let ltp: number;

beforeAll(async () => {
  healthPort = await freePort();
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const s = await signedIn(api, ['trader']);
  trader = { id: s.user.id, token: s.token };
  await api.app
    .get(Db)
    .tx((sql) => api.app.get(LedgerRepository).post(sql, depositTx({ kind: 'wallet', userId: trader.id }, 10_00_000_00n, 'funding')));
  worker = await startWorker();
  // Market orders need our LTP (the simulated feed); Kite's book is set at the same price, so the hold covers the fill.
  const quote = await eventually(
    async () => (await api.http.get('/api/v1/market/quotes?symbols=RELIANCE', trader.token)).body.items?.[0] ?? null,
    15_000,
    'quotes',
  );
  ltp = parsePrice(quote.ltp);
  fake.setQuote('NSE', 'RELIANCE', { ltp, bid: ltp, ask: ltp + 500 });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
});

describe('a Kite account, end to end', () => {
  it('is added masked and needing a login; orders for it are refused with a 409 naming it until the trader logs in', async () => {
    const res = await api.http.post(
      '/api/v1/broker-accounts',
      { kind: 'kite', name: 'Zerodha main', credentials: { apiKey: fake.apiKey, apiSecret: fake.apiSecret } },
      trader.token,
    );
    expect(res.status).toBe(201);
    accountId = res.body.id;
    expect(res.body).toMatchObject({ kind: 'kite', status: 'needs_login' });
    expect(JSON.stringify(res.body)).not.toContain(fake.apiSecret);

    const refused = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC', accountId });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('BROKER_LOGIN_REQUIRED');
    expect(refused.body.detail).toContain('Zerodha main');

    const outcome = await logIn(accountId);
    expect(outcome.searchParams.get('login')).toBe('ok');
    const account = (await api.http.get('/api/v1/broker-accounts', trader.token)).body.items.find(
      (a: { id: string }) => a.id === accountId,
    );
    expect(account).toMatchObject({ status: 'connected' });
    expect(account.tokenExpiresAt).not.toBeNull();
  });

  it('a market order goes to Kite once, fills there, and the fill is ours: order, trade, position and ledger', async () => {
    const res = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 3, product: 'CNC', accountId });
    expect(res.status).toBe(202);
    expect(res.body.order).toMatchObject({ accountId, broker: 'kite' });
    const filled = await untilStatus(res.body.order.id, 'FILLED');
    expect(fake.ordersPlaced()).toBe(1);
    const atKite = fake.order(filled.brokerOrderId)!;
    expect(atKite).toMatchObject({ status: 'COMPLETE', filled_quantity: 3 });
    // Kite's average price, to the paisa, is our fill's.
    expect(Number(filled.averagePrice)).toBe(atKite['average_price']);
    const trades = (await api.http.get('/api/v1/trades', trader.token)).body.items.filter(
      (t: { orderId: string }) => t.orderId === filled.id,
    );
    expect(trades.map((t: { quantity: number }) => t.quantity)).toEqual([3]);
    const positions = (await api.http.get('/api/v1/positions', trader.token)).body.items;
    expect(
      positions.find((p: { accountId: string; symbol: string }) => p.accountId === accountId && p.symbol === 'RELIANCE'),
    ).toMatchObject({
      netQuantity: 3,
    });
    const kitePosition = fake.positionsJson().net.find((p) => p['tradingsymbol'] === 'RELIANCE');
    expect(kitePosition?.['quantity']).toBe(3);

    // The broker's own view, beside ours.
    const theirs = (await api.http.get(`/api/v1/broker-accounts/${accountId}/positions`, trader.token)).body;
    expect(theirs).toMatchObject({
      broker: 'kite',
      items: [expect.objectContaining({ symbol: 'RELIANCE', product: 'CNC', netQuantity: 3 })],
    });
    const book = (await api.http.get(`/api/v1/broker-accounts/${accountId}/orders`, trader.token)).body;
    expect(book.items.map((o: { brokerOrderId: string }) => o.brokerOrderId)).toContain(filled.brokerOrderId);
    const funds = await api.http.get(`/api/v1/broker-accounts/${accountId}/funds`, trader.token);
    expect(funds.status).toBe(200);
    expect(funds.body.broker).toBe('kite');
    expect(funds.body.availableCash).toMatch(/^\d+\.\d{2}$/);
  });

  it('a live order larger than the account’s available margin at Kite is refused (422 naming the account), nothing held or sent', async () => {
    const placed = fake.ordersPlaced();
    const wallet = (await api.http.get('/api/v1/wallet', trader.token)).body;
    fake.setOpeningBalance('equity', 10_000_000n); // ₹1,000 at Kite
    try {
      const res = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 5, product: 'CNC', accountId });
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain('Zerodha main');
      expect(res.body.detail).toContain('available margin');
    } finally {
      fake.setOpeningBalance('equity', 100_000_000_000n);
    }
    expect(fake.ordersPlaced()).toBe(placed);
    expect((await api.http.get('/api/v1/wallet', trader.token)).body).toEqual(wallet);
  });

  it('a resting limit order is cancelled at Kite and its hold comes back', async () => {
    const before = (await api.http.get('/api/v1/wallet', trader.token)).body;
    const paperBefore = await paperFunds(api, trader.token);
    // 3 % under the market, on the 5-paise grid: inside the price band, far from a fill.
    const price = formatPrice(Math.floor((ltp * 97) / 100 / 500) * 500);
    const res = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', price, quantity: 2, product: 'CNC', accountId });
    expect(res.status).toBe(202);
    const open = await untilStatus(res.body.order.id, 'OPEN');
    expect(fake.order(open.brokerOrderId)).toMatchObject({ status: 'OPEN' });
    // A live order spends the wallet (docs/domain.md "Accounts and books"): its reservation is held there, the paper book is untouched.
    const during = (await api.http.get('/api/v1/wallet', trader.token)).body;
    expect(paise(during.held) - paise(before.held)).toBe(paise(res.body.order.reserved));
    expect(paise(res.body.order.reserved)).toBeGreaterThan(0n);
    const [row] = await api.app.get(Db).sql.rows<{ hold_book: string }>(`SELECT hold_book FROM orders WHERE id = $1`, [open.id]);
    expect(row!.hold_book).toBe('wallet');
    expect(await paperFunds(api, trader.token)).toEqual(paperBefore);
    const del = await api.http.request('DELETE', `/api/v1/orders/${open.id}`, { token: trader.token });
    expect(del.status).toBeLessThan(300);
    await untilStatus(open.id, 'CANCELLED');
    expect(fake.order(open.brokerOrderId)).toMatchObject({ status: 'CANCELLED' });
    const after = (await api.http.get('/api/v1/wallet', trader.token)).body;
    expect(after.held).toBe(before.held);
    expect(await paperFunds(api, trader.token)).toEqual(paperBefore);
  });

  it('Kite answering 503 to placements: the order waits visibly PENDING and goes exactly once when Kite recovers', async () => {
    const placedBefore = fake.ordersPlaced();
    // Three refusals that Kite did not take: each attempt looks the order up by its tag first, finds nothing, tries again.
    fake.failNext('place', 503, 3);
    const res = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC', accountId });
    expect(res.status).toBe(202);
    const filled = await untilStatus(res.body.order.id, 'FILLED', 60_000);
    expect(fake.ordersPlaced()).toBe(placedBefore + 1);
    expect(fake.requests.filter((r) => r.route === 'place').length).toBeGreaterThanOrEqual(4);
    expect(filled.history.filter((h: { details: { event: string } }) => h.details.event === 'ACCEPTED')).toHaveLength(1);
  });

  it('a postback with a bad checksum is a 401 and changes nothing', async () => {
    const res = await api.http.request('POST', '/api/v1/brokers/kite/postback', {
      raw: JSON.stringify({ order_id: '1', order_timestamp: '2026-12-06 10:00:00', checksum: 'bad', status: 'COMPLETE' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });

  it('Kite expiring the session mid-day turns the account to needs_login; the order waits, then goes once after the next login', async () => {
    fake.expireSession({ closeTicker: true });
    const res = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC', accountId });
    expect(res.status).toBe(202);
    const id = res.body.order.id;
    await eventually(
      async () => {
        const a = (await api.http.get('/api/v1/broker-accounts', trader.token)).body.items.find((x: { id: string }) => x.id === accountId);
        return a.status === 'needs_login' ? a : null;
      },
      15_000,
      'needs_login',
    );
    expect((await orderOf(id)).status).toBe('PENDING');
    const refused = await place({ symbol: 'RELIANCE', side: 'BUY', type: 'MARKET', quantity: 1, product: 'CNC', accountId });
    expect(refused.status).toBe(409);
    const placedBefore = fake.ordersPlaced();
    expect((await logIn(accountId)).searchParams.get('login')).toBe('ok');
    await untilStatus(id, 'FILLED', 30_000);
    expect(fake.ordersPlaced()).toBe(placedBefore + 1);
  });

  it('a worker killed between Kite accepting an order and our write ends in exactly Kite’s truth', async () => {
    await worker!.stop();
    worker = await startWorker({ FAULT_INJECTION: 'crash-after-broker-accept' });
    const placedBefore = fake.ordersPlaced();
    const res = await place({ symbol: 'RELIANCE', side: 'SELL', type: 'MARKET', quantity: 2, product: 'CNC', accountId });
    expect(res.status).toBe(202);
    expect(await worker.exited).toBe('SIGKILL');
    expect(fake.ordersPlaced()).toBe(placedBefore + 1);
    worker = await startWorker();
    const filled = await untilStatus(res.body.order.id, 'FILLED', 30_000);
    expect(fake.ordersPlaced()).toBe(placedBefore + 1);
    expect(
      filled.history.some(
        (h: { details: { event: string; how?: string } }) => h.details.event === 'ACCEPTED' && h.details.how === 'found-by-tag',
      ),
    ).toBe(true);
  });

  it('after everything: our book equals Kite’s, every order replays, the ledger verifies', async () => {
    const db = api.app.get(Db);
    const ours = await db.sql.rows<{ broker_order_ids: string[]; status: string; filled_quantity: number }>(
      `SELECT broker_order_ids, status, filled_quantity FROM orders WHERE account_id = $1 AND cardinality(broker_order_ids) > 0`,
      [accountId],
    );
    const KITE_STATUS: Record<string, string> = { COMPLETE: 'FILLED', CANCELLED: 'CANCELLED', REJECTED: 'REJECTED', OPEN: 'OPEN' };
    for (const o of ours) {
      const k = fake.order(o.broker_order_ids[0]!)!;
      expect(KITE_STATUS[k['status'] as string]).toBe(o.status);
      expect(k['filled_quantity']).toBe(o.filled_quantity);
    }
    expect(ours.length).toBe(fake.orderBook().length);
    const net = fake.positionsJson().net.find((p) => p['tradingsymbol'] === 'RELIANCE');
    const [position] = await db.sql.rows<{ net_quantity: number }>(
      `SELECT net_quantity FROM positions WHERE account_id = $1 AND symbol = 'RELIANCE' AND product = 'CNC'`,
      [accountId],
    );
    expect(position!.net_quantity).toBe(net!['quantity']);
    await expectEveryOrderReplays(db);
    expect((await api.app.get(LedgerVerifier).verify()).ok).toBe(true);
  });
});
