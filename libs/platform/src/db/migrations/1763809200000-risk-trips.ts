import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Automatic trips (docs/domain.md, "Risk"): the worker's risk monitor engages a user's kill switch when
 * their day's loss reaches the limit, and may square off their positions.
 *
 * - `risk_limits.square_off_on_trip`: whether a trip also flattens the user's positions.
 * - `risk_trips`: one row per trip. Unique per (user, trading day, rule, limit in force) so that
 *   two worker replicas, or a restart, trip a breach once; an admin who releases the switch is
 *   not overruled the same day unless the limit is changed. The row also carries the trip's
 *   follow-up (cancels, square-off) until it is done, so a crash after the commit resumes it.
 * - Indexes for the monitor's twice-a-second reads: who traded today, who holds a position.
 */
export class RiskTrips1763809200000 implements MigrationInterface {
  name = 'RiskTrips1763809200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE risk_limits ADD COLUMN square_off_on_trip boolean NOT NULL DEFAULT false;

      CREATE TABLE risk_trips (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        rule text NOT NULL CHECK (rule IN ('MAX_DAILY_LOSS', 'MAX_DRAWDOWN')),
        day_start timestamptz NOT NULL,
        limit_paise bigint NOT NULL CHECK (limit_paise >= 0),
        day_pnl_paise bigint NOT NULL,
        reason text NOT NULL,
        square_off boolean NOT NULL,
        tripped_at timestamptz NOT NULL DEFAULT now(),
        square_off_attempts int NOT NULL DEFAULT 0,
        followed_up_at timestamptz,
        outcome text,
        UNIQUE (user_id, day_start, rule, limit_paise)
      );
      CREATE INDEX risk_trips_pending ON risk_trips (tripped_at) WHERE followed_up_at IS NULL;

      CREATE INDEX trades_executed_at ON trades (executed_at);
      CREATE INDEX positions_open ON positions (user_id) WHERE net_quantity <> 0;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX positions_open;
      DROP INDEX trades_executed_at;
      DROP TABLE risk_trips;
      ALTER TABLE risk_limits DROP COLUMN square_off_on_trip;
    `);
  }
}
