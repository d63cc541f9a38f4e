import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Paper orders hold and settle in the paper book (docs/domain.md, "Accounts and books (second
 * wave)"): each order records which book its hold lives in, `hold_book` ('wallet' or 'paper'), so
 * an order settles, releases and modifies its hold only in the book it held in. Orders placed
 * before this switch keep 'wallet'; the worker moves the holds of open paper orders across once
 * (libs/trading move-paper-holds.use-case.ts), each with its order locked.
 *
 * The paper book is the one truth of a paper account's balance: the account's own
 * `paper_balance_paise` column (and the CHECK tying it to paper accounts) goes. A paper book is
 * opened with the configured starting balance the first time it is used.
 */
export class PaperOrderHolds1763817000000 implements MigrationInterface {
  name = 'PaperOrderHolds1763817000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders ADD COLUMN hold_book text NOT NULL DEFAULT 'wallet'
        CONSTRAINT orders_hold_book_check CHECK (hold_book IN ('wallet', 'paper'));
      ALTER TABLE broker_accounts DROP CONSTRAINT broker_accounts_paper_shape;
      ALTER TABLE broker_accounts DROP COLUMN paper_balance_paise;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE broker_accounts ADD COLUMN paper_balance_paise bigint CHECK (paper_balance_paise >= 0);
      UPDATE broker_accounts SET paper_balance_paise = 0 WHERE kind = 'paper';
      ALTER TABLE broker_accounts ADD CONSTRAINT broker_accounts_paper_shape CHECK ((kind = 'paper') = (paper_balance_paise IS NOT NULL));
      ALTER TABLE orders DROP COLUMN hold_book;
    `);
  }
}
