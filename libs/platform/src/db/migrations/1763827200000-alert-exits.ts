import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert exit engine's triggers (docs/alerts.md "Exit engine"): one row per position that
 * exited, `trigger_id` = `alert-exit:<positionId>` unique, so a breach seen twice, or by two
 * engines, exits once. A shadow exit is written `closed` with its position in one transaction; a
 * real one is `triggered` until its MARKET exit order is placed (`sent`, `order_id`; `attempt`
 * names the order's Idempotency-Key, a new attempt only after an order that ended unfilled), then
 * `closed` with the position at the exit fill's price. `tier` / `rule` / `reason` / `flagged`
 * are the tier signal; `trigger_price` the LTP it was judged at (ticks).
 */
export class AlertExits1763827200000 implements MigrationInterface {
  name = 'AlertExits1763827200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_exits (
        id uuid PRIMARY KEY,
        trigger_id text NOT NULL UNIQUE,
        position_id uuid NOT NULL UNIQUE REFERENCES alert_positions (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        shadow boolean NOT NULL,
        symbol text NOT NULL,
        tier smallint NOT NULL CHECK (tier BETWEEN 1 AND 4),
        rule text NOT NULL,
        reason text NOT NULL CHECK (length(reason) <= 500),
        flagged boolean NOT NULL,
        trigger_price bigint NOT NULL CHECK (trigger_price > 0),
        status text NOT NULL CHECK (status IN ('triggered', 'sent', 'closed')),
        attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        order_id uuid,
        last_error text CHECK (length(last_error) <= 500),
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        closed_at timestamptz,
        CHECK ((status = 'closed') = (closed_at IS NOT NULL))
      );
      CREATE INDEX alert_exits_pending ON alert_exits (created_at) WHERE status <> 'closed';
      CREATE INDEX alert_exits_order ON alert_exits (order_id) WHERE order_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_exits;`);
  }
}
