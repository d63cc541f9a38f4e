import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { demoUniverse, depositTx, walletBook } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, LedgerVerifier } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { freePort, startProcess, waitForHttp, type RunningProcess } from '@tradeloop/testing';
import { signedIn, useTestApi } from './support/test-api';
import { eventually, priceBelow } from './support/market-socket';
import { expectEveryOrderReplays } from './support/order-replay';
import { setPaperBalance } from './support/paper-book';

const WORKER_MAIN = resolve(__dirname, '../../worker/dist/main.js');
const { api, ctx } = useTestApi({}, { logLevel: 'warn' });
let worker: RunningProcess;
const SYMBOLS = ['RELIANCE', 'TCS', 'INFY', 'ITC', 'SBIN'];

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
  const port = await freePort();
  worker = startProcess(WORKER_MAIN, {
    ...ctx.env,
    WORKER_HEALTH_PORT: String(port),
    MARKET_FEED_TICKS_PER_SECOND: '3000',
    LOG_LEVEL: 'warn',
    WORKER_CONCURRENCY: '16',
  });
  await waitForHttp(`http://127.0.0.1:${port}/health/ready`, worker);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

/** Deterministic per-test randomness. */
function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

describe('20 users, 500 orders with random cancels, all at once', () => {
  it('keeps every invariant: ledger verifies, held = open reservations per book, positions = Σ fills, nothing stuck', async () => {
    const { token: quoteToken } = await signedIn(api, ['trader']);
    const quotes = await eventually(
      async () => {
        const r = await api.http.get(`/api/v1/market/quotes?symbols=${SYMBOLS.join(',')}`, quoteToken);
        return r.body.items?.length === SYMBOLS.length ? r.body.items : null;
      },
      15_000,
      'quotes',
    );
    const ltp = new Map<string, string>(quotes.map((q: { symbol: string; ltp: string }) => [q.symbol, q.ltp]));
    const users = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const s = await signedIn(api, ['trader']);
        await api.app
          .get(Db)
          .tx((sql) => api.app.get(LedgerRepository).post(sql, depositTx(walletBook(s.user.id), 5_00_000_00n, 'funding')));
        // The orders are paper orders: they spend the paper book (the wallet's real money stays where it is).
        await setPaperBalance(api, s.token, '500000.00');
        return { id: s.user.id, token: s.token };
      }),
    );
    const rand = rng(42);
    const placed: { user: (typeof users)[number]; id: string }[] = [];
    let refused = 0;
    await Promise.all(
      users.map(async (user) => {
        for (let k = 0; k < 25; k += 1) {
          const symbol = SYMBOLS[Math.floor(rand() * SYMBOLS.length)]!;
          const market = rand() < 0.4;
          const price = priceBelow(ltp.get(symbol)!, 2 + Math.floor(rand() * 5));
          const body = market
            ? { symbol, side: 'BUY', type: 'MARKET', quantity: 1 + Math.floor(rand() * 3), product: 'CNC' }
            : { symbol, side: 'BUY', type: 'LIMIT', price, quantity: 1 + Math.floor(rand() * 5), product: 'CNC' };
          const res = await api.http.request('POST', '/api/v1/orders', {
            body,
            token: user.token,
            headers: { 'idempotency-key': randomUUID() },
          });
          if (res.status !== 202) {
            refused += 1;
            expect([422, 429], JSON.stringify(res.body)).toContain(res.status);
            continue;
          }
          placed.push({ user, id: res.body.order.id });
          if (!market && rand() < 0.5) {
            const del = await api.http.request('DELETE', `/api/v1/orders/${res.body.order.id}`, { token: user.token });
            expect([202, 409]).toContain(del.status);
          }
        }
      }),
    );
    expect(placed.length + refused).toBe(500);
    expect(placed.length).toBeGreaterThan(400);

    // Every order leaves PENDING: resting limits OPEN, the rest terminal.
    const db = api.app.get(Db);
    await eventually(
      async () => {
        const r = await db.sql.one<{ n: string }>(
          `SELECT count(*)::text n FROM orders WHERE status = 'PENDING' OR (cancel_requested AND status NOT IN ('CANCELLED', 'FILLED', 'REJECTED', 'EXPIRED'))`,
        );
        return r.n === '0';
      },
      60_000,
      'all orders worked',
    );

    const verify = await api.app.get(LedgerVerifier).verify();
    expect(verify.ok, JSON.stringify(verify)).toBe(true);

    // Each book (every user's wallet and paper book): held = Σ reserved of the open orders holding
    // in it (long-only, so no short margin).
    const held = await db.sql.rows<{ book: string; owner: string; held: string; cash: string; reserved: string }>(
      `SELECT b.book, b.owner, b.held::text held, b.cash::text cash,
              coalesce(sum(o.reserved_paise) FILTER (WHERE o.status IN ('OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED', 'PENDING')), 0)::text reserved
       FROM (SELECT 'wallet' book, user_id owner, cash_paise cash, held_paise held FROM wallet_balances WHERE user_id = ANY($1::uuid[])
             UNION ALL
             SELECT 'paper', account_id, cash_paise, held_paise FROM paper_balances WHERE user_id = ANY($1::uuid[])) b
       LEFT JOIN orders o ON o.hold_book = b.book AND (CASE b.book WHEN 'wallet' THEN o.user_id ELSE o.account_id END) = b.owner
       GROUP BY b.book, b.owner, b.held, b.cash`,
      [users.map((u) => u.id)],
    );
    expect(held).toHaveLength(40);
    for (const h of held) expect(h.held, `${h.book} ${h.owner}`).toBe(h.reserved);
    // Paper orders held in the paper books only: every wallet is as it was funded.
    expect(held.filter((h) => h.book === 'wallet').map((h) => [h.cash, h.held])).toEqual(Array(20).fill(['50000000', '0']));
    expect(held.some((h) => h.book === 'paper' && h.held !== '0')).toBe(true);
    // Terminal orders hold nothing.
    const leaks = await db.sql.rows(
      `SELECT id FROM orders WHERE status IN ('FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED') AND reserved_paise <> 0`,
    );
    expect(leaks).toEqual([]);

    // Positions = Σ fills, and every order's filled quantity = Σ its trades.
    const mismatches = await db.sql.rows(
      `SELECT p.user_id, p.symbol FROM positions p
       LEFT JOIN (SELECT user_id, symbol, product, sum(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END) q FROM trades GROUP BY 1, 2, 3) t
         USING (user_id, symbol, product)
       WHERE p.net_quantity <> coalesce(t.q, 0)`,
    );
    expect(mismatches).toEqual([]);
    const orderFills = await db.sql.rows(
      `SELECT o.id FROM orders o LEFT JOIN (SELECT order_id, sum(quantity) q FROM trades GROUP BY 1) t ON t.order_id = o.id WHERE o.filled_quantity <> coalesce(t.q, 0)`,
    );
    expect(orderFills).toEqual([]);
    // And we agree with the broker: same fills. Eventually: a resting limit may fill at the
    // broker a moment before its update is applied here.
    await eventually(
      async () => {
        const disagree = await db.sql.rows(
          `SELECT o.id FROM orders o CROSS JOIN LATERAL unnest(o.broker_order_ids) b(id) JOIN mock_broker.orders m ON m.broker_order_id = b.id WHERE m.filled_quantity <> o.filled_quantity`,
        );
        return disagree.length === 0;
      },
      15_000,
      'agreement with the broker',
    );
  }, 180_000);

  it('every order, with the engine still working the resting ones, replays from its stored history to its row', async () => {
    await expectEveryOrderReplays(api.app.get(Db), 400);
  });
});
