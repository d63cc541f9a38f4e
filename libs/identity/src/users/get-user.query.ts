import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type UserId } from '@tradeloop/domain';
import type { AdminUser } from '@tradeloop/contracts';
import { UsersRepository } from '../auth';
import { toAdminUser } from './admin-users.repository';

/** One user as the admin list shows them (docs/api.md `GET /api/v1/admin/users/{id}`); 404 when there is no such user. */
@Injectable()
export class GetUserQuery {
  constructor(@Inject(UsersRepository) private readonly users: UsersRepository) {}

  async execute(userId: UserId): Promise<AdminUser> {
    const row = await this.users.findById(userId);
    if (!row) throw new DomainError('NOT_FOUND', 'No such user');
    return toAdminUser(row);
  }
}
