import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import type { MfaDisableRequest, MfaSetupResponse, User } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { CredentialChanges } from './credential-changes';
import { MfaSecrets } from './mfa-secrets';
import type { Principal } from './sessions.repository';
import { toUser, UsersRepository } from './users.repository';

/** Step 1 of enrolling TOTP: a fresh secret, kept pending until a code proves the app has it. */
@Injectable()
export class SetupMfaUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(MfaSecrets) private readonly mfa: MfaSecrets,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(principal: Principal, meta: RequestMeta): Promise<MfaSetupResponse> {
    return this.db.tx(async (sql) => {
      const user = await this.users.findById(principal.userId, sql, true);
      if (!user) throw new DomainError('UNAUTHENTICATED', 'User no longer exists');
      if (user.mfa_enabled) throw new DomainError('CONFLICT', 'MFA is already enabled for this account');
      const { secret, otpauthUrl } = this.mfa.generate(user.email);
      await this.users.setPendingMfaSecret(sql, user.id, this.mfa.encrypt(secret));
      await this.audit.append({ actorId: user.id, action: 'auth.mfa_setup_started', subject: `user:${user.id}`, meta }, sql);
      return { secret, otpauthUrl };
    });
  }
}

/**
 * Step 2: a valid code for the pending secret turns MFA on. Every other session of the user is
 * revoked, since it was established without the second factor, and their sockets are closed.
 */
@Injectable()
export class EnableMfaUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(MfaSecrets) private readonly mfa: MfaSecrets,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(CredentialChanges) private readonly changes: CredentialChanges,
  ) {}

  async execute(principal: Principal, otp: string, meta: RequestMeta): Promise<User> {
    const { user, revoked } = await this.db.tx(async (sql) => {
      const row = await this.changes.lockForChange(sql, principal);
      if (row.mfa_enabled) throw new DomainError('CONFLICT', 'MFA is already enabled for this account');
      if (!row.mfa_pending_secret_enc) throw new DomainError('INVALID_STATE', 'Start with POST /auth/mfa/setup');
      const step = this.mfa.matchStep(this.mfa.decrypt(row.mfa_pending_secret_enc), otp);
      if (step === null) {
        throw new DomainError('VALIDATION_FAILED', 'The code does not match the new secret', {
          fieldErrors: [{ field: 'otp', message: 'does not match; check the device clock and try the current code' }],
        });
      }
      await this.users.enableMfa(sql, row.id, step);
      const revokedIds = await this.changes.endOtherSessions(sql, principal, 'mfa_enabled');
      await this.audit.append(
        { actorId: row.id, action: 'auth.mfa_enabled', subject: `user:${row.id}`, details: { revokedSessions: revokedIds.length }, meta },
        sql,
      );
      return { user: toUser({ ...row, mfa_enabled: true }), revoked: revokedIds };
    });
    // Other sessions were revoked and this one's profile changed (mfaEnabled).
    await this.changes.afterCommit(principal.userId, revoked);
    return user;
  }
}

/**
 * Turns MFA off. Needs both factors again — a current code (not one already used) and the
 * account's password — checked like a login (throttled; wrong answers count as failed logins).
 * Every other session of the user is revoked with the change.
 */
@Injectable()
export class DisableMfaUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(MfaSecrets) private readonly mfa: MfaSecrets,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(CredentialChanges) private readonly changes: CredentialChanges,
  ) {}

  async execute(principal: Principal, input: MfaDisableRequest, meta: RequestMeta): Promise<User> {
    const current = await this.changes.userFor(principal, meta);
    if (!current.mfa_enabled) throw new DomainError('CONFLICT', 'MFA is not enabled for this account');
    await this.changes.assertPassword(current, input.password, 'password', 'auth.mfa_disable_failed', meta);

    const outcome = await this.db.tx(async (sql) => {
      const row = await this.changes.lockForChange(sql, principal);
      if (!row.mfa_enabled || !row.mfa_secret_enc) throw new DomainError('CONFLICT', 'MFA is not enabled for this account');
      if (row.password_hash !== current.password_hash) throw new DomainError('CONFLICT', 'The password was changed meanwhile; try again');
      const step = this.mfa.matchStep(this.mfa.decrypt(row.mfa_secret_enc), input.otp);
      // A code at or before the last accepted step was already used (by a login, say): refused.
      if (step === null || (row.mfa_last_step !== null && step <= Number(row.mfa_last_step))) return { ok: false as const };
      await this.users.disableMfa(sql, row.id);
      const revoked = await this.changes.endOtherSessions(sql, principal, 'mfa_disabled');
      await this.audit.append(
        { actorId: row.id, action: 'auth.mfa_disabled', subject: `user:${row.id}`, details: { revokedSessions: revoked.length }, meta },
        sql,
      );
      return { ok: true as const, user: toUser({ ...row, mfa_enabled: false }), revoked };
    });
    if (!outcome.ok) {
      await this.changes.recordFailure(current, 'auth.mfa_disable_failed', 'mfa_invalid', meta);
      throw new DomainError('MFA_INVALID', 'The one-time code is invalid or was already used', {
        fieldErrors: [{ field: 'otp', message: 'is invalid or was already used; wait for the next code' }],
      });
    }
    await this.changes.recordSuccess(current);
    await this.changes.afterCommit(principal.userId, outcome.revoked);
    return outcome.user;
  }
}
