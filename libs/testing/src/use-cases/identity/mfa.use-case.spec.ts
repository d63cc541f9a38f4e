import { sessionRoom } from '@tradeloop/contracts';
import { DisableMfaUseCase, EnableMfaUseCase, SetupMfaUseCase } from '@tradeloop/identity';
import { fieldsOf, refusal } from '../refusal';
import { addUser, enrolMfa, identityWorld, meta, PASSWORD, SECRET, signedIn } from './identity-world';

const NOW = new Date('2025-03-14T09:26:53.000Z');
const STEP = Math.floor(NOW.getTime() / 30_000);

function setup() {
  const w = identityWorld();
  const { db, users, audit } = w.ports;
  const setupMfa = new SetupMfaUseCase(db, users, w.mfa, audit);
  const enable = new EnableMfaUseCase(db, users, w.mfa, audit, w.changes);
  const disable = new DisableMfaUseCase(db, users, w.mfa, audit, w.changes);
  const alice = addUser(w, 'alice@example.com');
  const principal = signedIn(w, alice);
  const other = w.sessions.add(alice.id);
  return { ...w, setupMfa, enable, disable, alice, principal, other };
}

/** Puts a pending secret on the user, as step 1 would. */
const pending = (w: ReturnType<typeof setup>) => w.users.update(undefined, w.alice.id, { mfa_pending_secret_enc: w.mfa.encrypt(SECRET) });

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SetupMfaUseCase', () => {
  it('keeps a fresh secret pending (encrypted), audits it, and leaves MFA off', async () => {
    const w = setup();
    const { secret, otpauthUrl } = await w.setupMfa.execute(w.principal, meta);

    const row = w.users.get(w.alice.id)!;
    expect(row.mfa_enabled).toBe(false);
    expect(row.mfa_pending_secret_enc).not.toContain(secret);
    expect(w.mfa.decrypt(row.mfa_pending_secret_enc!)).toBe(secret);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(decodeURIComponent(otpauthUrl)).toContain(w.alice.email);
    expect(w.users.lockedReads).toEqual([w.alice.id]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({ action: 'auth.mfa_setup_started', actorId: w.alice.id, inTransaction: true }),
    ]);
  });

  it('refuses (CONFLICT) when MFA is already on, and a vanished user (UNAUTHENTICATED)', async () => {
    const w = setup();
    enrolMfa(w, w.alice);
    expect((await refusal(w.setupMfa.execute(w.principal, meta))).code).toBe('CONFLICT');
    expect(w.users.get(w.alice.id)!.mfa_pending_secret_enc).toBeNull();

    w.users.rows.delete(w.alice.id);
    expect((await refusal(w.setupMfa.execute(w.principal, meta))).code).toBe('UNAUTHENTICATED');
    expect(w.audit.records).toEqual([]);
  });
});

describe('EnableMfaUseCase', () => {
  it('turns MFA on with the pending secret, spends the code’s step, revokes the other sessions and audits', async () => {
    const w = setup();
    pending(w);
    const user = await w.enable.execute(w.principal, w.mfa.codeAt(SECRET), meta);

    const row = w.users.get(w.alice.id)!;
    expect(user.mfaEnabled).toBe(true);
    expect(row).toMatchObject({ mfa_enabled: true, mfa_pending_secret_enc: null, mfa_last_step: String(STEP) });
    expect(w.mfa.decrypt(row.mfa_secret_enc!)).toBe(SECRET);
    expect(w.sessions.liveOf(w.alice.id).map((s) => s.id)).toEqual([w.principal.sessionId]);
    expect(w.sessions.rows.get(w.other.id)!.revokedReason).toBe('mfa_enabled');
    expect(w.audit.of('auth.mfa_enabled').map((r) => r.details)).toEqual([{ revokedSessions: 1 }]);
    expect(w.cache.invalidated).toEqual([{ userId: w.alice.id }]);
    expect(w.realtime.disconnected).toEqual([sessionRoom(w.other.id)]);
  });

  it('refuses a code that does not match the pending secret (VALIDATION_FAILED on otp), changing nothing', async () => {
    const w = setup();
    pending(w);
    const stale = w.mfa.codeAt(SECRET, NOW.getTime() - 10 * 60_000);
    const err = await refusal(w.enable.execute(w.principal, stale, meta));

    expect(err.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(err)).toEqual(['otp']);
    expect(w.users.get(w.alice.id)).toMatchObject({ mfa_enabled: false, mfa_secret_enc: null });
    expect(w.users.get(w.alice.id)!.mfa_pending_secret_enc).not.toBeNull();
    expect(w.sessions.liveOf(w.alice.id)).toHaveLength(2);
    expect(w.db.rolledBack).toBe(1);
  });

  it('refuses without a pending secret (INVALID_STATE), when already on (CONFLICT), and from a revoked session', async () => {
    const w = setup();
    expect((await refusal(w.enable.execute(w.principal, w.mfa.codeAt(SECRET), meta))).code).toBe('INVALID_STATE');

    pending(w);
    await w.sessions.revoke(w.db.sql, w.principal.sessionId, 'logout');
    expect((await refusal(w.enable.execute(w.principal, w.mfa.codeAt(SECRET), meta))).code).toBe('UNAUTHENTICATED');

    const w2 = setup();
    enrolMfa(w2, w2.alice);
    expect((await refusal(w2.enable.execute(w2.principal, w2.mfa.codeAt(SECRET), meta))).code).toBe('CONFLICT');
    expect([...w.audit.actions(), ...w2.audit.actions()]).toEqual([]);
  });
});

describe('DisableMfaUseCase', () => {
  it('with the password and a fresh code, turns MFA off, forgets the secret, revokes the other sessions and audits', async () => {
    const w = setup();
    enrolMfa(w, w.alice, STEP - 1);
    const user = await w.disable.execute(w.principal, { password: PASSWORD, otp: w.mfa.codeAt(SECRET) }, meta);

    expect(user.mfaEnabled).toBe(false);
    expect(w.users.get(w.alice.id)).toMatchObject({
      mfa_enabled: false,
      mfa_secret_enc: null,
      mfa_pending_secret_enc: null,
      mfa_last_step: null,
    });
    expect(w.sessions.liveOf(w.alice.id).map((s) => s.id)).toEqual([w.principal.sessionId]);
    expect(w.audit.of('auth.mfa_disabled').map((r) => r.details)).toEqual([{ revokedSessions: 1 }]);
    expect(w.realtime.disconnected).toEqual([sessionRoom(w.other.id)]);
  });

  it('refuses a code whose step was already spent (e.g. by a login) as MFA_INVALID, counted and audited; MFA stays on', async () => {
    const w = setup();
    enrolMfa(w, w.alice, STEP);
    const err = await refusal(w.disable.execute(w.principal, { password: PASSWORD, otp: w.mfa.codeAt(SECRET) }, meta));

    expect(err.code).toBe('MFA_INVALID');
    expect(fieldsOf(err)).toEqual(['otp']);
    expect(w.audit.records.map((r) => [r.action, r.details])).toEqual([
      ['auth.mfa_disable_failed', { reason: 'mfa_invalid', ip: meta.ip }],
    ]);
    expect(w.throttle.failuresOf(w.alice.email)).toBe(1);
    expect(w.users.get(w.alice.id)!.mfa_enabled).toBe(true);
    expect(w.sessions.liveOf(w.alice.id)).toHaveLength(2);
  });

  it('refuses a wrong password (PASSWORD_INVALID on password) before looking at the code', async () => {
    const w = setup();
    enrolMfa(w, w.alice);
    const err = await refusal(w.disable.execute(w.principal, { password: 'not my password', otp: '000000' }, meta));

    expect(err.code).toBe('PASSWORD_INVALID');
    expect(fieldsOf(err)).toEqual(['password']);
    expect(w.audit.records.map((r) => r.details)).toEqual([{ reason: 'bad_password', ip: meta.ip }]);
    expect(w.users.get(w.alice.id)!.mfa_enabled).toBe(true);
    expect(w.db.transactions).toEqual([]);
  });

  it('refuses (CONFLICT) when MFA is not on', async () => {
    const w = setup();
    const err = await refusal(w.disable.execute(w.principal, { password: PASSWORD, otp: w.mfa.codeAt(SECRET) }, meta));
    expect(err.code).toBe('CONFLICT');
    expect(w.audit.records).toEqual([]);
  });
});
