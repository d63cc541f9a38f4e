import { io } from 'socket.io-client';
import { Db } from '@tradeloop/platform';
import { createUser, login, signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi();

const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const snapshot = async () =>
  (
    await sql<{ t: string; e: string; k: string; a: string }>(
      `SELECT (SELECT count(*) FROM ledger_transactions)::text t, (SELECT count(*) FROM ledger_entries)::text e,
          (SELECT count(*) FROM idempotency_keys)::text k, (SELECT count(*) FROM audit_events)::text a`,
    )
  )[0];
let keyN = 0;
const key = () => `key-${Date.now()}-${keyN++}`;

async function admin() {
  return signedIn(api, ['admin']);
}
function move(token: string, userId: string, dir: 'deposits' | 'withdrawals', body: unknown, idem: string | null = key()) {
  return api.http.request('POST', `/api/v1/admin/wallets/${userId}/${dir}`, {
    body,
    token,
    headers: idem === null ? {} : { 'idempotency-key': idem },
  });
}

describe('deposits and withdrawals', () => {
  it('a deposit credits the wallet, posts a balanced transaction and is audited', async () => {
    const a = await admin();
    const trader = await signedIn(api, ['trader']);
    const res = await move(a.token, trader.user.id, 'deposits', { amount: '100000.00', reference: 'NEFT-1' });
    expect(res.status).toBe(201);
    expect(res.body.wallet).toEqual({ currency: 'INR', available: '100000.00', held: '0.00', total: '100000.00' });
    expect(res.body.transaction.entries.map((e: any) => [e.account.split(':')[0], e.amount])).toEqual([
      ['house', '-100000.00'],
      ['user', '100000.00'],
    ]);
    const own = await api.http.get('/api/v1/wallet', trader.token);
    expect(own.body.available).toBe('100000.00');
    const entries = await api.http.get('/api/v1/wallet/entries', trader.token);
    expect(entries.body.items).toHaveLength(1);
    expect(entries.body.items[0]).toMatchObject({ type: 'DEPOSIT', amount: '100000.00', balanceAfter: '100000.00', reference: 'NEFT-1' });
    const audit = await sql<{ action: string; actor_id: string }>(
      `SELECT action, actor_id FROM audit_events WHERE subject = $1 AND action LIKE 'wallet.%'`,
      [`user:${trader.user.id}`],
    );
    expect(audit).toEqual([{ action: 'wallet.deposited', actor_id: a.user.id }]);
  });

  it.each([
    ['1.001', 'at most 2 decimal places'],
    ['-5.00', 'plain decimal'],
    ['0', 'greater than zero'],
    ['0.00', 'greater than zero'],
    ['1e5', 'plain decimal'],
    ['12345678901234567', 'digits before the decimal point'],
    ['1234567890123456.00', 'digits before the decimal point'],
    ['ten', 'plain decimal'],
    ['', 'plain decimal'],
    [100, 'decimal string'],
    [null, 'decimal string'],
  ])('amount %j → 400 naming the field, nothing written', async (amount, message) => {
    const a = await admin();
    const user = await createUser(api);
    const before = await snapshot();
    const res = await move(a.token, user.id, 'deposits', { amount, reference: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'amount', message: expect.stringContaining(message) }]);
    expect(await snapshot()).toEqual(before);
  });

  it('requires an Idempotency-Key, and a reference', async () => {
    const a = await admin();
    const user = await createUser(api);
    const noKey = await move(a.token, user.id, 'deposits', { amount: '1.00', reference: 'x' }, null);
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0].field).toBe('Idempotency-Key');
    expect((await move(a.token, user.id, 'deposits', { amount: '1.00', reference: 'x' }, 'x'.repeat(129))).status).toBe(400);
    expect((await move(a.token, user.id, 'deposits', { amount: '1.00' })).status).toBe(400);
    expect((await move(a.token, user.id, 'deposits', { amount: '1.00', reference: 'x', extra: 1 })).status).toBe(400);
  });

  it('unknown user → 404, and the refusal is not left half-done', async () => {
    const a = await admin();
    const before = await snapshot();
    const res = await move(a.token, '00000000-0000-4000-8000-000000000000', 'deposits', { amount: '1.00', reference: 'x' });
    expect(res.status).toBe(404);
    const after = await snapshot();
    expect([after!.t, after!.e]).toEqual([before!.t, before!.e]);
  });

  it('a withdrawal beyond available → 422 INSUFFICIENT_FUNDS; a replay of it gets the same answer', async () => {
    const a = await admin();
    const user = await createUser(api);
    await move(a.token, user.id, 'deposits', { amount: '50.00', reference: 'd' });
    const k = key();
    const res = await move(a.token, user.id, 'withdrawals', { amount: '50.01', reference: 'w' }, k);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
    // Funds arrive later; the same request, retried with its key, still answers what it answered.
    await move(a.token, user.id, 'deposits', { amount: '100.00', reference: 'd2' });
    const replay = await move(a.token, user.id, 'withdrawals', { amount: '50.01', reference: 'w' }, k);
    expect(replay.status).toBe(422);
    expect((await api.http.get(`/api/v1/admin/wallets/${user.id}`, a.token)).body.available).toBe('150.00');
  });

  it('same key + same body replays the original; same key + different body → 409', async () => {
    const a = await admin();
    const user = await createUser(api);
    const k = key();
    const first = await move(a.token, user.id, 'deposits', { amount: '10.00', reference: 'r' }, k);
    const again = await move(a.token, user.id, 'deposits', { reference: 'r', amount: '10.00' }, k);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await move(a.token, user.id, 'deposits', { amount: '11.00', reference: 'r' }, k);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await api.http.get(`/api/v1/admin/wallets/${user.id}`, a.token)).body.available).toBe('10.00');
  });

  it('twenty concurrent requests with one key move the money once', async () => {
    const a = await admin();
    const user = await createUser(api);
    const k = key();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => move(a.token, user.id, 'deposits', { amount: '7.00', reference: 'dbl' }, k)),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.transaction.id)).size).toBe(1);
    expect((await api.http.get(`/api/v1/admin/wallets/${user.id}`, a.token)).body.available).toBe('7.00');
  });

  it('50 parallel withdrawals of 100 from 1,000: exactly 10 succeed, balance ends at 0', async () => {
    const a = await admin();
    const user = await createUser(api);
    await move(a.token, user.id, 'deposits', { amount: '1000.00', reference: 'seed' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => move(a.token, user.id, 'withdrawals', { amount: '100.00', reference: `w${i}` })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 422)).toHaveLength(40);
    expect((await api.http.get(`/api/v1/admin/wallets/${user.id}`, a.token)).body).toMatchObject({ available: '0.00', total: '0.00' });
    const verify = await api.http.get('/api/v1/compliance/ledger/verify', a.token);
    expect(verify.body).toMatchObject({ ok: true, trialBalance: '0.00', problems: [] });
  });

  it('keys are scoped per caller', async () => {
    const a1 = await admin();
    const a2 = await admin();
    const user = await createUser(api);
    const k = key();
    expect((await move(a1.token, user.id, 'deposits', { amount: '1.00', reference: 'a' }, k)).status).toBe(201);
    expect((await move(a2.token, user.id, 'deposits', { amount: '2.00', reference: 'b' }, k)).status).toBe(201);
    expect((await api.http.get(`/api/v1/admin/wallets/${user.id}`, a1.token)).body.available).toBe('3.00');
  });
});

describe('access', () => {
  it('traders cannot fund wallets or read the compliance ledger; compliance can read but not fund', async () => {
    const trader = await signedIn(api, ['trader']);
    const compliance = await signedIn(api, ['compliance']);
    const user = await createUser(api);
    expect((await move(trader.token, user.id, 'deposits', { amount: '1.00', reference: 'x' })).status).toBe(403);
    expect((await api.http.get('/api/v1/compliance/ledger', trader.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/compliance/ledger/verify', trader.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/compliance/ledger/export.csv', trader.token)).status).toBe(403);
    expect((await move(compliance.token, user.id, 'deposits', { amount: '1.00', reference: 'x' })).status).toBe(403);
    expect((await api.http.get('/api/v1/compliance/ledger', compliance.token)).status).toBe(200);
  });
});

describe('realtime', () => {
  it('the owner receives wallet.updated after a deposit', async () => {
    const a = await admin();
    const user = await createUser(api);
    const session = await login(api, user);
    const socket = io(`${api.url}/realtime`, {
      path: '/socket.io',
      auth: { token: session.accessToken },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      await new Promise((r) => socket.once('ready', r));
      const got = new Promise<any>((r) => socket.once('wallet.updated', r));
      await move(a.token, user.id, 'deposits', { amount: '123.45', reference: 'live' });
      const event = await got;
      expect(event.wallet).toEqual({ currency: 'INR', available: '123.45', held: '0.00', total: '123.45' });
      expect(event.seq).toBe(1);
    } finally {
      socket.close();
    }
  });
});
