import { Inject, Injectable } from '@nestjs/common';
import type { UserDirectoryQuery, UserRefList } from '@tradeloop/contracts';
import { UserDirectoryRepository } from './user-directory.repository';

/** `GET /api/v1/directory/users` (docs/api.md): ids to names, or a search by email or name. */
@Injectable()
export class LookUpUsersQuery {
  constructor(@Inject(UserDirectoryRepository) private readonly directory: UserDirectoryRepository) {}

  async execute(q: UserDirectoryQuery): Promise<UserRefList> {
    if (q.ids) return { items: await this.directory.byIds([...new Set(q.ids)]) };
    return { items: await this.directory.search(q.query ?? '', q.limit) };
  }
}
