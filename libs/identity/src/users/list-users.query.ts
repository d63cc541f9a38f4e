import { Inject, Injectable } from '@nestjs/common';
import type { AdminUser, AdminUserListQuery, Page } from '@tradeloop/contracts';
import { AdminUsersRepository } from './admin-users.repository';

/** An admin's page of users, filtered and cursor-paged (docs/api.md `GET /api/v1/admin/users`). */
@Injectable()
export class ListUsersQuery {
  constructor(@Inject(AdminUsersRepository) private readonly users: AdminUsersRepository) {}

  execute(q: AdminUserListQuery): Promise<Page<AdminUser>> {
    return this.users.list(q);
  }
}
