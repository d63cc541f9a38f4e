import { Secret, TOTP } from 'otpauth';
import { io, type Socket } from 'socket.io-client';
import { Db } from '@tradeloop/platform';
import { MARKET_SUBSCRIBE } from '@tradeloop/contracts';
import { eventually } from './support/market-socket';
import { createUser, login, useTestApi, type TestApi } from './support/test-api';

// Enabling MFA, disabling it and changing the password each end every other session of the user
// (API access, refresh token, realtime socket) in the transaction of the change, and keep the
// caller's. Re-authentication (password, code) is checked like a login: 5 wrong answers per account.
const { api } = useTestApi({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '1000' });

const sockets: Socket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

interface Session {
  accessToken: string;
  refreshToken: string;
}

/** A realtime connection of a session, once the server has admitted it and joined its rooms. */
async function connect(a: TestApi, token: string): Promise<Socket> {
  const socket = io(`${a.url}/realtime`, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket not ready')), 5000);
    socket.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return socket;
}

/** Resolves with the reason once the server closes the socket. */
const closedByServer = (socket: Socket) =>
  new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket still open')), 5000);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });

/** Answers an acknowledged message: the connection is alive and authenticated. */
const answers = async (socket: Socket) => {
  const ack = await socket.timeout(5000).emitWithAck(MARKET_SUBSCRIBE, { channel: 'ticks', symbols: [] });
  return ack !== undefined;
};

async function expectEnded(session: Session, socket: Socket, closed: Promise<string>) {
  expect(await closed).toBe('io server disconnect');
  expect(socket.connected).toBe(false);
  expect((await api.http.get('/api/v1/auth/me', session.accessToken)).status).toBe(401);
  const refresh = await api.http.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
  expect(refresh.status).toBe(401);
  expect(refresh.body.code).toBe('UNAUTHENTICATED');
  // Nor can the ended session open a new socket.
  await expect(connect(api, session.accessToken)).rejects.toThrow(/UNAUTHENTICATED/);
}

async function expectAlive(session: Session, socket?: Socket) {
  expect((await api.http.get('/api/v1/auth/me', session.accessToken)).status).toBe(200);
  if (socket) {
    expect(socket.connected).toBe(true);
    expect(await answers(socket)).toBe(true);
  }
}

/** The session row's revocation, as stored. */
const revocation = async (userId: string) =>
  api.app
    .get(Db)
    .sql.rows<{ revoked_reason: string | null }>(`SELECT revoked_reason FROM sessions WHERE user_id = $1 ORDER BY id`, [userId])
    .then((rows) => rows.map((r) => r.revoked_reason));

const userRow = (userId: string) =>
  api.app.get(Db).sql.one<{
    password_hash: string;
    mfa_enabled: boolean;
    mfa_secret_enc: string | null;
    updated_at: Date;
  }>(`SELECT password_hash, mfa_enabled, mfa_secret_enc, updated_at FROM users WHERE id = $1`, [userId]);

const auditActions = async (userId: string) =>
  (await api.app.get(Db).sql.rows<{ action: string }>(`SELECT action FROM audit_events WHERE actor_id = $1 ORDER BY id`, [userId])).map(
    (r) => r.action,
  );

const PERIOD_MS = 30_000;
/**
 * The server accepts codes of the current TOTP step and one either side. Waits (polling) until at
 * least 12 s remain in the current step, so codes made for the steps before, at and after it are
 * all accepted for the rest of the test, whatever the moment it started.
 */
async function freshStep(): Promise<number> {
  await eventually(() => PERIOD_MS - (Date.now() % PERIOD_MS) >= 12_000, PERIOD_MS, 'a fresh TOTP step');
  return Date.now() - (Date.now() % PERIOD_MS);
}

/** A user with two sessions (the caller's and another device's, with its socket). */
async function twoSessions() {
  const user = await createUser(api);
  const caller = await login(api, user);
  const other = await login(api, user);
  const callerSocket = await connect(api, caller.accessToken);
  const otherSocket = await connect(api, other.accessToken);
  return { user, caller, other, callerSocket, otherSocket };
}

/** MFA on through the API (from `caller`, code of the step before `step`); returns the authenticator. */
async function enableMfa(caller: Session, step: number): Promise<TOTP> {
  const setup = await api.http.post('/api/v1/auth/mfa/setup', undefined, caller.accessToken);
  expect(setup.status).toBe(200);
  const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret) });
  const enabled = await api.http.post(
    '/api/v1/auth/mfa/enable',
    { otp: totp.generate({ timestamp: step - PERIOD_MS }) },
    caller.accessToken,
  );
  expect(enabled.status).toBe(200);
  return totp;
}

/** A 6-digit code that is none of the accepted ones around `step`. */
function wrongCode(totp: TOTP, step: number): string {
  const valid = new Set([-1, 0, 1].map((d) => totp.generate({ timestamp: step + d * PERIOD_MS })));
  for (let i = 0; ; i += 1) {
    const code = String(123456 + i * 111111).slice(-6);
    if (!valid.has(code)) return code;
  }
}

describe('turning MFA on', () => {
  it('ends every other session (access token, refresh token, socket) and keeps the caller’s', async () => {
    const { user, caller, other, callerSocket, otherSocket } = await twoSessions();
    const step = await freshStep();
    const closed = closedByServer(otherSocket);
    await enableMfa(caller, step);

    await expectEnded(other, otherSocket, closed);
    await expectAlive(caller, callerSocket);
    expect((await api.http.get('/api/v1/auth/me', caller.accessToken)).body.mfaEnabled).toBe(true);
    expect((await api.http.post('/api/v1/auth/refresh', { refreshToken: caller.refreshToken })).status).toBe(200);
    expect(await revocation(user.id)).toEqual([null, 'mfa_enabled']);
    expect(await auditActions(user.id)).toContain('auth.mfa_enabled');
  });

  it('a wrong code changes nothing', async () => {
    const { user, caller, other, otherSocket } = await twoSessions();
    const setup = await api.http.post('/api/v1/auth/mfa/setup', undefined, caller.accessToken);
    const step = await freshStep();
    const res = await api.http.post(
      '/api/v1/auth/mfa/enable',
      { otp: wrongCode(new TOTP({ secret: Secret.fromBase32(setup.body.secret) }), step) },
      caller.accessToken,
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'otp' })]);
    expect((await userRow(user.id)).mfa_enabled).toBe(false);
    await expectAlive(other, otherSocket);
    expect(await revocation(user.id)).toEqual([null, null]);
  });
});

describe('turning MFA off', () => {
  it('needs the password and a fresh code; wrong ones change nothing and count as failed logins', async () => {
    const user = await createUser(api);
    const caller = await login(api, user);
    const step = await freshStep();
    const totp = await enableMfa(caller, step);
    // Another device signs in with the code of this step, which is then spent.
    const usedCode = totp.generate({ timestamp: step });
    const otherRes = await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password, otp: usedCode });
    expect(otherRes.status).toBe(200);
    const other: Session = otherRes.body;
    const otherSocket = await connect(api, other.accessToken);
    const nextCode = totp.generate({ timestamp: step + PERIOD_MS });
    const before = await userRow(user.id);

    const badPassword = await api.http.post(
      '/api/v1/auth/mfa/disable',
      { otp: nextCode, password: 'not-the-password-1' },
      caller.accessToken,
    );
    expect(badPassword.status).toBe(401);
    expect(badPassword.body.code).toBe('PASSWORD_INVALID');
    expect(badPassword.body.errors).toEqual([{ field: 'password', message: expect.any(String) }]);

    const badCode = await api.http.post(
      '/api/v1/auth/mfa/disable',
      { otp: wrongCode(totp, step), password: user.password },
      caller.accessToken,
    );
    expect(badCode.status).toBe(401);
    expect(badCode.body.code).toBe('MFA_INVALID');
    expect(badCode.body.errors).toEqual([{ field: 'otp', message: expect.any(String) }]);

    const replay = await api.http.post('/api/v1/auth/mfa/disable', { otp: usedCode, password: user.password }, caller.accessToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('MFA_INVALID');

    for (const body of [
      { otp: nextCode },
      { password: user.password },
      { otp: nextCode, password: user.password, extra: 1 },
      { otp: 'abcdef', password: user.password },
    ]) {
      const res = await api.http.post('/api/v1/auth/mfa/disable', body, caller.accessToken);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }

    expect(await userRow(user.id)).toEqual(before);
    await expectAlive(other, otherSocket);
    expect(await auditActions(user.id)).toEqual(expect.arrayContaining(['auth.mfa_disable_failed']));
    expect((await auditActions(user.id)).filter((a) => a === 'auth.mfa_disable_failed')).toHaveLength(3);
    expect(await auditActions(user.id)).not.toContain('auth.mfa_disabled');
  });

  it('with both, turns MFA off and ends every other session; a second time is a 409', async () => {
    const user = await createUser(api);
    const caller = await login(api, user);
    const step = await freshStep();
    const totp = await enableMfa(caller, step);
    const otherRes = await api.http.post('/api/v1/auth/login', {
      email: user.email,
      password: user.password,
      otp: totp.generate({ timestamp: step }),
    });
    expect(otherRes.status).toBe(200);
    const other: Session = otherRes.body;
    const otherSocket = await connect(api, other.accessToken);
    const callerSocket = await connect(api, caller.accessToken);
    const closed = closedByServer(otherSocket);

    const res = await api.http.post(
      '/api/v1/auth/mfa/disable',
      { otp: totp.generate({ timestamp: step + PERIOD_MS }), password: user.password },
      caller.accessToken,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, email: user.email, mfaEnabled: false });

    await expectEnded(other, otherSocket, closed);
    await expectAlive(caller, callerSocket);
    expect((await api.http.get('/api/v1/auth/me', caller.accessToken)).body.mfaEnabled).toBe(false);
    expect((await api.http.post('/api/v1/auth/refresh', { refreshToken: caller.refreshToken })).status).toBe(200);
    expect(await userRow(user.id)).toMatchObject({ mfa_enabled: false, mfa_secret_enc: null });
    expect(await revocation(user.id)).toEqual([null, 'mfa_disabled']);
    expect(await auditActions(user.id)).toContain('auth.mfa_disabled');
    // Sign-in needs no code any more.
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password })).status).toBe(200);

    const again = await api.http.post('/api/v1/auth/mfa/disable', { otp: totp.generate(), password: user.password }, caller.accessToken);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
  });
});

describe('changing the password', () => {
  it('ends every other session, keeps the caller’s, and only the new password signs in', async () => {
    const { user, caller, other, callerSocket, otherSocket } = await twoSessions();
    const closed = closedByServer(otherSocket);
    const res = await api.http.post(
      '/api/v1/auth/password',
      { currentPassword: user.password, newPassword: 'a-brand-new-password' },
      caller.accessToken,
    );
    expect(res.status).toBe(204);
    expect(res.text).toBe('');

    await expectEnded(other, otherSocket, closed);
    await expectAlive(caller, callerSocket);
    expect((await api.http.post('/api/v1/auth/refresh', { refreshToken: caller.refreshToken })).status).toBe(200);
    expect(await revocation(user.id)).toEqual([null, 'password_changed']);
    expect(await auditActions(user.id)).toContain('auth.password_changed');
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password })).status).toBe(401);
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: 'a-brand-new-password' })).status).toBe(200);
  });

  it('refuses a wrong current password (401), the same password and a weak one (400), changing nothing', async () => {
    const { user, caller, other, otherSocket } = await twoSessions();
    const before = await userRow(user.id);

    const wrong = await api.http.post(
      '/api/v1/auth/password',
      { currentPassword: 'not-the-password-1', newPassword: 'a-brand-new-password' },
      caller.accessToken,
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('PASSWORD_INVALID');
    expect(wrong.body.errors).toEqual([{ field: 'currentPassword', message: expect.any(String) }]);

    const cases: [Record<string, unknown>, string][] = [
      [{ currentPassword: user.password, newPassword: user.password }, 'newPassword'],
      [{ currentPassword: user.password, newPassword: 'short' }, 'newPassword'],
      [{ currentPassword: user.password, newPassword: 'aaaaaaaaaaaa' }, 'newPassword'],
      [{ currentPassword: user.password, newPassword: user.email.toUpperCase() }, 'newPassword'],
      [{ currentPassword: user.password }, 'newPassword'],
      [{ newPassword: 'a-brand-new-password' }, 'currentPassword'],
      [{ currentPassword: user.password, newPassword: 'a-brand-new-password', password: 'x' }, 'password'],
      [{ currentPassword: user.password, newPassword: 'x'.repeat(5000) }, 'newPassword'],
    ];
    for (const [body, field] of cases) {
      const res = await api.http.post('/api/v1/auth/password', body, caller.accessToken);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }

    expect(await userRow(user.id)).toEqual(before);
    await expectAlive(other, otherSocket);
    expect(await revocation(user.id)).toEqual([null, null]);
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password })).status).toBe(200);
  });

  it('wrong current passwords count as failed logins: the account is throttled, here and at login', async () => {
    const user = await createUser(api);
    const caller = await login(api, user);
    for (let i = 0; i < 5; i += 1) {
      const res = await api.http.post(
        '/api/v1/auth/password',
        { currentPassword: `wrong-password-${i}`, newPassword: 'a-brand-new-password' },
        caller.accessToken,
      );
      expect(res.status).toBe(401);
    }
    const blocked = await api.http.post(
      '/api/v1/auth/password',
      { currentPassword: user.password, newPassword: 'a-brand-new-password' },
      caller.accessToken,
    );
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: user.password })).status).toBe(429);
    expect((await auditActions(user.id)).filter((a) => a === 'auth.password_change_failed')).toHaveLength(5);
    expect(await auditActions(user.id)).not.toContain('auth.password_changed');
  });

  it('two concurrent changes from one session: exactly one wins, the other is refused', async () => {
    const user = await createUser(api);
    const caller = await login(api, user);
    const results = await Promise.all(
      ['first-new-password', 'second-new-password'].map((newPassword) =>
        api.http.post('/api/v1/auth/password', { currentPassword: user.password, newPassword }, caller.accessToken),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect([401, 409]).toContain(statuses.find((s) => s !== 204));
    const winner = statuses[0] === 204 ? 'first-new-password' : 'second-new-password';
    const loser = winner === 'first-new-password' ? 'second-new-password' : 'first-new-password';
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: winner })).status).toBe(200);
    expect((await api.http.post('/api/v1/auth/login', { email: user.email, password: loser })).status).toBe(401);
    expect((await auditActions(user.id)).filter((a) => a === 'auth.password_changed')).toHaveLength(1);
    await expectAlive(caller);
  });
});

describe('every credential route needs a live session', () => {
  it('answers 401 without a token, before looking at the body', async () => {
    for (const path of ['/api/v1/auth/mfa/disable', '/api/v1/auth/password']) {
      expect((await api.http.post(path, {})).status).toBe(401);
    }
  });
});
