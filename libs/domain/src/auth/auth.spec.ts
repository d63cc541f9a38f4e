import fc from 'fast-check';
import { DomainError } from '../errors';
import { assertAcceptablePassword, assertAdminRemains, decideRefresh, passwordProblems, type AdminStanding } from '.';

describe('password policy', () => {
  it('accepts long varied passwords', () => {
    expect(passwordProblems('correct horse battery')).toEqual([]);
  });
  it('rejects short, huge, repetitive or email-equal passwords', () => {
    expect(passwordProblems('short')).toEqual(['must be at least 10 characters']);
    expect(passwordProblems('x'.repeat(257))[0]).toMatch(/at most 256/);
    expect(passwordProblems('aaaaaaaaaaaa')).toEqual(['must use at least 3 different characters']);
    expect(passwordProblems('Me@Example.com', 'me@example.com')).toContain('must not be the email address');
  });
  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblems('🔒🔑🔐🔒🔑🔐🔒🔑🔐')).toEqual(['must be at least 10 characters']);
  });
  it('throws a validation error naming the field', () => {
    try {
      assertAcceptablePassword('short');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('VALIDATION_FAILED');
      expect((e as DomainError).options.fieldErrors?.[0]?.field).toBe('password');
    }
  });
});

describe('at least one active admin remains', () => {
  const admin = (id: string): AdminStanding => ({ id, roles: ['admin'], disabled: false });

  it('refuses to demote or disable the only admin', () => {
    const only = admin('a');
    expect(() => assertAdminRemains([only], only, { roles: ['trader'] })).toThrow(DomainError);
    expect(() => assertAdminRemains([only], only, { disabled: true })).toThrow(/without an active admin/);
  });

  it('allows it when another active admin exists', () => {
    expect(() => assertAdminRemains([admin('a'), admin('b')], admin('a'), { roles: [] })).not.toThrow();
  });

  it('ignores changes that keep the target an active admin, or that touch non-admins', () => {
    expect(() => assertAdminRemains([admin('a')], admin('a'), { roles: ['admin', 'trader'] })).not.toThrow();
    expect(() => assertAdminRemains([admin('a')], { id: 't', roles: ['trader'], disabled: false }, { disabled: true })).not.toThrow();
  });

  it('property: applying any allowed change never leaves zero active admins', () => {
    const standing = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd'), admin: fc.boolean(), disabled: fc.boolean() });
    fc.assert(
      fc.property(
        fc.uniqueArray(standing, { selector: (s) => s.id, minLength: 1 }),
        fc.nat(),
        fc.boolean(),
        fc.boolean(),
        (users, pick, keepAdmin, disable) => {
          const all = users.map((u) => ({ id: u.id, roles: u.admin ? (['admin'] as const) : (['trader'] as const), disabled: u.disabled }));
          const active = all.filter((u) => !u.disabled && u.roles.includes('admin' as never));
          if (active.length === 0) return; // the invariant only protects a state that holds it
          const target = all[pick % all.length]!;
          const change = { roles: keepAdmin ? (['admin'] as const) : (['trader'] as const), disabled: disable };
          let allowed = true;
          try {
            assertAdminRemains(active, target, change);
          } catch {
            allowed = false;
          }
          if (!allowed) return;
          const after = all.map((u) => (u.id === target.id ? { ...u, roles: change.roles, disabled: change.disabled } : u));
          expect(after.some((u) => !u.disabled && u.roles.includes('admin' as never))).toBe(true);
        },
      ),
    );
  });
});

describe('refresh decisions', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  const fresh = { rotatedAt: null, expiresAt: new Date('2026-11-23T00:00:00Z'), sessionRevokedAt: null, userDisabled: false };

  it('rotates a fresh token', () => expect(decideRefresh(fresh, now)).toEqual({ kind: 'rotate' }));
  it('detects reuse of a rotated token, even after it expired', () => {
    expect(decideRefresh({ ...fresh, rotatedAt: now }, now)).toEqual({ kind: 'reuse-detected' });
    expect(decideRefresh({ ...fresh, rotatedAt: now, expiresAt: new Date(0) }, now)).toEqual({ kind: 'reuse-detected' });
  });
  it('rejects revoked sessions, disabled users and expired tokens', () => {
    expect(decideRefresh({ ...fresh, sessionRevokedAt: now, rotatedAt: now }, now)).toEqual({ kind: 'reject', reason: 'session-revoked' });
    expect(decideRefresh({ ...fresh, userDisabled: true }, now)).toEqual({ kind: 'reject', reason: 'user-disabled' });
    expect(decideRefresh({ ...fresh, expiresAt: now }, now)).toEqual({ kind: 'reject', reason: 'expired' });
  });
});
