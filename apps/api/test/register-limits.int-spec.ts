import { Db } from '@tradeloop/platform';
import { useTestApi } from './support/test-api';

// Small budgets, and client IPs taken from X-Forwarded-For (TRUST_PROXY), so one test process can
// speak as several clients.
const { api } = useTestApi({ TRUST_PROXY: 'true', REGISTER_MAX_PER_IP: '3', REGISTER_MAX_GLOBAL: '8', REGISTER_WINDOW_SECONDS: '3600' });

let n = 0;
const register = (ip: string, body: Record<string, unknown> = {}) => {
  n += 1;
  return api.http.post(
    '/api/v1/auth/register',
    { email: `limits-${n}@example.test`, password: 'a-long-enough-password', displayName: `Limits ${n}`, ...body },
    undefined,
    { 'x-forwarded-for': ip },
  );
};
const users = async () => Number((await api.app.get(Db).sql.one<{ n: string }>(`SELECT count(*) AS n FROM users`)).n);
const throttledEvents = async () =>
  api.app.get(Db).sql.rows<{
    subject: string;
    details: { ip: string; limit: string };
  }>(`SELECT subject, details FROM audit_events WHERE action = 'auth.register_throttled' ORDER BY id`);

const expectLimited = (res: Awaited<ReturnType<typeof register>>) => {
  expect(res.status).toBe(429);
  expect(res.body.code).toBe('RATE_LIMITED');
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(3600);
};

describe('registration limits', () => {
  it('a parallel burst from one IP gets exactly its budget; the rest are 429 and create nothing', async () => {
    const before = await users();
    const results = await Promise.all(Array.from({ length: 7 }, () => register('198.51.100.7')));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429]);
    for (const r of results.filter((x) => x.status === 429)) expectLimited(r);
    expect(await users()).toBe(before + 3);
    // Global budget used so far: 3 of 8 (refusals by the IP limit do not spend it).
  });

  it('counts every attempt that passes validation (a duplicate too), not the ones refused as invalid', async () => {
    const ip = '203.0.113.1';
    // Invalid bodies are 400 before any budget is spent.
    for (let i = 0; i < 4; i += 1) expect((await register(ip, { password: 'short' })).status).toBe(400);
    const first = await register(ip, { email: 'twice@example.test' });
    expect(first.status).toBe(201);
    const duplicate = await register(ip, { email: 'twice@example.test' });
    expect(duplicate.status).toBe(201);
    expect((await register(ip)).status).toBe(201);
    const over = await register(ip);
    expectLimited(over);
    expect(over.body.detail).toMatch(/this address/);
    // Another client is not affected by this one's budget. Global: 3 + 3 = 6 of 8.
    expect((await register('203.0.113.2')).status).toBe(201);
  });

  it('the global budget caps all clients together', async () => {
    // Global: 7 of 8 spent; one more from a fresh IP, then every IP is refused.
    expect((await register('192.0.2.10')).status).toBe(201);
    const before = await users();
    for (const ip of ['192.0.2.11', '192.0.2.12']) {
      const res = await register(ip);
      expectLimited(res);
      expect(res.body.detail).toMatch(/busy/);
    }
    expect(await users()).toBe(before);
    const events = await throttledEvents();
    expect(events.map((e) => e.details.limit)).toEqual(['ip', 'ip', 'ip', 'ip', 'ip', 'global', 'global']);
    expect(events.at(-1)).toMatchObject({
      subject: expect.stringMatching(/^email:limits-\d+@example\.test$/),
      details: { ip: '192.0.2.12' },
    });
  });
});
