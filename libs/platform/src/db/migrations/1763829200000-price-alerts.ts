import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Price alerts (docs/alerts.md "Price alerts"; docs/api.md "Price alerts"): a user's level on a
 * symbol, `active` until the live price reaches it, then `triggered` once — by the one UPDATE
 * that finds it still active (`WHERE status = 'active' … RETURNING`), whatever number of engines
 * saw the tick — with the price that reached it and the tick's time. `notified_at` is set once
 * the notification event was handed to the notifications port; a triggered alert without it (the
 * worker died in between) is handed over again by the engine's sweep.
 */
export class PriceAlerts1763829200000 implements MigrationInterface {
  name = 'PriceAlerts1763829200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE price_alerts (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        symbol text NOT NULL REFERENCES instruments(symbol) ON DELETE CASCADE,
        condition text NOT NULL CHECK (condition IN ('above', 'below')),
        price_ticks bigint NOT NULL CHECK (price_ticks > 0),
        note text CHECK (length(note) BETWEEN 1 AND 200),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'triggered')),
        created_at timestamptz NOT NULL DEFAULT now(),
        triggered_at timestamptz,
        trigger_price_ticks bigint CHECK (trigger_price_ticks > 0),
        notified_at timestamptz,
        CHECK ((status = 'triggered') = (triggered_at IS NOT NULL)),
        CHECK ((status = 'triggered') = (trigger_price_ticks IS NOT NULL)),
        CHECK (notified_at IS NULL OR status = 'triggered')
      );
      CREATE INDEX price_alerts_user ON price_alerts (user_id, created_at DESC, id DESC);
      CREATE INDEX price_alerts_active ON price_alerts (symbol) WHERE status = 'active';
      CREATE INDEX price_alerts_unnotified ON price_alerts (triggered_at) WHERE status = 'triggered' AND notified_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE price_alerts`);
  }
}
