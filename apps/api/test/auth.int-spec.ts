import { Secret, TOTP } from 'otpauth';
import { createUser, login, useTestApi } from './support/test-api';

const { api } = useTestApi({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '1000' });

describe('register', () => {
  it('creates a trader and returns only public fields', async () => {
    const res = await api.http.post('/api/v1/auth/register', {
      email: '  New.Trader@Example.TEST ',
      password: 'a-long-enough-password',
      displayName: 'New Trader',
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({
      email: 'new.trader@example.test',
      displayName: 'New Trader',
      roles: ['trader'],
      mfaEnabled: false,
    });
    expect(Object.keys(res.body.user).sort()).toEqual([
      'createdAt',
      'credentialChangeRequired',
      'displayName',
      'email',
      'id',
      'mfaEnabled',
      'roles',
    ]);
    expect(res.text).not.toMatch(/argon2|password/i);
  });

  it('answers a duplicate email (case-insensitively) exactly like a fresh one, and creates nothing', async () => {
    const body = { email: 'dup@example.test', password: 'a-long-enough-password', displayName: 'Dup' };
    const first = await api.http.post('/api/v1/auth/register', body);
    expect(first.status).toBe(201);
    const again = await api.http.post('/api/v1/auth/register', {
      ...body,
      email: 'DUP@example.test',
      password: 'another-long-password',
      displayName: 'Dup Again',
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(Object.keys(again.body)).toEqual(['user']);
    expect(Object.keys(again.body.user).sort()).toEqual(Object.keys(first.body.user).sort());
    expect(again.body.user).toMatchObject({ email: 'dup@example.test', displayName: 'Dup Again', roles: ['trader'], mfaEnabled: false });
    expect(again.body.user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(again.body.user.id).not.toBe(first.body.user.id);
    expect(Date.parse(again.body.user.createdAt)).toBeGreaterThanOrEqual(Date.parse(first.body.user.createdAt));

    // The original account is untouched: its password works, the duplicate's does not.
    expect((await api.http.post('/api/v1/auth/login', { email: body.email, password: body.password })).status).toBe(200);
    expect((await api.http.post('/api/v1/auth/login', { email: body.email, password: 'another-long-password' })).status).toBe(401);
  });

  it('rejects short passwords and bad emails with field errors', async () => {
    const res = await api.http.post('/api/v1/auth/register', { email: 'not-an-email', password: 'short', displayName: '' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'displayName']));
  });
});

describe('login, me, refresh, logout', () => {
  it('answers wrong password and unknown email identically', async () => {
    const user = await createUser(api);
    const wrong = await api.http.post('/api/v1/auth/login', { email: user.email, password: 'wrong-password-123' });
    const unknown = await api.http.post('/api/v1/auth/login', { email: 'nobody@example.test', password: 'wrong-password-123' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });

  it('logs in, reads /me, rotates refresh tokens and detects reuse', async () => {
    const user = await createUser(api);
    const session = await login(api, user);
    expect(session.expiresIn).toBe(900);
    const me = await api.http.get('/api/v1/auth/me', session.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email, roles: ['trader'], mfaEnabled: false });

    const first = await api.http.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(session.refreshToken);
    const second = await api.http.post('/api/v1/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);

    // The first token was rotated away: presenting it again kills the whole session.
    const reuse = await api.http.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.detail).toMatch(/revoked/);
    expect((await api.http.post('/api/v1/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(401);
    expect((await api.http.get('/api/v1/auth/me', second.body.accessToken)).status).toBe(401);
  });

  it('lets exactly one of two concurrent refreshes of the same token win', async () => {
    const user = await createUser(api);
    const session = await login(api, user);
    const results = await Promise.all([
      api.http.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken }),
      api.http.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('logout revokes the session and its access token', async () => {
    const user = await createUser(api);
    const session = await login(api, user);
    const out = await api.http.post('/api/v1/auth/logout', undefined, session.accessToken);
    expect(out.status).toBe(204);
    expect((await api.http.get('/api/v1/auth/me', session.accessToken)).status).toBe(401);
    expect((await api.http.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
  });

  it('a disabled account cannot log in', async () => {
    const admin = await createUser(api, { roles: ['admin'] });
    const adminSession = await login(api, admin);
    const user = await createUser(api);
    const session = await login(api, user);
    const patch = await api.http.patch(`/api/v1/admin/users/${user.id}`, { disabled: true }, adminSession.accessToken);
    expect(patch.status).toBe(200);
    expect((await api.http.get('/api/v1/auth/me', session.accessToken)).status).toBe(401);
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password })).status).toBe(401);
  });
});

describe('TOTP MFA', () => {
  it('enrols, then requires and verifies codes, refusing replays', async () => {
    const user = await createUser(api);
    const session = await login(api, user);
    const setup = await api.http.post('/api/v1/auth/mfa/setup', undefined, session.accessToken);
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret) });

    const wrong = await api.http.post(
      '/api/v1/auth/mfa/enable',
      { otp: '000000' === totp.generate() ? '111111' : '000000' },
      session.accessToken,
    );
    expect(wrong.status).toBe(400);
    const enable = await api.http.post('/api/v1/auth/mfa/enable', { otp: totp.generate() }, session.accessToken);
    expect(enable.status).toBe(200);
    expect(enable.body.mfaEnabled).toBe(true);

    const noOtp = await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password });
    expect(noOtp.status).toBe(401);
    expect(noOtp.body.code).toBe('MFA_REQUIRED');
    const badOtp = await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password, otp: '12345x' });
    expect(badOtp.status).toBe(400);

    // The code used to enable is spent; the next period's code works once.
    const nextCode = totp.generate({ timestamp: Date.now() + 30_000 });
    const ok = await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password, otp: nextCode });
    expect(ok.status).toBe(200);
    const replay = await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password, otp: nextCode });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('MFA_INVALID');
    const me = await api.http.get('/api/v1/auth/me', ok.body.accessToken);
    expect(me.body.mfaEnabled).toBe(true);
    expect(me.text).not.toContain(setup.body.secret);
  });
});

describe('login throttling', () => {
  it('locks an account after repeated failures, even for the right password', async () => {
    const user = await createUser(api);
    for (let i = 0; i < 5; i += 1) {
      expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: `wrong-${i}-password` })).status).toBe(401);
    }
    const blocked = await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
