import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * EXIT alerts (docs/alerts.md "EXIT alerts"): an exit the position's own source asked for is
 * recorded as tier 0 (rule `EXIT_ALERT`), before the engine's tiers 1..4, in `alert_exits.tier`
 * and `alert_positions.exit_tier`.
 */
export class ExitAlertTier1763827300000 implements MigrationInterface {
  name = 'ExitAlertTier1763827300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alert_exits DROP CONSTRAINT alert_exits_tier_check;
      ALTER TABLE alert_exits ADD CONSTRAINT alert_exits_tier_check CHECK (tier BETWEEN 0 AND 4);
      ALTER TABLE alert_positions DROP CONSTRAINT alert_positions_exit_tier_check;
      ALTER TABLE alert_positions ADD CONSTRAINT alert_positions_exit_tier_check CHECK (exit_tier BETWEEN 0 AND 4);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alert_exits DROP CONSTRAINT alert_exits_tier_check;
      ALTER TABLE alert_exits ADD CONSTRAINT alert_exits_tier_check CHECK (tier BETWEEN 1 AND 4);
      ALTER TABLE alert_positions DROP CONSTRAINT alert_positions_exit_tier_check;
      ALTER TABLE alert_positions ADD CONSTRAINT alert_positions_exit_tier_check CHECK (exit_tier BETWEEN 1 AND 4);
    `);
  }
}
