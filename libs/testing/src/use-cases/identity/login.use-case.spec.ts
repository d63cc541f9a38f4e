import { LoginUseCase } from '@tradeloop/identity';
import { refusal } from '../refusal';
import { addUser, enrolMfa, identityWorld, meta, OTHER_SECRET, PASSWORD } from './identity-world';

const NOW = new Date('2025-03-14T09:26:53.000Z');

function setup() {
  const w = identityWorld({ REFRESH_TTL_DAYS: '14' });
  const { config, ports } = w;
  const login = new LoginUseCase(config, ports.db, ports.users, ports.sessions, ports.hasher, w.mfa, w.tokens, ports.throttle, ports.audit);
  const alice = addUser(w, 'alice@example.com');
  return { ...w, login, alice };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LoginUseCase', () => {
  it('answers a wrong password and an unknown email with the same UNAUTHENTICATED, after the same check, and audits both', async () => {
    const w = setup();
    const wrong = await refusal(w.login.execute({ email: w.alice.email, password: 'not the password' }, meta));
    const unknown = await refusal(w.login.execute({ email: 'nobody@example.com', password: PASSWORD }, meta));

    expect([wrong.code, unknown.code]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(unknown.message).toBe(wrong.message);
    // The unknown account is still verified (against no hash): the same work, nothing to time.
    expect(w.hasher.verified.map((v) => v.encoded)).toEqual([w.alice.password_hash, null]);
    expect(w.audit.records.map((r) => [r.action, r.actorId, r.subject, r.details])).toEqual([
      ['auth.login_failed', w.alice.id, `email:${w.alice.email}`, { reason: 'bad_credentials', ip: meta.ip }],
      ['auth.login_failed', null, 'email:nobody@example.com', { reason: 'bad_credentials', ip: meta.ip }],
    ]);
    expect(w.throttle.failuresOf(w.alice.email)).toBe(1);
    expect(w.throttle.failuresOf('nobody@example.com')).toBe(1);
    expect(w.sessions.rows.size).toBe(0);
    expect(w.db.transactions).toEqual([]);
  });

  it('refuses a disabled account even with the right password, in the same words', async () => {
    const w = setup();
    w.users.update(undefined, w.alice.id, { disabled_at: new Date('2025-01-01T00:00:00Z') });
    const err = await refusal(w.login.execute({ email: w.alice.email, password: PASSWORD }, meta));

    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toBe('Invalid email or password');
    expect(w.audit.of('auth.login_failed').map((r) => r.details)).toEqual([{ reason: 'disabled', ip: meta.ip }]);
    expect(w.sessions.rows.size).toBe(0);
    expect(w.users.get(w.alice.id)!.last_login_at).toBeNull();
  });

  it('refuses a throttled account before looking at the password, and audits the refusal', async () => {
    const w = setup();
    for (let i = 0; i < 3; i++) await w.throttle.recordFailure(w.alice.email, '198.51.100.1');
    const err = await refusal(w.login.execute({ email: w.alice.email, password: PASSWORD }, meta));

    expect(err.code).toBe('RATE_LIMITED');
    expect(w.hasher.verified).toEqual([]);
    expect(w.audit.actions()).toEqual(['auth.login_throttled']);
    expect(w.sessions.rows.size).toBe(0);
  });

  it('creates a session, records the login, audits it in the same transaction and signs an access token', async () => {
    const w = setup();
    await w.throttle.recordFailure(w.alice.email, meta.ip);
    const res = await w.login.execute({ email: w.alice.email, password: PASSWORD }, meta);

    const [session] = w.sessions.liveOf(w.alice.id);
    expect(session).toMatchObject({ ip: meta.ip, userAgent: 'unit', refreshToken: res.refreshToken });
    expect(session!.expiresAt.toISOString()).toBe('2025-03-28T09:26:53.000Z'); // REFRESH_TTL_DAYS later
    expect(w.users.get(w.alice.id)!.last_login_at).toEqual(NOW);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        action: 'auth.login_succeeded',
        actorId: w.alice.id,
        details: { sessionId: session!.id, mfa: false },
        inTransaction: true,
      }),
    ]);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'committed' }]);
    expect(await w.tokens.verify(res.accessToken)).toEqual({ userId: w.alice.id, sessionId: session!.id });
    expect(res.expiresIn).toBe(w.config.JWT_ACCESS_TTL_SECONDS);
    expect(res.user).toEqual({
      id: w.alice.id,
      email: w.alice.email,
      displayName: w.alice.display_name,
      roles: ['trader'],
      mfaEnabled: false,
      credentialChangeRequired: false,
      createdAt: NOW.toISOString(),
    });
    expect(w.throttle.failuresOf(w.alice.email)).toBe(0); // a success clears the account's count
  });

  it('leaves no session and no login behind when its transaction fails', async () => {
    const w = setup();
    vi.spyOn(w.audit, 'append').mockRejectedValueOnce(new Error('audit insert failed'));
    await expect(w.login.execute({ email: w.alice.email, password: PASSWORD }, meta)).rejects.toThrow('audit insert failed');

    expect(w.db.rolledBack).toBe(1);
    expect(w.sessions.rows.size).toBe(0);
    expect(w.users.get(w.alice.id)!.last_login_at).toBeNull();
  });

  describe('with MFA on', () => {
    it('requires a code after the right password, and creates nothing without one', async () => {
      const w = setup();
      enrolMfa(w, w.alice);
      const err = await refusal(w.login.execute({ email: w.alice.email, password: PASSWORD }, meta));

      expect(err.code).toBe('MFA_REQUIRED');
      expect(w.sessions.rows.size).toBe(0);
      expect(w.db.transactions).toEqual([]);
    });

    it('refuses a wrong code as MFA_INVALID, and counts and audits it as a failed login', async () => {
      const w = setup();
      const secret = enrolMfa(w, w.alice);
      const stale = w.mfa.codeAt(secret, NOW.getTime() - 10 * 60_000); // ten minutes old: outside the window
      const err = await refusal(w.login.execute({ email: w.alice.email, password: PASSWORD, otp: stale }, meta));

      expect(err.code).toBe('MFA_INVALID');
      expect(w.audit.of('auth.login_failed').map((r) => r.details)).toEqual([{ reason: 'mfa_invalid', ip: meta.ip }]);
      expect(w.throttle.failuresOf(w.alice.email)).toBe(1);
      expect(w.sessions.rows.size).toBe(0);
    });

    it('accepts a current code once; the same code again is refused (its step is spent)', async () => {
      const w = setup();
      const secret = enrolMfa(w, w.alice);
      const otp = w.mfa.codeAt(secret);
      const ok = await w.login.execute({ email: w.alice.email, password: PASSWORD, otp }, meta);
      expect(ok.user.mfaEnabled).toBe(true);
      expect(w.audit.of('auth.login_succeeded')[0]!.details).toMatchObject({ mfa: true });
      expect(w.users.get(w.alice.id)!.mfa_last_step).toBe(String(Math.floor(NOW.getTime() / 30_000)));

      const replay = await refusal(w.login.execute({ email: w.alice.email, password: PASSWORD, otp }, meta));
      expect(replay.code).toBe('MFA_INVALID');
      expect(w.sessions.rows.size).toBe(1);
      expect(w.audit.actions()).toEqual(['auth.login_succeeded', 'auth.login_failed']);
    });

    it('refuses a valid code when the repository will not spend its step (a parallel request used it)', async () => {
      const w = setup();
      const secret = enrolMfa(w, w.alice);
      const spend = vi.spyOn(w.users, 'spendMfaStep').mockResolvedValueOnce(false);
      const err = await refusal(w.login.execute({ email: w.alice.email, password: PASSWORD, otp: w.mfa.codeAt(secret) }, meta));

      expect(spend).toHaveBeenCalledWith(w.alice.id, Math.floor(NOW.getTime() / 30_000));
      expect(err.code).toBe('MFA_INVALID');
      expect(w.sessions.rows.size).toBe(0);
    });

    it('uses the secret it was given: a code of another secret is refused', async () => {
      const w = setup();
      const secret = enrolMfa(w, w.alice);
      const foreign = w.mfa.codeAt(OTHER_SECRET);
      expect(w.mfa.matchStep(secret, foreign)).toBeNull(); // the fixed secrets do not share a code now
      const err = await refusal(w.login.execute({ email: w.alice.email, password: PASSWORD, otp: foreign }, meta));
      expect(err.code).toBe('MFA_INVALID');
    });
  });
});
