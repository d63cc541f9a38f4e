import { Secret, TOTP } from 'otpauth';
import { createUser, login, useTestApi } from './support/test-api';

const { api } = useTestApi({}, { logLevel: 'trace' });

describe('passwords, tokens and MFA secrets never leak', () => {
  it('stay out of logs and responses across the whole auth flow, including failures', async () => {
    const password = 'Sup3r-Secret-Passw0rd!';
    const reg = await api.http.post('/api/v1/auth/register', { email: 'leaky@example.test', password, displayName: 'Leaky' });
    expect(reg.status).toBe(201);
    await api.http.post('/api/v1/auth/login', { email: 'leaky@example.test', password: 'Wrong-Passw0rd-Guess' });
    const session = await login(api, { email: 'leaky@example.test', password });
    const refreshed = await api.http.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    const setup = await api.http.post('/api/v1/auth/mfa/setup', undefined, refreshed.body.accessToken);
    const otp = new TOTP({ secret: Secret.fromBase32(setup.body.secret) }).generate();
    await api.http.post('/api/v1/auth/mfa/enable', { otp }, refreshed.body.accessToken);
    // Turning MFA off (a wrong password first) and changing the password (a wrong current one first).
    const token = refreshed.body.accessToken;
    const offCode = new TOTP({ secret: Secret.fromBase32(setup.body.secret) }).generate({ timestamp: Date.now() + 30_000 });
    expect((await api.http.post('/api/v1/auth/mfa/disable', { otp: offCode, password: 'Wrong-Passw0rd-Guess' }, token)).status).toBe(401);
    expect((await api.http.post('/api/v1/auth/mfa/disable', { otp: offCode, password }, token)).status).toBe(200);
    const newPassword = 'N3w-Secret-Passw0rd!';
    expect((await api.http.post('/api/v1/auth/password', { currentPassword: 'Wrong-Passw0rd-Guess', newPassword }, token)).status).toBe(
      401,
    );
    expect((await api.http.post('/api/v1/auth/password', { currentPassword: password, newPassword }, token)).status).toBe(204);
    await api.http.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken }); // reuse → 401
    await api.http.request('POST', '/api/v1/auth/login', {
      raw: `{"password":"${password}"`,
      headers: { 'content-type': 'application/json' },
    });

    const secrets = [
      password,
      newPassword,
      'Wrong-Passw0rd-Guess',
      session.accessToken,
      session.refreshToken,
      refreshed.body.refreshToken,
      refreshed.body.accessToken,
      setup.body.secret,
      otp,
      offCode,
    ];
    const logText = api.logs.join('');
    expect(api.logs.length).toBeGreaterThan(5);
    for (const s of secrets) expect(logText).not.toContain(s);

    // Responses other than the ones that hand a token or secret to its owner never echo them.
    const me = await api.http.get('/api/v1/auth/me', refreshed.body.accessToken);
    for (const s of secrets) expect(me.text).not.toContain(s);
    expect(me.text).not.toMatch(/argon2|password|mfa_secret|pending/i);
  });

  it('the admin user list exposes no hashes or secrets', async () => {
    const admin = await createUser(api, { roles: ['admin'] });
    const session = await login(api, admin);
    const res = await api.http.get('/api/v1/admin/users?limit=500', session.accessToken);
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/argon2|password|secret|token/i);
  });
});
