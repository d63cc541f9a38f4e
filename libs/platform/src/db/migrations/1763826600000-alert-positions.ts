import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert processing (docs/alerts.md "Processing", "Positions", "Engines").
 *
 * - `alert_positions`: one row per (delivery, account) real position an alert opened (it opens
 *   when the entry order fills, at the fill's average price; `account_id` set, `shadow` false),
 *   and one per shadow ENTER decision (opened at the decision at the LTP then; `account_id` NULL,
 *   `shadow` true, marked to market in `mark_price` / `marked_at`). Prices are integer ticks,
 *   money bigint paise. `exit_config` snapshots the user's exit tier config at open, so the exit
 *   engine judges a position by the rules it was opened under. The exit engine closes a row
 *   (`status` 'closed', `exit_tier` 1..4, `exit_rule`, `exit_reason`, `exit_price`, `closed_at`,
 *   `realized_pnl_paise`) under a status guard (`WHERE status = 'open'`).
 *   Uniqueness: one real row per (delivery, account); one shadow row per delivery.
 * - `engine_configs`: a user's engine configuration (engine A rules, engine B weights / veto /
 *   entry threshold, exit tiers), one jsonb document per user; no row → the domain defaults.
 */
export class AlertPositions1763826600000 implements MigrationInterface {
  name = 'AlertPositions1763826600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_positions (
        id uuid PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        source_id uuid NOT NULL REFERENCES webhook_sources (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        account_id uuid,
        engine text NOT NULL CHECK (engine IN ('A', 'B')),
        shadow boolean NOT NULL,
        symbol text NOT NULL,
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        quantity bigint NOT NULL CHECK (quantity > 0),
        entry_price bigint NOT NULL CHECK (entry_price > 0),
        entry_order_id uuid,
        opened_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        exit_tier smallint CHECK (exit_tier BETWEEN 1 AND 4),
        exit_rule text,
        exit_reason text CHECK (length(exit_reason) <= 500),
        exit_price bigint CHECK (exit_price > 0),
        closed_at timestamptz,
        exit_config jsonb NOT NULL,
        mark_price bigint CHECK (mark_price > 0),
        marked_at timestamptz,
        realized_pnl_paise bigint,
        CHECK (shadow = (account_id IS NULL)),
        CHECK ((status = 'closed') = (closed_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX alert_positions_real ON alert_positions (delivery_id, account_id) WHERE NOT shadow;
      CREATE UNIQUE INDEX alert_positions_shadow ON alert_positions (delivery_id) WHERE shadow;
      CREATE INDEX alert_positions_open ON alert_positions (symbol) WHERE status = 'open';
      CREATE INDEX alert_positions_source ON alert_positions (source_id, opened_at, id);
      CREATE INDEX alert_positions_user_open ON alert_positions (user_id) WHERE status = 'open';

      CREATE TABLE engine_configs (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        config jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE engine_configs; DROP TABLE alert_positions;`);
  }
}
