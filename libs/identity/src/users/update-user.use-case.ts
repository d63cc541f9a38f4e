import { Inject, Injectable } from '@nestjs/common';
import { assertAdminRemains, DomainError, normalizeRoles } from '@tradeloop/domain';
import { REALTIME_EVENTS, userRoom, type AdminUser, type AdminUserPatch } from '@tradeloop/contracts';
import { Db, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { PrincipalCache, SessionsRepository, UsersRepository } from '../auth';
import { AdminUsersRepository, toAdminUser } from './admin-users.repository';

/**
 * An admin changes a user's roles and/or disables them. Changes that would leave no enabled
 * admin are refused; the check runs under a transaction-scoped advisory lock so two admins
 * demoting each other at the same moment cannot both succeed.
 */
/** The advisory lock every change to who is an admin holds (AdminUsersRepository.activeAdmins). */
export const ADMIN_SET_LOCK = 'tradeloop:admin-set';

@Injectable()
export class UpdateUserUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(AdminUsersRepository) private readonly adminUsers: AdminUsersRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
    @Inject(PrincipalCache) private readonly cache: PrincipalCache,
  ) {}

  async execute(actorId: string, userId: string, patch: AdminUserPatch, meta: RequestMeta): Promise<AdminUser> {
    // One admin-set change at a time, so two demotions cannot each see the other admin remaining.
    const updated = await this.db.tx(
      async (sql) => {
        const before = await this.users.findById(userId, sql, true);
        if (!before) throw new DomainError('NOT_FOUND', 'User not found');
        const roles = patch.roles ? normalizeRoles(patch.roles) : undefined;
        const standing = { id: before.id, roles: before.roles, disabled: before.disabled_at !== null };
        assertAdminRemains(await this.adminUsers.activeAdmins(sql), standing, { roles, disabled: patch.disabled });

        if (roles && roles.join() !== before.roles.join()) {
          await this.users.setRoles(sql, userId, roles, actorId);
          await this.audit.append(
            { actorId, action: 'user.roles_changed', subject: `user:${userId}`, details: { before: before.roles, after: roles }, meta },
            sql,
          );
        }
        if (patch.disabled !== undefined && patch.disabled !== standing.disabled) {
          await this.adminUsers.setDisabled(sql, userId, patch.disabled);
          // A disabled user must lose access now, not when their refresh token expires.
          const revoked = patch.disabled ? await this.sessions.revokeAllForUser(sql, userId, 'user_disabled') : 0;
          await this.audit.append(
            {
              actorId,
              action: patch.disabled ? 'user.disabled' : 'user.enabled',
              subject: `user:${userId}`,
              details: { sessionsRevoked: revoked },
              meta,
            },
            sql,
          );
        }
        return toAdminUser((await this.users.findById(userId, sql))!);
      },
      { lock: ADMIN_SET_LOCK },
    );
    await this.cache.invalidate({ userId });
    await this.realtime.toUser(userId, REALTIME_EVENTS.userUpdated, { user: updated });
    if (updated.disabled) this.realtime.disconnectRoom(userRoom(userId));
    return updated;
  }
}
