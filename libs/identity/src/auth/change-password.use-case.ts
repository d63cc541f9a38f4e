import { Inject, Injectable } from '@nestjs/common';
import { assertAcceptablePassword, DomainError } from '@tradeloop/domain';
import type { ChangePasswordRequest } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { CredentialChanges } from './credential-changes';
import { PasswordHasher } from './password-hasher';
import type { Principal } from './sessions.repository';
import { UsersRepository } from './users.repository';

/**
 * A new password for the caller, confirmed with the current one (checked like a login: throttled,
 * a wrong one counts as a failed login). The new one passes the registration policy and differs
 * from the current one. Every other session of the user is revoked with the change; the caller's
 * stays signed in.
 */
@Injectable()
export class ChangePasswordUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(CredentialChanges) private readonly changes: CredentialChanges,
  ) {}

  async execute(principal: Principal, input: ChangePasswordRequest, meta: RequestMeta): Promise<void> {
    const current = await this.changes.userFor(principal, meta);
    await this.changes.assertPassword(current, input.currentPassword, 'currentPassword', 'auth.password_change_failed', meta);
    // The contract refuses a new password equal to the one given as current, which was just
    // verified; the email rule needs the account's email.
    if (input.newPassword === input.currentPassword) {
      throw new DomainError('VALIDATION_FAILED', 'The new password is the current one', {
        fieldErrors: [{ field: 'newPassword', message: 'must differ from the current password' }],
      });
    }
    assertAcceptablePassword(input.newPassword, current.email, 'newPassword');
    // Hashed before the transaction: argon2 takes tens of milliseconds, the row lock need not.
    const passwordHash = await this.hasher.hash(input.newPassword);

    const revoked = await this.db.tx(async (sql) => {
      const row = await this.changes.lockForChange(sql, principal);
      if (row.password_hash !== current.password_hash) throw new DomainError('CONFLICT', 'The password was changed meanwhile; try again');
      await this.users.setPasswordHash(sql, row.id, passwordHash);
      const ids = await this.changes.endOtherSessions(sql, principal, 'password_changed');
      await this.audit.append(
        { actorId: row.id, action: 'auth.password_changed', subject: `user:${row.id}`, details: { revokedSessions: ids.length }, meta },
        sql,
      );
      return ids;
    });
    await this.changes.recordSuccess(current);
    await this.changes.afterCommit(principal.userId, revoked);
  }
}
