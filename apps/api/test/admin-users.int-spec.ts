import { Db } from '@tradeloop/platform';
import { createUser, login, signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi();

const sql = <T>(text: string, params: unknown[] = []) => api.app.get(Db).sql.rows<T>(text, params);
const auditFor = (subject: string) =>
  sql<{ action: string; actor_id: string; details: any }>(
    `SELECT action, actor_id, details FROM audit_events WHERE subject = $1 ORDER BY id`,
    [subject],
  );

describe('admin user management', () => {
  it('lists, searches and filters users with stable cursor pages', async () => {
    const admin = await signedIn(api, ['admin']);
    const tag = `pager${Date.now().toString(36)}`;
    for (let i = 0; i < 7; i += 1) await createUser(api, { email: `${tag}-${i}@example.test`, displayName: `Pager ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `query=${tag}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.http.get(`/api/v1/admin/users?${qs}`, admin.token);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((u: any) => u.email));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe(`${tag}-6@example.test`); // newest first

    const byRole = await api.http.get('/api/v1/admin/users?role=admin&limit=500', admin.token);
    expect(byRole.body.items.every((u: any) => u.roles.includes('admin'))).toBe(true);
    const item = byRole.body.items[0];
    expect(Object.keys(item).sort()).toEqual([
      'createdAt',
      'credentialChangeRequired',
      'disabled',
      'displayName',
      'email',
      'id',
      'lastLoginAt',
      'mfaEnabled',
      'roles',
      'updatedAt',
    ]);
  });

  it('search treats LIKE wildcards and SQL as plain text', async () => {
    const admin = await signedIn(api, ['admin']);
    await createUser(api, { displayName: "Robert'); DROP TABLE users;--" });
    await createUser(api, { displayName: '100% <script>alert(1)</script>' });
    const pct = await api.http.get(`/api/v1/admin/users?query=${encodeURIComponent('100%')}`, admin.token);
    expect(pct.body.items.map((u: any) => u.displayName)).toEqual(['100% <script>alert(1)</script>']);
    const under = await api.http.get(`/api/v1/admin/users?query=${encodeURIComponent('_')}`, admin.token);
    expect(under.body.items).toHaveLength(0);
    const bobby = await api.http.get(`/api/v1/admin/users?query=${encodeURIComponent("'); DROP")}`, admin.token);
    expect(bobby.body.items.map((u: any) => u.displayName)).toEqual(["Robert'); DROP TABLE users;--"]);
    expect((await sql<{ n: string }>('SELECT count(*) AS n FROM users'))[0]!.n).not.toBe('0');
  });

  it('changes roles, audits the change and normalises the role set', async () => {
    const admin = await signedIn(api, ['admin']);
    const user = await createUser(api);
    const res = await api.http.patch(`/api/v1/admin/users/${user.id}`, { roles: ['compliance', 'trader', 'compliance'] }, admin.token);
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(['trader', 'compliance']);
    const events = await auditFor(`user:${user.id}`);
    expect(events.map((e) => e.action)).toEqual(['auth.registered', 'user.roles_changed']);
    expect(events[1]).toMatchObject({ actor_id: admin.user.id, details: { before: ['trader'], after: ['trader', 'compliance'] } });
  });

  it('rejects an empty patch and unknown roles', async () => {
    const admin = await signedIn(api, ['admin']);
    const user = await createUser(api);
    expect((await api.http.patch(`/api/v1/admin/users/${user.id}`, {}, admin.token)).status).toBe(400);
    expect((await api.http.patch(`/api/v1/admin/users/${user.id}`, { roles: ['root'] }, admin.token)).status).toBe(400);
    expect((await api.http.patch(`/api/v1/admin/users/${user.id}`, { disabled: 'yes' }, admin.token)).status).toBe(400);
  });
});

describe('the last admin', () => {
  it('cannot be demoted or disabled, and nothing changes', async () => {
    // A fresh world where exactly one admin exists.
    await sql(`DELETE FROM user_roles WHERE role = 'admin'`);
    const admin = await signedIn(api, ['admin']);
    const demote = await api.http.patch(`/api/v1/admin/users/${admin.user.id}`, { roles: ['trader'] }, admin.token);
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('CONFLICT');
    const disable = await api.http.patch(`/api/v1/admin/users/${admin.user.id}`, { disabled: true }, admin.token);
    expect(disable.status).toBe(409);
    const me = await api.http.get('/api/v1/auth/me', admin.token);
    expect(me.body.roles).toEqual(['admin']);
    expect((await auditFor(`user:${admin.user.id}`)).map((e) => e.action)).not.toContain('user.roles_changed');
  });

  it('two admins demoting each other at once: exactly one succeeds', async () => {
    await sql(`DELETE FROM user_roles WHERE role = 'admin'`);
    const a = await signedIn(api, ['admin']);
    const b = await signedIn(api, ['admin']);
    const results = await Promise.all([
      api.http.patch(`/api/v1/admin/users/${b.user.id}`, { roles: ['trader'] }, a.token),
      api.http.patch(`/api/v1/admin/users/${a.user.id}`, { roles: ['trader'] }, b.token),
    ]);
    const statuses = results.map((r) => r.status).sort();
    // One wins; the loser is either refused as last admin (409) or already demoted (403).
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const admins = await sql(`SELECT user_id FROM user_roles WHERE role = 'admin'`);
    expect(admins).toHaveLength(1);
  });

  it('disabling a user revokes every session they have', async () => {
    const admin = await signedIn(api, ['admin']);
    const user = await createUser(api);
    const s1 = await login(api, user);
    const s2 = await login(api, user);
    await api.http.patch(`/api/v1/admin/users/${user.id}`, { disabled: true }, admin.token);
    for (const s of [s1, s2]) {
      expect((await api.http.get('/api/v1/auth/me', s.accessToken)).status).toBe(401);
      expect((await api.http.post('/api/v1/auth/refresh', { refreshToken: s.refreshToken })).status).toBe(401);
    }
    const back = await api.http.patch(`/api/v1/admin/users/${user.id}`, { disabled: false }, admin.token);
    expect(back.body.disabled).toBe(false);
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password })).status).toBe(200);
    expect((await auditFor(`user:${user.id}`)).map((e) => e.action)).toEqual(expect.arrayContaining(['user.disabled', 'user.enabled']));
  });
});

describe('audit log', () => {
  it('records logins and failures, pages by cursor, and cannot be rewritten', async () => {
    const compliance = await signedIn(api, ['compliance']);
    const user = await createUser(api);
    await api.http.post('/api/v1/auth/login', { email: user.email, password: 'not-the-password' });
    const page = await api.http.get('/api/v1/compliance/audit?action=auth.login_failed&limit=1', compliance.token);
    expect(page.status).toBe(200);
    expect(page.body.items[0]).toMatchObject({
      action: 'auth.login_failed',
      subject: `email:${user.email}`,
      details: { reason: 'bad_credentials' },
    });
    expect(page.body.nextCursor === null || typeof page.body.nextCursor === 'string').toBe(true);
    await expect(sql(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(sql(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(sql(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
  });
});

describe('audit paging', () => {
  it('walks many pages newest-first without repeats or gaps (ids compared as numbers)', async () => {
    const compliance = await signedIn(api, ['compliance']);
    for (let i = 0; i < 25; i += 1)
      await api.http.post('/api/v1/auth/login', { email: `ghost${i}@example.test`, password: 'nope-nope-nope' });
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `action=auth.login_failed&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.http.get(`/api/v1/compliance/audit?${qs}`, compliance.token);
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((e: any) => Number(e.id)));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  });
});
