import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { assertAcceptablePassword, DEFAULT_ROLE, DomainError, type Role } from '@tradeloop/domain';
import type { RegisterRequest, User } from '@tradeloop/contracts';
import { APP_CONFIG, type AppConfig } from '../config';
import { Db } from '../db';
import { AuditRepository, type RequestMeta } from '../audit';
import { PasswordHasher } from './password-hasher';
import { toUser, UsersRepository } from './users.repository';

/** Self-registration: a new user with the default role, written atomically with its audit event. */
@Injectable()
export class RegisterUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
  ) {}

  async execute(input: RegisterRequest, meta: RequestMeta): Promise<User> {
    if (!this.config.REGISTRATION_ENABLED) throw new DomainError('FORBIDDEN', 'Self-registration is disabled');
    return this.createUser(input, [DEFAULT_ROLE], meta);
  }

  /** Creates a user with the given roles regardless of the registration switch (seeding, admin tooling). */
  async createUser(input: RegisterRequest, roles: Role[], meta: RequestMeta): Promise<User> {
    assertAcceptablePassword(input.password, input.email);
    const passwordHash = await this.hasher.hash(input.password);
    const id = uuidv7();
    return this.db.tx(async (sql) => {
      const inserted = await this.users.insert(sql, { id, email: input.email, displayName: input.displayName, passwordHash });
      if (!inserted) {
        throw new DomainError('CONFLICT', 'An account with this email already exists', {
          fieldErrors: [{ field: 'email', message: 'is already registered' }],
        });
      }
      await this.users.setRoles(sql, id, roles, null);
      await this.audit.append({ actorId: id, action: 'auth.registered', subject: `user:${id}`, details: { email: input.email, roles }, meta }, sql);
      const row = await this.users.findById(id, sql);
      return toUser(row!);
    });
  }
}
