import { Inject, Injectable } from '@nestjs/common';
import type { UserId } from '@tradeloop/domain';
import type { IssuedPassword } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { newTemporaryPassword, PasswordHasher, UsersRepository } from '../auth';
import { toAdminUser } from './admin-users.repository';
import { CredentialResets } from './credential-resets';

/**
 * An admin replaces another user's password with a temporary one (docs/api.md
 * `POST /api/v1/admin/users/{id}/reset-password`), answered once: the old password stops working,
 * every session of the user ends, and the user chooses their own password at their next sign-in.
 * Audited as `user.password_reset` (never with the password). Each call issues a new password;
 * the last one answered is the one that works.
 */
@Injectable()
export class ResetPasswordUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(CredentialResets) private readonly resets: CredentialResets,
  ) {}

  async execute(actorId: string, userId: UserId, meta: RequestMeta): Promise<IssuedPassword> {
    this.resets.assertNotSelf(actorId, userId, 'password');
    const temporaryPassword = newTemporaryPassword();
    const passwordHash = await this.hasher.hash(temporaryPassword);
    const user = await this.db.tx(async (sql) => {
      await this.resets.lockTarget(sql, userId);
      await this.users.setPasswordHash(sql, userId, passwordHash, true);
      const sessionsRevoked = await this.resets.endSessions(sql, userId, 'password_reset');
      await this.audit.append(
        { actorId, action: 'user.password_reset', subject: `user:${userId}`, details: { sessionsRevoked }, meta },
        sql,
      );
      return toAdminUser((await this.users.findById(userId, sql))!);
    });
    await this.resets.afterCommit(user);
    return { user, temporaryPassword };
  }
}
