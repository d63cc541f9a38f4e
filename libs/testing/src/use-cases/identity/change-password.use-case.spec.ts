import { sessionRoom } from '@tradeloop/contracts';
import { ChangePasswordUseCase } from '@tradeloop/identity';
import { FakePasswordHasher } from '../../fakes';
import { fieldsOf, refusal } from '../refusal';
import { addUser, identityWorld, meta, PASSWORD, signedIn } from './identity-world';

const NEW_PASSWORD = 'a brand new passphrase';

function setup() {
  const w = identityWorld();
  const change = new ChangePasswordUseCase(w.ports.db, w.ports.users, w.ports.hasher, w.ports.audit, w.changes);
  const alice = addUser(w, 'alice@example.com');
  const principal = signedIn(w, alice);
  const laptop = w.sessions.add(alice.id);
  const phone = w.sessions.add(alice.id);
  const bob = addUser(w, 'bob@example.com');
  const bobs = w.sessions.add(bob.id);
  return { ...w, change, alice, principal, others: [laptop.id, phone.id], bobs };
}

describe('ChangePasswordUseCase', () => {
  it('sets the new password, revokes every other session of the user (not the caller’s), audits, then drops caches and sockets', async () => {
    const w = setup();
    await w.change.execute(w.principal, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, meta);

    expect(w.users.get(w.alice.id)!.password_hash).toBe(FakePasswordHasher.hashOf(NEW_PASSWORD));
    expect(w.sessions.liveOf(w.alice.id).map((s) => s.id)).toEqual([w.principal.sessionId]);
    expect(w.others.map((id) => w.sessions.rows.get(id)!.revokedReason)).toEqual(['password_changed', 'password_changed']);
    expect(w.sessions.liveOf(w.bobs.userId)).toHaveLength(1); // another user's sessions are untouched
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        action: 'auth.password_changed',
        actorId: w.alice.id,
        details: { revokedSessions: 2 },
        inTransaction: true,
      }),
    ]);
    expect(w.users.lockedReads).toEqual([w.alice.id]); // the row is locked in the change's transaction
    expect(w.cache.invalidated).toEqual([{ userId: w.alice.id }]);
    expect(w.realtime.disconnected.sort()).toEqual(w.others.map(sessionRoom).sort());
  });

  it('refuses a wrong current password (PASSWORD_INVALID on currentPassword), counts it as a failed login and changes nothing', async () => {
    const w = setup();
    const err = await refusal(w.change.execute(w.principal, { currentPassword: 'not my password', newPassword: NEW_PASSWORD }, meta));

    expect(err.code).toBe('PASSWORD_INVALID');
    expect(fieldsOf(err)).toEqual(['currentPassword']);
    expect(w.audit.records.map((r) => [r.action, r.details])).toEqual([
      ['auth.password_change_failed', { reason: 'bad_password', ip: meta.ip }],
    ]);
    expect(w.throttle.failuresOf(w.alice.email)).toBe(1);
    expect(w.users.get(w.alice.id)!.password_hash).toBe(w.alice.password_hash);
    expect(w.sessions.liveOf(w.alice.id)).toHaveLength(3);
    expect(w.db.transactions).toEqual([]);
  });

  it('refuses while the account is throttled, without checking the password', async () => {
    const w = setup();
    for (let i = 0; i < 3; i++) await w.throttle.recordFailure(w.alice.email, '198.51.100.1');
    const err = await refusal(w.change.execute(w.principal, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, meta));

    expect(err.code).toBe('RATE_LIMITED');
    expect(w.hasher.verified).toEqual([]);
  });

  it('refuses the same password and a weak one, naming newPassword, and changes nothing', async () => {
    const w = setup();
    const same = await refusal(w.change.execute(w.principal, { currentPassword: PASSWORD, newPassword: PASSWORD }, meta));
    const weak = await refusal(w.change.execute(w.principal, { currentPassword: PASSWORD, newPassword: 'aaaaaaaaaaaa' }, meta));
    const email = await refusal(w.change.execute(w.principal, { currentPassword: PASSWORD, newPassword: w.alice.email }, meta));

    for (const err of [same, weak, email]) {
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(err)).toEqual(['newPassword']);
    }
    expect(w.users.get(w.alice.id)!.password_hash).toBe(w.alice.password_hash);
    expect(w.sessions.liveOf(w.alice.id)).toHaveLength(3);
  });

  it('refuses (UNAUTHENTICATED) when the caller’s own session was revoked meanwhile, and changes nothing', async () => {
    const w = setup();
    await w.sessions.revoke(w.db.sql, w.principal.sessionId, 'logout');
    const err = await refusal(w.change.execute(w.principal, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, meta));

    expect(err.code).toBe('UNAUTHENTICATED');
    expect(w.db.rolledBack).toBe(1);
    expect(w.users.get(w.alice.id)!.password_hash).toBe(w.alice.password_hash);
    expect(w.sessions.liveOf(w.alice.id)).toHaveLength(2);
  });

  it('refuses (CONFLICT) when the password changed between the check and the row lock', async () => {
    const w = setup();
    const hash = w.hasher.hash.bind(w.hasher);
    // Another change commits while this one hashes its new password (before taking the lock).
    vi.spyOn(w.hasher, 'hash').mockImplementationOnce(async (p) => {
      w.users.update(undefined, w.alice.id, { password_hash: FakePasswordHasher.hashOf('changed elsewhere!') });
      return hash(p);
    });
    const err = await refusal(w.change.execute(w.principal, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, meta));

    expect(err.code).toBe('CONFLICT');
    expect(w.users.get(w.alice.id)!.password_hash).toBe(FakePasswordHasher.hashOf('changed elsewhere!'));
    expect(w.sessions.liveOf(w.alice.id)).toHaveLength(3);
    expect(w.audit.of('auth.password_changed')).toEqual([]);
  });

  it('keeps the other sessions when its transaction fails, and drops nothing afterwards', async () => {
    const w = setup();
    vi.spyOn(w.audit, 'append').mockRejectedValueOnce(new Error('audit insert failed'));
    await expect(w.change.execute(w.principal, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, meta)).rejects.toThrow(
      'audit insert failed',
    );

    expect(w.users.get(w.alice.id)!.password_hash).toBe(w.alice.password_hash);
    expect(w.sessions.liveOf(w.alice.id)).toHaveLength(3);
    expect(w.cache.invalidated).toEqual([]);
    expect(w.realtime.disconnected).toEqual([]);
  });
});
