import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import type { MfaSetupResponse, User } from '@tradeloop/contracts';
import { Db } from '../db';
import { AuditRepository, type RequestMeta } from '../audit';
import { MfaSecrets } from './mfa-secrets';
import { PrincipalCache } from './principal-cache';
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
      await sql.rows(`UPDATE users SET mfa_pending_secret_enc = $2, updated_at = now() WHERE id = $1`, [user.id, this.mfa.encrypt(secret)]);
      await this.audit.append({ actorId: user.id, action: 'auth.mfa_setup_started', subject: `user:${user.id}`, meta }, sql);
      return { secret, otpauthUrl };
    });
  }
}

/**
 * Step 2: a valid code for the pending secret turns MFA on. Every other session of the user is
 * revoked, since it was established without the second factor.
 */
@Injectable()
export class EnableMfaUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(MfaSecrets) private readonly mfa: MfaSecrets,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(PrincipalCache) private readonly cache: PrincipalCache,
  ) {}

  async execute(principal: Principal, otp: string, meta: RequestMeta): Promise<User> {
    const user = await this.enable(principal, otp, meta);
    // Other sessions were revoked and this one's profile changed (mfaEnabled).
    await this.cache.invalidate({ userId: principal.userId });
    return user;
  }

  private enable(principal: Principal, otp: string, meta: RequestMeta): Promise<User> {
    return this.db.tx(async (sql) => {
      const user = await this.users.findById(principal.userId, sql, true);
      if (!user) throw new DomainError('UNAUTHENTICATED', 'User no longer exists');
      if (user.mfa_enabled) throw new DomainError('CONFLICT', 'MFA is already enabled for this account');
      if (!user.mfa_pending_secret_enc) throw new DomainError('INVALID_STATE', 'Start with POST /auth/mfa/setup');
      const step = this.mfa.matchStep(this.mfa.decrypt(user.mfa_pending_secret_enc), otp);
      if (step === null) {
        throw new DomainError('VALIDATION_FAILED', 'The code does not match the new secret', {
          fieldErrors: [{ field: 'otp', message: 'does not match; check the device clock and try the current code' }],
        });
      }
      await sql.rows(
        `UPDATE users SET mfa_enabled = true, mfa_secret_enc = mfa_pending_secret_enc, mfa_pending_secret_enc = NULL,
                mfa_last_step = $2, updated_at = now() WHERE id = $1`,
        [user.id, step],
      );
      await sql.rows(
        `UPDATE sessions SET revoked_at = now(), revoked_reason = 'mfa_enabled'
         WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`,
        [user.id, principal.sessionId],
      );
      await this.audit.append({ actorId: user.id, action: 'auth.mfa_enabled', subject: `user:${user.id}`, meta }, sql);
      return toUser({ ...user, mfa_enabled: true });
    });
  }
}
