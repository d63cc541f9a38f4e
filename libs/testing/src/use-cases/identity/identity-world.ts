import { randomUUID } from 'node:crypto';
import type { Db, RealtimePublisher } from '@tradeloop/platform';
import {
  AccessTokens,
  ChangePasswordUseCase,
  MfaSecrets,
  toUser,
  type AuditRepository,
  type PasswordHasher,
  type Principal,
  type PrincipalCache,
  type SessionsRepository,
  type UserRow,
  type UsersRepository,
} from '@tradeloop/identity';
import {
  FakeAdminUsers,
  FakeAudit,
  FakeDb,
  FakeLoginThrottle,
  FakePasswordHasher,
  FakePrincipalCache,
  FakeRealtime,
  FakeRegistrationThrottle,
  FakeSessions,
  FakeUsers,
  fakeConfig,
  injectedClass,
  port,
  type LoginThrottle,
} from '../../fakes';

/** Not exported by @tradeloop/identity: reached through ChangePasswordUseCase's @Inject metadata. */
type CredentialChanges = ConstructorParameters<typeof ChangePasswordUseCase>[4];
const CredentialChanges = injectedClass<CredentialChanges>(ChangePasswordUseCase, 4, 'CredentialChanges');

export const PASSWORD = 'correct horse battery';
export const meta = { ip: '203.0.113.7', userAgent: 'unit', requestId: 'req-1' };

/** The identity context over in-memory fakes; real MFA secrets, access tokens and CredentialChanges. */
export function identityWorld(configOverrides: Record<string, string> = {}) {
  const config = fakeConfig(configOverrides);
  const db = new FakeDb();
  const users = new FakeUsers(db);
  const adminUsers = new FakeAdminUsers(db, users);
  const sessions = new FakeSessions(db, users);
  const hasher = new FakePasswordHasher();
  const throttle = new FakeLoginThrottle(3);
  const registrations = new FakeRegistrationThrottle(2);
  const audit = new FakeAudit(db);
  const realtime = new FakeRealtime(db);
  const cache = new FakePrincipalCache();
  const mfa = new MfaSecrets(config);
  const tokens = new AccessTokens(config);
  const changes = new CredentialChanges(
    port<UsersRepository>(users),
    port<SessionsRepository>(sessions),
    port<PasswordHasher>(hasher),
    port<LoginThrottle>(throttle),
    port<AuditRepository>(audit),
    port<PrincipalCache>(cache),
    port<RealtimePublisher>(realtime),
  );
  /** The fakes typed as the classes constructors expect. */
  const ports = {
    db: port<Db>(db),
    users: port<UsersRepository>(users),
    sessions: port<SessionsRepository>(sessions),
    hasher: port<PasswordHasher>(hasher),
    throttle: port<LoginThrottle>(throttle),
    audit: port<AuditRepository>(audit),
    realtime: port<RealtimePublisher>(realtime),
    cache: port<PrincipalCache>(cache),
  };
  return { config, db, users, adminUsers, sessions, hasher, throttle, registrations, audit, realtime, cache, mfa, tokens, changes, ports };
}

export type IdentityWorld = ReturnType<typeof identityWorld>;

/** Seeds a user whose password is PASSWORD. */
export const addUser = (w: IdentityWorld, email: string, over: Partial<UserRow> = {}): UserRow =>
  w.users.add({ email, password_hash: FakePasswordHasher.hashOf(PASSWORD), ...over });

/** A live session of `user` and the principal a request on it carries. */
export function signedIn(w: IdentityWorld, user: UserRow): Principal {
  const session = w.sessions.add(user.id);
  return { userId: user.id, sessionId: session.id, email: user.email, roles: user.roles, user: toUser(user) };
}

/** Fixed TOTP secrets (base32, 20 bytes), so the codes of a test are the same on every run. */
export const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
export const OTHER_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** Turns MFA on for a user directly in the store; returns the plain secret, to make codes with. */
export function enrolMfa(w: IdentityWorld, user: UserRow, lastStep: number | null = null, secret = SECRET): string {
  w.users.update(undefined, user.id, {
    mfa_enabled: true,
    mfa_secret_enc: w.mfa.encrypt(secret),
    mfa_last_step: lastStep === null ? null : String(lastStep),
  });
  return secret;
}

export const anotherId = (): string => randomUUID();
