import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { JOBS, REALTIME_EVENTS } from '@tradeloop/contracts';
import { kitePostbackChecksum } from '@tradeloop/brokers';
import { Db, JobProducer, RealtimePublisher, createLogger } from '@tradeloop/platform';
import { AuditRepository } from '@tradeloop/identity';
import {
  BrokerAccountDirectory,
  BrokerAccountsRepository,
  CredentialsCipher,
  ReencryptBrokerCredentialsUseCase,
  BrokerAccountSecretStore,
  EncryptedSecretStores,
  kiteTokenExpiry,
  secretAad,
} from '@tradeloop/accounts';
import { createTestContext } from '@tradeloop/testing';
import { signedIn, startTestApi, useTestApi } from './support/test-api';

/** A tiny stand-in for Kite's POST /session/token: good api key + secret → a token, else Kite's error envelope. */
const kite = { server: null as Server | null, root: '', calls: [] as Record<string, string>[] };
const GOOD = { apiKey: 'kiteapikey0001', apiSecret: 'kite-api-secret-XYZ-9876' };
const KITE_USER = 'ZX1234';

async function startKiteStub(): Promise<void> {
  kite.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', (): void => {
      const form = Object.fromEntries(new URLSearchParams(body));
      kite.calls.push({ path: req.url ?? '', version: String(req.headers['x-kite-version']), ...form });
      res.setHeader('content-type', 'application/json');
      const expected = createHash('sha256')
        .update(GOOD.apiKey + form.request_token + GOOD.apiSecret)
        .digest('hex');
      if (req.url !== '/session/token') {
        res.writeHead(404).end('{}');
      } else if (form.api_key !== GOOD.apiKey) {
        res
          .writeHead(403)
          .end(JSON.stringify({ status: 'error', error_type: 'TokenException', message: 'Invalid `api_key` or `access_token`.' }));
      } else if (form.checksum !== expected) {
        res.writeHead(400).end(JSON.stringify({ status: 'error', error_type: 'InputException', message: 'Invalid `checksum`.' }));
      } else {
        res
          .writeHead(200)
          .end(JSON.stringify({ status: 'success', data: { access_token: `access-${form.request_token}`, user_id: KITE_USER } }));
      }
    });
  });
  await new Promise<void>((r) => kite.server!.listen(0, '127.0.0.1', r));
  kite.root = `http://127.0.0.1:${(kite.server!.address() as AddressInfo).port}`;
}

// The stub starts first (hooks run in the order registered), so the API is configured with its address.
const overrides: Record<string, string> = { KITE_LOGIN_URL: 'https://kite.example.test/connect/login' };
beforeAll(async () => {
  await startKiteStub();
  overrides.KITE_API_ROOT = kite.root;
});
afterAll(() => {
  kite.server?.close();
});
const { api, ctx } = useTestApi(overrides, { logLevel: 'trace' });

const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const auditOf = (subject: string) =>
  sql<{ action: string; details: Record<string, unknown> }>(`SELECT action, details FROM audit_events WHERE subject = $1 ORDER BY id`, [
    subject,
  ]);
const OTHER_ID = '0190a000-0000-7000-8000-00000000abcd';

const list = (token: string) => api.http.get('/api/v1/broker-accounts', token);
const create = (token: string, body: unknown) => api.http.post('/api/v1/broker-accounts', body, token);
const patch = (token: string, id: string, body: unknown) => api.http.patch(`/api/v1/broker-accounts/${id}`, body, token);
const del = (token: string, id: string) => api.http.request('DELETE', `/api/v1/broker-accounts/${id}`, { token });
const kiteBody = (creds = GOOD, extra: Record<string, unknown> = {}) => ({
  kind: 'kite',
  name: 'My Zerodha',
  credentials: creds,
  ...extra,
});
const callback = (query: Record<string, string>) =>
  fetch(`${api.url}/api/v1/brokers/kite/callback?${new URLSearchParams(query)}`, { redirect: 'manual' });
const stateOf = (url: string) => new URLSearchParams(new URL(url).searchParams.get('redirect_params')!).get('state')!;

describe('broker accounts: list, paper account, create', () => {
  it('a new user has exactly one (primary) paper account, their default, even under concurrent first reads', async () => {
    const { user, token } = await signedIn(api);
    const rs = await Promise.all(Array.from({ length: 8 }, () => list(token)));
    expect(rs.map((r) => r.status)).toEqual(Array(8).fill(200));
    const [paper] = rs[0]!.body.items;
    expect(rs[0]!.body.items).toHaveLength(1);
    expect(paper).toMatchObject({
      kind: 'paper',
      name: 'Paper',
      status: 'connected',
      isDefault: true,
      primary: true,
      credentials: {},
      tokenExpiresAt: null,
      // Its paper book, opened on this first read with PAPER_STARTING_BALANCE (default ₹10,00,000).
      paperBalance: '1000000.00',
      ownerUserId: user.id,
    });
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM broker_accounts WHERE owner_user_id = $1`, [user.id]);
    expect(rows[0]!.n).toBe(1);
  });

  it('creates a Kite account: 201, masked credentials, secrets encrypted at rest, audited', async () => {
    const { user, token } = await signedIn(api);
    const res = await create(token, kiteBody());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'kite',
      name: 'My Zerodha',
      status: 'needs_login',
      isDefault: false,
      primary: false,
      credentials: { apiKey: '••••0001', apiSecret: '••••9876' },
    });
    expect(res.text).not.toContain(GOOD.apiSecret);
    expect(res.text).not.toContain(GOOD.apiKey);
    const [row] = await sql<{ credentials_ciphertext: string; key_id: string }>(
      `SELECT credentials_ciphertext, key_id FROM broker_accounts WHERE id = $1`,
      [res.body.id],
    );
    expect(row!.credentials_ciphertext).toMatch(/^v1\.t1\./);
    expect(row!.key_id).toBe('t1');
    expect(row!.credentials_ciphertext).not.toContain(GOOD.apiSecret);
    const audit = await auditOf(res.body.id);
    expect(audit.map((a) => a.action)).toEqual(['broker_account.created']);
    expect(JSON.stringify(audit)).not.toContain(GOOD.apiSecret);
    const again = await list(token);
    expect(again.body.items.map((a: { kind: string }) => a.kind)).toEqual(['paper', 'kite']);
    expect(again.text).not.toContain(GOOD.apiSecret);
    // isDefault on create moves the default.
    const second = await create(token, kiteBody(GOOD, { name: 'Second', isDefault: true }));
    expect(second.body.isDefault).toBe(true);
    expect(await api.app.get(BrokerAccountDirectory).defaultFor(user.id)).toBe(second.body.id);
  });

  it('refuses bad input with a 400 naming the field, and stores nothing', async () => {
    const { user, token } = await signedIn(api);
    const cases: [unknown, string][] = [
      [{ kind: 'etrade', name: 'x', credentials: {} }, 'kind'],
      [{ kind: 'kite', name: 'x', credentials: { apiKey: 'abc' } }, 'credentials.apiSecret'],
      [{ kind: 'kite', name: 'x', credentials: { ...GOOD, password: 'p' } }, 'credentials.password'],
      [{ kind: 'kite', name: 'x', credentials: { apiKey: 'has space', apiSecret: 'x' } }, 'credentials.apiKey'],
      [{ kind: 'openalgo', name: 'x', credentials: { host: 'ftp://x', apiKey: 'k' } }, 'credentials.host'],
      [{ kind: 'upstox', name: 'x', credentials: { clientId: 'c', clientSecret: 's' } }, 'credentials.redirectUri'],
      [{ kind: 'kite', name: '', credentials: GOOD }, 'name'],
      [{ ...kiteBody(), owner: 'me' }, ''],
      [{ kind: 'kite', name: 'x', credentials: 'nope' }, 'credentials'],
    ];
    for (const [body, field] of cases) {
      const res = await create(token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      if (field)
        expect(
          res.body.errors.map((e: { field: string }) => e.field),
          JSON.stringify(body),
        ).toContain(field);
    }
    const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM broker_accounts WHERE owner_user_id = $1 AND kind <> 'paper'`, [
      user.id,
    ]);
    expect(rows[0]!.n).toBe(0);
  });

  it('paper takes no credentials (400 naming the field); assignedUserIds is for admins (403)', async () => {
    const { token } = await signedIn(api);
    const withCredentials = await create(token, { kind: 'paper', name: 'Another', credentials: { apiKey: 'x1234567' } });
    expect(withCredentials.status).toBe(400);
    expect(withCredentials.body.errors.map((e: { field: string }) => e.field)).toEqual(['credentials.apiKey']);
    const other = await signedIn(api);
    expect((await create(token, kiteBody(GOOD, { assignedUserIds: [other.user.id] }))).status).toBe(403);
  });

  it("another user's account is 404 everywhere, as is a malformed id", async () => {
    const owner = await signedIn(api);
    const { body: acc } = await create(owner.token, kiteBody());
    const stranger = await signedIn(api);
    for (const id of [acc.id, OTHER_ID]) {
      expect((await api.http.get(`/api/v1/broker-accounts/${id}`, stranger.token)).status).toBe(404);
      expect((await patch(stranger.token, id, { name: 'mine now' })).status).toBe(404);
      expect((await del(stranger.token, id)).status).toBe(404);
      expect((await api.http.get(`/api/v1/broker-accounts/${id}/login`, stranger.token)).status).toBe(404);
      expect((await api.http.post(`/api/v1/broker-accounts/${id}/paper-balance`, { amount: '10.00' }, stranger.token)).status).toBe(404);
    }
    expect((await api.http.get('/api/v1/broker-accounts/not-a-uuid', stranger.token)).status).toBe(400);
    expect((await api.http.get(`/api/v1/broker-accounts/${acc.id}`, owner.token)).body.name).toBe('My Zerodha');
  });
});

describe('update, delete, paper balance', () => {
  it('renames, replaces credentials (session ends), disables and enables: audited, masked', async () => {
    const { token } = await signedIn(api);
    const { body: acc } = await create(token, kiteBody());
    const renamed = await patch(token, acc.id, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Renamed');
    const newCreds = { apiKey: 'otherkey5555', apiSecret: 'another-secret-4321' };
    const replaced = await patch(token, acc.id, { credentials: newCreds });
    expect(replaced.body.credentials).toEqual({ apiKey: '••••5555', apiSecret: '••••4321' });
    expect(replaced.text).not.toContain('another-secret');
    const bad = await patch(token, acc.id, { credentials: { apiKey: 'only' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('credentials.apiSecret');
    expect((await patch(token, acc.id, {})).status).toBe(400);
    expect((await patch(token, acc.id, { name: 'x', extra: true })).status).toBe(400);
    const disabled = await patch(token, acc.id, { disabled: true });
    expect(disabled.body.status).toBe('disabled');
    expect((await api.http.get(`/api/v1/broker-accounts/${acc.id}/login`, token)).status).toBe(409);
    const enabled = await patch(token, acc.id, { disabled: false });
    expect(enabled.body.status).toBe('needs_login');
    expect((await auditOf(acc.id)).map((a) => a.action)).toEqual([
      'broker_account.created',
      'broker_account.updated',
      'broker_account.updated',
      'broker_account.disabled',
      'broker_account.enabled',
    ]);
  });

  it('the primary paper account cannot be deleted (409); deleting the default falls back to it', async () => {
    const { user, token } = await signedIn(api);
    const [paper] = (await list(token)).body.items;
    const del409 = await del(token, paper.id);
    expect(del409.status).toBe(409);
    const { body: acc } = await create(token, kiteBody(GOOD, { isDefault: true }));
    expect((await del(token, acc.id)).status).toBe(204);
    expect(await api.app.get(BrokerAccountDirectory).defaultFor(user.id)).toBe(paper.id);
    expect((await list(token)).body.items).toHaveLength(1);
    expect((await auditOf(acc.id)).map((a) => a.action)).toEqual(['broker_account.created', 'broker_account.deleted']);
    expect((await del(token, acc.id)).status).toBe(404);
  });

  it('an account that history refers to (orders, strategies: a foreign key) is a 409, not deleted', async () => {
    const { token } = await signedIn(api);
    const { body: acc } = await create(token, kiteBody());
    await sql(`CREATE TABLE IF NOT EXISTS t_account_refs (account_id uuid REFERENCES broker_accounts (id))`);
    await sql(`INSERT INTO t_account_refs VALUES ($1)`, [acc.id]);
    const res = await del(token, acc.id);
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/disable it instead/);
    expect((await api.http.get(`/api/v1/broker-accounts/${acc.id}`, token)).status).toBe(200);
    expect((await auditOf(acc.id)).map((a) => a.action)).toEqual(['broker_account.created']);
  });

  it('sets the paper balance from a decimal string, exactly (paise), paper only', async () => {
    const { token } = await signedIn(api);
    const [paper] = (await list(token)).body.items;
    const res = await api.http.post(`/api/v1/broker-accounts/${paper.id}/paper-balance`, { amount: '1500000.05' }, token);
    expect(res.status).toBe(200);
    expect(res.body.paperBalance).toBe('1500000.05');
    // The paper book of the ledger is the one truth of it: one SET_BALANCE moved the difference, audited with it.
    const [row] = await sql<{ p: string; h: string }>(
      `SELECT cash_paise::text AS p, held_paise::text AS h FROM paper_balances WHERE account_id = $1`,
      [paper.id],
    );
    expect(row).toEqual({ p: '150000005', h: '0' });
    const audits = await sql<{ details: { amount: string; previous: string } }>(
      `SELECT details FROM audit_events WHERE action = 'broker_account.paper_balance_set' AND subject = $1`,
      [`broker_account:${paper.id}`],
    );
    expect(audits.map((a) => [a.details.previous, a.details.amount])).toEqual([['1000000.00', '1500000.05']]);
    // The same amount again moves nothing (a retried request is harmless).
    const again = await api.http.post(`/api/v1/broker-accounts/${paper.id}/paper-balance`, { amount: '1500000.05' }, token);
    expect([again.status, again.body.paperBalance]).toEqual([200, '1500000.05']);
    expect(
      await sql(`SELECT 1 FROM audit_events WHERE action = 'broker_account.paper_balance_set' AND subject = $1`, [
        `broker_account:${paper.id}`,
      ]),
    ).toHaveLength(1);
    for (const amount of ['1e3', '-5', '1.234', 100, '']) {
      const bad = await api.http.post(`/api/v1/broker-accounts/${paper.id}/paper-balance`, { amount }, token);
      expect(bad.status, String(amount)).toBe(400);
      expect(bad.body.errors[0].field).toBe('amount');
    }
    const { body: acc } = await create(token, kiteBody());
    expect((await api.http.post(`/api/v1/broker-accounts/${acc.id}/paper-balance`, { amount: '10.00' }, token)).status).toBe(409);
  });
});

describe('Kite daily login', () => {
  it('login URL carries a state; the callback exchanges the request token and connects until 06:00 IST', async () => {
    const { token } = await signedIn(api);
    const { body: acc } = await create(token, kiteBody());
    const res = await api.http.get(`/api/v1/broker-accounts/${acc.id}/login`, token);
    expect(res.status).toBe(200);
    const url = new URL(res.body.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://kite.example.test/connect/login');
    expect(url.searchParams.get('api_key')).toBe(GOOD.apiKey);
    const state = stateOf(res.body.url);
    expect(state.length).toBeGreaterThan(40);
    const [stored] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM broker_login_states WHERE account_id = $1`, [acc.id]);
    expect(stored!.n).toBe(1);
    expect(JSON.stringify(await sql(`SELECT * FROM broker_login_states`))).not.toContain(state);

    const before = Date.now();
    const cb = await callback({ request_token: 'rt-good-1', status: 'success', state, action: 'login', type: 'login' });
    expect(cb.status).toBe(302);
    expect(cb.headers.get('location')).toBe('/account/brokers?login=ok');
    const last = kite.calls.at(-1)!;
    expect(last).toMatchObject({ path: '/session/token', version: '3', api_key: GOOD.apiKey, request_token: 'rt-good-1' });
    const after = (await api.http.get(`/api/v1/broker-accounts/${acc.id}`, token)).body;
    expect(after.status).toBe('connected');
    const expiry = new Date(after.tokenExpiresAt).getTime();
    expect([kiteTokenExpiry(new Date(before)).getTime(), kiteTokenExpiry(new Date()).getTime()]).toContain(expiry);
    const [row] = await sql<{ access_token_ciphertext: string; broker_user_id: string }>(
      `SELECT access_token_ciphertext, broker_user_id FROM broker_accounts WHERE id = $1`,
      [acc.id],
    );
    expect(row!.access_token_ciphertext).toMatch(/^v1\.t1\./);
    expect(row!.access_token_ciphertext).not.toContain('access-rt-good-1');
    expect(row!.broker_user_id).toBe(KITE_USER);
    const exec = await api.app.get(BrokerAccountDirectory).forExecution(acc.id);
    expect(exec).toMatchObject({ kind: 'kite', status: 'connected', disabled: false, credentials: GOOD, accessToken: 'access-rt-good-1' });
    expect((await auditOf(acc.id)).map((a) => a.action)).toEqual([
      'broker_account.created',
      'broker_account.login_started',
      'broker_account.login_succeeded',
    ]);

    // The same state again (replay): 400, nothing changes, Kite is not called.
    const calls = kite.calls.length;
    const replay = await callback({ request_token: 'rt-good-2', status: 'success', state });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('content-type')).toContain('application/problem+json');
    expect(kite.calls.length).toBe(calls);
  });

  it('the same state sent twice at once: one login, one 400', async () => {
    const { token } = await signedIn(api);
    const { body: acc } = await create(token, kiteBody());
    const { body } = await api.http.get(`/api/v1/broker-accounts/${acc.id}/login`, token);
    const state = stateOf(body.url);
    const calls = kite.calls.length;
    const rs = await Promise.all([
      callback({ request_token: 'rt-race-a', status: 'success', state }),
      callback({ request_token: 'rt-race-b', status: 'success', state }),
    ]);
    expect(rs.map((r) => r.status).sort()).toEqual([302, 400]);
    expect(kite.calls.length).toBe(calls + 1);
    expect((await auditOf(acc.id)).filter((a) => a.action === 'broker_account.login_succeeded')).toHaveLength(1);
  });

  it('a foreign or expired state is 400 and stores nothing', async () => {
    const { token } = await signedIn(api);
    const { body: acc } = await create(token, kiteBody());
    const calls = kite.calls.length;
    expect((await callback({ request_token: 'rt', status: 'success', state: randomBytes(32).toString('base64url') })).status).toBe(400);
    expect((await callback({ request_token: 'rt', status: 'success' })).status).toBe(400);
    const { body } = await api.http.get(`/api/v1/broker-accounts/${acc.id}/login`, token);
    await sql(`UPDATE broker_login_states SET expires_at = now() - interval '1 second' WHERE account_id = $1`, [acc.id]);
    const expired = await callback({ request_token: 'rt', status: 'success', state: stateOf(body.url) });
    expect(expired.status).toBe(400);
    expect(kite.calls.length).toBe(calls);
    const [row] = await sql<{ status: string; t: string | null }>(
      `SELECT status, access_token_ciphertext AS t FROM broker_accounts WHERE id = $1`,
      [acc.id],
    );
    expect(row).toEqual({ status: 'needs_login', t: null });
  });

  it('a wrong api secret: Kite refuses, the account is error with a readable reason, login=failed, audited', async () => {
    const { token } = await signedIn(api);
    const { body: acc } = await create(token, kiteBody({ apiKey: GOOD.apiKey, apiSecret: 'wrong-secret-000' }));
    const { body } = await api.http.get(`/api/v1/broker-accounts/${acc.id}/login`, token);
    const cb = await callback({ request_token: 'rt-x', status: 'success', state: stateOf(body.url) });
    expect(cb.status).toBe(302);
    const location = new URL(cb.headers.get('location')!, 'http://x');
    expect(location.pathname).toBe('/account/brokers');
    expect(location.searchParams.get('login')).toBe('failed');
    expect(location.searchParams.get('reason')).toBe('Invalid `checksum`.');
    const after = (await api.http.get(`/api/v1/broker-accounts/${acc.id}`, token)).body;
    expect(after).toMatchObject({ status: 'error', statusReason: 'Kite refused the login: Invalid `checksum`.', tokenExpiresAt: null });
    const audit = await auditOf(acc.id);
    expect(audit.at(-1)).toMatchObject({ action: 'broker_account.login_failed', details: { code: 'InputException' } });
    // A wrong api key: TokenException, same outcome.
    const { body: acc2 } = await create(token, kiteBody({ apiKey: 'wrongkey00000', apiSecret: GOOD.apiSecret }));
    const { body: l2 } = await api.http.get(`/api/v1/broker-accounts/${acc2.id}/login`, token);
    const cb2 = await callback({ request_token: 'rt-y', status: 'success', state: stateOf(l2.url) });
    expect(new URL(cb2.headers.get('location')!, 'http://x').searchParams.get('login')).toBe('failed');
    expect((await api.http.get(`/api/v1/broker-accounts/${acc2.id}`, token)).body.status).toBe('error');
  });

  it('login is for kite accounts only (409 for paper)', async () => {
    const { token } = await signedIn(api);
    const [paper] = (await list(token)).body.items;
    expect((await api.http.get(`/api/v1/broker-accounts/${paper.id}/login`, token)).status).toBe(409);
  });
});

describe('session expiry and the execution port', () => {
  async function connected() {
    const { user, token } = await signedIn(api);
    const { body: acc } = await create(token, kiteBody());
    const { body } = await api.http.get(`/api/v1/broker-accounts/${acc.id}/login`, token);
    await callback({ request_token: `rt-${acc.id}`, status: 'success', state: stateOf(body.url) });
    return { user, token, acc };
  }

  it('markNeedsLogin wipes the token and says why; canTrade is owner or assigned only', async () => {
    const { user, token, acc } = await connected();
    const dir = api.app.get(BrokerAccountDirectory);
    expect(await dir.canTrade(user.id, acc.id)).toBe(true);
    const stranger = await signedIn(api);
    expect(await dir.canTrade(stranger.user.id, acc.id)).toBe(false);
    const published = vi.spyOn(api.app.get(RealtimePublisher), 'toUser');
    try {
      expect(await dir.markNeedsLogin(acc.id, 'Kite: TokenException')).toBe(true);
      expect(await dir.markNeedsLogin(acc.id, 'Kite: TokenException')).toBe(false);
      // One broker.account event, to the owner, with their view of the account.
      expect(published.mock.calls.filter((c) => c[1] === REALTIME_EVENTS.brokerAccount)).toEqual([
        [
          user.id,
          'broker.account',
          { account: expect.objectContaining({ id: acc.id, status: 'needs_login', statusReason: 'Kite: TokenException' }) },
        ],
      ]);
    } finally {
      published.mockRestore();
    }
    const view = (await api.http.get(`/api/v1/broker-accounts/${acc.id}`, token)).body;
    expect(view).toMatchObject({ status: 'needs_login', statusReason: 'Kite: TokenException', tokenExpiresAt: null });
    expect((await dir.forExecution(acc.id))!.accessToken).toBeNull();
    expect((await auditOf(acc.id)).at(-1)!.action).toBe('broker_account.needs_login');
  });

  it('a session past its expiry turns needs_login on read', async () => {
    const { token, acc } = await connected();
    await sql(`UPDATE broker_accounts SET token_expires_at = now() - interval '1 minute' WHERE id = $1`, [acc.id]);
    const item = (await list(token)).body.items.find((a: { id: string }) => a.id === acc.id);
    expect(item).toMatchObject({ status: 'needs_login', tokenExpiresAt: null });
    expect(item.statusReason).toMatch(/expired/);
  });
});

describe('Kite postbacks', () => {
  it('a good checksum is queued for the worker (200); a bad one is 401 and audited, nothing queued', async () => {
    const { acc } = await (async () => {
      const { token } = await signedIn(api);
      const { body: acc } = await create(token, kiteBody());
      const { body } = await api.http.get(`/api/v1/broker-accounts/${acc.id}/login`, token);
      await callback({ request_token: 'rt-pb', status: 'success', state: stateOf(body.url) });
      return { acc };
    })();
    // Several accounts may be logged in as the same Kite user: the one whose secret verifies wins.
    await sql(`UPDATE broker_accounts SET broker_user_id = NULL WHERE broker_user_id = $1 AND id <> $2`, [KITE_USER, acc.id]);
    const order = {
      order_id: '250101000000001',
      order_timestamp: '2025-01-01 10:00:00',
      status: 'COMPLETE',
      user_id: KITE_USER,
      filled_quantity: 1,
    };
    const good = { ...order, checksum: kitePostbackChecksum(order.order_id, order.order_timestamp, GOOD.apiSecret) };
    const res = await api.http.post('/api/v1/brokers/kite/postback', good);
    expect(res.status).toBe(200);
    // A live account's jobs go to its partition's queue (docs/architecture.md "Scale-out").
    const queue = api.app
      .get(JobProducer)
      .queue(api.app.get(JobProducer).queueOf(JOBS.brokerUpdate, { accountId: acc.id, source: 'kite-postback', body: {} }));
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed']);
    const mine = jobs.filter((j) => j.name === JOBS.brokerUpdate && j.data.accountId === acc.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.data).toEqual({ accountId: acc.id, source: 'kite-postback', body: good });
    // Kite retrying the same postback makes no second job.
    await api.http.post('/api/v1/brokers/kite/postback', good);
    expect(
      (await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'])).filter(
        (j) => j.data.accountId === acc.id,
      ),
    ).toHaveLength(1);

    const bad = await api.http.post('/api/v1/brokers/kite/postback', { ...order, checksum: 'f'.repeat(64) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const unknownUser = await api.http.post('/api/v1/brokers/kite/postback', { ...good, user_id: 'NOBODY' });
    expect(unknownUser.status).toBe(401);
    const rejected = await sql<{ subject: string | null; details: Record<string, unknown> }>(
      `SELECT subject, details FROM audit_events WHERE action = 'broker_account.postback_rejected' ORDER BY id`,
    );
    expect(rejected.map((r) => r.subject)).toEqual([acc.id, null]);
    expect(rejected[0]!.details).toMatchObject({ reason: 'checksum does not verify', orderId: order.order_id });
    expect(
      (await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'])).filter(
        (j) => j.data.accountId === acc.id,
      ),
    ).toHaveLength(1);
  });
});

describe('admin', () => {
  it("sees a user's accounts (never secrets), disables one (audited), registers a firm account for users", async () => {
    const admin = await signedIn(api, ['admin']);
    const trader = await signedIn(api);
    const { body: acc } = await create(trader.token, kiteBody());
    const seen = await api.http.get(`/api/v1/admin/users/${trader.user.id}/broker-accounts`, admin.token);
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((a: { kind: string }) => a.kind)).toEqual(['paper', 'kite']);
    expect(seen.text).not.toContain(GOOD.apiSecret);
    expect((await api.http.get(`/api/v1/admin/users/${OTHER_ID}/broker-accounts`, admin.token)).status).toBe(404);
    expect((await api.http.get(`/api/v1/admin/users/${trader.user.id}/broker-accounts`, trader.token)).status).toBe(403);
    const off = await api.http.patch(`/api/v1/admin/broker-accounts/${acc.id}`, { disabled: true }, admin.token);
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('disabled');
    expect((await api.http.patch(`/api/v1/admin/broker-accounts/${acc.id}`, { disabled: true, name: 'x' }, admin.token)).status).toBe(400);
    expect((await api.http.patch(`/api/v1/admin/broker-accounts/${OTHER_ID}`, { disabled: true }, admin.token)).status).toBe(404);
    expect((await auditOf(acc.id)).at(-1)).toMatchObject({ action: 'broker_account.disabled', details: { by: 'admin' } });
    expect((await api.app.get(BrokerAccountDirectory).forExecution(acc.id))!.disabled).toBe(true);

    const firm = await create(admin.token, kiteBody(GOOD, { name: 'Firm Kite', assignedUserIds: [trader.user.id], isDefault: true }));
    expect(firm.status).toBe(201);
    expect(firm.body).toMatchObject({ ownerUserId: null, assignedUserIds: [trader.user.id] });
    const traderView = (await list(trader.token)).body.items.find((a: { id: string }) => a.id === firm.body.id);
    expect(traderView).toMatchObject({ isDefault: true, name: 'Firm Kite' });
    expect(await api.app.get(BrokerAccountDirectory).canTrade(trader.user.id, firm.body.id)).toBe(true);
    // An assigned user trades it but does not manage it.
    expect((await patch(trader.token, firm.body.id, { name: 'Mine' })).status).toBe(403);
    expect((await del(trader.token, firm.body.id)).status).toBe(403);
    const badAssign = await create(admin.token, kiteBody(GOOD, { assignedUserIds: [OTHER_ID] }));
    expect(badAssign.status).toBe(400);
    expect(badAssign.body.errors[0].field).toBe('assignedUserIds.0');
  });
});

describe('key rotation', () => {
  it('encrypt under t1, rotate to k2, run the job, drop t1 from the ring: everything still decrypts', async () => {
    const { token } = await signedIn(api);
    const { body: acc } = await create(token, kiteBody());
    const { body } = await api.http.get(`/api/v1/broker-accounts/${acc.id}/login`, token);
    await callback({ request_token: 'rt-rot', status: 'success', state: stateOf(body.url) });
    // The admin endpoint runs the job under the configured key (t1): nothing to move yet.
    const admin = await signedIn(api, ['admin']);
    const viaApi = await api.http.post('/api/v1/admin/jobs/reencrypt-broker-credentials', undefined, admin.token);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body).toEqual({ reencrypted: 0, failed: 0, remaining: 0, activeKeyId: 't1' });
    const t1 = ctx.env.BROKER_CREDENTIALS_KEYS;
    const k2 = randomBytes(32).toString('base64');
    const rotated = CredentialsCipher.fromConfig({ BROKER_CREDENTIALS_KEYS: `${t1},k2:${k2}`, BROKER_CREDENTIALS_KEY_ID: 'k2' });
    const db = api.app.get(Db);
    const repo = new BrokerAccountsRepository(db);
    // Only broker accounts here (apps/api/test/secrets-rotation.int-spec.ts rotates every table).
    const stores = new EncryptedSecretStores();
    new BrokerAccountSecretStore(repo, stores);
    const job = new ReencryptBrokerCredentialsUseCase(db, stores, rotated, api.app.get(AuditRepository));
    // Two runs at once (batches of 2): each row is done by one of them (SKIP LOCKED), none fails, none is left.
    const [a, b] = await Promise.all([job.execute({ batchSize: 2 }), job.execute({ batchSize: 2 })]);
    expect(a.failed + b.failed).toBe(0);
    expect(a.reencrypted + b.reencrypted).toBeGreaterThan(0);
    const stale = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM broker_accounts WHERE key_id <> 'k2' OR split_part(access_token_ciphertext, '.', 2) <> 'k2'`,
    );
    expect(stale[0]!.n).toBe(0);
    const onlyK2 = CredentialsCipher.fromConfig({ BROKER_CREDENTIALS_KEYS: `k2:${k2}`, BROKER_CREDENTIALS_KEY_ID: undefined });
    const [row] = await sql<{ c: string; t: string }>(
      `SELECT credentials_ciphertext AS c, access_token_ciphertext AS t FROM broker_accounts WHERE id = $1`,
      [acc.id],
    );
    expect(JSON.parse(onlyK2.decrypt(row!.c, secretAad(acc.id, 'credentials')))).toEqual(GOOD);
    expect(onlyK2.decrypt(row!.t, secretAad(acc.id, 'access_token'))).toBe('access-rt-rot');
    expect(await job.execute()).toEqual({ reencrypted: 0, failed: 0, remaining: 0, activeKeyId: 'k2' });
    // A process whose ring lacks k2 cannot move those values: it says so and leaves them as they are.
    const t1Only = new ReencryptBrokerCredentialsUseCase(db, stores, api.app.get(CredentialsCipher), api.app.get(AuditRepository));
    const stuck = await t1Only.execute({ batchSize: 3 });
    expect(stuck.reencrypted).toBe(0);
    expect(stuck.failed).toBeGreaterThan(0);
    expect(stuck.remaining).toBe(stuck.failed);
    expect(JSON.parse(onlyK2.decrypt(row!.c, secretAad(acc.id, 'credentials')))).toEqual(GOOD);
  });
});

describe('secrets never reach logs', () => {
  it('request logs, bodies and a mistakenly logged request carry none of the credentials or tokens', async () => {
    const { token } = await signedIn(api);
    const secret = `log-probe-secret-${randomBytes(6).toString('hex')}`;
    const { body: acc } = await create(token, kiteBody({ apiKey: 'logprobekey77', apiSecret: secret }));
    await patch(token, acc.id, { credentials: { apiKey: 'logprobekey78', apiSecret: `${secret}-2` } });
    await create(token, { kind: 'kite', name: 'bad', credentials: { apiKey: 'x', apiSecret: `${secret}-3`, extra: 1 } });
    await callback({ request_token: `${secret}-rt`, status: 'success', state: 'nope' });
    const lines: string[] = [];
    const logger = createLogger('trace', 'probe', { write: (l: string) => lines.push(l) } as never);
    logger.info(
      { body: { credentials: { apiKey: 'k', apiSecret: secret } }, req: { body: { apiSecret: secret, request_token: secret } } },
      'oops',
    );
    logger.info({ access_token: secret, session: { access_token: secret, enctoken: secret } }, 'oops');
    const all = [...api.logs, ...lines].join('\n');
    expect(all).toContain('oops');
    expect(api.logs.length).toBeGreaterThan(0);
    expect(all).not.toContain(secret);
  });
});

describe('USER_BROKER_ACCOUNTS=false', () => {
  it('users may not add their own live accounts (403), paper ones still; admins still register firm accounts', async () => {
    const c = await createTestContext({ USER_BROKER_ACCOUNTS: 'false' });
    const off = await startTestApi(c.config);
    try {
      const trader = await signedIn(off);
      expect((await off.http.post('/api/v1/broker-accounts', kiteBody(), trader.token)).status).toBe(403);
      expect((await off.http.get('/api/v1/broker-accounts', trader.token)).body.items).toHaveLength(1);
      // Virtual money on the mock broker is not a broker of one's own: a second paper account is fine.
      expect((await off.http.post('/api/v1/broker-accounts', { kind: 'paper', name: 'Paper 2' }, trader.token)).status).toBe(201);
      expect((await off.http.get('/api/v1/broker-accounts', trader.token)).body.items.map((a: { kind: string }) => a.kind)).toEqual([
        'paper',
        'paper',
      ]);
      const admin = await signedIn(off, ['admin']);
      expect(
        (await off.http.post('/api/v1/broker-accounts', kiteBody(GOOD, { assignedUserIds: [trader.user.id] }), admin.token)).status,
      ).toBe(201);
    } finally {
      await off.close();
      await c.cleanup();
    }
  });
});
