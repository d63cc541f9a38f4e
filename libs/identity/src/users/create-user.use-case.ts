import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DomainError, normalizeRoles } from '@tradeloop/domain';
import { REALTIME_EVENTS, type CreateUserRequest, type IssuedPassword } from '@tradeloop/contracts';
import { Db, RealtimePublisher } from '@tradeloop/platform';
import { AuditRepository, type RequestMeta } from '../audit';
import { newTemporaryPassword, PasswordHasher, UsersRepository } from '../auth';
import { toAdminUser } from './admin-users.repository';

/**
 * An admin opens an account for someone (docs/api.md `POST /api/v1/admin/users`): the user, their
 * wallet, their roles and the `user.created` audit event in one transaction, with a temporary
 * password the server picks. The password is answered once and only its hash is kept; the user
 * is asked to choose their own at their first sign-in. A taken email (case-insensitively) is a
 * 409 naming `email` and writes nothing, which also makes a retried request safe: it cannot
 * create a second account.
 */
@Injectable()
export class CreateUserUseCase {
  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(RealtimePublisher) private readonly realtime: RealtimePublisher,
  ) {}

  async execute(actorId: string, input: CreateUserRequest, meta: RequestMeta): Promise<IssuedPassword> {
    const roles = normalizeRoles(input.roles);
    const temporaryPassword = newTemporaryPassword();
    // Hashed before the transaction: argon2 takes tens of milliseconds, the transaction need not.
    const passwordHash = await this.hasher.hash(temporaryPassword);
    const user = await this.db.tx(async (sql) => {
      const id = uuidv7();
      const inserted = await this.users.insert(sql, {
        id,
        email: input.email,
        displayName: input.displayName,
        passwordHash,
        temporary: true,
      });
      if (!inserted) {
        throw new DomainError('CONFLICT', 'An account with this email already exists', {
          fieldErrors: [{ field: 'email', message: 'is already registered' }],
        });
      }
      await this.users.setRoles(sql, id, roles, actorId);
      await this.audit.append(
        { actorId, action: 'user.created', subject: `user:${id}`, details: { email: input.email, roles }, meta },
        sql,
      );
      return toAdminUser((await this.users.findById(id, sql))!);
    });
    // Other admins' user lists pick the new account up.
    await this.realtime.toUser(user.id, REALTIME_EVENTS.userUpdated, { user });
    return { user, temporaryPassword };
  }
}
