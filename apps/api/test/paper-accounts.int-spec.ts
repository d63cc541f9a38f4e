import { randomUUID } from 'node:crypto';
import { MAX_PAPER_ACCOUNTS } from '@tradeloop/contracts';
import { demoUniverse, formatPrice, type BrokerOrderReport } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { BrokerAccountDirectory, TradingAccounts } from '@tradeloop/accounts';
import { LedgerSealer, LedgerVerifier } from '@tradeloop/wallet';
import { InstrumentsRepository } from '@tradeloop/market';
import { ExecutionService } from '@tradeloop/trading';
import { signedIn, useTestApi } from './support/test-api';
import { paise, paperFunds } from './support/paper-book';

/**
 * Several paper accounts per user (docs/api.md "Broker accounts", docs/domain.md "Accounts and
 * books"): the automatic primary one stays (first in the list, never deleted); a user adds more of
 * their own, each with its own paper book opened with PAPER_STARTING_BALANCE, where its orders hold
 * and settle; at most MAX_PAPER_ACCOUNTS in all. The test plays the broker through the execution
 * engine, as the worker does (LIMIT orders: no quote needed).
 */
const { api } = useTestApi({ PAPER_STARTING_BALANCE: '250000.00' }, { logLevel: 'warn' });
const TICK = 10_000;
const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);

const list = async (token: string) => {
  const res = await api.http.get('/api/v1/broker-accounts', token);
  expect(res.status).toBe(200);
  return res.body.items as { id: string; kind: string; name: string; primary: boolean; isDefault: boolean; paperBalance: string | null }[];
};
const create = (token: string, body: unknown) => api.http.post('/api/v1/broker-accounts', body, token);
const addPaper = async (token: string, name: string, extra: Record<string, unknown> = {}) => {
  const res = await create(token, { kind: 'paper', name, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; kind: string; name: string; primary: boolean; isDefault: boolean; paperBalance: string };
};
const del = (token: string, id: string) => api.http.request('DELETE', `/api/v1/broker-accounts/${id}`, { token });
const place = (token: string, body: Record<string, unknown>) =>
  api.http.request('POST', '/api/v1/orders', {
    body: { symbol: 'RELIANCE', side: 'BUY', type: 'LIMIT', product: 'CNC', price: formatPrice(1400 * TICK), quantity: 10, ...body },
    token,
    headers: { 'idempotency-key': randomUUID() },
  });
const auditOf = (id: string) =>
  sql<{ action: string; details: Record<string, unknown> }>(`SELECT action, details FROM audit_events WHERE subject = $1 ORDER BY id`, [
    id,
  ]);

let clock = Date.now();
const filled = (quantity: number, price: number) =>
  ({ status: 'FILLED', filledQuantity: quantity, averagePrice: price * TICK, updatedAt: (clock += 1) }) as BrokerOrderReport & {
    updatedAt: number;
  };

beforeAll(async () => {
  await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
}, 60_000);

describe('adding paper accounts', () => {
  it('a second paper account: 201, not primary, its own book opened with the starting balance, audited; listed after the primary, by creation', async () => {
    const t = await signedIn(api, ['trader']);
    const kite = await create(t.token, {
      kind: 'kite',
      name: 'Zerodha',
      credentials: { apiKey: 'kiteapikey0001', apiSecret: 'kite-secret-1' },
    });
    expect(kite.status).toBe(201);
    const second = await addPaper(t.token, 'Scalping practice');
    expect(second).toMatchObject({
      kind: 'paper',
      name: 'Scalping practice',
      status: 'connected',
      primary: false,
      isDefault: false,
      credentials: {},
      ownerUserId: t.user.id,
      paperBalance: '250000.00',
    });
    const items = await list(t.token);
    // The primary first (created before the Kite one here), then by creation: not "every paper account first".
    expect(items.map((a) => [a.kind, a.primary])).toEqual([
      ['paper', true],
      ['kite', false],
      ['paper', false],
    ]);
    expect(items[2]!.id).toBe(second.id);
    expect(items[0]).toMatchObject({ name: 'Paper', isDefault: true, paperBalance: '250000.00' });

    // Two books, each opened once with its own SET_BALANCE.
    const openings = await sql<{ reference: string; paper_account_id: string }>(
      `SELECT DISTINCT t.reference, e.paper_account_id FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
       WHERE e.paper_account_id = ANY($1::uuid[]) AND t.type = 'SET_BALANCE' ORDER BY 1`,
      [[items[0]!.id, second.id]],
    );
    expect(openings).toEqual(
      [items[0]!.id, second.id]
        .map((id) => ({ reference: `paper-opening:${id}`, paper_account_id: id }))
        .sort((a, b) => (a.reference < b.reference ? -1 : 1)),
    );
    const audit = await auditOf(second.id);
    expect(audit.map((a) => a.action)).toEqual(['broker_account.created']);
    expect(audit[0]!.details).toMatchObject({ kind: 'paper', name: 'Scalping practice', firm: false });
    const [row] = await sql<{ primary_paper: boolean; credentials_ciphertext: string | null }>(
      `SELECT primary_paper, credentials_ciphertext FROM broker_accounts WHERE id = $1`,
      [second.id],
    );
    expect(row).toEqual({ primary_paper: false, credentials_ciphertext: null });
  });

  it('a user who never listed their accounts gets the primary created first, so the added one is never the primary', async () => {
    const t = await signedIn(api, ['trader']);
    const added = await addPaper(t.token, 'First thing I did');
    const items = await list(t.token);
    expect(items.map((a) => [a.name, a.primary, a.isDefault])).toEqual([
      ['Paper', true, true],
      ['First thing I did', false, false],
    ]);
    expect(items[1]!.id).toBe(added.id);
  });

  it('refuses credentials (400 naming the field), a firm paper account (400 naming assignedUserIds) and a bad name, storing nothing', async () => {
    const t = await signedIn(api, ['trader']);
    const admin = await signedIn(api, ['admin']);
    const withCreds = await create(t.token, { kind: 'paper', name: 'X', credentials: { apiKey: 'abcd1234' } });
    expect(withCreds.status).toBe(400);
    expect(withCreds.body.errors.map((e: { field: string }) => e.field)).toEqual(['credentials.apiKey']);
    const firm = await create(admin.token, { kind: 'paper', name: 'Desk paper', assignedUserIds: [t.user.id] });
    expect(firm.status).toBe(400);
    expect(firm.body.errors.map((e: { field: string }) => e.field)).toEqual(['assignedUserIds']);
    const noName = await create(t.token, { kind: 'paper', name: '' });
    expect(noName.status).toBe(400);
    expect(noName.body.errors.map((e: { field: string }) => e.field)).toContain('name');
    const rows = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM broker_accounts WHERE kind = 'paper' AND NOT primary_paper AND owner_user_id = ANY($1::uuid[])`,
      [[t.user.id, admin.user.id]],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it(`caps a user at ${MAX_PAPER_ACCOUNTS} paper accounts, the primary included, however many requests race (409 beyond)`, async () => {
    const t = await signedIn(api, ['trader']);
    await list(t.token);
    const rs = await Promise.all(
      Array.from({ length: MAX_PAPER_ACCOUNTS + 2 }, (_, i) => create(t.token, { kind: 'paper', name: `P${i}` })),
    );
    const statuses = rs.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(MAX_PAPER_ACCOUNTS - 1).fill(201), 409, 409, 409]);
    const refused = rs.find((r) => r.status === 409)!;
    expect(refused.body.detail).toMatch(new RegExp(`most there may be \\(${MAX_PAPER_ACCOUNTS}\\)`));
    const items = await list(t.token);
    expect(items.filter((a) => a.kind === 'paper')).toHaveLength(MAX_PAPER_ACCOUNTS);
    expect(items[0]!.primary).toBe(true);
    expect(items.filter((a) => a.primary)).toHaveLength(1);
    // Deleting one makes room for one.
    const spare = items.find((a) => !a.primary)!;
    expect((await del(t.token, spare.id)).status).toBe(204);
    expect((await create(t.token, { kind: 'paper', name: 'Again' })).status).toBe(201);
    expect((await create(t.token, { kind: 'paper', name: 'One too many' })).status).toBe(409);
  });
});

describe('trading, balances and the ledger of several paper books', () => {
  it('an order on the second account holds and settles in its own book, never the primary’s; the ledger verifies clean', async () => {
    const t = await signedIn(api, ['trader']);
    const compliance = await signedIn(api, ['compliance']);
    const [primary] = await list(t.token);
    const second = await addPaper(t.token, 'Second');

    // Its own virtual balance: setting it leaves the primary's alone.
    const set = await api.http.post(`/api/v1/broker-accounts/${second.id}/paper-balance`, { amount: '300000.00' }, t.token);
    expect([set.status, set.body.paperBalance]).toEqual([200, '300000.00']);
    expect((await api.http.get(`/api/v1/broker-accounts/${primary!.id}`, t.token)).body.paperBalance).toBe('250000.00');

    const res = await place(t.token, { accountId: second.id });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.order.id as string;
    const reserved = res.body.order.reserved as string;
    const [row] = await sql<{ hold_book: string; account_id: string }>(`SELECT hold_book, account_id FROM orders WHERE id = $1`, [id]);
    expect(row).toEqual({ hold_book: 'paper', account_id: second.id });
    expect(await paperFunds(api, t.token, second.id)).toMatchObject({ held: reserved, total: '300000.00' });
    expect(await paperFunds(api, t.token, primary!.id)).toEqual({
      currency: 'INR',
      available: '250000.00',
      held: '0.00',
      total: '250000.00',
    });

    // The account with an order still working cannot be deleted (409), as any account.
    const busy = await del(t.token, second.id);
    expect(busy.status).toBe(409);

    // The broker fills it: the trade settles in the second book; the primary's is untouched.
    const ex = api.app.get(ExecutionService);
    expect((await ex.beginSend(id)).action).toBe('send');
    await ex.accepted(id, ['MBPAPER2'], 'sent', [{ brokerOrderId: 'MBPAPER2', report: filled(10, 1400) }]);
    const order = (await api.http.get(`/api/v1/orders/${id}`, t.token)).body;
    expect(order).toMatchObject({ status: 'FILLED', filledQuantity: 10, reserved: '0.00', accountId: second.id });
    const [trade] = (await api.http.get('/api/v1/trades', t.token)).body.items;
    const after = await paperFunds(api, t.token, second.id);
    expect(after.held).toBe('0.00');
    expect(paise(after.available)).toBe(paise('300000.00') - paise(trade.value) - paise(trade.fees));
    expect(await paperFunds(api, t.token, primary!.id)).toMatchObject({ available: '250000.00', held: '0.00' });
    const settles = await sql<{ paper_account_id: string | null }>(
      `SELECT DISTINCT e.paper_account_id FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
       WHERE t.type = 'SETTLE' AND t.reference = $1`,
      [trade.id],
    );
    expect(settles).toEqual([{ paper_account_id: second.id }]);

    // Its position is its own; with history on record it cannot be deleted (409: disable instead).
    const positions = await sql<{ account_id: string; net_quantity: number }>(
      `SELECT account_id, net_quantity FROM positions WHERE user_id = $1 AND net_quantity <> 0`,
      [t.user.id],
    );
    expect(positions).toEqual([{ account_id: second.id, net_quantity: 10 }]);
    const withHistory = await del(t.token, second.id);
    expect(withHistory.status).toBe(409);
    expect(withHistory.body.detail).toMatch(/disable it instead/);

    // Compliance sees each book apart.
    const secondOnly = await api.http.get(`/api/v1/compliance/ledger?book=paper&paperAccountId=${second.id}&limit=100`, compliance.token);
    expect(secondOnly.status).toBe(200);
    expect(secondOnly.body.items.length).toBeGreaterThan(0);
    const secondAccounts = (secondOnly.body.items as { account: string }[]).map((e) => e.account);
    expect(secondAccounts.some((a) => a.startsWith(`paper:${second.id}:`))).toBe(true);
    expect(secondAccounts.some((a) => a.includes(primary!.id))).toBe(false);
    const primaryOnly = await api.http.get(
      `/api/v1/compliance/ledger?book=paper&paperAccountId=${primary!.id}&limit=100`,
      compliance.token,
    );
    expect(primaryOnly.body.items.some((e: { account: string }) => e.account.includes(second.id))).toBe(false);

    await api.app.get(LedgerSealer).sealAll({ wait: true });
    const verify = await api.app.get(LedgerVerifier).verify();
    expect(verify.ok, JSON.stringify(verify.problems)).toBe(true);
    const viaApi = await api.http.get('/api/v1/compliance/ledger/verify', compliance.token);
    expect(viaApi.body.ok, JSON.stringify(viaApi.body)).toBe(true);
  });

  it('renamed and made the default, it takes orders without an accountId; a paper strategy may trade it', async () => {
    const t = await signedIn(api, ['trader']);
    const [primary] = await list(t.token);
    const second = await addPaper(t.token, 'Second');
    const patched = await api.http.patch(`/api/v1/broker-accounts/${second.id}`, { name: 'Swing', isDefault: true }, t.token);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Swing', isDefault: true, primary: false });
    expect((await list(t.token)).map((a) => [a.id, a.isDefault])).toEqual([
      [primary!.id, false],
      [second.id, true],
    ]);
    const res = await place(t.token, {});
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.order.accountId).toBe(second.id);
    expect((await paperFunds(api, t.token, primary!.id)).held).toBe('0.00');
    expect((await paperFunds(api, t.token, second.id)).held).toBe(res.body.order.reserved);

    const accounts = api.app.get(TradingAccounts);
    const db = api.app.get(Db);
    expect(await db.tx((s) => accounts.forStrategy(s, t.user.id, 'paper', second.id))).toBe(second.id);
    // Without a named account a paper strategy trades the primary.
    expect(await db.tx((s) => accounts.forStrategy(s, t.user.id, 'paper', undefined))).toBe(primary!.id);
  });

  it('deletes an added paper account without history (its default falls back to the primary); the primary never (409)', async () => {
    const t = await signedIn(api, ['trader']);
    const [primary] = await list(t.token);
    const extra = await addPaper(t.token, 'Throwaway', { isDefault: true });
    expect(extra.isDefault).toBe(true);
    const refused = await del(t.token, primary!.id);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/primary paper account cannot be deleted/);
    expect((await del(t.token, extra.id)).status).toBe(204);
    expect(await api.app.get(BrokerAccountDirectory).defaultFor(t.user.id)).toBe(primary!.id);
    expect((await list(t.token)).map((a) => [a.id, a.isDefault])).toEqual([[primary!.id, true]]);
    expect((await auditOf(extra.id)).map((a) => a.action)).toEqual(['broker_account.created', 'broker_account.deleted']);
    expect((await del(t.token, extra.id)).status).toBe(404);
  });

  it("another user cannot see, change, fund, delete or trade someone's added paper account (404)", async () => {
    const owner = await signedIn(api, ['trader']);
    const stranger = await signedIn(api, ['trader']);
    const added = await addPaper(owner.token, 'Mine');
    expect((await api.http.get(`/api/v1/broker-accounts/${added.id}`, stranger.token)).status).toBe(404);
    expect((await api.http.patch(`/api/v1/broker-accounts/${added.id}`, { name: 'Ours' }, stranger.token)).status).toBe(404);
    expect((await api.http.post(`/api/v1/broker-accounts/${added.id}/paper-balance`, { amount: '1.00' }, stranger.token)).status).toBe(404);
    expect((await del(stranger.token, added.id)).status).toBe(404);
    const order = await place(stranger.token, { accountId: added.id });
    expect(order.status).toBe(404);
    expect((await list(stranger.token)).map((a) => a.id)).not.toContain(added.id);
    expect((await api.http.get(`/api/v1/broker-accounts/${added.id}`, owner.token)).body.name).toBe('Mine');
  });
});
