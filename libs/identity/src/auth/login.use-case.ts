import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@tradeloop/domain';
import type { LoginRequest, LoginResponse } from '@tradeloop/contracts';
import { APP_CONFIG, type AppConfig, Db } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { AccessTokens } from './access-tokens';
import { LoginThrottle } from './login-throttle';
import { MfaSecrets } from './mfa-secrets';
import { PasswordHasher } from './password-hasher';
import { SessionsRepository } from './sessions.repository';
import { toUser, UsersRepository, type UserRow } from './users.repository';

const BAD_CREDENTIALS = 'Invalid email or password';

/**
 * Password (+ TOTP when enabled) → a new session with a refresh token and an access token.
 * Unknown email, wrong password and disabled account all answer the same 401 after the same
 * amount of work, so the endpoint cannot be used to discover accounts.
 */
@Injectable()
export class LoginUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(MfaSecrets) private readonly mfa: MfaSecrets,
    @Inject(AccessTokens) private readonly tokens: AccessTokens,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(input: LoginRequest, meta: RequestMeta): Promise<LoginResponse> {
    const ip = meta.ip ?? 'unknown';
    try {
      await this.throttle.assertAllowed(input.email, ip);
    } catch (err) {
      await this.audit.append({ actorId: null, action: 'auth.login_throttled', subject: `email:${input.email}`, details: { ip }, meta });
      throw err;
    }

    const user = await this.users.findByEmail(input.email);
    const passwordOk = await this.hasher.verify(user?.password_hash ?? null, input.password);
    if (!user || !passwordOk || user.disabled_at) {
      await this.fail(input.email, ip, user, user && passwordOk ? 'disabled' : 'bad_credentials', meta);
      throw new DomainError('UNAUTHENTICATED', BAD_CREDENTIALS);
    }

    if (user.mfa_enabled) await this.checkOtp(user, input.otp, ip, meta);

    const expiresAt = new Date(Date.now() + this.config.REFRESH_TTL_DAYS * 86_400_000);
    const { sessionId, refreshToken } = await this.db.tx(async (sql) => {
      const created = await this.sessions.create(sql, { userId: user.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent });
      await this.users.recordLogin(sql, user.id);
      await this.audit.append(
        {
          actorId: user.id,
          action: 'auth.login_succeeded',
          subject: `user:${user.id}`,
          details: { sessionId: created.sessionId, mfa: user.mfa_enabled },
          meta,
        },
        sql,
      );
      return created;
    });
    await this.throttle.recordSuccess(input.email);
    const accessToken = await this.tokens.sign({ userId: user.id, sessionId });
    return { accessToken, refreshToken, expiresIn: this.tokens.ttlSeconds, user: toUser(user) };
  }

  private async checkOtp(user: UserRow, otp: string | undefined, ip: string, meta: RequestMeta): Promise<void> {
    if (!otp) throw new DomainError('MFA_REQUIRED', 'A one-time code from your authenticator app is required');
    const step = this.mfa.matchStep(this.mfa.decrypt(user.mfa_secret_enc!), otp);
    // Recording the step atomically refuses a replay of the same code, even by a parallel request.
    const accepted = step !== null && (await this.users.spendMfaStep(user.id, step));
    if (!accepted) {
      await this.fail(user.email, ip, user, 'mfa_invalid', meta);
      throw new DomainError('MFA_INVALID', 'The one-time code is invalid or was already used');
    }
  }

  private async fail(email: string, ip: string, user: UserRow | undefined, reason: string, meta: RequestMeta) {
    await this.throttle.recordFailure(email, ip);
    await this.audit.append({
      actorId: user?.id ?? null,
      action: 'auth.login_failed',
      subject: `email:${email}`,
      details: { reason, ip },
      meta,
    });
  }
}
