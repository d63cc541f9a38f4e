import { randomUUID } from 'node:crypto';
import { type PlaceOrderRequest } from '@tradeloop/contracts';
import { demoUniverse, formatPrice, isDomainError, type UserId } from '@tradeloop/domain';
import { Db, JobProducer } from '@tradeloop/platform';
import { BrokerAccountsRepository } from '@tradeloop/accounts';
import { InstrumentsRepository } from '@tradeloop/market';
import {
  DEFAULT_RISK_LIMITS,
  IntakeReadModel,
  PlaceOrderUseCase,
  RiskRepository,
  type PlaceItem,
  type PlaceOutcome,
} from '@tradeloop/trading';
import { signedIn, useTestApi } from './support/test-api';

/**
 * The batched order intake (PlaceOrderUseCase.placeWithin, docs/domain.md "Orders and their
 * states"): several orders of one user in the caller's transaction — the intake lock once, one
 * intake picture folded per placed order, each order under a savepoint with its own
 * Idempotency-Key, accepted or refused on its own; afterCommit enqueues and announces the placed
 * orders and records the refusals. The test calls the use case directly inside Db.tx, on several
 * paper accounts of one user. No worker runs here: the orders stay PENDING and their place jobs
 * wait in the queue, where the test finds them by id.
 */
const { api } = useTestApi({ PAPER_STARTING_BALANCE: '250000.00' }, { logLevel: 'warn' });
const TICK = 10_000;
const db = () => api.app.get(Db);
const sql = <T>(text: string, params: unknown[] = []) => db().sql.rows<T>(text, params);
const place = () => api.app.get(PlaceOrderUseCase);

interface Trader {
  id: UserId;
  token: string;
  /** The primary paper account, then two added ones. */
  accounts: [string, string, string];
}

async function trader(): Promise<Trader> {
  const s = await signedIn(api, ['trader']);
  const list = await api.http.get('/api/v1/broker-accounts', s.token);
  expect(list.status).toBe(200);
  const primary = (list.body.items as { id: string; kind: string }[]).find((a) => a.kind === 'paper')!.id;
  const added: string[] = [];
  for (const name of ['Second book', 'Third book']) {
    const res = await api.http.post('/api/v1/broker-accounts', { kind: 'paper', name }, s.token);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    added.push(res.body.id);
  }
  return { id: s.user.id as UserId, token: s.token, accounts: [primary, added[0]!, added[1]!] };
}

const body = (accountId: string, over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest => ({
  symbol: 'RELIANCE',
  side: 'BUY',
  type: 'LIMIT',
  product: 'CNC',
  validity: 'DAY',
  price: formatPrice(1400 * TICK),
  quantity: 10,
  accountId,
  ...over,
});
const item = (accountId: string, over: Partial<PlaceOrderRequest> = {}, key = randomUUID()): PlaceItem => ({
  body: body(accountId, over),
  key,
  meta: { requestId: 'batched-intake-test' },
});

/** One batch in its own transaction (committed); afterCommit is left to the caller. */
const batch = (userId: UserId, items: readonly PlaceItem[]) => db().tx((s) => place().placeWithin(s, userId, items));

const accepted = (o: PlaceOutcome | undefined) => {
  expect(o, 'an outcome').toBeDefined();
  if (!o!.ok) throw new Error(`expected an accepted order, got ${String(o!.error)}`);
  return o!;
};
const refused = (o: PlaceOutcome | undefined) => {
  expect(o, 'an outcome').toBeDefined();
  if (o!.ok) throw new Error(`expected a refusal, got order ${o!.order.id}`);
  if (!isDomainError(o!.error)) throw o!.error;
  return o!.error;
};

const ordersOf = (userId: string) =>
  sql<{ id: string; account_id: string; quantity: number; status: string; reserved_paise: string }>(
    `SELECT id, account_id, quantity, status, reserved_paise::text FROM orders WHERE user_id = $1 ORDER BY id`,
    [userId],
  );
const books = (accountIds: readonly string[]) =>
  sql<{ account_id: string; cash: string; held: string }>(
    `SELECT account_id, cash_paise::text cash, held_paise::text held FROM paper_balances WHERE account_id = ANY($1::uuid[]) ORDER BY account_id`,
    [accountIds],
  );
const entriesOf = async (accountId: string) =>
  (await sql<{ n: string }>(`SELECT count(*)::text n FROM ledger_entries WHERE paper_account_id = $1`, [accountId]))[0]!.n;
const holdsOf = (orderIds: readonly string[]) =>
  sql<{ reference: string; type: string }>(`SELECT reference, type FROM ledger_transactions WHERE reference = ANY($1::text[])`, [orderIds]);
const keysOf = (userId: string) =>
  sql<{ key: string; status_code: number; response: Record<string, unknown> }>(
    `SELECT key, status_code, response FROM idempotency_keys WHERE scope = $1 ORDER BY key`,
    [userId],
  );
const rejectionsOf = (userId: string) =>
  sql<{ kind: string; rule: string; detail: string }>(`SELECT kind, rule, detail FROM risk_events WHERE user_id = $1 ORDER BY id`, [
    userId,
  ]);
/** The order's place job, in whichever order queue it was routed to (paper, a partition). */
const placeJob = async (orderId: string) => {
  for (const q of api.app.get(JobProducer).orderQueues()) {
    const job = await q.getJob(`place_${orderId}`);
    if (job) return job;
  }
  return undefined;
};
const setLimits = (userId: UserId, over: Partial<typeof DEFAULT_RISK_LIMITS>) =>
  db().tx((s) => api.app.get(RiskRepository).setLimits(s, userId, { ...DEFAULT_RISK_LIMITS, ...over }, userId));
/** The same order as a single POST /orders, for the answer a person would get. */
const post = (token: string, b: PlaceOrderRequest) =>
  api.http.request('POST', '/api/v1/orders', { body: b, token, headers: { 'idempotency-key': randomUUID() } });

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
}, 60_000);

describe('a batch of three orders on three paper accounts', () => {
  it('places all three, each holding in its own book, audited once each, its key stored; afterCommit enqueues each', async () => {
    const t = await trader();
    const before = await books(t.accounts);
    expect(before.map((b) => b.cash)).toEqual(['25000000', '25000000', '25000000']);
    const items = t.accounts.map((a, i) => item(a, { quantity: 10 + i }));

    const res = await batch(t.id, items);
    expect(res.outcomes).toHaveLength(3);
    const orders = res.outcomes.map((o) => accepted(o));
    expect(orders.map((o) => o.replayed)).toEqual([false, false, false]);
    expect(orders.map((o) => [o.order.accountId, o.order.quantity, o.order.status])).toEqual(
      t.accounts.map((a, i) => [a, 10 + i, 'PENDING']),
    );
    const ids = orders.map((o) => o.order.id);
    expect(new Set(ids).size).toBe(3);

    // Committed: three rows, each with its hold in its own account's book.
    const rows = await ordersOf(t.id);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const after = await books(t.accounts);
    for (const o of orders) {
      const row = rows.find((r) => r.id === o.order.id)!;
      expect(row.account_id).toBe(o.order.accountId);
      expect(BigInt(row.reserved_paise)).toBeGreaterThan(0n);
      const was = before.find((b) => b.account_id === row.account_id)!;
      const now = after.find((b) => b.account_id === row.account_id)!;
      expect(BigInt(now.held)).toBe(BigInt(was.held) + BigInt(row.reserved_paise));
      expect(BigInt(now.cash)).toBe(BigInt(was.cash) - BigInt(row.reserved_paise));
    }
    const holds = await holdsOf(ids);
    expect(holds.map((h) => [h.reference, h.type]).sort()).toEqual(ids.map((id) => [id, 'HOLD']).sort());

    // One order.placed audit each.
    const audits = await sql<{ subject: string; action: string }>(
      `SELECT subject, action FROM audit_events WHERE subject = ANY($1::text[]) ORDER BY subject`,
      [ids.map((id) => `order:${id}`)],
    );
    expect(audits).toEqual(
      ids.map((id) => ({ subject: `order:${id}`, action: 'order.placed' })).sort((a, b) => (a.subject < b.subject ? -1 : 1)),
    );

    // Each key stored with its order as the answer.
    const keys = await keysOf(t.id);
    expect(keys.map((k) => k.key)).toEqual(items.map((i) => i.key).sort());
    for (const [k, i] of items.entries()) {
      const stored = keys.find((x) => x.key === i.key)!;
      expect(stored.status_code).toBe(202);
      expect((stored.response as { order: { id: string } }).order.id).toBe(ids[k]);
    }

    // The place jobs are afterCommit's: none before it runs, one per order after.
    for (const id of ids) expect(await placeJob(id)).toBeUndefined();
    await res.afterCommit();
    for (const [k, id] of ids.entries()) {
      const job = await placeJob(id);
      expect(job, `place job of order ${k}`).toBeDefined();
      expect(job!.data).toMatchObject({ orderId: id, accountId: t.accounts[k], broker: 'mock' });
    }
    expect(await rejectionsOf(t.id)).toEqual([]);
  });
});

describe('each order is accepted or refused on its own', () => {
  it('max open orders 2: the first two commit, the third is refused as a single POST would be, nothing of it written, its refusal recorded once', async () => {
    const t = await trader();
    await setLimits(t.id, { maxOpenOrders: 2 });
    const [a] = t.accounts;
    // Open orders count per account (docs/domain.md "Accounts and books"): three on one account.
    const items = [item(a, { quantity: 1 }), item(a, { quantity: 2 }), item(a, { quantity: 3 })];
    const booksBefore = await books([a]);

    const res = await batch(t.id, items);
    const [first, second] = [accepted(res.outcomes[0]), accepted(res.outcomes[1])];
    const err = refused(res.outcomes[2]);
    expect(err.code).toBe('RISK_REJECTED');
    expect(err.message).toMatch(/^MAX_OPEN_ORDERS: /);

    // Nothing of the third: two order rows, two holds, the book moved by the two reservations only.
    const rows = await ordersOf(t.id);
    expect(rows.map((r) => r.id).sort()).toEqual([first.order.id, second.order.id].sort());
    expect(rows.map((r) => r.quantity).sort()).toEqual([1, 2]);
    const allHolds = await sql<{ reference: string }>(
      `SELECT DISTINCT t.reference FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id WHERE e.paper_account_id = $1 AND t.type = 'HOLD'`,
      [a],
    );
    expect(allHolds.map((h) => h.reference).sort()).toEqual([first.order.id, second.order.id].sort());
    const reserved = rows.reduce((n, r) => n + BigInt(r.reserved_paise), 0n);
    const [book] = await books([a]);
    expect(BigInt(book!.held)).toBe(BigInt(booksBefore[0]!.held) + reserved);
    // The refusal is remembered for its key (as a single intake remembers it), the others hold their orders.
    const keys = await keysOf(t.id);
    expect(keys.find((k) => k.key === items[2]!.key)).toMatchObject({ status_code: 0, response: { error: { code: 'RISK_REJECTED' } } });
    expect(
      keys
        .filter((k) => k.status_code === 202)
        .map((k) => k.key)
        .sort(),
    ).toEqual([items[0]!.key, items[1]!.key].sort());

    // The risk event is afterCommit's, recorded once.
    expect(await rejectionsOf(t.id)).toEqual([]);
    await res.afterCommit();
    const events = await rejectionsOf(t.id);
    expect(events).toEqual([{ kind: 'REJECTED', rule: 'MAX_OPEN_ORDERS', detail: err.message }]);

    // The same batch again: the two replay, the third answers its remembered refusal — and is not recorded again.
    const again = await batch(t.id, items);
    expect(
      again.outcomes
        .slice(0, 2)
        .map((o) => accepted(o))
        .map((o) => [o.order.id, o.replayed]),
    ).toEqual([
      [first.order.id, true],
      [second.order.id, true],
    ]);
    const replayedErr = refused(again.outcomes[2]);
    expect([replayedErr.code, replayedErr.message]).toEqual([err.code, err.message]);
    await again.afterCommit();
    expect(await rejectionsOf(t.id)).toHaveLength(1);
    expect(await ordersOf(t.id)).toHaveLength(2);

    // A single POST of the third order now gets the same answer.
    const single = await post(t.token, items[2]!.body);
    expect(single.status).toBe(422);
    expect([single.body.code, single.body.detail]).toEqual([err.code, err.message]);
  });

  it("max orders per minute 2: the rate is the user's, so across three accounts the third is refused", async () => {
    const t = await trader();
    await setLimits(t.id, { maxOrdersPerMinute: 2 });
    const items = t.accounts.map((a) => item(a));
    const res = await batch(t.id, items);
    accepted(res.outcomes[0]);
    accepted(res.outcomes[1]);
    const err = refused(res.outcomes[2]);
    expect(err.code).toBe('RISK_REJECTED');
    expect(err.message).toMatch(/^MAX_ORDERS_PER_MINUTE: /);
    expect((await ordersOf(t.id)).map((r) => r.account_id).sort()).toEqual([t.accounts[0], t.accounts[1]].sort());
    expect(await holdsOf((await ordersOf(t.id)).map((r) => r.id))).toHaveLength(2);
    expect(
      await sql(
        `SELECT 1 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE e.paper_account_id = $1 AND t.type = 'HOLD'`,
        [t.accounts[2]],
      ),
    ).toEqual([]);
    await res.afterCommit();
    expect((await rejectionsOf(t.id)).map((e) => [e.kind, e.rule])).toEqual([['REJECTED', 'MAX_ORDERS_PER_MINUTE']]);

    const single = await post(t.token, body(t.accounts[2]));
    expect([single.body.code, single.body.detail]).toEqual([err.code, err.message]);
  });

  it('an account with too little paper money: that order is INSUFFICIENT_FUNDS, its book untouched; the others commit', async () => {
    const t = await trader();
    const [rich1, poor, rich2] = t.accounts;
    const set = await api.http.post(`/api/v1/broker-accounts/${poor}/paper-balance`, { amount: '100.00' }, t.token);
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const poorBefore = { book: await books([poor]), entries: await entriesOf(poor) };
    expect(poorBefore.book).toEqual([{ account_id: poor, cash: '10000', held: '0' }]);

    // The poor one in the middle: the order after it goes on from the rolled-back savepoint.
    const items = [item(rich1), item(poor), item(rich2)];
    const res = await batch(t.id, items);
    const one = accepted(res.outcomes[0]);
    const err = refused(res.outcomes[1]);
    const three = accepted(res.outcomes[2]);
    expect(err.code).toBe('INSUFFICIENT_FUNDS');

    expect({ book: await books([poor]), entries: await entriesOf(poor) }).toEqual(poorBefore);
    const rows = await ordersOf(t.id);
    expect(rows.map((r) => [r.id, r.account_id]).sort()).toEqual(
      [
        [one.order.id, rich1],
        [three.order.id, rich2],
      ].sort(),
    );
    for (const r of rows) {
      const [b] = await books([r.account_id]);
      expect(b!.held).toBe(r.reserved_paise);
    }
    await res.afterCommit();
    expect(await placeJob(one.order.id)).toBeDefined();
    expect(await placeJob(three.order.id)).toBeDefined();

    // A single POST of the poor account's order gets the same answer, and leaves its book as it was.
    const single = await post(t.token, items[1]!.body);
    expect(single.status).toBe(422);
    expect([single.body.code, single.body.detail]).toEqual([err.code, err.message]);
    expect({ book: await books([poor]), entries: await entriesOf(poor) }).toEqual(poorBefore);
  });
});

describe('Idempotency-Keys in a batch', () => {
  it('the same batch again replays every order (same ids, nothing new); a key reused with another body is a conflict for that order only', async () => {
    const t = await trader();
    const items = t.accounts.map((a, i) => item(a, { quantity: 5 + i }));
    const first = await batch(t.id, items);
    const ids = first.outcomes.map((o) => accepted(o).order.id);
    await first.afterCommit();
    const snapshot = async () => ({
      orders: await ordersOf(t.id),
      books: await books(t.accounts),
      keys: (await keysOf(t.id)).map((k) => k.key),
      holds: (await holdsOf(ids)).length,
      audits: (await sql(`SELECT 1 FROM audit_events WHERE actor_id = $1 AND action = 'order.placed'`, [t.id])).length,
    });
    const before = await snapshot();
    expect(before.orders).toHaveLength(3);

    const again = await batch(t.id, items);
    expect(again.outcomes.map((o) => (o.ok ? { ok: o.ok, replayed: o.replayed, id: o.order.id } : o))).toEqual(
      ids.map((id) => ({ ok: true, replayed: true, id })),
    );
    await again.afterCommit();
    expect(await snapshot()).toEqual(before);

    // Item 0's key with another quantity: IDEMPOTENCY_CONFLICT for it alone; the other two are new orders.
    const mixed = [
      { ...items[0]!, body: { ...items[0]!.body, quantity: 99 } },
      item(t.accounts[1], { quantity: 7 }),
      item(t.accounts[2], { quantity: 8 }),
    ];
    const res = await batch(t.id, mixed);
    expect(refused(res.outcomes[0]).code).toBe('IDEMPOTENCY_CONFLICT');
    const [b, c] = [accepted(res.outcomes[1]), accepted(res.outcomes[2])];
    expect([b.replayed, c.replayed]).toEqual([false, false]);
    await res.afterCommit();
    const rows = await ordersOf(t.id);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids, b.order.id, c.order.id].sort());
    // The conflicting order was placed in its savepoint, then rolled back with it: no row, no hold, no audit.
    expect(rows.some((r) => r.quantity === 99)).toBe(false);
    for (const acc of t.accounts) {
      const [book] = await books([acc]);
      const held = rows.filter((r) => r.account_id === acc).reduce((n, r) => n + BigInt(r.reserved_paise), 0n);
      expect(BigInt(book!.held), `held in ${acc}`).toBe(held);
    }
    expect((await sql(`SELECT 1 FROM audit_events WHERE actor_id = $1 AND action = 'order.placed'`, [t.id])).length).toBe(5);
    expect(await rejectionsOf(t.id)).toEqual([]);
  });
});

describe('one Idempotency-Key twice in a batch', () => {
  it('the second replays the first (same body) or is IDEMPOTENCY_CONFLICT (another body), answered at once from the batch', async () => {
    const t = await trader();
    // One open order per account: the repeated order is refused by the fold, so its answer must come from its key.
    await setLimits(t.id, { maxOpenOrders: 1 });
    const [a, b, c] = t.accounts;
    const same = item(a);
    const other = item(b, { quantity: 1 });
    const cBefore = { book: await books([c]), entries: await entriesOf(c) };
    const started = Date.now();
    // The conflicting one on an account with room: it is placed in its savepoint, then finds its key taken.
    const res = await batch(t.id, [same, { ...same }, other, { ...other, body: { ...other.body, accountId: c, quantity: 2 } }]);
    expect(Date.now() - started).toBeLessThan(10_000);
    const first = accepted(res.outcomes[0]);
    expect(accepted(res.outcomes[1])).toMatchObject({ replayed: true, order: { id: first.order.id } });
    expect(accepted(res.outcomes[2]).replayed).toBe(false);
    expect(refused(res.outcomes[3]).code).toBe('IDEMPOTENCY_CONFLICT');
    await res.afterCommit();
    expect((await ordersOf(t.id)).map((r) => r.account_id).sort()).toEqual([a, b].sort());
    expect({ book: await books([c]), entries: await entriesOf(c) }).toEqual(cBefore);
    expect(await rejectionsOf(t.id)).toEqual([]);
  });
});

describe('a refusal in a batch whose caller rolls back', () => {
  it('is not remembered for its key: it was decided against orders that never committed, and a retry decides afresh', async () => {
    const t = await trader();
    await setLimits(t.id, { maxOpenOrders: 1 });
    const [a] = t.accounts;
    const sibling = item(a, { quantity: 1 });
    const later = item(a, { quantity: 2 });
    await expect(
      db().tx(async (s) => {
        const res = await place().placeWithin(s, t.id, [sibling, later]);
        accepted(res.outcomes[0]);
        expect(refused(res.outcomes[1]).message).toMatch(/^MAX_OPEN_ORDERS: /);
        throw new Error('the caller failed after the batch');
      }),
    ).rejects.toThrow('the caller failed after the batch');
    expect(await keysOf(t.id)).toEqual([]);

    // Alone, the refused order fits: it is placed (not answered with a refusal nobody was told of).
    const retry = await batch(t.id, [later]);
    expect(accepted(retry.outcomes[0]).replayed).toBe(false);
    await retry.afterCommit();
    expect((await ordersOf(t.id)).map((r) => r.quantity)).toEqual([2]);
    expect(await rejectionsOf(t.id)).toEqual([]);
  });
});

describe('the batch picture', () => {
  it('folded with the placed orders, it equals a fresh read in the same transaction, for every account and for all', async () => {
    const t = await trader();
    // Something open before the batch, on one account.
    const earlier = await batch(t.id, [item(t.accounts[0], { symbol: 'TCS', side: 'BUY', price: formatPrice(3000 * TICK), quantity: 2 })]);
    accepted(earlier.outcomes[0]);
    await earlier.afterCommit();

    const intake = api.app.get(IntakeReadModel);
    const symbols = ['RELIANCE', 'TCS'];
    const sortOrders = (xs: { symbol: string; product: string; side: string; remainingQuantity: number }[]) =>
      xs.map((o) => `${o.symbol}|${o.product}|${o.side}|${o.remainingQuantity}`).sort();

    const res = await db().tx(async (s) => {
      const view = await intake.view(s, t.id, null, symbols);
      const out = await place().placeWithin(s, t.id, [
        item(t.accounts[0], { quantity: 3 }),
        item(t.accounts[1], { symbol: 'TCS', price: formatPrice(3000 * TICK), quantity: 4, product: 'MIS' }),
      ]);
      for (const o of out.outcomes) {
        const p = accepted(o).order;
        view.placed({ accountId: p.accountId, symbol: p.symbol, product: p.product, side: p.side, quantity: p.quantity });
      }
      for (const symbol of symbols) {
        for (const acc of [...t.accounts, null]) {
          const fresh = await intake.read(s, t.id, null, symbol, acc);
          const folded = view.state(symbol, acc);
          const what = `${symbol} on ${acc ?? 'all accounts'}`;
          expect(sortOrders(folded.snapshot.openOrders), what).toEqual(sortOrders(fresh.snapshot.openOrders));
          expect(folded.snapshot.recentOrderTimes.length, what).toBe(fresh.snapshot.recentOrderTimes.length);
          expect(folded.snapshot.positions, what).toEqual(fresh.snapshot.positions);
          expect(folded.snapshot.dayPnl, what).toBe(fresh.snapshot.dayPnl);
          expect([folded.limits, folded.switches, folded.ltp], what).toEqual([fresh.limits, fresh.switches, fresh.ltp]);
        }
      }
      // Not vacuous: the accounts see different things, and all of them three open orders.
      expect(sortOrders(view.state('RELIANCE', t.accounts[0]).snapshot.openOrders)).toEqual(['RELIANCE|CNC|BUY|3', 'TCS|CNC|BUY|2']);
      expect(sortOrders(view.state('RELIANCE', t.accounts[1]).snapshot.openOrders)).toEqual(['TCS|MIS|BUY|4']);
      expect(view.state('RELIANCE', t.accounts[2]).snapshot.openOrders).toEqual([]);
      expect(view.state('RELIANCE', null).snapshot.recentOrderTimes).toHaveLength(3);
      return out;
    });
    await res.afterCommit();
  });
});

describe("the caller's transaction rolls back", () => {
  it('leaves nothing of the batch: no orders, holds, keys, audits or jobs; the same keys then place afresh', async () => {
    const t = await trader();
    const booksBefore = await books(t.accounts);
    const entriesBefore = await Promise.all(t.accounts.map(entriesOf));
    const items = t.accounts.map((a) => item(a));
    let outcomes: PlaceOutcome[] = [];
    // afterCommit is for a committed transaction: never run here.
    await expect(
      db().tx(async (s) => {
        const res = await place().placeWithin(s, t.id, items);
        outcomes = res.outcomes;
        // Inside the transaction they were there.
        expect((await s.rows(`SELECT 1 FROM orders WHERE user_id = $1`, [t.id])).length).toBe(3);
        throw new Error('the caller failed after the batch');
      }),
    ).rejects.toThrow('the caller failed after the batch');
    const ids = outcomes.map((o) => accepted(o).order.id);
    expect(ids).toHaveLength(3);

    expect(await ordersOf(t.id)).toEqual([]);
    expect(await holdsOf(ids)).toEqual([]);
    expect(await keysOf(t.id)).toEqual([]);
    expect(await sql(`SELECT 1 FROM audit_events WHERE subject = ANY($1::text[])`, [ids.map((id) => `order:${id}`)])).toEqual([]);
    expect(await books(t.accounts)).toEqual(booksBefore);
    expect(await Promise.all(t.accounts.map(entriesOf))).toEqual(entriesBefore);
    for (const id of ids) expect(await placeJob(id)).toBeUndefined();
    expect(await rejectionsOf(t.id)).toEqual([]);

    // The keys are free: the same batch places three new orders (not replays of the rolled-back ones).
    const retry = await batch(t.id, items);
    const placed = retry.outcomes.map((o) => accepted(o));
    expect(placed.map((o) => o.replayed)).toEqual([false, false, false]);
    expect(placed.map((o) => o.order.id).filter((id) => ids.includes(id))).toEqual([]);
    await retry.afterCommit();
    expect(await ordersOf(t.id)).toHaveLength(3);
  });
});

describe('a paper book first opened inside a batch (docs/domain.md "Accounts and books": opened on first use)', () => {
  /** A trader whose primary paper account exists but whose book was never opened (nobody listed or used it). */
  async function bookless(): Promise<{ id: UserId; token: string; account: string }> {
    const s = await signedIn(api, ['trader']);
    const account = await api.app.get(BrokerAccountsRepository).ensurePaperAccount(s.user.id, randomUUID());
    expect(await books([account])).toEqual([]);
    return { id: s.user.id as UserId, token: s.token, account };
  }

  it('an order refused after opening the book rolls the opening back with its savepoint', async () => {
    const t = await bookless();
    // ₹2,80,000 of RELIANCE against the ₹2,50,000 the book opens with.
    const res = await batch(t.id, [item(t.account, { quantity: 200 })]);
    expect(refused(res.outcomes[0]).code).toBe('INSUFFICIENT_FUNDS');
    await res.afterCommit();
    expect(await books([t.account])).toEqual([]);
    expect(await entriesOf(t.account)).toBe('0');
    // Its first order that fits opens it, once.
    const ok = await batch(t.id, [item(t.account, { quantity: 1 })]);
    accepted(ok.outcomes[0]);
    await ok.afterCommit();
    const [book] = await books([t.account]);
    expect(BigInt(book!.cash) + BigInt(book!.held)).toBe(25_000_000n);
  });

  it('two orders on it in a batch whose caller rolls back: the book is opened afresh by the next order', async () => {
    const t = await bookless();
    await expect(
      db().tx(async (s) => {
        const res = await place().placeWithin(s, t.id, [item(t.account, { quantity: 1 }), item(t.account, { quantity: 2 })]);
        res.outcomes.forEach((o) => accepted(o));
        throw new Error('the caller failed after the batch');
      }),
    ).rejects.toThrow('the caller failed after the batch');
    expect(await books([t.account])).toEqual([]);

    const next = await batch(t.id, [item(t.account, { quantity: 3 })]);
    const placed = accepted(next.outcomes[0]);
    await next.afterCommit();
    const [book] = await books([t.account]);
    expect(book).toBeDefined();
    expect(BigInt(book!.held)).toBe(BigInt((await ordersOf(t.id)).find((r) => r.id === placed.order.id)!.reserved_paise));
    expect(BigInt(book!.cash) + BigInt(book!.held)).toBe(25_000_000n);
  });
});
