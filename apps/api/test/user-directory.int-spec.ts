import { createUser, signedIn, useTestApi } from './support/test-api';

const { api } = useTestApi();

describe('GET /api/v1/directory/users', () => {
  it('resolves ids to names and emails, leaving unknown ids out', async () => {
    const compliance = await signedIn(api, ['compliance']);
    const tag = `dir${Date.now().toString(36)}`;
    const a = await createUser(api, { email: `${tag}-a@example.test`, displayName: 'Asha Rao' });
    const b = await createUser(api, { email: `${tag}-b@example.test`, displayName: 'Bilal Khan' });
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await api.http.get(`/api/v1/directory/users?ids=${b.id},${a.id},${unknown},${a.id}`, compliance.token);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: a.id, email: `${tag}-a@example.test`, displayName: 'Asha Rao' },
      { id: b.id, email: `${tag}-b@example.test`, displayName: 'Bilal Khan' },
    ]);
  });

  it('finds people by part of their email or name, exact email first, wildcards as text', async () => {
    const admin = await signedIn(api, ['admin']);
    const tag = `find${Date.now().toString(36)}`;
    const exact = await createUser(api, { email: `${tag}@example.test`, displayName: 'Exact Match' });
    const contains = await createUser(api, { email: `x${tag}@example.test`, displayName: 'Contains' });
    await createUser(api, { email: `${tag}z@example.test`, displayName: 'Prefix' });
    const res = await api.http.get(`/api/v1/directory/users?query=${encodeURIComponent(`${tag.toUpperCase()}@EXAMPLE.TEST`)}`, admin.token);
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: { id: string }) => u.id)).toEqual([exact.id, contains.id]);
    const partial = await api.http.get(`/api/v1/directory/users?query=${tag}&limit=2`, admin.token);
    expect(partial.body.items.map((u: { email: string }) => u.email)).toEqual([`${tag}@example.test`, `${tag}z@example.test`]);
    const wildcard = await api.http.get(`/api/v1/directory/users?query=${encodeURIComponent('%_')}`, admin.token);
    expect(wildcard.body.items).toEqual([]);
  });

  it('is for admins and compliance only, and refuses ambiguous or malformed queries with a 400', async () => {
    const trader = await signedIn(api, ['trader']);
    const admin = await signedIn(api, ['admin']);
    expect((await api.http.get('/api/v1/directory/users?query=a', trader.token)).status).toBe(403);
    for (const qs of ['', 'ids=nope', 'query=', `ids=${admin.user.id}&query=a`, 'query=a&limit=0', 'query=a&extra=1']) {
      const res = await api.http.get(`/api/v1/directory/users?${qs}`, admin.token);
      expect(res.status, qs).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    const many = Array.from({ length: 101 }, () => admin.user.id).join(',');
    expect((await api.http.get(`/api/v1/directory/users?ids=${many}`, admin.token)).status).toBe(400);
  });
});

describe('GET /api/v1/risk/events?userId=', () => {
  it("narrows an admin's view to one user; a trader sees only their own", async () => {
    const admin = await signedIn(api, ['admin']);
    const one = await signedIn(api, ['trader']);
    const two = await signedIn(api, ['trader']);
    for (const u of [one, two]) {
      const res = await api.http.post(
        '/api/v1/admin/risk/kill-switch',
        { scope: 'user', userId: u.user.id, engaged: true, reason: 'directory test' },
        admin.token,
      );
      expect(res.status).toBe(200);
    }
    const narrowed = await api.http.get(`/api/v1/risk/events?userId=${one.user.id}`, admin.token);
    expect(narrowed.status).toBe(200);
    // One user's events, and the platform-wide switch events that halted them too; nobody else's.
    const owners = (items: { userId: string | null }[]) => new Set(items.map((e) => e.userId));
    expect(owners(narrowed.body.items).has(one.user.id)).toBe(true);
    expect([...owners(narrowed.body.items)].every((id) => id === one.user.id || id === null)).toBe(true);
    const own = await api.http.get(`/api/v1/risk/events?userId=${two.user.id}`, two.token);
    expect(owners(own.body.items).has(two.user.id)).toBe(true);
    expect([...owners(own.body.items)].every((id) => id === two.user.id || id === null)).toBe(true);
    expect((await api.http.get(`/api/v1/risk/events?userId=${one.user.id}`, two.token)).status).toBe(403);
    expect((await api.http.get('/api/v1/risk/events?userId=x', admin.token)).status).toBe(400);
  });
});
