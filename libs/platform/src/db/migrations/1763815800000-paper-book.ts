import type { MigrationInterface, QueryRunner } from 'typeorm';

const TRANSACTION_TYPES = ['DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'SETTLE', 'FEE', 'TAX'];
const ENTRY_TYPES = ['DEPOSIT', 'WITHDRAWAL', 'HOLD', 'RELEASE', 'TRADE_BUY', 'TRADE_SELL', 'FEE', 'TAX'];
const list = (types: string[]) => types.map((t) => `'${t}'`).join(', ');

/**
 * The paper book of the ledger (docs/domain.md, "Accounts and books"; docs/adr/0005-ledger.md):
 * paper money kept apart from the real wallet, with the same double-entry rules and the same
 * verify.
 *
 * - `paper_balances`: each paper broker account's virtual cash and held, keyed by the broker
 *   account's id, with its owner, the same CHECK ≥ 0 as `wallet_balances`, updated in the same
 *   posting statement under the same guard. A table of its own rather than a book column on
 *   `wallet_balances`: the wallet's key, reads and endpoints stay exactly as they are, so no
 *   real-wallet read can ever sum paper money. No foreign key to `broker_accounts`: that table
 *   is not committed yet; the ledger keys the book by the account's uuid and never reads it.
 * - `ledger_entries.paper_account_id`: set on every entry of a paper transaction (its own cash
 *   and held and its `paper:*` house legs), NULL on the real book. Paper entries carry no
 *   `user_id` (that column names the real wallet an entry is on), so the wallet's own entry list
 *   never shows them; compliance filters by book with this column (partial index: the real
 *   book's rows do not pay for it). Not hashed: the account codes in the content hash already
 *   name the book, and verify checks the column against them.
 * - `SET_BALANCE`: the owner setting or resetting a paper balance (paper books only).
 */
export class PaperBook1763815800000 implements MigrationInterface {
  name = 'PaperBook1763815800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE paper_balances (
        account_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        cash_paise bigint NOT NULL DEFAULT 0,
        held_paise bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT paper_cash_not_negative CHECK (cash_paise >= 0),
        CONSTRAINT paper_held_not_negative CHECK (held_paise >= 0)
      );
      CREATE INDEX paper_balances_user_idx ON paper_balances (user_id);

      ALTER TABLE ledger_entries ADD COLUMN paper_account_id uuid;
      CREATE INDEX ledger_entries_paper_idx ON ledger_entries (paper_account_id, id DESC) WHERE paper_account_id IS NOT NULL;

      ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_type_check,
        ADD CONSTRAINT ledger_transactions_type_check CHECK (type IN (${list([...TRANSACTION_TYPES, 'SET_BALANCE'])}));
      ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_type_check,
        ADD CONSTRAINT ledger_entries_type_check CHECK (type IN (${list([...ENTRY_TYPES, 'SET_BALANCE'])}));
    `);
  }

  /** Fails (the CHECKs refuse) once paper transactions exist: the ledger is append-only. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_type_check,
        ADD CONSTRAINT ledger_entries_type_check CHECK (type IN (${list(ENTRY_TYPES)}));
      ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_type_check,
        ADD CONSTRAINT ledger_transactions_type_check CHECK (type IN (${list(TRANSACTION_TYPES)}));
      DROP INDEX ledger_entries_paper_idx;
      ALTER TABLE ledger_entries DROP COLUMN paper_account_id;
      DROP TABLE paper_balances;
    `);
  }
}
