import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders go through broker accounts (docs/domain.md "Accounts and books"): every order names its
 * account, and positions are per account — what a Kite account holds cannot be sold from the paper
 * account, and the reverse.
 *
 * Every order and position so far went to the mock broker, so it belongs to its user's paper
 * account (each existing user got one in 1763814600000). Positions take the account into their
 * key. Trades are not touched (they are immutable by trigger): a trade's account is its order's.
 * Strategies name the account they trade: a paper strategy its owner's paper account; a live one
 * (none could run so far) is given its account when the quant sets one.
 */
export class OrderAccounts1763815200000 implements MigrationInterface {
  name = 'OrderAccounts1763815200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders ADD COLUMN account_id uuid REFERENCES broker_accounts (id);
      UPDATE orders o SET account_id = a.id FROM broker_accounts a WHERE a.owner_user_id = o.user_id AND a.kind = 'paper';
      ALTER TABLE orders ALTER COLUMN account_id SET NOT NULL;
      CREATE INDEX orders_account_open ON orders (account_id) WHERE status IN ('PENDING', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED');

      ALTER TABLE positions ADD COLUMN account_id uuid REFERENCES broker_accounts (id);
      UPDATE positions p SET account_id = a.id FROM broker_accounts a WHERE a.owner_user_id = p.user_id AND a.kind = 'paper';
      ALTER TABLE positions ALTER COLUMN account_id SET NOT NULL;
      ALTER TABLE positions DROP CONSTRAINT positions_pkey;
      ALTER TABLE positions ADD PRIMARY KEY (user_id, account_id, symbol, product);

      ALTER TABLE strategies ADD COLUMN account_id uuid REFERENCES broker_accounts (id);
      UPDATE strategies s SET account_id = a.id FROM broker_accounts a WHERE a.owner_user_id = s.user_id AND a.kind = 'paper' AND s.mode = 'paper';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE strategies DROP COLUMN account_id;
      ALTER TABLE positions DROP CONSTRAINT positions_pkey;
      ALTER TABLE positions DROP COLUMN account_id;
      ALTER TABLE positions ADD PRIMARY KEY (user_id, symbol, product);
      DROP INDEX orders_account_open;
      ALTER TABLE orders DROP COLUMN account_id;
    `);
  }
}
