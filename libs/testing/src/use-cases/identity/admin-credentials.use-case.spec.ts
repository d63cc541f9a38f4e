import type { Logger } from 'pino';
import { REALTIME_EVENTS, userRoom } from '@tradeloop/contracts';
import { ChangePasswordUseCase, CreateUserUseCase, CredentialResets, ResetMfaUseCase, ResetPasswordUseCase } from '@tradeloop/identity';
import { FakeLogger, FakePasswordHasher, port } from '../../fakes';
import { fieldsOf, refusal } from '../refusal';
import { addUser, enrolMfa, identityWorld, meta, signedIn } from './identity-world';

const TEMPORARY = /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/;

function setup() {
  const w = identityWorld();
  const { db, users, sessions, hasher, audit, realtime, cache, throttle } = w.ports;
  const resets = new CredentialResets(users, sessions, cache, realtime, throttle, port<Logger>(new FakeLogger()));
  const root = addUser(w, 'root@example.com', { roles: ['admin'] });
  const bob = addUser(w, 'bob@example.com', { roles: ['trader'] });
  return {
    ...w,
    root,
    bob,
    create: new CreateUserUseCase(db, users, hasher, audit, realtime),
    resetPassword: new ResetPasswordUseCase(db, users, hasher, audit, resets),
    resetMfa: new ResetMfaUseCase(db, users, audit, resets),
  };
}

describe('CreateUserUseCase', () => {
  it('creates the user with normalised roles and a temporary password (only its hash stored), audited in the transaction', async () => {
    const w = setup();
    const out = await w.create.execute(
      w.root.id,
      { email: 'new@example.com', displayName: 'New One', roles: ['quant', 'trader', 'quant'] },
      meta,
    );

    expect(out.temporaryPassword).toMatch(TEMPORARY);
    expect(out.user).toMatchObject({
      email: 'new@example.com',
      displayName: 'New One',
      roles: ['trader', 'quant'],
      credentialChangeRequired: true,
    });
    const stored = w.users.get(out.user.id)!;
    expect(stored.password_hash).toBe(FakePasswordHasher.hashOf(out.temporaryPassword));
    expect(stored.password_change_required).toBe(true);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: w.root.id,
        action: 'user.created',
        subject: `user:${out.user.id}`,
        details: { email: 'new@example.com', roles: ['trader', 'quant'] },
        inTransaction: true,
      }),
    ]);
    expect(JSON.stringify(w.audit.records)).not.toContain(out.temporaryPassword);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'committed' }]);
    expect(w.realtime.messages).toEqual([
      { kind: 'user', to: out.user.id, event: REALTIME_EVENTS.userUpdated, payload: { user: out.user }, openTransactions: 0 },
    ]);
  });

  it('a taken email is a CONFLICT naming email, and nothing is written', async () => {
    const w = setup();
    const before = w.users.rows.size;
    const err = await refusal(w.create.execute(w.root.id, { email: 'bob@example.com', displayName: 'Bob 2', roles: ['trader'] }, meta));

    expect(err.code).toBe('CONFLICT');
    expect(fieldsOf(err)).toEqual(['email']);
    expect(w.users.rows.size).toBe(before);
    expect(w.audit.records).toEqual([]);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'rolled-back' }]);
    expect(w.realtime.messages).toEqual([]);
  });
});

describe('ResetPasswordUseCase', () => {
  it('replaces the password with a temporary one, ends every session, audits, then drops caches, tells and disconnects the user', async () => {
    const w = setup();
    signedIn(w, w.bob);
    signedIn(w, w.bob);
    await w.throttle.recordFailure(w.bob.email, '198.51.100.1');
    const out = await w.resetPassword.execute(w.root.id, w.bob.id, meta);

    expect(out.temporaryPassword).toMatch(TEMPORARY);
    expect(out.user).toMatchObject({ id: w.bob.id, credentialChangeRequired: true });
    expect(w.users.get(w.bob.id)!.password_hash).toBe(FakePasswordHasher.hashOf(out.temporaryPassword));
    expect(w.users.lockedReads).toEqual([w.bob.id]);
    expect(w.sessions.liveOf(w.bob.id)).toEqual([]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: w.root.id,
        action: 'user.password_reset',
        subject: `user:${w.bob.id}`,
        details: { sessionsRevoked: 2 },
        inTransaction: true,
      }),
    ]);
    expect(w.cache.invalidated).toEqual([{ userId: w.bob.id }]);
    expect(w.realtime.disconnected).toEqual([userRoom(w.bob.id)]);
    expect(w.throttle.failuresOf(w.bob.email)).toBe(0); // the new password works at once
  });

  it('the user’s own new password clears the mark (ChangePasswordUseCase)', async () => {
    const w = setup();
    const { temporaryPassword } = await w.resetPassword.execute(w.root.id, w.bob.id, meta);
    const change = new ChangePasswordUseCase(w.ports.db, w.ports.users, w.ports.hasher, w.ports.audit, w.changes);
    await change.execute(signedIn(w, w.bob), { currentPassword: temporaryPassword, newPassword: 'my own good password' }, meta);

    expect(w.users.get(w.bob.id)).toMatchObject({
      password_hash: FakePasswordHasher.hashOf('my own good password'),
      password_change_required: false,
    });
  });

  it('refuses the admin’s own account (CONFLICT) and an unknown user (NOT_FOUND), changing nothing', async () => {
    const w = setup();
    signedIn(w, w.root);
    const own = await refusal(w.resetPassword.execute(w.root.id, w.root.id, meta));
    expect(own.code).toBe('CONFLICT');
    const unknown = await refusal(w.resetPassword.execute(w.root.id, '0190f5e6-0000-7000-8000-000000000000', meta));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(w.users.get(w.root.id)!.password_hash).toBe(w.root.password_hash);
    expect(w.sessions.liveOf(w.root.id)).toHaveLength(1);
    expect(w.audit.records).toEqual([]);
    expect(w.cache.invalidated).toEqual([]);
  });
});

describe('ResetMfaUseCase', () => {
  it('turns MFA off (secret forgotten), ends every session and audits', async () => {
    const w = setup();
    enrolMfa(w, w.bob);
    signedIn(w, w.bob);
    const user = await w.resetMfa.execute(w.root.id, w.bob.id, meta);

    expect(user).toMatchObject({ id: w.bob.id, mfaEnabled: false, credentialChangeRequired: false });
    expect(w.users.get(w.bob.id)).toMatchObject({ mfa_enabled: false, mfa_secret_enc: null, mfa_last_step: null });
    expect(w.sessions.liveOf(w.bob.id)).toEqual([]);
    expect(w.audit.actions()).toEqual(['user.mfa_reset']);
    expect(w.audit.records[0]).toMatchObject({ actorId: w.root.id, details: { sessionsRevoked: 1 }, inTransaction: true });
    expect(w.realtime.disconnected).toEqual([userRoom(w.bob.id)]);
  });

  it('MFA not on is a CONFLICT; the sessions stay and nothing is audited', async () => {
    const w = setup();
    signedIn(w, w.bob);
    const err = await refusal(w.resetMfa.execute(w.root.id, w.bob.id, meta));

    expect(err.code).toBe('CONFLICT');
    expect(w.sessions.liveOf(w.bob.id)).toHaveLength(1);
    expect(w.audit.records).toEqual([]);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'rolled-back' }]);
  });
});
