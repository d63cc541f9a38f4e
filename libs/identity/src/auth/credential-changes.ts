import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import { sessionRoom, type AuditAction } from '@tradeloop/contracts';
import { RealtimePublisher, type Sql } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { PrincipalCache } from './principal-cache';
import { SessionsRepository, type Principal } from './sessions.repository';
import { UsersRepository, type UserRow } from './users.repository';

/**
 * What every change of a user's credentials (MFA on or off, a new password) shares:
 * - re-authentication: the password (and code) asked again are checked like a login — refused
 *   while the account or IP is throttled (429), and each wrong answer counts as a failed login
 *   and is audited;
 * - in the change's transaction: the user row is locked first (so two changes of one user
 *   serialise), the caller's own session must still be live, and every other session of the user
 *   is revoked;
 * - after commit: cached principals of the user are dropped (in every process) and the revoked
 *   sessions' sockets are closed.
 */
@Injectable()
export class CredentialChanges {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(PrincipalCache) private readonly cache: PrincipalCache,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
  ) {}

  /** The caller's user, once the login throttle allows another attempt for them (else 429). */
  async userFor(principal: Principal, meta: RequestMeta): Promise<UserRow> {
    await this.throttle.assertAllowed(principal.email, ipOf(meta));
    const user = await this.users.findById(principal.userId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'User no longer exists');
    return user;
  }

  /** Throws PASSWORD_INVALID naming `field` (after counting and auditing the failure) unless it is the user's password. */
  async assertPassword(user: UserRow, password: string, field: string, failedAction: AuditAction, meta: RequestMeta): Promise<void> {
    if (await this.hasher.verify(user.password_hash, password)) return;
    await this.recordFailure(user, failedAction, 'bad_password', meta);
    throw new DomainError('PASSWORD_INVALID', 'The password is wrong', {
      fieldErrors: [{ field, message: 'is not the password of this account' }],
    });
  }

  /** A wrong answer to a re-authentication: counts against the login throttle and is audited. */
  async recordFailure(user: UserRow, failedAction: AuditAction, reason: string, meta: RequestMeta): Promise<void> {
    const ip = ipOf(meta);
    await this.throttle.recordFailure(user.email, ip);
    await this.audit.append({ actorId: user.id, action: failedAction, subject: `user:${user.id}`, details: { reason, ip }, meta });
  }

  /** A successful re-authentication clears the account's failure count, as a login does. */
  async recordSuccess(user: UserRow): Promise<void> {
    await this.throttle.recordSuccess(user.email);
  }

  /**
   * In the change's transaction, first: locks the user row and checks the caller's session is
   * still live (another change may have revoked it while this request waited for the lock).
   */
  async lockForChange(sql: Sql, principal: Principal): Promise<UserRow> {
    const user = await this.users.findById(principal.userId, sql, true);
    if (!user || !(await this.sessions.isLive(sql, principal.sessionId))) {
      throw new DomainError('UNAUTHENTICATED', 'Session is no longer valid');
    }
    return user;
  }

  /** In the change's transaction: revokes every session of the user but the caller's; their ids. */
  endOtherSessions(sql: Sql, principal: Principal, reason: string): Promise<string[]> {
    return this.sessions.revokeOthers(sql, principal.userId, principal.sessionId, reason);
  }

  /** After commit: no process serves a stale principal of the user, and revoked sessions' sockets close. */
  async afterCommit(userId: string, revokedSessionIds: readonly string[]): Promise<void> {
    await this.cache.invalidate({ userId });
    for (const id of revokedSessionIds) this.realtime.disconnectRoom(sessionRoom(id));
  }
}

const ipOf = (meta: RequestMeta): string => meta.ip ?? 'unknown';
