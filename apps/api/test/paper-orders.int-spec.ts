import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { REALTIME_EVENTS } from '@tradeloop/contracts';
import {
  demoUniverse,
  depositTx,
  formatMoney,
  formatPrice,
  holdTx,
  paperBook,
  releaseTx,
  walletBook,
  type BrokerAccountId,
  type BrokerOrderReport,
} from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { LedgerRepository, LedgerVerifier } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { ExecutionService, MovePaperHoldsUseCase } from '@tradeloop/trading';
import { signedIn, useTestApi } from './support/test-api';
import { paise, paperAccountId, paperFunds, setPaperBalance } from './support/paper-book';
import { expectEveryOrderReplays } from './support/order-replay';

/**
 * Paper orders hold and settle in the paper book (docs/domain.md, "Accounts and books (second
 * wave)"): a paper account's book opens with PAPER_STARTING_BALANCE on first use; the owner's set
 * or reset replaces it and is what intake checks; orders placed while their holds lived in the
 * wallet are moved across once and then settle in the paper book. The test plays the broker,
 * calling the execution engine as the worker does (no worker, no feed: LIMIT orders need no quote).
 */
const { api } = useTestApi({ PAPER_STARTING_BALANCE: '250000.00' }, { logLevel: 'warn' });
const TICK = 10_000;
const rupees = (r: number) => formatPrice(Math.round(r * TICK));
const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const walletOf = async (token: string) => (await api.http.get('/api/v1/wallet', token)).body;

async function place(token: string, body: Record<string, unknown>) {
  return api.http.request('POST', '/api/v1/orders', {
    body: { symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', product: 'CNC', ...body },
    token,
    headers: { 'idempotency-key': randomUUID() },
  });
}

let clock = Date.now();
const filled = (quantity: number, price: number) =>
  ({ status: 'FILLED', filledQuantity: quantity, averagePrice: price * TICK, updatedAt: (clock += 1) }) as BrokerOrderReport & {
    updatedAt: number;
  };

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
}, 60_000);

describe('the starting virtual balance', () => {
  it('a new trader can paper trade at once: their first order opens the paper book with PAPER_STARTING_BALANCE, as one SET_BALANCE', async () => {
    const t = await signedIn(api, ['trader']);
    // No wallet funding and no balance set: the order is accepted, held in the paper book.
    const res = await place(t.token, { price: rupees(1400), quantity: 10 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const reserved = res.body.order.reserved as string;
    const [row] = await sql<{ hold_book: string; account_id: string }>(`SELECT hold_book, account_id FROM orders WHERE id = $1`, [
      res.body.order.id,
    ]);
    expect(row!.hold_book).toBe('paper');
    expect(row!.account_id).toBe(await paperAccountId(api, t.token));
    const funds = await paperFunds(api, t.token, row!.account_id);
    expect(funds).toMatchObject({ held: reserved, total: '250000.00' });
    expect(await walletOf(t.token)).toEqual({ currency: 'INR', available: '0.00', held: '0.00', total: '0.00' });
    const openings = await sql<{ reference: string; type: string }>(
      `SELECT t.reference, t.type FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
       WHERE e.paper_account_id = $1 AND t.type = 'SET_BALANCE' GROUP BY t.id, t.reference, t.type`,
      [row!.account_id],
    );
    expect(openings).toEqual([{ reference: `paper-opening:${row!.account_id}`, type: 'SET_BALANCE' }]);
  });

  it('the account view opens it too, once however many first reads race; the owner’s reset replaces it', async () => {
    const t = await signedIn(api, ['trader']);
    const lists = await Promise.all(Array.from({ length: 6 }, () => api.http.get('/api/v1/broker-accounts', t.token)));
    for (const l of lists) expect(l.body.items[0]).toMatchObject({ kind: 'paper', paperBalance: '250000.00' });
    const id = lists[0]!.body.items[0].id as string;
    const [n] = await sql<{ n: number }>(
      `SELECT count(DISTINCT e.transaction_id)::int n FROM ledger_entries e WHERE e.paper_account_id = $1 AND e.type = 'SET_BALANCE'`,
      [id],
    );
    expect(n!.n).toBe(1);
    // The reset replaces it, in the view and in the funds intake checks.
    await setPaperBalance(api, t.token, '1000.00');
    expect((await api.http.get(`/api/v1/broker-accounts/${id}`, t.token)).body.paperBalance).toBe('1000.00');
    const refused = await place(t.token, { price: rupees(1400), quantity: 1 });
    expect([refused.status, refused.body.code]).toEqual([422, 'INSUFFICIENT_FUNDS']);
    expect(refused.body.detail).toMatch(/paper balance is 1000\.00/);
    expect(await paperFunds(api, t.token, id)).toEqual({ currency: 'INR', available: '1000.00', held: '0.00', total: '1000.00' });
  });
});

describe('realtime', () => {
  it('a paper order announces the paper account’s balance (paper.balance), never wallet.updated', async () => {
    const t = await signedIn(api, ['trader']);
    const accountId = await setPaperBalance(api, t.token, '300000.00');
    const socket = io(`${api.url}/realtime`, {
      path: '/socket.io',
      auth: { token: t.token },
      transports: ['websocket'],
      reconnection: false,
    });
    const wallets: unknown[] = [];
    try {
      await new Promise((r) => socket.once('ready', r));
      socket.on(REALTIME_EVENTS.walletUpdated, (e) => wallets.push(e));
      const got = new Promise<{ accountId: string; balance: Record<string, string>; seq: number }>((r) =>
        socket.once(REALTIME_EVENTS.paperBalance, r),
      );
      const placedEvent = new Promise((r) => socket.once(REALTIME_EVENTS.orderUpdated, r));
      const res = await place(t.token, { price: rupees(1400), quantity: 2 });
      expect(res.status).toBe(202);
      const event = await got;
      await placedEvent;
      const reserved = res.body.order.reserved as string;
      expect(event).toMatchObject({ accountId, balance: { currency: 'INR', held: reserved, total: '300000.00' }, seq: 1 });
      expect(paise(event.balance.available!)).toBe(300_000_00n - paise(reserved));
      expect(wallets).toEqual([]);
    } finally {
      socket.close();
    }
  });
});

describe('moving the holds of paper orders placed before the switch', () => {
  it('an order held in the wallet is moved once (funding the paper book by what it lacks), then settles in the paper book', async () => {
    const t = await signedIn(api, ['trader']);
    const db = api.app.get(Db);
    const ledger = api.app.get(LedgerRepository);
    await db.tx((s) => ledger.post(s, depositTx(walletBook(t.user.id), 10_00_000_00n, 'funding')));
    const res = await place(t.token, { price: rupees(1400), quantity: 10 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.order.id as string;
    const reserved = paise(res.body.order.reserved);
    const accountId = (await paperAccountId(api, t.token)) as BrokerAccountId;

    // The order as it was before the switch: its hold in the wallet (moved there through the ledger).
    await db.tx(async (s) => {
      await ledger.post(s, releaseTx(paperBook(accountId, t.user.id), reserved, id));
      await ledger.post(s, holdTx(walletBook(t.user.id), reserved, id));
      await s.rows(`UPDATE orders SET hold_book = 'wallet' WHERE id = $1`, [id]);
    });
    // The owner has reset the paper book below what the order needs: the move funds exactly the rest.
    await setPaperBalance(api, t.token, '100.00');
    expect((await walletOf(t.token)).held).toBe(res.body.order.reserved);

    // Twice at once, and once more for the order itself: it moves once.
    const move = api.app.get(MovePaperHoldsUseCase);
    const runs = await Promise.all([move.execute(), move.execute(), move.moveOne(id)]);
    expect(runs[0].moved + runs[1].moved + (runs[2] ? 1 : 0)).toBe(1);
    expect(await move.execute()).toEqual({ moved: 0, failed: [] });

    const [row] = await sql<{ hold_book: string; reserved_paise: string }>(
      `SELECT hold_book, reserved_paise::text FROM orders WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ hold_book: 'paper', reserved_paise: reserved.toString() });
    expect(await walletOf(t.token)).toEqual({ currency: 'INR', available: '1000000.00', held: '0.00', total: '1000000.00' });
    expect(await paperFunds(api, t.token, accountId)).toEqual({
      currency: 'INR',
      available: '0.00',
      held: res.body.order.reserved,
      total: res.body.order.reserved,
    });
    const audits = await sql<{ details: Record<string, string> }>(
      `SELECT details FROM audit_events WHERE action = 'order.hold_moved' AND subject = $1`,
      [`order:${id}`],
    );
    expect(audits.map((a) => a.details)).toEqual([
      {
        amount: res.body.order.reserved,
        from: 'wallet',
        to: 'paper',
        accountId,
        funded: formatMoney(reserved - 100_00n),
      },
    ]);

    // The broker fills it: the trade settles in the paper book; the wallet is not touched.
    const ex = api.app.get(ExecutionService);
    expect((await ex.beginSend(id)).action).toBe('send');
    await ex.accepted(id, ['MBMOVE1'], 'sent', [{ brokerOrderId: 'MBMOVE1', report: filled(10, 1400) }]);
    const order = (await api.http.get(`/api/v1/orders/${id}`, t.token)).body;
    expect(order).toMatchObject({ status: 'FILLED', filledQuantity: 10, reserved: '0.00' });
    const [trade] = (await api.http.get('/api/v1/trades', t.token)).body.items;
    const after = await paperFunds(api, t.token, accountId);
    expect(after.held).toBe('0.00');
    // What it held, less the trade's value and its charges (fees and taxes; the hold was the order's value at its limit).
    expect(paise(after.available)).toBe(reserved - paise(trade.value) - paise(trade.fees));
    expect(await walletOf(t.token)).toEqual({ currency: 'INR', available: '1000000.00', held: '0.00', total: '1000000.00' });
    const settles = await sql<{ paper_account_id: string | null }>(
      `SELECT DISTINCT e.paper_account_id FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
       WHERE t.type = 'SETTLE' AND t.reference = $1`,
      [trade.id],
    );
    expect(settles).toEqual([{ paper_account_id: accountId }]);

    const verify = await api.app.get(LedgerVerifier).verify();
    expect(verify.ok, JSON.stringify(verify.problems)).toBe(true);
    await expectEveryOrderReplays(db, 3);
  });
});
