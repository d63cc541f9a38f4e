import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError, type UserId } from '@tradeloop/domain';
import { REALTIME_EVENTS, userRoom, type AdminUser } from '@tradeloop/contracts';
import { LOGGER, RealtimePublisher, type Sql } from '@tradeloop/platform';
import { PrincipalCache, SessionsRepository, UsersRepository, type UserRow } from '../auth';
import { LoginThrottle } from '../auth/login-throttle';

/**
 * What an admin's reset of another user's credentials (a temporary password, MFA off) shares —
 * the admin-side counterpart of CredentialChanges:
 * - never the admin's own account: their own changes go through Account, which asks for their
 *   password (and code) again; a stolen admin session must not be able to skip that (409);
 * - in the reset's transaction: the user row is locked first (so a reset and the user's own change
 *   serialise) and every session of the user is revoked;
 * - after commit: cached principals of the user are dropped in every process, admins' lists hear
 *   `user.updated`, the user's sockets close, and the account's failed-login count is cleared so
 *   the new credentials work at once. These steps never fail the request: the reset committed,
 *   and its answer (the temporary password) must reach the admin.
 */
@Injectable()
export class CredentialResets {
  constructor(
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(PrincipalCache) private readonly cache: PrincipalCache,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Refuses a reset of the caller's own account (409: Account → security is the way, with re-authentication). */
  assertNotSelf(actorId: string, userId: string, what: string): void {
    if (actorId === userId) {
      throw new DomainError('CONFLICT', `This is your own account: change your ${what} under Account, which asks for your password`);
    }
  }

  /** In the reset's transaction, first: the user's row, locked (404 when there is no such user). */
  async lockTarget(sql: Sql, userId: UserId): Promise<UserRow> {
    const row = await this.users.findById(userId, sql, true);
    if (!row) throw new DomainError('NOT_FOUND', 'No such user');
    return row;
  }

  /** In the reset's transaction: every session of the user ends; how many were live. */
  endSessions(sql: Sql, userId: UserId, reason: string): Promise<number> {
    return this.sessions.revokeAllForUser(sql, userId, reason);
  }

  /** After commit (best effort, see above). */
  async afterCommit(user: AdminUser): Promise<void> {
    await this.cache.invalidate({ userId: user.id });
    await this.realtime.toUser(user.id, REALTIME_EVENTS.userUpdated, { user });
    this.realtime.disconnectRoom(userRoom(user.id));
    await this.throttle.recordSuccess(user.email).catch((err: unknown) => {
      this.logger.warn({ userId: user.id, err: (err as Error).message }, 'failed-login count not cleared after a reset');
    });
  }
}
