import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The second automatic trip (docs/domain.md, "Risk"), max drawdown: a per-user limit (null = none, the default)
 * on how much of the day's best P&L may be given back, and the day's peak P&L per user that the
 * risk monitor keeps (it only rises; a new day starts a new row, so the peak starts at zero).
 */
export class RiskDrawdown1763812800000 implements MigrationInterface {
  name = 'RiskDrawdown1763812800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE risk_limits ADD COLUMN max_drawdown_paise bigint CHECK (max_drawdown_paise IS NULL OR max_drawdown_paise > 0);
      CREATE TABLE risk_pnl_peaks (
        user_id uuid NOT NULL REFERENCES users(id),
        day_start timestamptz NOT NULL,
        peak_paise bigint NOT NULL CHECK (peak_paise >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, day_start)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE risk_pnl_peaks; ALTER TABLE risk_limits DROP COLUMN max_drawdown_paise;`);
  }
}
