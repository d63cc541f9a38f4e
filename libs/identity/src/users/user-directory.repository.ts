import { Inject, Injectable } from '@nestjs/common';
import type { UserRef } from '@tradeloop/contracts';
import { Db } from '@tradeloop/platform';
import { likeEscape } from './admin-users.repository';

interface RefRow {
  id: string;
  email: string;
  display_name: string;
}
const toRef = (r: RefRow): UserRef => ({ id: r.id, email: r.email, displayName: r.display_name });

/** Names for ids and ids for names: what pages need to show people instead of UUIDs. */
@Injectable()
export class UserDirectoryRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** The users among `ids` that exist, in email order (unknown ids are left out). */
  async byIds(ids: readonly string[]): Promise<UserRef[]> {
    const rows = await this.db.sql.rows<RefRow>(`SELECT id, email, display_name FROM users WHERE id = ANY($1::uuid[]) ORDER BY email, id`, [
      ids,
    ]);
    return rows.map(toRef);
  }

  /** Users whose email or name contains `text` (case-insensitive); exact email matches first. */
  async search(text: string, limit: number): Promise<UserRef[]> {
    const needle = text.toLowerCase();
    const rows = await this.db.sql.rows<RefRow>(
      `SELECT id, email, display_name FROM users
       WHERE email LIKE $1 OR lower(display_name) LIKE $1
       ORDER BY (email = $2) DESC, (email LIKE $3) DESC, email, id LIMIT $4`,
      [`%${likeEscape(needle)}%`, needle, `${likeEscape(needle)}%`, limit],
    );
    return rows.map(toRef);
  }
}
