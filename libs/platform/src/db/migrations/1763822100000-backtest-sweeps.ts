import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backtest sweeps (docs/backtests.md "Sweeps"): a parameter grid run as one parent row and one
 * child row (and job) per combination.
 *
 * - `parent_id`: a child's sweep; children are cancelled and deleted with it.
 * - `sweep`: a parent's grid (`{ combinations, outOfSample, splitAt }`); a parent has no metrics of
 *   its own — its status and progress are its children's, aggregated when read.
 * - `split_at`: a child's in-sample / out-of-sample boundary: the in-sample run replays
 *   [from, split_at), the out-of-sample run [split_at, to); `oos_metrics` are the second run's.
 * - `backtest_trades.sample`: which of the two runs a fill belongs to.
 */
export class BacktestSweeps1763822100000 implements MigrationInterface {
  name = 'BacktestSweeps1763822100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE backtests
        ADD COLUMN parent_id uuid REFERENCES backtests (id) ON DELETE CASCADE,
        ADD COLUMN sweep jsonb,
        ADD COLUMN split_at timestamptz,
        ADD COLUMN oos_metrics jsonb;
      ALTER TABLE backtests DROP CONSTRAINT backtests_check;
      ALTER TABLE backtests ADD CONSTRAINT backtests_metrics_when_completed
        CHECK (sweep IS NOT NULL OR (status = 'completed') = (metrics IS NOT NULL));
      ALTER TABLE backtests ADD CONSTRAINT backtests_oos_when_split
        CHECK (split_at IS NULL OR (status = 'completed') = (oos_metrics IS NOT NULL));
      CREATE INDEX backtests_parent ON backtests (parent_id) WHERE parent_id IS NOT NULL;
      ALTER TABLE backtest_trades ADD COLUMN sample text NOT NULL DEFAULT 'in' CHECK (sample IN ('in', 'out'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE backtest_trades DROP COLUMN sample;
      DELETE FROM backtests WHERE sweep IS NOT NULL;
      ALTER TABLE backtests DROP CONSTRAINT backtests_oos_when_split, DROP CONSTRAINT backtests_metrics_when_completed;
      ALTER TABLE backtests DROP COLUMN oos_metrics, DROP COLUMN split_at, DROP COLUMN sweep, DROP COLUMN parent_id;
      ALTER TABLE backtests ADD CONSTRAINT backtests_check CHECK ((status = 'completed') = (metrics IS NOT NULL));
    `);
  }
}
