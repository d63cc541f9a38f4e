import { Inject, Injectable } from '@nestjs/common';
import type { AdminUser, AdminUserListQuery, Page } from '@tradeloop/contracts';
import type { AdminStanding, Role } from '@tradeloop/domain';
import { Db, type Sql, cursorCodec, CursorKeys } from '@tradeloop/platform';
import { ROLES_OF_U, toUser, type UserRow } from '../auth';

export const toAdminUser = (row: UserRow): AdminUser => ({
  ...toUser(row),
  disabled: row.disabled_at !== null,
  lastLoginAt: row.last_login_at?.toISOString() ?? null,
  updatedAt: row.updated_at.toISOString(),
});

/** Newest first on (created_at, id); created_at as Postgres prints it in UTC, microseconds kept. */
const USERS_CURSOR = cursorCodec('users', [CursorKeys.pgTimestampUtc, CursorKeys.uuid]);

/** Escapes LIKE wildcards so a search for "50%" or "a_b" means exactly that. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class AdminUsersRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /** Newest first, keyset-paginated on (created_at, id) so pages stay stable under inserts. */
  async list(q: AdminUserListQuery): Promise<Page<AdminUser>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.query) {
      const pattern = p(`%${likeEscape(q.query.toLowerCase())}%`);
      where.push(`(u.email LIKE ${pattern} OR lower(u.display_name) LIKE ${pattern})`);
    }
    if (q.role) where.push(`EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ${p(q.role)})`);
    if (q.disabled !== undefined) where.push(q.disabled ? 'u.disabled_at IS NOT NULL' : 'u.disabled_at IS NULL');
    if (q.cursor) {
      const [createdAt, id] = USERS_CURSOR.decode(q.cursor);
      where.push(`(u.created_at, u.id) < (${p(createdAt)}::timestamptz, ${p(id)}::uuid)`);
    }
    const rows = await this.db.sql.rows<UserRow & { created_at_exact: string }>(
      `SELECT u.*, to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS created_at_exact,
              ${ROLES_OF_U} AS roles
       FROM users u ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY u.created_at DESC, u.id DESC LIMIT ${p(q.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toAdminUser),
      // The cursor keeps Postgres' microsecond timestamp; a JS Date would drop to milliseconds
      // and skip or repeat rows created within the same millisecond.
      nextCursor: rows.length > q.limit && last ? USERS_CURSOR.encode([last.created_at_exact, last.id]) : null,
    };
  }

  /** Every enabled admin, locked: callers hold the admin-set lock while deciding. */
  async activeAdmins(sql: Sql): Promise<AdminStanding[]> {
    const rows = await sql.rows<{ id: string }>(
      `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin'
       WHERE u.disabled_at IS NULL FOR UPDATE OF u`,
    );
    return rows.map((r) => ({ id: r.id, roles: ['admin'] as Role[], disabled: false }));
  }

  async setDisabled(sql: Sql, userId: string, disabled: boolean): Promise<void> {
    await sql.rows(
      `UPDATE users SET disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, now()) ELSE NULL END, updated_at = now() WHERE id = $1`,
      [userId, disabled],
    );
  }
}
