import { Inject, Injectable } from '@nestjs/common';
import { ROLES, type Role, type UserId } from '@tradeloop/domain';
import type { User } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';

export interface UserRow {
  id: UserId;
  email: string;
  display_name: string;
  password_hash: string;
  mfa_enabled: boolean;
  mfa_secret_enc: string | null;
  mfa_pending_secret_enc: string | null;
  mfa_last_step: string | null;
  /** The password is a temporary one an admin issued; the user is asked to choose their own. */
  password_change_required: boolean;
  disabled_at: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
  roles: Role[];
}

/** The public shape of a user: whitelisted fields only, never hashes, secrets or tokens. */
export const toUser = (
  row: Pick<UserRow, 'id' | 'email' | 'display_name' | 'roles' | 'mfa_enabled' | 'password_change_required' | 'created_at'>,
): User => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  roles: row.roles,
  mfaEnabled: row.mfa_enabled,
  credentialChangeRequired: row.password_change_required,
  createdAt: row.created_at.toISOString(),
});

/** Roles of user `u` as a text[] in canonical ROLES order, for embedding in a SELECT. */
export const ROLES_OF_U = `COALESCE(ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = u.id
  ORDER BY array_position('{${ROLES.join(',')}}'::text[], r.role)), '{}')`;

const SELECT_USER = `SELECT u.*, ${ROLES_OF_U} AS roles FROM users u`;

@Injectable()
export class UsersRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  findByEmail(email: string, sql: Sql = this.db.sql): Promise<UserRow | undefined> {
    return sql.maybeOne<UserRow>(`${SELECT_USER} WHERE u.email = $1`, [email]);
  }

  findById(id: UserId, sql: Sql = this.db.sql, lock = false): Promise<UserRow | undefined> {
    return sql.maybeOne<UserRow>(`${SELECT_USER} WHERE u.id = $1${lock ? ' FOR UPDATE OF u' : ''}`, [id]);
  }

  /**
   * Inserts a user and their wallet; false when the email is taken (no exception, no aborted tx).
   * `temporary`: the password is one an admin issued (the user is asked to choose their own).
   */
  async insert(
    sql: Sql,
    user: { id: UserId; email: string; displayName: string; passwordHash: string; temporary?: boolean },
  ): Promise<boolean> {
    // Every user has an (empty) wallet from the moment they exist: both rows in one statement.
    const rows = await sql.rows(
      `WITH u AS (
         INSERT INTO users (id, email, display_name, password_hash, password_change_required) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email) DO NOTHING RETURNING id
       )
       INSERT INTO wallet_balances (user_id) SELECT id FROM u RETURNING user_id`,
      [user.id, user.email, user.displayName, user.passwordHash, user.temporary ?? false],
    );
    return rows.length === 1;
  }

  /** A new password hash; `temporary` when an admin issued it (else the user chose it, which clears the mark). */
  async setPasswordHash(sql: Sql, userId: UserId, passwordHash: string, temporary = false): Promise<void> {
    await sql.rows(`UPDATE users SET password_hash = $2, password_change_required = $3, updated_at = now() WHERE id = $1`, [
      userId,
      passwordHash,
      temporary,
    ]);
  }

  async exists(id: UserId, sql: Sql = this.db.sql): Promise<boolean> {
    return (await sql.maybeOne(`SELECT 1 FROM users WHERE id = $1`, [id])) !== undefined;
  }

  async recordLogin(sql: Sql, userId: UserId): Promise<void> {
    await sql.rows(`UPDATE users SET last_login_at = now() WHERE id = $1`, [userId]);
  }

  /**
   * Spends a one-time code's time step: true when it is later than the last one spent. Atomic, so
   * the same code replayed — even by a parallel request — is refused.
   */
  async spendMfaStep(userId: UserId, step: number, sql: Sql = this.db.sql): Promise<boolean> {
    const rows = await sql.rows(
      `UPDATE users SET mfa_last_step = $2 WHERE id = $1 AND (mfa_last_step IS NULL OR mfa_last_step < $2) RETURNING id`,
      [userId, step],
    );
    return rows.length === 1;
  }

  /** Stores the (encrypted) secret of an MFA enrolment awaiting its first code. */
  async setPendingMfaSecret(sql: Sql, userId: UserId, secretEnc: string): Promise<void> {
    await sql.rows(`UPDATE users SET mfa_pending_secret_enc = $2, updated_at = now() WHERE id = $1`, [userId, secretEnc]);
  }

  /** MFA on with the pending secret, recording the step of the code that proved it (spent). */
  async enableMfa(sql: Sql, userId: UserId, step: number): Promise<void> {
    await sql.rows(
      `UPDATE users SET mfa_enabled = true, mfa_secret_enc = mfa_pending_secret_enc, mfa_pending_secret_enc = NULL,
              mfa_last_step = $2, updated_at = now() WHERE id = $1`,
      [userId, step],
    );
  }

  /** MFA off: the secret (and any pending one) is forgotten, so re-enrolling starts afresh. */
  async disableMfa(sql: Sql, userId: UserId): Promise<void> {
    await sql.rows(
      `UPDATE users SET mfa_enabled = false, mfa_secret_enc = NULL, mfa_pending_secret_enc = NULL, mfa_last_step = NULL,
              updated_at = now() WHERE id = $1`,
      [userId],
    );
  }

  /** Replaces a user's role set; returns the roles after the change. */
  async setRoles(sql: Sql, userId: UserId, roles: readonly Role[], grantedBy: string | null): Promise<void> {
    await sql.rows(`DELETE FROM user_roles WHERE user_id = $1 AND NOT (role = ANY($2::text[]))`, [userId, roles]);
    await sql.rows(
      `INSERT INTO user_roles (user_id, role, granted_by)
       SELECT $1, r, $3 FROM unnest($2::text[]) AS r ON CONFLICT DO NOTHING`,
      [userId, roles, grantedBy],
    );
    await sql.rows(`UPDATE users SET updated_at = now() WHERE id = $1`, [userId]);
  }
}
