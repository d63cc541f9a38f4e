import { REALTIME_EVENTS, userRoom } from '@tradeloop/contracts';
import { ADMIN_SET_LOCK, UpdateUserUseCase, type AdminUsersRepository } from '@tradeloop/identity';
import { port } from '../../fakes';
import { refusal } from '../refusal';
import { addUser, identityWorld, meta } from './identity-world';

function setup() {
  const w = identityWorld();
  const { db, users, sessions, audit, realtime, cache } = w.ports;
  const update = new UpdateUserUseCase(db, users, port<AdminUsersRepository>(w.adminUsers), sessions, audit, realtime, cache);
  const root = addUser(w, 'root@example.com', { roles: ['admin'] });
  const bob = addUser(w, 'bob@example.com', { roles: ['trader'] });
  return { ...w, update, root, bob };
}

describe('UpdateUserUseCase', () => {
  it('changes roles (normalised) under the admin-set lock, audits before and after, then tells the user', async () => {
    const w = setup();
    const updated = await w.update.execute(w.root.id, w.bob.id, { roles: ['quant', 'trader', 'quant'] }, meta);

    expect(updated).toMatchObject({ id: w.bob.id, roles: ['trader', 'quant'], disabled: false });
    expect(w.users.get(w.bob.id)!.roles).toEqual(['trader', 'quant']);
    expect(w.db.transactions).toEqual([{ lock: ADMIN_SET_LOCK, state: 'committed' }]);
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        actorId: w.root.id,
        action: 'user.roles_changed',
        subject: `user:${w.bob.id}`,
        details: { before: ['trader'], after: ['trader', 'quant'] },
        inTransaction: true,
      }),
    ]);
    expect(w.cache.invalidated).toEqual([{ userId: w.bob.id }]);
    expect(w.realtime.messages).toEqual([
      { kind: 'user', to: w.bob.id, event: REALTIME_EVENTS.userUpdated, payload: { user: updated }, openTransactions: 0 },
    ]);
    expect(w.realtime.disconnected).toEqual([]);
  });

  it('refuses to demote the last active admin (CONFLICT) and changes nothing; the lock was taken', async () => {
    const w = setup();
    const err = await refusal(w.update.execute(w.root.id, w.root.id, { roles: ['trader'] }, meta));

    expect(err.code).toBe('CONFLICT');
    expect(w.db.locks).toEqual([ADMIN_SET_LOCK]);
    expect(w.db.rolledBack).toBe(1);
    expect(w.users.get(w.root.id)!.roles).toEqual(['admin']);
    expect(w.audit.records).toEqual([]);
    expect(w.realtime.messages).toEqual([]);
  });

  it('refuses to disable the last active admin; a disabled admin does not count as another', async () => {
    const w = setup();
    addUser(w, 'old-admin@example.com', { roles: ['admin'], disabled_at: new Date('2024-01-01T00:00:00Z') });
    const err = await refusal(w.update.execute(w.root.id, w.root.id, { disabled: true }, meta));

    expect(err.code).toBe('CONFLICT');
    expect(w.db.locks).toEqual([ADMIN_SET_LOCK]);
    expect(w.users.get(w.root.id)!.disabled_at).toBeNull();
    expect(w.sessions.rows.size).toBe(0);
  });

  it('lets an admin step down while another active admin remains', async () => {
    const w = setup();
    addUser(w, 'second@example.com', { roles: ['admin'] });
    const updated = await w.update.execute(w.root.id, w.root.id, { roles: ['compliance'] }, meta);
    expect(updated.roles).toEqual(['compliance']);
  });

  it('two admins demoting each other at the same moment: the lock lets exactly one succeed', async () => {
    const w = setup();
    const second = addUser(w, 'second@example.com', { roles: ['admin'] });
    const results = await Promise.allSettled([
      w.update.execute(w.root.id, second.id, { roles: ['trader'] }, meta),
      w.update.execute(second.id, w.root.id, { roles: ['trader'] }, meta),
    ]);

    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await w.adminUsers.activeAdmins(w.db.sql)).toHaveLength(1);
    expect(w.db.locks).toEqual([ADMIN_SET_LOCK, ADMIN_SET_LOCK]);
  });

  it('disabling a user revokes all their sessions, audits how many, and closes their sockets', async () => {
    const w = setup();
    w.sessions.add(w.bob.id);
    w.sessions.add(w.bob.id);
    const rootSession = w.sessions.add(w.root.id);
    const updated = await w.update.execute(w.root.id, w.bob.id, { disabled: true }, meta);

    expect(updated.disabled).toBe(true);
    expect(w.users.get(w.bob.id)!.disabled_at).not.toBeNull();
    expect(w.sessions.liveOf(w.bob.id)).toEqual([]);
    expect(w.sessions.liveOf(w.root.id).map((s) => s.id)).toEqual([rootSession.id]);
    expect(w.audit.records.map((r) => [r.action, r.details])).toEqual([['user.disabled', { sessionsRevoked: 2 }]]);
    expect(w.realtime.disconnected).toEqual([userRoom(w.bob.id)]);
  });

  it('enabling a user again revokes nothing and keeps their sockets', async () => {
    const w = setup();
    w.users.update(undefined, w.bob.id, { disabled_at: new Date('2025-01-01T00:00:00Z') });
    const updated = await w.update.execute(w.root.id, w.bob.id, { disabled: false }, meta);

    expect(updated.disabled).toBe(false);
    expect(w.audit.records.map((r) => [r.action, r.details])).toEqual([['user.enabled', { sessionsRevoked: 0 }]]);
    expect(w.realtime.disconnected).toEqual([]);
  });

  it('writes no audit record for a patch that changes nothing', async () => {
    const w = setup();
    await w.update.execute(w.root.id, w.bob.id, { roles: ['trader'], disabled: false }, meta);
    expect(w.audit.records).toEqual([]);
    expect(w.db.committed).toBe(1);
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const w = setup();
    const err = await refusal(w.update.execute(w.root.id, '00000000-0000-7000-8000-000000000000', { roles: ['trader'] }, meta));
    expect(err.code).toBe('NOT_FOUND');
    expect(w.realtime.messages).toEqual([]);
  });
});
