import { Inject, Injectable } from '@nestjs/common';
import { formatMoney, type Paise } from '@tradeloop/domain';
import type { BrokerAccount, BrokerAccountStatus, BrokerKind } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';

/** The stored status: `disabled` is a flag of its own, shown as the status while it is set. */
export type StoredStatus = Exclude<BrokerAccountStatus, 'disabled'>;

interface AccountRow {
  id: string;
  owner_user_id: string | null;
  kind: BrokerKind;
  name: string;
  status: StoredStatus;
  status_reason: string | null;
  disabled: boolean;
  credentials_hint: Record<string, string>;
  token_expires_at: Date | null;
  /** A paper account's available cash in its paper book (0 before the book is first used); null for a live account. */
  paper_cash_paise: string | null;
  created_at: Date;
  updated_at: Date;
  assigned_user_ids: string[];
  is_default: boolean;
  primary_paper: boolean;
}

/** An account's row as the use cases need it (no secrets), plus its view for one user. */
export interface AccountRecord {
  id: string;
  ownerUserId: string | null;
  kind: BrokerKind;
  name: string;
  status: StoredStatus;
  statusReason: string | null;
  disabled: boolean;
  assignedUserIds: string[];
  tokenExpiresAt: Date | null;
  /** The user's automatic paper account (created on first use; never deleted). */
  primary: boolean;
  view: BrokerAccount;
}

/** The secret columns, still encrypted. */
export interface AccountSecrets {
  id: string;
  kind: BrokerKind;
  ownerUserId: string | null;
  status: StoredStatus;
  disabled: boolean;
  credentialsCiphertext: string | null;
  accessTokenCiphertext: string | null;
  tokenExpiresAt: Date | null;
  brokerUserId: string | null;
}

const toRecord = (r: AccountRow): AccountRecord => {
  const paper = r.paper_cash_paise === null ? null : (BigInt(r.paper_cash_paise) as Paise);
  return {
    id: r.id,
    ownerUserId: r.owner_user_id,
    kind: r.kind,
    name: r.name,
    status: r.status,
    statusReason: r.status_reason,
    disabled: r.disabled,
    assignedUserIds: r.assigned_user_ids,
    tokenExpiresAt: r.token_expires_at,
    primary: r.primary_paper,
    view: {
      id: r.id,
      kind: r.kind,
      name: r.name,
      status: r.disabled ? 'disabled' : r.status,
      statusReason: r.disabled ? (r.status_reason ?? 'disabled') : r.status_reason,
      isDefault: r.is_default,
      primary: r.primary_paper,
      credentials: r.credentials_hint,
      tokenExpiresAt: r.token_expires_at?.toISOString() ?? null,
      ownerUserId: r.owner_user_id,
      assignedUserIds: r.assigned_user_ids,
      paperBalance: paper === null ? null : formatMoney(paper),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    },
  };
};

interface SecretsRow {
  id: string;
  kind: BrokerKind;
  owner_user_id: string | null;
  status: StoredStatus;
  disabled: boolean;
  credentials_ciphertext: string | null;
  access_token_ciphertext: string | null;
  token_expires_at: Date | null;
  broker_user_id: string | null;
}

const SELECT_SECRETS = `SELECT id, kind, owner_user_id, status, disabled, credentials_ciphertext, access_token_ciphertext, token_expires_at, broker_user_id
  FROM broker_accounts`;

const toSecrets = (row: SecretsRow): AccountSecrets => ({
  id: row.id,
  kind: row.kind,
  ownerUserId: row.owner_user_id,
  status: row.status,
  disabled: row.disabled,
  credentialsCiphertext: row.credentials_ciphertext,
  accessTokenCiphertext: row.access_token_ciphertext,
  tokenExpiresAt: row.token_expires_at,
  brokerUserId: row.broker_user_id,
});

/**
 * `$1` the user the view is for (is_default), `$2` an optional account id; the caller adds the
 * visibility condition. Secrets are never selected here.
 */
const SELECT_ACCOUNTS = `
  SELECT a.id, a.owner_user_id, a.kind, a.name, a.status, a.status_reason, a.disabled, a.credentials_hint,
         a.token_expires_at, a.created_at, a.updated_at, a.primary_paper,
         -- The paper book of the ledger is the one truth of a paper account's balance (docs/domain.md "Accounts and books").
         CASE WHEN a.kind = 'paper' THEN coalesce((SELECT pb.cash_paise FROM paper_balances pb WHERE pb.account_id = a.id), 0)::text END AS paper_cash_paise,
         coalesce((SELECT array_agg(u.user_id::text ORDER BY u.user_id) FROM broker_account_users u WHERE u.account_id = a.id), '{}') AS assigned_user_ids,
         EXISTS (SELECT 1 FROM broker_account_defaults d WHERE d.user_id = $1 AND d.account_id = a.id) AS is_default
  FROM broker_accounts a`;

/** Accounts a user trades: their own and the firm accounts assigned to them. */
const VISIBLE = `(a.owner_user_id = $1 OR EXISTS (SELECT 1 FROM broker_account_users u WHERE u.account_id = a.id AND u.user_id = $1))`;
/** What an admin manages besides: firm accounts (no owner). */
const VISIBLE_OR_FIRM = `(${VISIBLE} OR a.owner_user_id IS NULL)`;

const EXPIRED_REASON = 'The broker session expired (Kite sessions end at 06:00 IST); log in again';

export interface InsertAccount {
  id: string;
  ownerUserId: string | null;
  kind: BrokerKind;
  name: string;
  status: StoredStatus;
  statusReason: string | null;
  credentialsCiphertext: string | null;
  credentialsHint: Record<string, string>;
  keyId: string | null;
}

/**
 * SQL for broker accounts, their assignments, each user's default and login states
 * (docs/api.md "Broker accounts"). Methods take the caller's `Sql` (a transaction) where they are
 * part of a larger change; reads default to the pool.
 */
@Injectable()
export class BrokerAccountsRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * Every account `userId` owns or is assigned (with firm accounts when `includeFirm`, for admins):
   * the primary paper account first, then oldest first (ties by id).
   */
  async listVisible(userId: string, opts: { includeFirm?: boolean } = {}, sql: Sql = this.db.sql): Promise<AccountRecord[]> {
    const rows = await sql.rows<AccountRow>(
      `${SELECT_ACCOUNTS} WHERE ${opts.includeFirm ? VISIBLE_OR_FIRM : VISIBLE} ORDER BY a.primary_paper DESC, a.created_at, a.id`,
      [userId],
    );
    return rows.map(toRecord);
  }

  /** One account if `userId` may see it (own, assigned, or a firm account when `includeFirm`). */
  async findVisible(
    userId: string,
    id: string,
    opts: { includeFirm?: boolean } = {},
    sql: Sql = this.db.sql,
  ): Promise<AccountRecord | undefined> {
    const row = await sql.maybeOne<AccountRow>(`${SELECT_ACCOUNTS} WHERE a.id = $2 AND ${opts.includeFirm ? VISIBLE_OR_FIRM : VISIBLE}`, [
      userId,
      id,
    ]);
    return row && toRecord(row);
  }

  /** Locks an account row for the rest of the transaction; false when it does not exist. */
  async lock(sql: Sql, id: string): Promise<boolean> {
    return (await sql.maybeOne(`SELECT 1 FROM broker_accounts WHERE id = $1 FOR UPDATE`, [id])) !== undefined;
  }

  /** Who sees the account: its owner and assigned users. */
  async audienceOf(id: string, sql: Sql = this.db.sql): Promise<string[]> {
    const rows = await sql.rows<{ user_id: string }>(
      `SELECT owner_user_id AS user_id FROM broker_accounts WHERE id = $1 AND owner_user_id IS NOT NULL
       UNION SELECT user_id FROM broker_account_users WHERE account_id = $1`,
      [id],
    );
    return rows.map((r) => r.user_id);
  }

  async secrets(id: string, sql: Sql = this.db.sql): Promise<AccountSecrets | undefined> {
    const row = await sql.maybeOne<SecretsRow>(`${SELECT_SECRETS} WHERE id = $1`, [id]);
    return row && toSecrets(row);
  }

  /**
   * The user's primary paper account, created if missing: exactly one per user however many
   * requests race (the partial unique index on `primary_paper` decides), and the user's default
   * when they have none yet. Paper accounts the user added themselves are never it.
   */
  async ensurePaperAccount(userId: string, newId: string, sql: Sql = this.db.sql): Promise<string> {
    const found = await sql.maybeOne<{ id: string }>(
      `WITH ins AS (
         INSERT INTO broker_accounts (id, owner_user_id, kind, name, status, primary_paper)
         VALUES ($2, $1, 'paper', 'Paper', 'connected', true)
         ON CONFLICT (owner_user_id) WHERE primary_paper DO NOTHING
         RETURNING id)
       SELECT id FROM ins
       UNION ALL SELECT id FROM broker_accounts WHERE owner_user_id = $1 AND primary_paper
       LIMIT 1`,
      [userId, newId],
    );
    // A racing request inserted it after this statement's snapshot: a new statement sees it.
    const id = found?.id ?? (await this.paperAccountOf(userId, sql));
    if (id === undefined) throw new Error(`no primary paper account for ${userId} after creating it`);
    await sql.rows(`INSERT INTO broker_account_defaults (user_id, account_id) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`, [
      userId,
      id,
    ]);
    return id;
  }

  /** The user's primary paper account id, if created. */
  async paperAccountOf(userId: string, sql: Sql = this.db.sql): Promise<string | undefined> {
    return (await sql.maybeOne<{ id: string }>(`SELECT id FROM broker_accounts WHERE owner_user_id = $1 AND primary_paper`, [userId]))?.id;
  }

  /**
   * Locks the user's primary paper account row (it must exist) to the end of the transaction, so
   * paper accounts are added one at a time per user, and counts the user's paper accounts.
   */
  async lockPaperAccounts(sql: Sql, userId: string): Promise<number> {
    await sql.one(`SELECT 1 FROM broker_accounts WHERE owner_user_id = $1 AND primary_paper FOR UPDATE`, [userId]);
    const row = await sql.one<{ n: string }>(
      `SELECT count(*)::text AS n FROM broker_accounts WHERE owner_user_id = $1 AND kind = 'paper'`,
      [userId],
    );
    return Number(row.n);
  }

  async defaultOf(userId: string, sql: Sql = this.db.sql): Promise<string | undefined> {
    return (await sql.maybeOne<{ account_id: string }>(`SELECT account_id FROM broker_account_defaults WHERE user_id = $1`, [userId]))
      ?.account_id;
  }

  async setDefault(sql: Sql, userId: string, accountId: string): Promise<void> {
    await sql.rows(
      `INSERT INTO broker_account_defaults (user_id, account_id) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET account_id = EXCLUDED.account_id`,
      [userId, accountId],
    );
  }

  /** Whether `userId` may trade the account: they own it or it is assigned to them. */
  /** Which of `accountIds` the user may trade, in one statement. */
  async tradableOf(userId: string, accountIds: readonly string[], sql: Sql = this.db.sql): Promise<Set<string>> {
    if (accountIds.length === 0) return new Set();
    const rows = await sql.rows<{ id: string }>(
      `SELECT a.id::text AS id FROM broker_accounts a WHERE a.id = ANY($2::uuid[]) AND ${VISIBLE}`,
      [userId, [...accountIds]],
    );
    return new Set(rows.map((r) => r.id));
  }

  async canTrade(userId: string, accountId: string, sql: Sql = this.db.sql): Promise<boolean> {
    const row = await sql.maybeOne(`SELECT 1 FROM broker_accounts a WHERE a.id = $2 AND ${VISIBLE}`, [userId, accountId]);
    return row !== undefined;
  }

  /** Enabled accounts of these kinds (the live ones without a daily login, for their periodic check), oldest first. */
  async enabledOfKinds(kinds: readonly string[], sql: Sql = this.db.sql): Promise<string[]> {
    const rows = await sql.rows<{ id: string }>(
      `SELECT id FROM broker_accounts WHERE kind = ANY($1::text[]) AND NOT disabled ORDER BY id`,
      [[...kinds]],
    );
    return rows.map((r) => r.id);
  }

  async existingUsers(ids: readonly string[], sql: Sql = this.db.sql): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await sql.rows<{ id: string }>(`SELECT id::text AS id FROM users WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async insert(sql: Sql, a: InsertAccount): Promise<void> {
    await sql.rows(
      `INSERT INTO broker_accounts (id, owner_user_id, kind, name, status, status_reason, credentials_ciphertext, credentials_hint, key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
      [a.id, a.ownerUserId, a.kind, a.name, a.status, a.statusReason, a.credentialsCiphertext, JSON.stringify(a.credentialsHint), a.keyId],
    );
  }

  async assign(sql: Sql, accountId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await sql.rows(`INSERT INTO broker_account_users (account_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [
      accountId,
      userIds,
    ]);
  }

  async rename(sql: Sql, id: string, name: string): Promise<void> {
    await sql.rows(`UPDATE broker_accounts SET name = $2, updated_at = now() WHERE id = $1`, [id, name]);
  }

  /** New credentials replace the old whole; the broker session made with the old ones ends. */
  async replaceCredentials(
    sql: Sql,
    id: string,
    c: { ciphertext: string; hint: Record<string, string>; keyId: string; status: StoredStatus; statusReason: string | null },
  ): Promise<void> {
    await sql.rows(
      `UPDATE broker_accounts SET credentials_ciphertext = $2, credentials_hint = $3::jsonb, key_id = $4, status = $5, status_reason = $6,
         access_token_ciphertext = NULL, token_expires_at = NULL, broker_user_id = NULL, updated_at = now()
       WHERE id = $1`,
      [id, c.ciphertext, JSON.stringify(c.hint), c.keyId, c.status, c.statusReason],
    );
  }

  /** Sets the flag; true when it changed. */
  async setDisabled(sql: Sql, id: string, disabled: boolean): Promise<boolean> {
    const rows = await sql.rows(
      `UPDATE broker_accounts SET disabled = $2, updated_at = now() WHERE id = $1 AND disabled <> $2 RETURNING 1`,
      [id, disabled],
    );
    return rows.length > 0;
  }

  /** Deletes the account; the users whose default it was are returned (their default is gone with it). */
  async delete(sql: Sql, id: string): Promise<{ orphanedDefaults: string[] }> {
    const orphaned = await sql.rows<{ user_id: string }>(`SELECT user_id FROM broker_account_defaults WHERE account_id = $1`, [id]);
    await sql.rows(`DELETE FROM broker_accounts WHERE id = $1`, [id]);
    return { orphanedDefaults: orphaned.map((r) => r.user_id) };
  }

  /** A broker session: the encrypted token, its expiry and whose it is at the broker; status connected. */
  async markConnected(
    id: string,
    session: { accessTokenCiphertext: string; expiresAt: Date; brokerUserId: string | null },
    sql: Sql = this.db.sql,
  ): Promise<boolean> {
    const rows = await sql.rows(
      `UPDATE broker_accounts SET status = 'connected', status_reason = NULL, access_token_ciphertext = $2, token_expires_at = $3,
         broker_user_id = coalesce($4, broker_user_id), updated_at = now()
       WHERE id = $1 RETURNING 1`,
      [id, session.accessTokenCiphertext, session.expiresAt, session.brokerUserId],
    );
    return rows.length > 0;
  }

  /** The session is gone (expired, or the broker said TokenException): token wiped, status needs_login. True when it changed. */
  async markNeedsLogin(id: string, reason: string, sql: Sql = this.db.sql): Promise<boolean> {
    const rows = await sql.rows(
      `UPDATE broker_accounts SET status = 'needs_login', status_reason = $2, access_token_ciphertext = NULL, token_expires_at = NULL, updated_at = now()
       WHERE id = $1 AND kind <> 'paper' AND (status <> 'needs_login' OR access_token_ciphertext IS NOT NULL OR status_reason IS DISTINCT FROM $2)
       RETURNING 1`,
      [id, reason.slice(0, 500)],
    );
    return rows.length > 0;
  }

  /** The broker refused the credentials: status error with the reason, no session. `onlyIfDifferent`: true only when something changed. */
  async markError(id: string, reason: string, sql: Sql = this.db.sql, opts: { onlyIfDifferent?: boolean } = {}): Promise<boolean> {
    const rows = await sql.rows(
      `UPDATE broker_accounts SET status = 'error', status_reason = $2, access_token_ciphertext = NULL, token_expires_at = NULL, updated_at = now()
       WHERE id = $1 AND (NOT $3 OR status <> 'error' OR status_reason IS DISTINCT FROM $2) RETURNING 1`,
      [id, reason.slice(0, 500), opts.onlyIfDifferent === true],
    );
    return rows.length > 0;
  }

  /** An account without a daily login answered its check: connected, with `note` as its status reason. True when it changed. */
  async markChecked(id: string, note: string | null, sql: Sql = this.db.sql): Promise<boolean> {
    const rows = await sql.rows(
      `UPDATE broker_accounts SET status = 'connected', status_reason = $2, updated_at = now()
       WHERE id = $1 AND kind <> 'paper' AND (status <> 'connected' OR status_reason IS DISTINCT FROM $2) RETURNING 1`,
      [id, note === null ? null : note.slice(0, 500)],
    );
    return rows.length > 0;
  }

  /**
   * Sessions whose expiry has passed (all, or only the given accounts / the accounts a user
   * sees) become needs_login, token wiped. Returns the ids that changed.
   */
  async expireSessions(
    now: Date,
    scope: { accountIds?: readonly string[]; userId?: string } = {},
    sql: Sql = this.db.sql,
  ): Promise<string[]> {
    const rows = await sql.rows<{ id: string }>(
      `UPDATE broker_accounts a SET status = 'needs_login', status_reason = $4, access_token_ciphertext = NULL, token_expires_at = NULL, updated_at = now()
       WHERE a.access_token_ciphertext IS NOT NULL AND a.token_expires_at <= $1
         AND ($2::uuid[] IS NULL OR a.id = ANY($2::uuid[]))
         AND ($3::uuid IS NULL OR a.owner_user_id = $3 OR EXISTS (SELECT 1 FROM broker_account_users u WHERE u.account_id = a.id AND u.user_id = $3))
       RETURNING a.id`,
      [now, scope.accountIds ?? null, scope.userId ?? null, EXPIRED_REASON],
    );
    return rows.map((r) => r.id);
  }

  /** Kite accounts whose broker-side user is `brokerUserId` (postbacks name the user, not our account). */
  async kiteAccountsOfBrokerUser(brokerUserId: string, sql: Sql = this.db.sql): Promise<AccountSecrets[]> {
    const rows = await sql.rows<SecretsRow>(`${SELECT_SECRETS} WHERE kind = 'kite' AND broker_user_id = $1 ORDER BY created_at, id`, [
      brokerUserId,
    ]);
    return rows.map(toSecrets);
  }

  // Login states ------------------------------------------------------------------------------

  async insertLoginState(sql: Sql, s: { stateHash: Buffer; userId: string; accountId: string; expiresAt: Date }): Promise<void> {
    await sql.rows(`DELETE FROM broker_login_states WHERE expires_at < now() - interval '1 day'`);
    await sql.rows(`INSERT INTO broker_login_states (state_hash, user_id, account_id, expires_at) VALUES ($1, $2, $3, $4)`, [
      s.stateHash,
      s.userId,
      s.accountId,
      s.expiresAt,
    ]);
  }

  /** Takes a login state: it is deleted as it is read, so a second use finds nothing. */
  async consumeLoginState(
    stateHash: Buffer,
    sql: Sql = this.db.sql,
  ): Promise<{ userId: string; accountId: string; expiresAt: Date } | undefined> {
    const row = await sql.maybeOne<{ user_id: string; account_id: string; expires_at: Date }>(
      `DELETE FROM broker_login_states WHERE state_hash = $1 RETURNING user_id, account_id, expires_at`,
      [stateHash],
    );
    return row && { userId: row.user_id, accountId: row.account_id, expiresAt: row.expires_at };
  }

  // Key rotation ------------------------------------------------------------------------------

  /**
   * Up to `limit` accounts with a secret not under `activeKeyId`, locked; rows another
   * re-encrypt run holds are skipped (SKIP LOCKED), so runs in parallel never fight.
   */
  async lockStaleSecrets(
    sql: Sql,
    activeKeyId: string,
    limit: number,
    afterId: string | null = null,
  ): Promise<{ id: string; credentialsCiphertext: string | null; accessTokenCiphertext: string | null }[]> {
    const rows = await sql.rows<{ id: string; credentials_ciphertext: string | null; access_token_ciphertext: string | null }>(
      `SELECT id, credentials_ciphertext, access_token_ciphertext FROM broker_accounts
       WHERE ($3::uuid IS NULL OR id > $3::uuid)
         AND ((credentials_ciphertext IS NOT NULL AND key_id IS DISTINCT FROM $1)
          OR (access_token_ciphertext IS NOT NULL AND split_part(access_token_ciphertext, '.', 2) <> $1))
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [activeKeyId, limit, afterId],
    );
    return rows.map((r) => ({
      id: r.id,
      credentialsCiphertext: r.credentials_ciphertext,
      accessTokenCiphertext: r.access_token_ciphertext,
    }));
  }

  async countStaleSecrets(activeKeyId: string, sql: Sql = this.db.sql): Promise<number> {
    const row = await sql.one<{ n: string }>(
      `SELECT count(*)::text AS n FROM broker_accounts
       WHERE (credentials_ciphertext IS NOT NULL AND key_id IS DISTINCT FROM $1)
          OR (access_token_ciphertext IS NOT NULL AND split_part(access_token_ciphertext, '.', 2) <> $1)`,
      [activeKeyId],
    );
    return Number(row.n);
  }

  async rewriteSecrets(
    sql: Sql,
    id: string,
    s: { credentialsCiphertext: string | null; accessTokenCiphertext: string | null; keyId: string },
  ): Promise<void> {
    await sql.rows(
      `UPDATE broker_accounts SET credentials_ciphertext = coalesce($2, credentials_ciphertext),
         key_id = CASE WHEN $2::text IS NULL THEN key_id ELSE $4 END,
         access_token_ciphertext = CASE WHEN access_token_ciphertext IS NULL THEN NULL ELSE coalesce($3, access_token_ciphertext) END
       WHERE id = $1`,
      [id, s.credentialsCiphertext, s.accessTokenCiphertext, s.keyId],
    );
  }

  /** The account if `userId` may trade it, its row held FOR SHARE to the end of the caller's transaction (order intake). */
  async tradable(
    sql: Sql,
    userId: string,
    /** null: the user's default account (one statement either way). */
    id: string | null,
  ): Promise<
    { id: string; kind: BrokerKind; name: string; status: StoredStatus; statusReason: string | null; disabled: boolean } | undefined
  > {
    const row = await sql.maybeOne<{
      id: string;
      kind: BrokerKind;
      name: string;
      status: StoredStatus;
      status_reason: string | null;
      disabled: boolean;
    }>(
      `SELECT a.id, a.kind, a.name, a.status, a.status_reason, a.disabled FROM broker_accounts a
       WHERE a.id = coalesce($2::uuid, (SELECT d.account_id FROM broker_account_defaults d WHERE d.user_id = $1)) AND ${VISIBLE}
       FOR SHARE OF a`,
      [userId, id],
    );
    return (
      row && { id: row.id, kind: row.kind, name: row.name, status: row.status, statusReason: row.status_reason, disabled: row.disabled }
    );
  }

  /** Whether the account has orders still working (deleting it would strand them). */
  async hasOpenOrders(id: string, sql: Sql = this.db.sql): Promise<boolean> {
    const row = await sql.maybeOne(
      `SELECT 1 FROM orders WHERE account_id = $1 AND status IN ('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED') LIMIT 1`,
      [id],
    );
    return row !== undefined;
  }
}
