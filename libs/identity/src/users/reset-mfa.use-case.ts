import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type UserId } from '@tradeloop/domain';
import type { AdminUser } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { UsersRepository } from '../auth';
import { toAdminUser } from './admin-users.repository';
import { CredentialResets } from './credential-resets';

/**
 * An admin turns another user's two-factor authentication off (docs/api.md
 * `POST /api/v1/admin/users/{id}/reset-mfa`) — a lost phone: the secret is forgotten, so the user
 * signs in with their password alone and enrols again under Account. Every session of the user
 * ends (one may be on the lost device). 409 when MFA is not on. Audited as `user.mfa_reset`.
 */
@Injectable()
export class ResetMfaUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(CredentialResets) private readonly resets: CredentialResets,
  ) {}

  async execute(actorId: string, userId: UserId, meta: RequestMeta): Promise<AdminUser> {
    this.resets.assertNotSelf(actorId, userId, 'two-factor authentication');
    const user = await this.db.tx(async (sql) => {
      const row = await this.resets.lockTarget(sql, userId);
      if (!row.mfa_enabled) throw new DomainError('CONFLICT', 'Two-factor authentication is not on for this user');
      await this.users.disableMfa(sql, userId);
      const sessionsRevoked = await this.resets.endSessions(sql, userId, 'mfa_reset');
      await this.audit.append({ actorId, action: 'user.mfa_reset', subject: `user:${userId}`, details: { sessionsRevoked }, meta }, sql);
      return toAdminUser((await this.users.findById(userId, sql))!);
    });
    await this.resets.afterCommit(user);
    return user;
  }
}
