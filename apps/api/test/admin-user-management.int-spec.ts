import { randomUUID } from 'node:crypto';
import { demoUniverse, PRICE_SCALE } from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { AuditRepository, MfaSecrets } from '@tradeloop/identity';
import { InstrumentsRepository } from '@tradeloop/market';
import { createUser, login, signedIn, useTestApi } from './support/test-api';
import { paperAccountId } from './support/paper-book';

// Admin → Users (docs/api.md "Auth and users"): new accounts and password / MFA resets with
// temporary passwords, and an admin's reads of one user (the user, their orders and positions).
const { api } = useTestApi({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '1000' });

const db = () => api.app.get(Db);
const count = async (table: string) => Number((await db().sql.one<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).n);
const snapshot = async () => ({
  users: await count('users'),
  roles: await count('user_roles'),
  wallets: await count('wallet_balances'),
  sessions: await db()
    .sql.one<{ n: string }>(`SELECT count(*) AS n FROM sessions WHERE revoked_at IS NULL`)
    .then((r) => Number(r.n)),
  audit: await count('audit_events'),
});
const auditOf = (userId: string) =>
  db().sql.rows<{ action: string; actor_id: string | null; details: Record<string, unknown> }>(
    `SELECT action, actor_id, details FROM audit_events WHERE subject = $1 ORDER BY id`,
    [`user:${userId}`],
  );
const stored = (userId: string) =>
  db().sql.one<{ password_hash: string; password_change_required: boolean; mfa_enabled: boolean; mfa_secret_enc: string | null }>(
    `SELECT password_hash, password_change_required, mfa_enabled, mfa_secret_enc FROM users WHERE id = $1`,
    [userId],
  );
const logIn = (email: string, password: string, otp?: string) =>
  api.http.post('/api/v1/auth/login', { email, password, ...(otp ? { otp } : {}) });

const TEMPORARY = /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/;
const UNKNOWN_ID = '0190f5e6-0000-7000-8000-000000000000';
let seq = 0;
const newEmail = (label: string) => `${label}-${(seq += 1)}-${Date.now().toString(36)}@example.test`;

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.code).toBe(code);
}

describe('POST /api/v1/admin/users', () => {
  it('creates the account with its roles and a temporary password shown once; the user signs in with it and must choose their own', async () => {
    const admin = await signedIn(api, ['admin']);
    const email = newEmail('new');
    const res = await api.http.post(
      '/api/v1/admin/users',
      { email: `  ${email.toUpperCase()} `, displayName: 'New Person', roles: ['quant', 'trader', 'quant'] },
      admin.token,
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['temporaryPassword', 'user']);
    const { user, temporaryPassword } = res.body;
    expect(temporaryPassword).toMatch(TEMPORARY);
    expect(user).toMatchObject({
      email,
      displayName: 'New Person',
      roles: ['trader', 'quant'],
      mfaEnabled: false,
      credentialChangeRequired: true,
      disabled: false,
      lastLoginAt: null,
    });
    // Only a hash is kept; neither the audit log nor the logs hold the password.
    expect((await stored(user.id)).password_hash).toMatch(/^\$argon2id\$/);
    const audit = await auditOf(user.id);
    expect(audit).toEqual([{ action: 'user.created', actor_id: admin.user.id, details: { email, roles: ['trader', 'quant'] } }]);
    expect(JSON.stringify(audit)).not.toContain(temporaryPassword);
    expect(api.logs.join('')).not.toContain(temporaryPassword);

    // The user signs in with it; the flag tells clients to ask for a password of their own.
    const session = await logIn(email, temporaryPassword);
    expect(session.status).toBe(200);
    expect(session.body.user.credentialChangeRequired).toBe(true);
    expect((await api.http.get('/api/v1/auth/me', session.body.accessToken)).body.credentialChangeRequired).toBe(true);
    const changed = await api.http.post(
      '/api/v1/auth/password',
      { currentPassword: temporaryPassword, newPassword: 'a password of my own' },
      session.body.accessToken,
    );
    expect(changed.status).toBe(204);
    expect((await api.http.get('/api/v1/auth/me', session.body.accessToken)).body.credentialChangeRequired).toBe(false);
    expect((await logIn(email, temporaryPassword)).status).toBe(401);
    expect((await logIn(email, 'a password of my own')).status).toBe(200);

    const one = await api.http.get(`/api/v1/admin/users/${user.id}`, admin.token);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: user.id, email, credentialChangeRequired: false });
    expect(one.body.lastLoginAt).not.toBeNull();
  });

  it('a taken email (in any case) is a 409 naming email, and nothing is written', async () => {
    const admin = await signedIn(api, ['admin']);
    const existing = await createUser(api);
    const before = await snapshot();
    const res = await api.http.post(
      '/api/v1/admin/users',
      { email: existing.email.toUpperCase(), displayName: 'Someone Else', roles: ['admin'] },
      admin.token,
    );
    expectProblem(res, 409, 'CONFLICT');
    expect(res.body.errors).toEqual([{ field: 'email', message: 'is already registered' }]);
    expect(await snapshot()).toEqual(before);
    expect((await logIn(existing.email, existing.password)).status).toBe(200); // untouched
  });

  it('bad input is a 400 problem naming the field, and nothing is written', async () => {
    const admin = await signedIn(api, ['admin']);
    const good = { email: newEmail('bad'), displayName: 'Bad Input', roles: ['trader'] };
    const cases: [unknown, string][] = [
      [{ ...good, email: 'not-an-email' }, 'email'],
      [{ ...good, email: undefined }, 'email'],
      [{ ...good, displayName: '   ' }, 'displayName'],
      [{ ...good, displayName: 'x'.repeat(101) }, 'displayName'],
      [{ ...good, roles: [] }, 'roles'],
      [{ ...good, roles: ['root'] }, 'roles'],
      [{ ...good, roles: 'trader' }, 'roles'],
      [{ ...good, password: 'i-choose-it-myself' }, 'password'],
    ];
    const before = await snapshot();
    for (const [body, field] of cases) {
      const res = await api.http.post('/api/v1/admin/users', body, admin.token);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(res.body.errors), JSON.stringify(body)).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('who may call them', () => {
  it('every new route is 403 for non-admins and 401 without a token', async () => {
    const target = await createUser(api);
    const routes: [string, string, unknown?][] = [
      ['POST', '/api/v1/admin/users', { email: newEmail('x'), displayName: 'X', roles: ['trader'] }],
      ['GET', `/api/v1/admin/users/${target.id}`],
      ['POST', `/api/v1/admin/users/${target.id}/reset-password`],
      ['POST', `/api/v1/admin/users/${target.id}/reset-mfa`],
      ['GET', `/api/v1/admin/users/${target.id}/orders`],
      ['GET', `/api/v1/admin/users/${target.id}/positions`],
    ];
    const before = await snapshot();
    for (const roles of [['trader'], ['compliance'], ['quant', 'viewer']] as const) {
      const caller = await signedIn(api, [...roles]);
      for (const [method, path, body] of routes) {
        expectProblem(await api.http.request(method, path, { body, token: caller.token }), 403, 'FORBIDDEN');
      }
    }
    for (const [method, path, body] of routes) {
      expectProblem(await api.http.request(method, path, { body }), 401, 'UNAUTHENTICATED');
    }
    // The callers' own sign-ins are the only change.
    const after = await snapshot();
    expect(after.users - before.users).toBe(3);
    expect((await logIn(target.email, target.password)).status).toBe(200);
  });

  it('a malformed id is a 400 naming it; an unknown one a 404 on every route', async () => {
    const admin = await signedIn(api, ['admin']);
    const before = await snapshot();
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/reset-password'],
      ['POST', '/reset-mfa'],
      ['GET', '/orders'],
      ['GET', '/positions'],
    ] as const) {
      const bad = await api.http.request(method, `/api/v1/admin/users/not-a-uuid${suffix}`, { token: admin.token });
      expectProblem(bad, 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(bad.body.errors)).toContain('id');
      expectProblem(await api.http.request(method, `/api/v1/admin/users/${UNKNOWN_ID}${suffix}`, { token: admin.token }), 404, 'NOT_FOUND');
    }
    expectProblem(await api.http.get(`/api/v1/admin/users/${UNKNOWN_ID}/orders?limit=0`, admin.token), 400, 'VALIDATION_FAILED');
    expect(await snapshot()).toEqual(before);
  });
});

describe('POST /api/v1/admin/users/{id}/reset-password', () => {
  it('issues a new temporary password: the old one is refused, every session ends, a locked-out account is let in', async () => {
    const admin = await signedIn(api, ['admin']);
    const user = await createUser(api);
    const s1 = await login(api, user);
    const s2 = await login(api, user);
    // Locked out by failed logins (3 per account here).
    for (let i = 0; i < 3; i += 1) await logIn(user.email, 'not-my-password');
    expect((await logIn(user.email, user.password)).status).toBe(429);

    const res = await api.http.post(`/api/v1/admin/users/${user.id}/reset-password`, undefined, admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { temporaryPassword } = res.body;
    expect(temporaryPassword).toMatch(TEMPORARY);
    expect(res.body.user).toMatchObject({ id: user.id, credentialChangeRequired: true });

    for (const s of [s1, s2]) {
      expectProblem(await api.http.get('/api/v1/auth/me', s.accessToken), 401, 'UNAUTHENTICATED');
      expect((await api.http.post('/api/v1/auth/refresh', { refreshToken: s.refreshToken })).status).toBe(401);
    }
    const reasons = await db().sql.rows<{ revoked_reason: string | null }>(`SELECT revoked_reason FROM sessions WHERE user_id = $1`, [
      user.id,
    ]);
    expect(reasons.map((r) => r.revoked_reason)).toEqual(['password_reset', 'password_reset']);
    expect((await logIn(user.email, user.password)).status).toBe(401);
    const fresh = await logIn(user.email, temporaryPassword);
    expect(fresh.status).toBe(200);
    expect(fresh.body.user.credentialChangeRequired).toBe(true);

    const events = await auditOf(user.id);
    expect(events.filter((e) => e.action === 'user.password_reset')).toEqual([
      { action: 'user.password_reset', actor_id: admin.user.id, details: { sessionsRevoked: 2 } },
    ]);
    expect(JSON.stringify(events)).not.toContain(temporaryPassword);
    expect(api.logs.join('')).not.toContain(temporaryPassword);

    // Each reset issues another password; only the last one works.
    const again = await api.http.post(`/api/v1/admin/users/${user.id}/reset-password`, undefined, admin.token);
    expect(again.body.temporaryPassword).not.toBe(temporaryPassword);
    expect((await logIn(user.email, temporaryPassword)).status).toBe(401);
    expect((await logIn(user.email, again.body.temporaryPassword)).status).toBe(200);
  });

  it('an admin cannot reset their own password here (409): Account asks for the current one', async () => {
    const admin = await signedIn(api, ['admin']);
    const before = await stored(admin.user.id);
    const res = await api.http.post(`/api/v1/admin/users/${admin.user.id}/reset-password`, undefined, admin.token);
    expectProblem(res, 409, 'CONFLICT');
    expect(await stored(admin.user.id)).toEqual(before);
    expect((await api.http.get('/api/v1/auth/me', admin.token)).status).toBe(200);
  });

  it('a failure inside the transaction leaves nothing behind: same password, same sessions, no event', async () => {
    const admin = await signedIn(api, ['admin']);
    const user = await createUser(api);
    const session = await login(api, user);
    const before = await stored(user.id);
    const events = (await auditOf(user.id)).length;
    const spy = vi.spyOn(api.app.get(AuditRepository), 'append').mockRejectedValueOnce(new Error('audit log unavailable'));
    try {
      const res = await api.http.post(`/api/v1/admin/users/${user.id}/reset-password`, undefined, admin.token);
      expect(res.status).toBe(500);
      expect(res.text).not.toMatch(/[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/);
    } finally {
      spy.mockRestore();
    }
    expect(await stored(user.id)).toEqual(before);
    expect((await api.http.get('/api/v1/auth/me', session.accessToken)).status).toBe(200);
    expect(await auditOf(user.id)).toHaveLength(events);
    expect((await logIn(user.email, user.password)).status).toBe(200);
  });

  it('a failure while creating an account leaves no user, wallet, role or event', async () => {
    const admin = await signedIn(api, ['admin']);
    const email = newEmail('broken');
    const before = await snapshot();
    const spy = vi.spyOn(api.app.get(AuditRepository), 'append').mockRejectedValueOnce(new Error('audit log unavailable'));
    try {
      const res = await api.http.post('/api/v1/admin/users', { email, displayName: 'Broken', roles: ['trader'] }, admin.token);
      expect(res.status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    expect(await snapshot()).toEqual(before);
    expect(await db().sql.rows(`SELECT 1 FROM users WHERE email = $1`, [email])).toEqual([]);
  });
});

describe('POST /api/v1/admin/users/{id}/reset-mfa', () => {
  it('turns MFA off so the user signs in without a code, and ends their sessions', async () => {
    const admin = await signedIn(api, ['admin']);
    const user = await createUser(api);
    const session = await login(api, user);
    // MFA on, as an enrolment leaves it (the secret encrypted at rest).
    await db().sql.rows(`UPDATE users SET mfa_enabled = true, mfa_secret_enc = $2 WHERE id = $1`, [
      user.id,
      api.app.get(MfaSecrets).encrypt('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'),
    ]);
    expectProblem(await logIn(user.email, user.password), 401, 'MFA_REQUIRED');

    const res = await api.http.post(`/api/v1/admin/users/${user.id}/reset-mfa`, undefined, admin.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, mfaEnabled: false, credentialChangeRequired: false });
    expect(await stored(user.id)).toMatchObject({ mfa_enabled: false, mfa_secret_enc: null });
    expectProblem(await api.http.get('/api/v1/auth/me', session.accessToken), 401, 'UNAUTHENTICATED');

    const again = await logIn(user.email, user.password);
    expect(again.status).toBe(200);
    expect(again.body.user.mfaEnabled).toBe(false);
    expect((await auditOf(user.id)).map((e) => e.action)).toContain('user.mfa_reset');
    expect((await auditOf(user.id)).find((e) => e.action === 'user.mfa_reset')).toEqual({
      action: 'user.mfa_reset',
      actor_id: admin.user.id,
      details: { sessionsRevoked: 1 },
    });
  });

  it('MFA not on is a 409 and changes nothing; nor may an admin reset their own', async () => {
    const admin = await signedIn(api, ['admin']);
    const user = await createUser(api);
    const session = await login(api, user);
    const before = await snapshot();
    expectProblem(await api.http.post(`/api/v1/admin/users/${user.id}/reset-mfa`, undefined, admin.token), 409, 'CONFLICT');
    expectProblem(await api.http.post(`/api/v1/admin/users/${admin.user.id}/reset-mfa`, undefined, admin.token), 409, 'CONFLICT');
    expect(await snapshot()).toEqual(before);
    expect((await api.http.get('/api/v1/auth/me', session.accessToken)).status).toBe(200);
  });
});

describe("an admin's reads of one user's orders and positions", () => {
  it('answer what the user sees for themselves (symbols with & included); other users are not mixed in', async () => {
    const admin = await signedIn(api, ['admin']);
    await api.app.get(InstrumentsRepository).upsert(demoUniverse(new Date()));
    const trader = await signedIn(api, ['trader']);
    const other = await signedIn(api, ['trader']);
    for (const t of [trader, other]) {
      const accountId = await paperAccountId(api, t.token);
      await db().sql.rows(
        `INSERT INTO orders (id, user_id, symbol, side, type, product, validity, quantity, price_ticks, status, filled_quantity,
           filled_value_tick_units, reference_price_ticks, short_quantity, reserved_paise, broker, account_id)
         VALUES ($1, $2, 'M&M', 'BUY', 'LIMIT', 'CNC', 'DAY', 2, $3, 'FILLED', 2, $4, $3, 0, 0, 'mock', $5)`,
        [randomUUID(), t.user.id, 3600 * PRICE_SCALE, 2 * 3600 * PRICE_SCALE, accountId],
      );
      await db().sql.rows(
        `INSERT INTO orders (id, user_id, symbol, side, type, product, validity, quantity, price_ticks, status, filled_quantity,
           filled_value_tick_units, reference_price_ticks, short_quantity, reserved_paise, broker, account_id)
         VALUES ($1, $2, 'INFY', 'BUY', 'LIMIT', 'CNC', 'DAY', 1, $3, 'OPEN', 0, 0, $3, 0, 150000, 'mock', $4)`,
        [randomUUID(), t.user.id, 1500 * PRICE_SCALE, accountId],
      );
      await db().sql.rows(
        `INSERT INTO positions (user_id, account_id, symbol, product, net_quantity, lot_cost_tick_units, lot_quantity, lot_closed_quantity,
           lot_closed_cash_flow_tick_units, realized_before_lot_tick_units)
         VALUES ($1, $2, 'M&M', 'CNC', 2, $3, 2, 0, 0, 0)`,
        [t.user.id, accountId, 2 * 3600 * PRICE_SCALE],
      );
    }

    const own = await api.http.get('/api/v1/orders', trader.token);
    const seen = await api.http.get(`/api/v1/admin/users/${trader.user.id}/orders`, admin.token);
    expect(seen.status).toBe(200);
    expect(seen.body.items).toHaveLength(2);
    expect(seen.body).toEqual(own.body);
    const mm = await api.http.get(`/api/v1/admin/users/${trader.user.id}/orders?symbol=${encodeURIComponent('M&M')}`, admin.token);
    expect(mm.body.items.map((o: any) => [o.symbol, o.status, o.quantity])).toEqual([['M&M', 'FILLED', 2]]);
    const open = await api.http.get(`/api/v1/admin/users/${trader.user.id}/orders?status=open&limit=5`, admin.token);
    expect(open.body.items.map((o: any) => o.symbol)).toEqual(['INFY']);

    const positions = await api.http.get(`/api/v1/admin/users/${trader.user.id}/positions`, admin.token);
    expect(positions.status).toBe(200);
    expect(positions.body).toEqual((await api.http.get('/api/v1/positions', trader.token)).body);
    expect(positions.body.items).toMatchObject([{ symbol: 'M&M', product: 'CNC', netQuantity: 2, averagePrice: '3600.00' }]);

    // A user with nothing yet: empty lists, not 404.
    const fresh = await createUser(api);
    expect((await api.http.get(`/api/v1/admin/users/${fresh.id}/orders`, admin.token)).body).toEqual({ items: [] });
    expect((await api.http.get(`/api/v1/admin/users/${fresh.id}/positions`, admin.token)).body).toEqual({ items: [] });
  });
});
