import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A strategy run's final snapshot (docs/backtests.md "Strategy runs"): when a run stops (user,
 * kill switch, error) the transaction that ends it writes one more snapshot, at its `stopped_at`
 * — not a whole minute — with the P&L at the stop.
 *
 * - `final`: that snapshot; a run has at most one (partial unique index).
 * - `ts` is a whole minute, except on the final snapshot.
 */
export class StrategyRunFinalSnapshot1763822700000 implements MigrationInterface {
  name = 'StrategyRunFinalSnapshot1763822700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE strategy_run_snapshots ADD COLUMN final boolean NOT NULL DEFAULT false;
      ALTER TABLE strategy_run_snapshots DROP CONSTRAINT strategy_run_snapshots_ts_check;
      ALTER TABLE strategy_run_snapshots ADD CONSTRAINT strategy_run_snapshots_ts_check CHECK (final OR date_trunc('minute', ts) = ts);
      CREATE UNIQUE INDEX strategy_run_snapshots_one_final ON strategy_run_snapshots (run_id) WHERE final;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM strategy_run_snapshots WHERE final;
      DROP INDEX strategy_run_snapshots_one_final;
      ALTER TABLE strategy_run_snapshots DROP CONSTRAINT strategy_run_snapshots_ts_check;
      ALTER TABLE strategy_run_snapshots ADD CONSTRAINT strategy_run_snapshots_ts_check CHECK (date_trunc('minute', ts) = ts);
      ALTER TABLE strategy_run_snapshots DROP COLUMN final;
    `);
  }
}
