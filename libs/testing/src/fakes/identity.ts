import { randomBytes, randomUUID } from 'node:crypto';
import { DomainError, ROLES, type AdminStanding, type Role } from '@tradeloop/domain';
import type { Sql } from '@tradeloop/platform';
import type {
  AdminUsersRepository,
  LoginUseCase,
  PasswordHasher,
  PrincipalCache,
  RegisterUseCase,
  SessionsRepository,
  UserRow,
  UsersRepository,
} from '@tradeloop/identity';
import type { FakeDb } from './db';

// The throttles are not exported from @tradeloop/identity; their types are reached through the
// constructors that take them (a change of parameter order fails the type check here).
export type LoginThrottle = ConstructorParameters<typeof LoginUseCase>[7];
export type RegistrationThrottle = ConstructorParameters<typeof RegisterUseCase>[5];

/** Applies `change` to a stored value now and registers its inverse with the transaction of `sql`. */
function write<T extends object>(db: FakeDb, sql: Sql | undefined, target: T, change: Partial<T>): void {
  const before = { ...target };
  Object.assign(target, change);
  db.onRollback(sql, () => Object.assign(target, before));
}

const canonicalRoles = (roles: readonly Role[]): Role[] => ROLES.filter((r) => roles.includes(r));

/** The users table (with roles). Rows are copied out, so the code under test cannot edit the store. */
export class FakeUsers
  implements
    Pick<
      UsersRepository,
      | 'findByEmail'
      | 'findById'
      | 'insert'
      | 'setPasswordHash'
      | 'recordLogin'
      | 'spendMfaStep'
      | 'setPendingMfaSecret'
      | 'enableMfa'
      | 'disableMfa'
      | 'setRoles'
      | 'exists'
    >
{
  readonly rows = new Map<string, UserRow>();
  /** Ids of rows read with `lock = true` (SELECT … FOR UPDATE), in order. */
  readonly lockedReads: string[] = [];

  constructor(private readonly db: FakeDb) {}

  /** Seeds a user (outside any transaction); unspecified fields get ordinary defaults. */
  add(user: Partial<UserRow> & Pick<UserRow, 'email'>): UserRow {
    const at = new Date();
    const row: UserRow = {
      id: randomUUID(),
      display_name: user.email.split('@')[0]!,
      password_hash: 'no-password-set',
      mfa_enabled: false,
      mfa_secret_enc: null,
      mfa_pending_secret_enc: null,
      mfa_last_step: null,
      password_change_required: false,
      disabled_at: null,
      last_login_at: null,
      created_at: at,
      updated_at: at,
      roles: ['trader'],
      ...user,
    };
    this.rows.set(row.id, row);
    return { ...row };
  }

  /** The stored row as it is now (a copy), or undefined. */
  get(id: string): UserRow | undefined {
    const row = this.rows.get(id);
    return row && { ...row, roles: [...row.roles] };
  }

  async exists(id: string, _sql?: Sql): Promise<boolean> {
    return this.rows.has(id);
  }

  async findByEmail(email: string, _sql?: Sql): Promise<UserRow | undefined> {
    const row = [...this.rows.values()].find((u) => u.email === email);
    return row && this.get(row.id);
  }

  async findById(id: string, _sql?: Sql, lock = false): Promise<UserRow | undefined> {
    if (lock) this.lockedReads.push(id);
    return this.get(id);
  }

  async insert(
    sql: Sql,
    user: { id: string; email: string; displayName: string; passwordHash: string; temporary?: boolean },
  ): Promise<boolean> {
    if ([...this.rows.values()].some((u) => u.email === user.email)) return false;
    this.add({
      id: user.id,
      email: user.email,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      password_change_required: user.temporary ?? false,
      roles: [],
    });
    this.db.onRollback(sql, () => this.rows.delete(user.id));
    return true;
  }

  async setPasswordHash(sql: Sql, userId: string, passwordHash: string, temporary = false): Promise<void> {
    this.update(sql, userId, { password_hash: passwordHash, password_change_required: temporary, updated_at: new Date() });
  }

  async recordLogin(sql: Sql, userId: string): Promise<void> {
    this.update(sql, userId, { last_login_at: new Date() });
  }

  async spendMfaStep(userId: string, step: number, sql?: Sql): Promise<boolean> {
    const row = this.rows.get(userId);
    if (!row || (row.mfa_last_step !== null && Number(row.mfa_last_step) >= step)) return false;
    this.update(sql, userId, { mfa_last_step: String(step) });
    return true;
  }

  async setPendingMfaSecret(sql: Sql, userId: string, secretEnc: string): Promise<void> {
    this.update(sql, userId, { mfa_pending_secret_enc: secretEnc, updated_at: new Date() });
  }

  async enableMfa(sql: Sql, userId: string, step: number): Promise<void> {
    const row = this.rows.get(userId);
    if (!row) return;
    this.update(sql, userId, {
      mfa_enabled: true,
      mfa_secret_enc: row.mfa_pending_secret_enc,
      mfa_pending_secret_enc: null,
      mfa_last_step: String(step),
      updated_at: new Date(),
    });
  }

  async disableMfa(sql: Sql, userId: string): Promise<void> {
    this.update(sql, userId, {
      mfa_enabled: false,
      mfa_secret_enc: null,
      mfa_pending_secret_enc: null,
      mfa_last_step: null,
      updated_at: new Date(),
    });
  }

  async setRoles(sql: Sql, userId: string, roles: readonly Role[], _grantedBy: string | null): Promise<void> {
    this.update(sql, userId, { roles: canonicalRoles(roles), updated_at: new Date() });
  }

  /** An UPDATE … WHERE id = $1: no row, no change. */
  update(sql: Sql | undefined, userId: string, change: Partial<UserRow>): void {
    const row = this.rows.get(userId);
    if (row) write(this.db, sql, row, change);
  }
}

/** The admin view of the same users table. */
export class FakeAdminUsers implements Pick<AdminUsersRepository, 'activeAdmins' | 'setDisabled'> {
  constructor(
    private readonly db: FakeDb,
    private readonly users: FakeUsers,
  ) {}

  async activeAdmins(_sql: Sql): Promise<AdminStanding[]> {
    return [...this.users.rows.values()]
      .filter((u) => u.disabled_at === null && u.roles.includes('admin'))
      .map((u) => ({ id: u.id, roles: ['admin'], disabled: false }));
  }

  async setDisabled(sql: Sql, userId: string, disabled: boolean): Promise<void> {
    const row = this.users.rows.get(userId);
    if (!row) return;
    this.users.update(sql, userId, { disabled_at: disabled ? (row.disabled_at ?? new Date()) : null, updated_at: new Date() });
  }
}

export interface FakeSession {
  id: string;
  userId: string;
  expiresAt: Date;
  lastSeenAt: Date | null;
  ip: string | null;
  userAgent: string | null;
  /** The session's first refresh token. */
  refreshToken: string;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export interface FakeRefreshToken {
  id: string;
  sessionId: string;
  token: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  replacedBy: string | null;
}

/** Sessions and their refresh tokens. With `users`, token look-ups see the user's email and disabled state. */
export class FakeSessions
  implements
    Pick<
      SessionsRepository,
      'create' | 'issueToken' | 'findTokenForUpdate' | 'markRotated' | 'touch' | 'revoke' | 'isLive' | 'revokeOthers' | 'revokeAllForUser'
    >
{
  readonly rows = new Map<string, FakeSession>();
  /** By token string (the real table keeps only its hash). */
  readonly tokens = new Map<string, FakeRefreshToken>();

  constructor(
    private readonly db: FakeDb,
    private readonly users?: FakeUsers,
  ) {}

  /** Seeds a live session with one refresh token (outside any transaction). */
  add(userId: string, expiresAt = new Date(Date.now() + 86_400_000)): FakeSession {
    const id = randomUUID();
    const token = this.storeToken(id, expiresAt);
    const s: FakeSession = {
      id,
      userId,
      expiresAt,
      lastSeenAt: null,
      ip: null,
      userAgent: null,
      refreshToken: token.token,
      revokedAt: null,
      revokedReason: null,
    };
    this.rows.set(s.id, s);
    return { ...s };
  }

  /** The live sessions of a user. */
  liveOf(userId: string): FakeSession[] {
    return [...this.rows.values()].filter((s) => s.userId === userId && this.live(s)).map((s) => ({ ...s }));
  }

  async create(
    sql: Sql,
    s: { userId: string; expiresAt: Date; ip?: string; userAgent?: string },
  ): Promise<{ sessionId: string; refreshToken: string }> {
    const row = this.add(s.userId, s.expiresAt);
    const stored = this.rows.get(row.id)!;
    stored.ip = s.ip ?? null;
    stored.userAgent = s.userAgent?.slice(0, 512) ?? null;
    this.db.onRollback(sql, () => {
      this.rows.delete(row.id);
      this.tokens.delete(row.refreshToken);
    });
    return { sessionId: row.id, refreshToken: row.refreshToken };
  }

  async issueToken(sql: Sql, sessionId: string, expiresAt: Date): Promise<{ id: string; token: string }> {
    const t = this.storeToken(sessionId, expiresAt);
    this.db.onRollback(sql, () => this.tokens.delete(t.token));
    return { id: t.id, token: t.token };
  }

  async findTokenForUpdate(_sql: Sql, token: string): ReturnType<SessionsRepository['findTokenForUpdate']> {
    const t = this.tokens.get(token);
    const s = t && this.rows.get(t.sessionId);
    if (!t || !s) return undefined;
    const user = this.users?.get(s.userId);
    return {
      token_id: t.id,
      session_id: s.id,
      user_id: s.userId,
      email: user?.email ?? '',
      token_expires_at: t.expiresAt,
      rotated_at: t.rotatedAt,
      session_revoked_at: s.revokedAt,
      user_disabled_at: user?.disabled_at ?? null,
    };
  }

  async markRotated(sql: Sql, tokenId: string, replacedBy: string | null): Promise<void> {
    const t = [...this.tokens.values()].find((x) => x.id === tokenId);
    if (t) write(this.db, sql, t, { rotatedAt: new Date(), replacedBy });
  }

  async touch(sql: Sql, sessionId: string, expiresAt: Date): Promise<void> {
    const s = this.rows.get(sessionId);
    if (s) write(this.db, sql, s, { lastSeenAt: new Date(), expiresAt });
  }

  async revoke(sql: Sql, sessionId: string, reason: string): Promise<void> {
    const s = this.rows.get(sessionId);
    if (s && s.revokedAt === null) write(this.db, sql, s, { revokedAt: new Date(), revokedReason: reason });
  }

  async isLive(_sql: Sql, sessionId: string): Promise<boolean> {
    const s = this.rows.get(sessionId);
    return s !== undefined && this.live(s);
  }

  async revokeOthers(sql: Sql, userId: string, keepSessionId: string, reason: string): Promise<string[]> {
    const ids: string[] = [];
    for (const s of this.rows.values()) {
      if (s.userId !== userId || s.id === keepSessionId || s.revokedAt !== null) continue;
      write(this.db, sql, s, { revokedAt: new Date(), revokedReason: reason });
      ids.push(s.id);
    }
    return ids;
  }

  async revokeAllForUser(sql: Sql, userId: string, reason: string): Promise<number> {
    let n = 0;
    for (const s of this.rows.values()) {
      if (s.userId !== userId || s.revokedAt !== null) continue;
      write(this.db, sql, s, { revokedAt: new Date(), revokedReason: reason });
      n += 1;
    }
    return n;
  }

  private storeToken(sessionId: string, expiresAt: Date): FakeRefreshToken {
    const t: FakeRefreshToken = {
      id: randomUUID(),
      sessionId,
      token: randomBytes(32).toString('base64url'),
      expiresAt,
      rotatedAt: null,
      replacedBy: null,
    };
    this.tokens.set(t.token, t);
    return t;
  }

  private live(s: FakeSession): boolean {
    return s.revokedAt === null && s.expiresAt.getTime() > Date.now();
  }
}

/**
 * A password hasher without argon2's cost: `hash(p)` is `fake-hash:p`. Every call is recorded, so a test can see that an unknown account was still checked (against no hash).
 */
export class FakePasswordHasher implements Pick<PasswordHasher, 'hash' | 'verify'> {
  readonly hashed: string[] = [];
  readonly verified: { encoded: string | null; password: string }[] = [];

  static hashOf(password: string): string {
    return `fake-hash:${password}`;
  }

  async hash(password: string): Promise<string> {
    this.hashed.push(password);
    return FakePasswordHasher.hashOf(password);
  }

  async verify(encoded: string | null, password: string): Promise<boolean> {
    this.verified.push({ encoded, password });
    return encoded !== null && encoded === FakePasswordHasher.hashOf(password);
  }
}

/**
 * Failed-login counting in memory: an account or IP with `maxFailures` failures is refused
 * (RATE_LIMITED) until a success clears the account's count (the IP's stays, as in LoginThrottle).
 */
export class FakeLoginThrottle implements Pick<LoginThrottle, 'assertAllowed' | 'recordFailure' | 'recordSuccess'> {
  readonly failures = new Map<string, number>();

  constructor(private readonly maxFailures = 5) {}

  async assertAllowed(email: string, ip: string): Promise<void> {
    const spent = Math.max(this.failures.get(`acct:${email}`) ?? 0, this.failures.get(`ip:${ip}`) ?? 0);
    if (spent >= this.maxFailures)
      throw new DomainError('RATE_LIMITED', 'Too many failed logins; try again later', { retryAfterSeconds: 900 });
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    for (const key of [`acct:${email}`, `ip:${ip}`]) this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  async recordSuccess(email: string): Promise<void> {
    this.failures.delete(`acct:${email}`);
  }

  failuresOf(email: string): number {
    return this.failures.get(`acct:${email}`) ?? 0;
  }
}

/** A registration budget per IP, in memory: every attempt counts; past `perIp` it is RATE_LIMITED. */
export class FakeRegistrationThrottle implements Pick<RegistrationThrottle, 'consume'> {
  readonly attempts = new Map<string, number>();

  constructor(private readonly perIp = 1000) {}

  async consume(ip: string): Promise<void> {
    const spent = this.attempts.get(ip) ?? 0;
    if (spent >= this.perIp) {
      throw new DomainError('RATE_LIMITED', 'Too many registrations from this address; try again later', {
        retryAfterSeconds: 60,
        context: { limit: 'ip' },
      });
    }
    this.attempts.set(ip, spent + 1);
  }
}

/** Records the principal-cache invalidations a change asks for. */
export class FakePrincipalCache implements Pick<PrincipalCache, 'invalidate'> {
  readonly invalidated: ({ userId: string } | { sessionId: string })[] = [];

  async invalidate(target: { userId: string } | { sessionId: string }): Promise<void> {
    this.invalidated.push(target);
  }
}
