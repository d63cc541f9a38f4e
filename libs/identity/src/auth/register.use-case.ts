import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { assertAcceptablePassword, DEFAULT_ROLE, DomainError, type Role } from '@tradeloop/domain';
import type { RegisterRequest, User } from '@tradeloop/contracts';
import { APP_CONFIG, type AppConfig, Db, type Sql } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { PasswordHasher } from './password-hasher';
import { RegistrationThrottle } from './registration-throttle';
import { toUser, UsersRepository } from './users.repository';

/**
 * Self-registration: a new user with the default role, written atomically with its audit event.
 *
 * The answer never tells whether the email was already registered. A duplicate gets the same
 * 201 and the same body shape as a fresh account after the same work (the password is hashed
 * either way), but nothing is created: the user in the body is well formed and unsaved, and only
 * an audit event (`auth.register_duplicate`) records the attempt. Attempts are budgeted per
 * client IP and globally (RegistrationThrottle).
 */
@Injectable()
export class RegisterUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RegistrationThrottle) private readonly throttle: RegistrationThrottle,
  ) {}

  async execute(input: RegisterRequest, meta: RequestMeta): Promise<User> {
    if (!this.config.REGISTRATION_ENABLED) throw new DomainError('FORBIDDEN', 'Self-registration is disabled');
    const ip = meta.ip ?? 'unknown';
    try {
      await this.throttle.consume(ip);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'RATE_LIMITED') {
        await this.audit.append({
          actorId: null,
          action: 'auth.register_throttled',
          subject: `email:${input.email}`,
          details: { ip, limit: err.options.context?.limit },
          meta,
        });
      }
      throw err;
    }
    assertAcceptablePassword(input.password, input.email);
    const passwordHash = await this.hasher.hash(input.password);
    const roles: Role[] = [DEFAULT_ROLE];
    return this.db.tx(async (sql) => {
      const created = await this.insert(sql, input, passwordHash, roles, meta);
      if (created) return created;
      await this.audit.append(
        { actorId: null, action: 'auth.register_duplicate', subject: `email:${input.email}`, details: { ip }, meta },
        sql,
      );
      // Shaped like the fresh account the caller would have got; never stored.
      return {
        id: uuidv7(),
        email: input.email,
        displayName: input.displayName,
        roles,
        mfaEnabled: false,
        credentialChangeRequired: false,
        createdAt: new Date().toISOString(),
      };
    });
  }

  /**
   * Creates a user with the given roles regardless of the registration switch and the limits
   * (seeding, admin tooling); a taken email is a 409 CONFLICT here, since the caller is trusted.
   */
  async createUser(input: RegisterRequest, roles: Role[], meta: RequestMeta): Promise<User> {
    assertAcceptablePassword(input.password, input.email);
    const passwordHash = await this.hasher.hash(input.password);
    return this.db.tx(async (sql) => {
      const created = await this.insert(sql, input, passwordHash, roles, meta);
      if (!created) {
        throw new DomainError('CONFLICT', 'An account with this email already exists', {
          fieldErrors: [{ field: 'email', message: 'is already registered' }],
        });
      }
      return created;
    });
  }

  /** The user, their wallet, roles and `auth.registered` event; undefined when the email is taken. */
  private async insert(
    sql: Sql,
    input: RegisterRequest,
    passwordHash: string,
    roles: Role[],
    meta: RequestMeta,
  ): Promise<User | undefined> {
    const id = uuidv7();
    const inserted = await this.users.insert(sql, { id, email: input.email, displayName: input.displayName, passwordHash });
    if (!inserted) return undefined;
    await this.users.setRoles(sql, id, roles, null);
    await this.audit.append(
      { actorId: id, action: 'auth.registered', subject: `user:${id}`, details: { email: input.email, roles }, meta },
      sql,
    );
    const row = await this.users.findById(id, sql);
    return toUser(row!);
  }
}
