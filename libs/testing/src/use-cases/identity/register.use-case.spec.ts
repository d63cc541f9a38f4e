import { RegisterUseCase } from '@tradeloop/identity';
import { FakePasswordHasher, port, type RegistrationThrottle } from '../../fakes';
import { fieldsOf, refusal } from '../refusal';
import { addUser, identityWorld, meta } from './identity-world';

const NOW = new Date('2025-03-14T09:26:53.000Z');
const input = { email: 'new@example.com', password: 'a long enough password', displayName: 'New Person' };

function setup(configOverrides: Record<string, string> = {}) {
  const w = identityWorld(configOverrides);
  const register = new RegisterUseCase(
    w.config,
    w.ports.db,
    w.ports.users,
    w.ports.hasher,
    w.ports.audit,
    port<RegistrationThrottle>(w.registrations),
  );
  return { ...w, register };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RegisterUseCase', () => {
  it('creates a trader with a hashed password and audits it in the same transaction', async () => {
    const w = setup();
    const user = await w.register.execute(input, meta);

    const stored = w.users.get(user.id)!;
    expect(stored).toMatchObject({ email: input.email, display_name: input.displayName, roles: ['trader'] });
    expect(stored.password_hash).toBe(FakePasswordHasher.hashOf(input.password));
    expect(user).toEqual({
      id: stored.id,
      email: input.email,
      displayName: input.displayName,
      roles: ['trader'],
      mfaEnabled: false,
      credentialChangeRequired: false,
      createdAt: NOW.toISOString(),
    });
    expect(w.audit.records).toEqual([
      expect.objectContaining({
        action: 'auth.registered',
        actorId: user.id,
        subject: `user:${user.id}`,
        details: { email: input.email, roles: ['trader'] },
        inTransaction: true,
      }),
    ]);
    expect(w.db.transactions).toEqual([{ lock: undefined, state: 'committed' }]);
  });

  it('answers a taken email like a fresh account, but stores nothing and audits the duplicate', async () => {
    const w = setup();
    const existing = addUser(w, input.email);
    const answer = await w.register.execute({ ...input, password: 'some other password' }, meta);

    expect(Object.keys(answer).sort()).toEqual([
      'createdAt',
      'credentialChangeRequired',
      'displayName',
      'email',
      'id',
      'mfaEnabled',
      'roles',
    ]);
    expect(answer).toMatchObject({ email: input.email, displayName: input.displayName, roles: ['trader'], mfaEnabled: false });
    expect(answer.id).not.toBe(existing.id);
    expect(w.users.get(answer.id)).toBeUndefined();
    expect(w.users.rows.size).toBe(1);
    expect(w.users.get(existing.id)!.password_hash).toBe(existing.password_hash);
    expect(w.audit.records.map((r) => [r.action, r.subject, r.details])).toEqual([
      ['auth.register_duplicate', `email:${input.email}`, { ip: meta.ip }],
    ]);
    // The same work as a fresh account: the password is hashed either way, and the attempt counts.
    expect(w.hasher.hashed).toEqual(['some other password']);
    expect(w.registrations.attempts.get(meta.ip)).toBe(1);
  });

  it('is refused (FORBIDDEN) when self-registration is off, before spending the budget', async () => {
    const w = setup({ REGISTRATION_ENABLED: 'false' });
    expect((await refusal(w.register.execute(input, meta))).code).toBe('FORBIDDEN');
    expect(w.registrations.attempts.size).toBe(0);
    expect(w.users.rows.size).toBe(0);
  });

  it('refuses past the budget with RATE_LIMITED, audits it and creates nothing', async () => {
    const w = setup();
    await w.register.execute({ ...input, email: 'one@example.com' }, meta);
    await w.register.execute({ ...input, email: 'two@example.com' }, meta);
    const err = await refusal(w.register.execute(input, meta));

    expect(err.code).toBe('RATE_LIMITED');
    expect(w.users.rows.size).toBe(2);
    expect(w.audit.of('auth.register_throttled').map((r) => [r.subject, r.details])).toEqual([
      [`email:${input.email}`, { ip: meta.ip, limit: 'ip' }],
    ]);
  });

  it('refuses an unacceptable password naming the field; the attempt still counts', async () => {
    const w = setup();
    const short = await refusal(w.register.execute({ ...input, password: 'short' }, meta));
    const isEmail = await refusal(w.register.execute({ ...input, password: input.email }, meta));

    expect([short.code, isEmail.code]).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(fieldsOf(short)).toEqual(['password']);
    expect(fieldsOf(isEmail)).toEqual(['password']);
    expect(w.registrations.attempts.get(meta.ip)).toBe(2);
    expect(w.users.rows.size).toBe(0);
    expect(w.db.transactions).toEqual([]);
  });

  it('leaves no user behind when a later step of its transaction fails', async () => {
    const w = setup();
    vi.spyOn(w.users, 'setRoles').mockRejectedValueOnce(new Error('role insert failed'));
    await expect(w.register.execute(input, meta)).rejects.toThrow('role insert failed');

    expect(w.db.rolledBack).toBe(1);
    expect(w.users.rows.size).toBe(0);
    expect(w.audit.records).toEqual([]);
  });

  describe('createUser (seeding, admin tooling)', () => {
    it('creates a user with the given roles even when self-registration is off, without the budget', async () => {
      const w = setup({ REGISTRATION_ENABLED: 'false' });
      const user = await w.register.createUser(input, ['quant', 'admin'], meta);

      expect(user.roles).toEqual(['admin', 'quant']); // canonical order, as read back
      expect(w.users.get(user.id)!.roles).toEqual(['admin', 'quant']);
      expect(w.registrations.attempts.size).toBe(0);
    });

    it('answers a taken email with CONFLICT naming the email (the caller is trusted)', async () => {
      const w = setup();
      addUser(w, input.email);
      const err = await refusal(w.register.createUser(input, ['trader'], meta));

      expect(err.code).toBe('CONFLICT');
      expect(fieldsOf(err)).toEqual(['email']);
      expect(w.users.rows.size).toBe(1);
      expect(w.audit.records).toEqual([]);
    });
  });
});
