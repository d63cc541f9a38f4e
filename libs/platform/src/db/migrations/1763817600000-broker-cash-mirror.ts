import type { MigrationInterface, QueryRunner } from 'typeorm';

const TRANSACTION_TYPES = ['DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'SETTLE', 'FEE', 'TAX', 'SET_BALANCE'];
const ENTRY_TYPES = ['DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'TRADE_BUY', 'TRADE_SELL', 'FEE', 'TAX', 'SET_BALANCE'];
const list = (types: string[]) => types.map((t) => `'${t}'`).join(', ');

/**
 * The cash mirror of each live broker account as a book of the ledger (docs/domain.md, "Accounts
 * and books"; docs/adr/0005-ledger.md): `broker:<account>:cash` against the broker house
 * (`broker:clearing`, `broker:external`), moved only by the daily reconciliation, covered by the
 * same chain, hashes and verify as the wallet and the paper books.
 *
 * - `broker_cash_balances`: the mirror's stored balance per live account, with its owner (NULL for
 *   a firm account) and `fills_through`, the instant up to which our fills on the account are in the
 *   mirror (the next reconciliation takes the fills from there to its day's start). No CHECK ≥ 0:
 *   a broker account can be in debit, and the mirror says what the broker says. No foreign key to
 *   `broker_accounts`: the ledger outlives a deleted account.
 * - `ledger_entries.mirror_account_id`: set on every entry of a mirror transaction (as
 *   `paper_account_id` is on paper ones), so compliance filters by book; verify checks it against
 *   the account codes.
 * - `ledger_transactions.user_id` may be NULL: a firm account's mirror has no owner. Only there —
 *   the journal refuses a transaction without a user in any other book, and verify reports one.
 * - `RECONCILE` (the transaction) and `ADJUSTMENT` (its unexplained part): mirror books only.
 * - `broker_reconciliations.mirror_transaction_id`: the ledger transaction a run posted, if any.
 */
export class BrokerCashMirror1763817600000 implements MigrationInterface {
  name = 'BrokerCashMirror1763817600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE broker_cash_balances (
        account_id uuid PRIMARY KEY,
        user_id uuid REFERENCES users (id),
        cash_paise bigint NOT NULL DEFAULT 0,
        fills_through timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      ALTER TABLE ledger_entries ADD COLUMN mirror_account_id uuid;
      CREATE INDEX ledger_entries_mirror_idx ON ledger_entries (mirror_account_id, id DESC) WHERE mirror_account_id IS NOT NULL;
      ALTER TABLE ledger_transactions ALTER COLUMN user_id DROP NOT NULL;

      ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_type_check,
        ADD CONSTRAINT ledger_transactions_type_check CHECK (type IN (${list([...TRANSACTION_TYPES, 'RECONCILE'])}));
      ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_type_check,
        ADD CONSTRAINT ledger_entries_type_check CHECK (type IN (${list([...ENTRY_TYPES, 'ADJUSTMENT'])}));

      ALTER TABLE broker_reconciliations ADD COLUMN mirror_transaction_id uuid;
    `);
  }

  /** Fails (NOT NULL and the CHECKs refuse) once mirror transactions exist: the ledger is append-only. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE broker_reconciliations DROP COLUMN mirror_transaction_id;
      ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_type_check,
        ADD CONSTRAINT ledger_entries_type_check CHECK (type IN (${list(ENTRY_TYPES)}));
      ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_type_check,
        ADD CONSTRAINT ledger_transactions_type_check CHECK (type IN (${list(TRANSACTION_TYPES)}));
      ALTER TABLE ledger_transactions ALTER COLUMN user_id SET NOT NULL;
      DROP INDEX ledger_entries_mirror_idx;
      ALTER TABLE ledger_entries DROP COLUMN mirror_account_id;
      DROP TABLE broker_cash_balances;
    `);
  }
}
