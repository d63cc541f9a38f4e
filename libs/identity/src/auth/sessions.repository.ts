import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Role, UserId } from '@tradeloop/domain';
import type { User } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';
import { ROLES_OF_U, toUser, type UserRow } from './users.repository';

/** Refresh tokens are 256 random bits; only their SHA-256 is stored. */
export const newRefreshToken = (): string => randomBytes(32).toString('base64url');
export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

export interface RefreshTokenState {
  token_id: string;
  session_id: string;
  user_id: UserId;
  email: string;
  token_expires_at: Date;
  rotated_at: Date | null;
  session_revoked_at: Date | null;
  user_disabled_at: Date | null;
}

/**
 * Who is calling, read once per request in one indexed query: the live session and the user
 * behind it (which also answers GET /auth/me without a second round trip).
 */
export interface Principal {
  userId: UserId;
  sessionId: string;
  email: string;
  roles: Role[];
  user: User;
}

interface PrincipalRow
  extends Pick<UserRow, 'id' | 'email' | 'display_name' | 'mfa_enabled' | 'password_change_required' | 'created_at' | 'roles'> {
  session_id: string;
}

@Injectable()
export class SessionsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  async create(
    sql: Sql,
    s: { userId: UserId; expiresAt: Date; ip?: string; userAgent?: string },
  ): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = uuidv7();
    await sql.rows(`INSERT INTO sessions (id, user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4::inet, $5)`, [
      sessionId,
      s.userId,
      s.expiresAt,
      s.ip ?? null,
      s.userAgent?.slice(0, 512) ?? null,
    ]);
    const { token: refreshToken } = await this.issueToken(sql, sessionId, s.expiresAt);
    return { sessionId, refreshToken };
  }

  async issueToken(sql: Sql, sessionId: string, expiresAt: Date): Promise<{ id: string; token: string }> {
    const id = uuidv7();
    const token = newRefreshToken();
    await sql.rows(`INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`, [
      id,
      sessionId,
      hashToken(token),
      expiresAt,
    ]);
    return { id, token };
  }

  /** Locks the token row: concurrent refreshes of one token serialise here, so at most one rotates. */
  findTokenForUpdate(sql: Sql, token: string): Promise<RefreshTokenState | undefined> {
    return sql.maybeOne<RefreshTokenState>(
      `SELECT t.id AS token_id, t.session_id, s.user_id, u.email, t.expires_at AS token_expires_at, t.rotated_at,
              s.revoked_at AS session_revoked_at, u.disabled_at AS user_disabled_at
       FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
       WHERE t.token_hash = $1 FOR UPDATE OF t`,
      [hashToken(token)],
    );
  }

  async markRotated(sql: Sql, tokenId: string, replacedBy: string | null): Promise<void> {
    await sql.rows(`UPDATE refresh_tokens SET rotated_at = now(), replaced_by = $2 WHERE id = $1`, [tokenId, replacedBy]);
  }

  /** Records activity and slides the session's expiry along with its newest refresh token. */
  async touch(sql: Sql, sessionId: string, expiresAt: Date): Promise<void> {
    await sql.rows(`UPDATE sessions SET last_seen_at = now(), expires_at = $2 WHERE id = $1`, [sessionId, expiresAt]);
  }

  async revoke(sql: Sql, sessionId: string, reason: string): Promise<void> {
    await sql.rows(`UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`, [sessionId, reason]);
  }

  /** Whether the session is neither revoked nor expired (read inside a change's transaction). */
  async isLive(sql: Sql, sessionId: string): Promise<boolean> {
    const row = await sql.maybeOne<{ id: string }>(`SELECT id FROM sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()`, [
      sessionId,
    ]);
    return row !== undefined;
  }

  /**
   * Revokes every live session of the user except `keepSessionId` (the caller's); returns the
   * revoked ids, so their sockets can be closed and cached principals dropped after commit.
   * Their refresh tokens stop working with them (a refresh checks the session).
   */
  async revokeOthers(sql: Sql, userId: UserId, keepSessionId: string, reason: string): Promise<string[]> {
    const rows = await sql.rows<{ id: string }>(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $3
       WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id`,
      [userId, keepSessionId, reason],
    );
    return rows.map((r) => r.id);
  }

  async revokeAllForUser(sql: Sql, userId: UserId, reason: string): Promise<number> {
    const rows = await sql.rows(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId, reason],
    );
    return rows.length;
  }

  /** The principal behind a live session, or undefined if the session or user is gone/disabled. */
  async findPrincipal(userId: UserId, sessionId: string): Promise<Principal | undefined> {
    const row = await this.db.sql.maybeOne<PrincipalRow>(
      `SELECT u.id, u.email, u.display_name, u.mfa_enabled, u.password_change_required, u.created_at, s.id AS session_id, ${ROLES_OF_U} AS roles
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $2 AND s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [userId, sessionId],
    );
    if (!row) return undefined;
    return { userId: row.id, sessionId: row.session_id, email: row.email, roles: row.roles, user: toUser(row) };
  }

  /** Deletes sessions (and their tokens) that expired or were revoked before the cut-off. */
  async purgeEnded(olderThanHours: number): Promise<number> {
    const rows = await this.db.sql.rows(
      `DELETE FROM sessions
       WHERE (expires_at < now() - make_interval(hours => $1))
          OR (revoked_at IS NOT NULL AND revoked_at < now() - make_interval(hours => $1))
       RETURNING id`,
      [olderThanHours],
    );
    return rows.length;
  }
}
