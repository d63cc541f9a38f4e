import { Inject, Injectable } from '@nestjs/common';
import { Db, type Sql } from '@tradeloop/platform';

/** `webhook_sources.limits` (docs/alerts.md "Webhook sources"). */
export interface SourceLimits {
  perMinute: number;
  maxQuantity: number | null;
  maxOpenPositions: number | null;
}

export interface WebhookSourceRow {
  id: string;
  ownerUserId: string;
  name: string;
  secretCiphertext: string;
  secretKeyId: string;
  passphraseMode: boolean;
  passphraseHash: string | null;
  split: number;
  accountIds: string[];
  symbols: string[] | null;
  limits: SourceLimits;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  id: string;
  owner_user_id: string;
  name: string;
  secret_ciphertext: string;
  secret_key_id: string;
  passphrase_mode: boolean;
  passphrase_hash: string | null;
  split: string;
  account_ids: string[];
  symbols: string[] | null;
  limits: Partial<SourceLimits>;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, owner_user_id, name, secret_ciphertext, secret_key_id, passphrase_mode, passphrase_hash, split::text AS split,
  account_ids::text[] AS account_ids, symbols, limits, enabled, created_at, updated_at`;

export const DEFAULT_LIMITS: SourceLimits = { perMinute: 60, maxQuantity: null, maxOpenPositions: null };

const toSource = (r: Row): WebhookSourceRow => ({
  id: r.id,
  ownerUserId: r.owner_user_id,
  name: r.name,
  secretCiphertext: r.secret_ciphertext,
  secretKeyId: r.secret_key_id,
  passphraseMode: r.passphrase_mode,
  passphraseHash: r.passphrase_hash,
  split: Number(r.split),
  accountIds: r.account_ids,
  symbols: r.symbols,
  limits: { ...DEFAULT_LIMITS, ...r.limits },
  enabled: r.enabled,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The changes a PATCH or rotate-secret makes (absent: unchanged). */
export interface SourceChanges {
  name?: string;
  split?: number;
  accountIds?: string[];
  symbols?: string[] | null;
  limits?: SourceLimits;
  enabled?: boolean;
  passphrase?: { mode: boolean; hash: string | null };
  secret?: { ciphertext: string; keyId: string };
}

/** SQL for `webhook_sources` (migration 1763825100000). */
@Injectable()
export class WebhookSourcesRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  // ---- key rotation (the re-encrypt job, through WebhookSourceSecretStore)

  /** Sources whose secret is not under `activeKeyId`, ids above `afterId`, locked FOR UPDATE SKIP LOCKED. */
  lockStaleSecrets(
    sql: Sql,
    activeKeyId: string,
    limit: number,
    afterId: string | null,
  ): Promise<{ id: string; secret_ciphertext: string }[]> {
    return sql.rows(
      `SELECT id, secret_ciphertext FROM webhook_sources
       WHERE ($3::uuid IS NULL OR id > $3::uuid) AND split_part(secret_ciphertext, '.', 2) <> $1
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [activeKeyId, limit, afterId],
    );
  }

  async countStaleSecrets(activeKeyId: string): Promise<number> {
    const r = await this.db.sql.one<{ n: number }>(
      `SELECT count(*)::int AS n FROM webhook_sources WHERE split_part(secret_ciphertext, '.', 2) <> $1`,
      [activeKeyId],
    );
    return r.n;
  }

  /** The same secret under another key (updated_at unchanged: nothing the user sees changed). */
  async rewriteSecret(sql: Sql, id: string, ciphertext: string, keyId: string): Promise<void> {
    await sql.rows(`UPDATE webhook_sources SET secret_ciphertext = $2, secret_key_id = $3 WHERE id = $1`, [id, ciphertext, keyId]);
  }

  async insert(sql: Sql, s: Omit<WebhookSourceRow, 'createdAt' | 'updatedAt' | 'enabled'>): Promise<WebhookSourceRow> {
    const r = await sql.one<Row>(
      `INSERT INTO webhook_sources (id, owner_user_id, name, secret_ciphertext, secret_key_id, passphrase_mode, passphrase_hash, split,
         account_ids, symbols, limits)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10::text[], $11::jsonb)
       RETURNING ${COLUMNS}`,
      [
        s.id,
        s.ownerUserId,
        s.name,
        s.secretCiphertext,
        s.secretKeyId,
        s.passphraseMode,
        s.passphraseHash,
        s.split,
        s.accountIds,
        s.symbols,
        JSON.stringify(s.limits),
      ],
    );
    return toSource(r);
  }

  /** Any user's source by id (the intake, which has no user). */
  async byId(id: string, sql: Sql = this.db.sql): Promise<WebhookSourceRow | undefined> {
    const r = await sql.maybeOne<Row>(`SELECT ${COLUMNS} FROM webhook_sources WHERE id = $1`, [id]);
    return r && toSource(r);
  }

  /** The user's own source, locked for an update when inside a transaction with `forUpdate`. */
  async owned(sql: Sql, userId: string, id: string, forUpdate = false): Promise<WebhookSourceRow | undefined> {
    const r = await sql.maybeOne<Row>(
      `SELECT ${COLUMNS} FROM webhook_sources WHERE id = $1 AND owner_user_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [id, userId],
    );
    return r && toSource(r);
  }

  async listOwned(userId: string, sql: Sql = this.db.sql): Promise<WebhookSourceRow[]> {
    const rows = await sql.rows<Row>(`SELECT ${COLUMNS} FROM webhook_sources WHERE owner_user_id = $1 ORDER BY created_at, id`, [userId]);
    return rows.map(toSource);
  }

  async update(sql: Sql, id: string, c: SourceChanges): Promise<WebhookSourceRow> {
    const r = await sql.one<Row>(
      `UPDATE webhook_sources SET
         name = COALESCE($2, name),
         split = COALESCE($3, split),
         account_ids = COALESCE($4::uuid[], account_ids),
         symbols = CASE WHEN $5::boolean THEN $6::text[] ELSE symbols END,
         limits = COALESCE($7::jsonb, limits),
         enabled = COALESCE($8, enabled),
         passphrase_mode = CASE WHEN $9::boolean THEN $10::boolean ELSE passphrase_mode END,
         passphrase_hash = CASE WHEN $9::boolean THEN $11 ELSE passphrase_hash END,
         secret_ciphertext = COALESCE($12, secret_ciphertext),
         secret_key_id = COALESCE($13, secret_key_id),
         updated_at = now()
       WHERE id = $1
       RETURNING ${COLUMNS}`,
      [
        id,
        c.name ?? null,
        c.split ?? null,
        c.accountIds ?? null,
        c.symbols !== undefined,
        c.symbols ?? null,
        c.limits ? JSON.stringify(c.limits) : null,
        c.enabled ?? null,
        c.passphrase !== undefined,
        c.passphrase?.mode ?? false,
        c.passphrase?.hash ?? null,
        c.secret?.ciphertext ?? null,
        c.secret?.keyId ?? null,
      ],
    );
    return toSource(r);
  }

  /** Deletes the user's source and its deliveries (cascade); false when it is not theirs. */
  async delete(sql: Sql, userId: string, id: string): Promise<boolean> {
    const rows = await sql.rows(`DELETE FROM webhook_sources WHERE id = $1 AND owner_user_id = $2 RETURNING id`, [id, userId]);
    return rows.length > 0;
  }
}
