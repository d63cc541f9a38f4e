import { SignJWT, UnsecuredJWT } from 'jose';
import { AccessTokens } from '@tradeloop/identity';
import { createUser, login, signedIn, useTestApi } from './support/test-api';

const { api, ctx } = useTestApi();

const secret = () => new TextEncoder().encode(ctx.config.JWT_ACCESS_SECRET);

async function expect401(token: string, why: string) {
  const res = await api.http.get('/api/v1/auth/me', token);
  expect(res.status, why).toBe(401);
  expect(res.body.code, why).toBe('UNAUTHENTICATED');
}

describe('access tokens that must be refused', () => {
  it('expired', async () => {
    const user = await createUser(api);
    const session = await login(api, user);
    const claims = await api.app.get(AccessTokens).verify(session.accessToken);
    const past = new Date(Date.now() - 3600_000);
    const expired = await api.app.get(AccessTokens).sign(claims, past);
    await expect401(expired, 'expired');
  });

  it('forged with another key', async () => {
    const { user } = await signedIn(api);
    const forged = await new SignJWT({ sid: '00000000-0000-4000-8000-000000000000', typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('tradeloop')
      .setAudience('tradeloop-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(48)));
    await expect401(forged, 'forged');
  });

  it('alg=none', async () => {
    const { user, token } = await signedIn(api);
    const [, payload] = token.split('.');
    const unsigned = new UnsecuredJWT(JSON.parse(Buffer.from(payload!, 'base64url').toString())).setSubject(user.id).encode();
    await expect401(unsigned, 'alg none');
    // Also the hand-made variant: original payload, header swapped to none, signature dropped.
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await expect401(`${header}.${payload}.`, 'alg none, hand made');
  });

  it('right key but wrong audience, issuer or type', async () => {
    const { user, token } = await signedIn(api);
    const sid = (await api.app.get(AccessTokens).verify(token)).sessionId;
    const base = () =>
      new SignJWT({ sid, typ: 'access' }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuedAt().setExpirationTime('5m');
    await expect401(await base().setIssuer('tradeloop').setAudience('someone-else').sign(secret()), 'audience');
    await expect401(await base().setIssuer('evil').setAudience('tradeloop-api').sign(secret()), 'issuer');
    const refreshTyped = await new SignJWT({ sid, typ: 'refresh' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('tradeloop')
      .setAudience('tradeloop-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(secret());
    await expect401(refreshTyped, 'type');
  });

  it('a valid signature for a session that does not exist', async () => {
    const { user } = await signedIn(api);
    const orphan = await api.app.get(AccessTokens).sign({ userId: user.id, sessionId: '00000000-0000-4000-8000-000000000000' });
    await expect401(orphan, 'no session');
  });

  it('garbage and malformed headers', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer abc', 'Bearer a.b.c', `Bearer ${'a'.repeat(5000)}`]) {
      const res = await api.http.request('GET', '/api/v1/auth/me', { headers: { authorization: header } });
      expect(res.status, header).toBe(401);
    }
  });
});

describe('roles', () => {
  it('a trader calling admin and compliance routes gets 403', async () => {
    const { token } = await signedIn(api, ['trader']);
    const admin = await api.http.get('/api/v1/admin/users', token);
    expect(admin.status).toBe(403);
    expect(admin.body.code).toBe('FORBIDDEN');
    expect((await api.http.patch('/api/v1/admin/users/00000000-0000-4000-8000-000000000000', { roles: ['admin'] }, token)).status).toBe(
      403,
    );
    expect((await api.http.post('/api/v1/admin/jobs/purge-expired-sessions', undefined, token)).status).toBe(403);
    expect((await api.http.get('/api/v1/compliance/audit', token)).status).toBe(403);
  });

  it('compliance reads the audit log, admin too', async () => {
    const compliance = await signedIn(api, ['compliance']);
    expect((await api.http.get('/api/v1/compliance/audit', compliance.token)).status).toBe(200);
    const admin = await signedIn(api, ['admin']);
    expect((await api.http.get('/api/v1/compliance/audit', admin.token)).status).toBe(200);
  });

  it('a role removed by an admin stops working on the very next request', async () => {
    const admin = await signedIn(api, ['admin']);
    const target = await signedIn(api, ['compliance']);
    expect((await api.http.get('/api/v1/compliance/audit', target.token)).status).toBe(200);
    await api.http.patch(`/api/v1/admin/users/${target.user.id}`, { roles: ['viewer'] }, admin.token);
    expect((await api.http.get('/api/v1/compliance/audit', target.token)).status).toBe(403);
  });

  it('the opening holdings baseline: compliance and admin only (roles compliance, admin)', async () => {
    const unknown = '/api/v1/compliance/broker-accounts/00000000-0000-4000-8000-000000000000/holdings-baseline';
    for (const roles of [['trader'], ['quant']] as const) {
      const { token } = await signedIn(api, [...roles]);
      expect((await api.http.get(unknown, token)).status, roles[0]).toBe(403);
      expect((await api.http.post(unknown, undefined, token)).status, roles[0]).toBe(403);
    }
    for (const roles of [['compliance'], ['admin']] as const) {
      const { token } = await signedIn(api, [...roles]);
      // Past the role check: no such live account.
      expect((await api.http.get(unknown, token)).status, roles[0]).toBe(404);
      expect((await api.http.post(unknown, undefined, token)).status, roles[0]).toBe(404);
    }
  });

  it('the engines config and comparison: traders only (roles trader)', async () => {
    const compare = '/api/v1/engines/compare?sourceId=00000000-0000-4000-8000-000000000000';
    for (const roles of [['quant'], ['viewer']] as const) {
      const { token } = await signedIn(api, [...roles]);
      expect((await api.http.get('/api/v1/engines/config', token)).status, roles[0]).toBe(403);
      expect((await api.http.request('PUT', '/api/v1/engines/config', { body: { exit: {} }, token })).status, roles[0]).toBe(403);
      expect((await api.http.get(compare, token)).status, roles[0]).toBe(403);
    }
    const { token } = await signedIn(api, ['trader']);
    expect((await api.http.get('/api/v1/engines/config', token)).status).toBe(200);
    // Past the role check: no such source.
    expect((await api.http.get(compare, token)).status).toBe(404);
  });

  it('no route is reachable without a token except the public ones', async () => {
    const doc = (await api.http.get('/api/docs-json')).body;
    const publicRoutes = new Set([
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/health',
      '/api/health/ready',
      // The browser arrives from Kite (the state authenticates); Kite posts postbacks (the checksum does).
      '/api/v1/brokers/kite/callback',
      '/api/v1/brokers/kite/postback',
      // The browser arrives from Upstox's login dialog (the state authenticates); Upstox's webhook is
      // unsigned, a hint only (the order is re-read from Upstox).
      '/api/v1/brokers/upstox/callback',
      '/api/v1/brokers/upstox/webhook',
      // Alert senders (TradingView) have no token: the HMAC signature (or the opt-in passphrase) authenticates.
      '/api/v1/hooks/{sourceId}',
    ]);
    for (const [path, methods] of Object.entries<Record<string, unknown>>(doc.paths)) {
      if (publicRoutes.has(path)) continue;
      for (const method of Object.keys(methods)) {
        const concrete = path.replace('{id}', '00000000-0000-4000-8000-000000000000');
        const res = await api.http.request(method.toUpperCase(), concrete, method === 'get' ? {} : { body: {} });
        expect(res.status, `${method} ${path}`).toBe(401);
      }
    }
  });
});
