import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The opening holdings baseline of each live broker account (docs/brokers.md 4.12, "Opening holdings
 * baseline"): the delivery shares the account held at its broker before the platform traded it,
 * added to our CNC side by the daily reconciliation.
 *
 * - `broker_holdings_baselines`: one per account once captured (the account's first successful
 *   reconciliation, or a re-capture by compliance): when, by whom (null: the reconciliation), from
 *   which source, and the IST trading day whose holdings it was read from. Its presence means
 *   "captured", even when the account held nothing.
 * - `broker_holdings_baseline_items`: its shares, one row per symbol (quantity > 0); replaced
 *   whole on a re-capture.
 */
export class HoldingsBaselines1763826000000 implements MigrationInterface {
  name = 'HoldingsBaselines1763826000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE broker_holdings_baselines (
        account_id uuid PRIMARY KEY REFERENCES broker_accounts(id) ON DELETE CASCADE,
        source text NOT NULL CHECK (source IN ('reconciliation', 'compliance')),
        captured_by uuid REFERENCES users(id) ON DELETE SET NULL,
        trading_day date NOT NULL,
        captured_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE broker_holdings_baseline_items (
        account_id uuid NOT NULL REFERENCES broker_holdings_baselines(account_id) ON DELETE CASCADE,
        symbol text NOT NULL CHECK (length(symbol) BETWEEN 1 AND 100),
        quantity integer NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (account_id, symbol)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE broker_holdings_baseline_items;
      DROP TABLE broker_holdings_baselines;
    `);
  }
}
