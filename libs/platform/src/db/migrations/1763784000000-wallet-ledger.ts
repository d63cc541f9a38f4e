import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The wallet ledger: double-entry transactions and entries (append-only, enforced by triggers),
 * per-user balances kept in the same database transaction as the entries (CHECK ≥ 0), a hash
 * chain over transactions in the order they were sealed after commit, and idempotency keys.
 */
export class WalletLedger1763784000000 implements MigrationInterface {
  name = 'WalletLedger1763784000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wallet_balances (
        user_id uuid PRIMARY KEY REFERENCES users (id),
        cash_minor bigint NOT NULL DEFAULT 0,
        held_minor bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT wallet_cash_not_negative CHECK (cash_minor >= 0),
        CONSTRAINT wallet_held_not_negative CHECK (held_minor >= 0)
      );
      -- Every user has a wallet from registration on; existing users get an empty one.
      INSERT INTO wallet_balances (user_id) SELECT id FROM users;

      CREATE TABLE ledger_transactions (
        id uuid PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'SETTLE', 'FEE', 'TAX')),
        user_id uuid NOT NULL REFERENCES users (id),
        reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL,
        content_hash bytea NOT NULL CHECK (length(content_hash) = 32),
        -- Commit order as the sealer observed it; the chain is sealed in this order.
        ingest_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE
      );
      -- Append-only and written in time order: BRIN indexes cost almost nothing to maintain.
      CREATE INDEX ledger_transactions_created_idx ON ledger_transactions USING brin (created_at);

      CREATE TABLE ledger_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id uuid NOT NULL REFERENCES ledger_transactions (id) DEFERRABLE INITIALLY DEFERRED,
        position smallint NOT NULL,
        account text NOT NULL,
        user_id uuid,
        type text NOT NULL CHECK (type IN ('DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'TRADE_BUY', 'TRADE_SELL', 'FEE', 'TAX')),
        amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
        balance_after_minor bigint,
        created_at timestamptz NOT NULL,
        UNIQUE (transaction_id, position)
      );
      CREATE INDEX ledger_entries_user_idx ON ledger_entries (user_id, id DESC);
      CREATE INDEX ledger_entries_type_idx ON ledger_entries (type, id DESC);
      CREATE INDEX ledger_entries_created_idx ON ledger_entries USING brin (created_at);

      -- The hash chain: one row per sealed transaction, in seal order.
      CREATE TABLE ledger_chain (
        seq bigint PRIMARY KEY,
        transaction_id uuid NOT NULL UNIQUE REFERENCES ledger_transactions (id),
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now()
      );
      -- Work queue of committed transactions not yet in the chain (not part of the ledger).
      CREATE TABLE ledger_unsealed (
        transaction_id uuid PRIMARY KEY REFERENCES ledger_transactions (id) DEFERRABLE INITIALLY DEFERRED,
        ingest_id bigint NOT NULL
      );
      CREATE INDEX ledger_unsealed_order_idx ON ledger_unsealed (ingest_id);

      CREATE TABLE ledger_chain_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash bytea NOT NULL
      );
      INSERT INTO ledger_chain_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

      CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE OR DELETE ON ledger_transactions
        FOR EACH ROW EXECUTE FUNCTION reject_mutation();
      CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
        FOR EACH STATEMENT EXECUTE FUNCTION reject_mutation();
      CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION reject_mutation();
      CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
        FOR EACH STATEMENT EXECUTE FUNCTION reject_mutation();
      CREATE TRIGGER ledger_chain_no_update BEFORE UPDATE OR DELETE ON ledger_chain
        FOR EACH ROW EXECUTE FUNCTION reject_mutation();
      CREATE TRIGGER ledger_chain_no_truncate BEFORE TRUNCATE ON ledger_chain
        FOR EACH STATEMENT EXECUTE FUNCTION reject_mutation();

      CREATE TABLE idempotency_keys (
        scope uuid NOT NULL,
        key text NOT NULL,
        request_hash bytea NOT NULL,
        status_code int NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE idempotency_keys;
      DROP TABLE ledger_chain_head;
      DROP TABLE ledger_unsealed;
      DROP TABLE ledger_chain;
      DROP TABLE ledger_entries;
      DROP TABLE ledger_transactions;
      DROP TABLE wallet_balances;
    `);
  }
}
