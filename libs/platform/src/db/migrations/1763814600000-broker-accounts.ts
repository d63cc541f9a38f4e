import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Broker accounts (docs/domain.md "Accounts and books", docs/api.md "Broker accounts"): every
 * order will go through one. A user's own accounts have `owner_user_id`; firm accounts (null
 * owner) are registered by an admin and assigned through `broker_account_users`.
 *
 * - Exactly one `paper` account per user (partial unique index); existing users get theirs here,
 *   new users lazily and idempotently (`ensurePaperAccount`). Its virtual balance is
 *   `paper_balance_paise` until the paper book of the ledger takes over.
 * - Secrets are AES-256-GCM ciphertexts (`v1.<key id>.<iv>.<tag>.<data>`, authenticated with the
 *   account id and field): `credentials_ciphertext` (the kind's fields as JSON) and
 *   `access_token_ciphertext`. `key_id` is the key of the credentials (what the re-encrypt job
 *   looks for); `credentials_hint` is the masked form the API shows ("••••" + last 4).
 * - `disabled` is kept apart from `status` so enabling again restores what the broker said.
 * - One default account per user: `broker_account_defaults` (a firm account can be an assigned
 *   user's default, so the flag cannot live on the account row).
 * - Login states for the daily broker login are stored hashed, single use, short-lived.
 */
export class BrokerAccounts1763814600000 implements MigrationInterface {
  name = 'BrokerAccounts1763814600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE broker_accounts (
        id uuid PRIMARY KEY,
        owner_user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('paper', 'kite', 'upstox', 'openalgo')),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
        status text NOT NULL CHECK (status IN ('connected', 'needs_login', 'error')),
        status_reason text CHECK (length(status_reason) <= 500),
        disabled boolean NOT NULL DEFAULT false,
        credentials_ciphertext text,
        credentials_hint jsonb NOT NULL DEFAULT '{}',
        key_id text,
        access_token_ciphertext text,
        token_expires_at timestamptz,
        broker_user_id text,
        paper_balance_paise bigint CHECK (paper_balance_paise >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT broker_accounts_paper_shape CHECK (
          (kind = 'paper') = (paper_balance_paise IS NOT NULL)
          AND (kind = 'paper' OR (credentials_ciphertext IS NOT NULL AND key_id IS NOT NULL))
          AND (kind <> 'paper' OR owner_user_id IS NOT NULL)
        ),
        CONSTRAINT broker_accounts_token_shape CHECK ((access_token_ciphertext IS NULL) = (token_expires_at IS NULL))
      );
      CREATE UNIQUE INDEX broker_accounts_one_paper ON broker_accounts (owner_user_id) WHERE kind = 'paper';
      CREATE INDEX broker_accounts_owner_idx ON broker_accounts (owner_user_id, created_at);
      CREATE INDEX broker_accounts_key_idx ON broker_accounts (key_id);
      CREATE INDEX broker_accounts_broker_user_idx ON broker_accounts (kind, broker_user_id) WHERE broker_user_id IS NOT NULL;
      CREATE INDEX broker_accounts_token_expiry_idx ON broker_accounts (token_expires_at) WHERE access_token_ciphertext IS NOT NULL;

      CREATE TABLE broker_account_users (
        account_id uuid NOT NULL REFERENCES broker_accounts (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        PRIMARY KEY (account_id, user_id)
      );
      CREATE INDEX broker_account_users_user_idx ON broker_account_users (user_id);

      CREATE TABLE broker_account_defaults (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES broker_accounts (id) ON DELETE CASCADE
      );
      CREATE INDEX broker_account_defaults_account_idx ON broker_account_defaults (account_id);

      CREATE TABLE broker_login_states (
        state_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES broker_accounts (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX broker_login_states_expiry_idx ON broker_login_states (expires_at);

      -- Backfill: every existing user gets a paper account (a UUIDv7 built in SQL) as their default.
      INSERT INTO broker_accounts (id, owner_user_id, kind, name, status, paper_balance_paise)
      SELECT encode(
               set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                 PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                 FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid,
             u.id, 'paper', 'Paper', 'connected', 0
      FROM users u;
      INSERT INTO broker_account_defaults (user_id, account_id)
      SELECT owner_user_id, id FROM broker_accounts WHERE kind = 'paper';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE broker_login_states; DROP TABLE broker_account_defaults; DROP TABLE broker_account_users; DROP TABLE broker_accounts;`,
    );
  }
}
