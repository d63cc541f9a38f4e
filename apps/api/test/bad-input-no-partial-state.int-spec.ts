import { Db } from '@tradeloop/platform';
import { PasswordHasher } from '@tradeloop/identity';
import { createUser, signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi({ LOGIN_MAX_FAILURES_PER_IP: '4', LOGIN_MAX_FAILURES_PER_ACCOUNT: '100' });

const count = async (table: string) => Number((await api.app.get(Db).sql.one<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).n);
const snapshot = async () => ({
  users: await count('users'),
  roles: await count('user_roles'),
  sessions: await count('sessions'),
  audit: await count('audit_events'),
});

const HOSTILE = [
  "'; DROP TABLE users; --",
  "admin@tradeloop.local' OR '1'='1",
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  '${jndi:ldap://x/a}',
  '../../etc/passwd',
  'Robert\\u0000Tables',
  '{"$gt": ""}',
];

describe('hostile strings in every text field', () => {
  it('register: each is refused with 400 or stored verbatim as data, never a 500', async () => {
    for (const s of HOSTILE) {
      const before = await snapshot();
      const res = await api.http.post('/api/v1/auth/register', { email: s, password: s, displayName: s });
      expect([400]).toContain(res.status); // not an email, so never accepted
      expect(await snapshot()).toEqual(before);
      const named = await api.http.post('/api/v1/auth/register', {
        email: `h${HOSTILE.indexOf(s)}-${Date.now()}@example.test`,
        password: `${s}-long-enough-pw`,
        displayName: s,
      });
      expect([201, 400], s).toContain(named.status);
      if (named.status === 201) expect(named.body.user.displayName).toBe(s.trim());
    }
    expect(await count('users')).toBeGreaterThan(0);
  });

  it('login: hostile emails and passwords are plain wrong credentials (401)', async () => {
    for (const s of HOSTILE.slice(0, 3)) {
      const res = await api.http.post('/api/v1/auth/login', { email: s, password: s });
      expect([401, 429], s).toContain(res.status);
    }
  });

  it('admin search and patch: hostile text is data, bad ids and shapes are 400', async () => {
    const admin = await signedIn(api, ['admin']);
    for (const s of HOSTILE) {
      const res = await api.http.get(`/api/v1/admin/users?query=${encodeURIComponent(s)}`, admin.token);
      expect([200, 400], s).toContain(res.status);
      const patch = await api.http.patch(`/api/v1/admin/users/${encodeURIComponent(s)}`, { roles: [s] }, admin.token);
      expect(patch.status, s).toBe(400);
    }
  });
});

describe('failed operations leave no partial state', () => {
  it('a duplicate registration answers like a fresh one but writes no user, role or session, only its audit event', async () => {
    const user = await createUser(api);
    const before = await snapshot();
    const res = await api.http.post('/api/v1/auth/register', {
      email: user.email.toUpperCase(),
      password: 'another-long-password',
      displayName: 'Dup',
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: user.email, displayName: 'Dup', roles: ['trader'], mfaEnabled: false });
    expect(res.body.user.id).not.toBe(user.id);
    expect(await snapshot()).toEqual({ ...before, audit: before.audit + 1 });
    const event = await api.app.get(Db).sql.one<{
      actor_id: string | null;
      subject: string;
    }>(`SELECT actor_id, subject FROM audit_events WHERE action = 'auth.register_duplicate' ORDER BY id DESC LIMIT 1`);
    expect(event).toEqual({ actor_id: null, subject: `email:${user.email}` });
    // Nothing about the account changed: the original password still works, the new one does not
    // (checked on the stored hash: a failed login here would spend this file's small IP budget).
    const { password_hash: hash } = await api.app
      .get(Db)
      .sql.one<{ password_hash: string }>(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
    expect(await api.app.get(PasswordHasher).verify(hash, 'another-long-password')).toBe(false);
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password })).status).toBe(200);
  });

  it('a refused last-admin demotion changes nothing', async () => {
    await api.app.get(Db).sql.rows(`DELETE FROM user_roles WHERE role = 'admin'`);
    const admin = await signedIn(api, ['admin']);
    const before = await snapshot();
    const res = await api.http.patch(`/api/v1/admin/users/${admin.user.id}`, { roles: ['trader'], disabled: true }, admin.token);
    expect(res.status).toBe(409);
    expect(await snapshot()).toEqual(before);
    expect((await api.http.get('/api/v1/auth/me', admin.token)).status).toBe(200);
  });
});

describe('login throttling per client IP', () => {
  it('after the IP budget is spent, every account from that IP is throttled', async () => {
    const victims = await Promise.all([createUser(api), createUser(api), createUser(api)]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await api.http.post('/api/v1/auth/login', { email: `spray${i}@example.test`, password: 'spray-password-1' })).status);
    }
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    for (const v of victims) {
      const res = await api.http.post('/api/v1/auth/login', { email: v.email, password: v.password });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
  });
});
