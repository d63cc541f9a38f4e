import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Standing exits at the broker (docs/watchlist-trading.md, "Standing exits"): the Kite GTT that
 * holds a leg's TP / SL on one account, one row per leg and account (the current or last trigger).
 *
 * - `trigger_id`: Kite's id; `kind` `two-leg` (OCO: TP and SL) or `single` (one of them).
 * - `exit_side`, `quantity`, `entry_ticks`, `tp_ticks`, `sl_ticks`: what the trigger was last set to
 *   (the account's net and average entry, and the levels from the leg's settings snapshot).
 * - `status`: `active` (at the broker), `deleted` (by us), `triggered` (it fired: `broker_order_id`
 *   is the order Kite placed and `exit_order_id` our order row adopting it as the leg's exit, or
 *   both null when Kite could not place it), `gone` (Kite ended it otherwise: expired, cancelled...).
 */
export class TradeLegGtts1763819400000 implements MigrationInterface {
  name = 'TradeLegGtts1763819400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE trade_leg_gtts (
        leg_id uuid NOT NULL REFERENCES trade_legs (id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES broker_accounts (id),
        trigger_id text NOT NULL CHECK (trigger_id ~ '^[0-9]{1,19}$'),
        kind text NOT NULL CHECK (kind IN ('single', 'two-leg')),
        exit_side text NOT NULL CHECK (exit_side IN ('BUY', 'SELL')),
        quantity int NOT NULL CHECK (quantity > 0),
        entry_ticks bigint NOT NULL CHECK (entry_ticks > 0),
        tp_ticks bigint CHECK (tp_ticks > 0),
        sl_ticks bigint CHECK (sl_ticks > 0),
        status text NOT NULL CHECK (status IN ('active', 'deleted', 'triggered', 'gone')),
        broker_order_id text,
        exit_order_id uuid REFERENCES orders (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (leg_id, account_id),
        UNIQUE (account_id, trigger_id),
        CHECK (tp_ticks IS NOT NULL OR sl_ticks IS NOT NULL),
        CHECK ((kind = 'two-leg') = (tp_ticks IS NOT NULL AND sl_ticks IS NOT NULL)),
        CHECK (exit_order_id IS NULL OR (status = 'triggered' AND broker_order_id IS NOT NULL))
      );
      CREATE INDEX trade_leg_gtts_active_idx ON trade_leg_gtts (updated_at) WHERE status = 'active';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE trade_leg_gtts`);
  }
}
