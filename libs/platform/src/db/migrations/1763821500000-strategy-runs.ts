import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Strategy runs (docs/backtests.md "Strategy runs"): each start → stop of a paper or live
 * strategy is a run, opened and closed in the transaction that changes the strategy's status.
 *
 * - `strategy_runs`: the strategy's configuration as it started (kind, symbols, params, model,
 *   account, position limit), its mode, when it started and stopped and why (`user`,
 *   `kill_switch`, `error`). One open run per strategy at most. A run's orders are the strategy's
 *   orders created in [started_at, stopped_at).
 * - `strategy_run_snapshots`: one row per run per minute while it is open — equity, realised and
 *   unrealised P&L and charges in paise, positions per symbol ({ symbol: netQuantity }) — written
 *   by the worker's snapshot loop, idempotent per (run, minute).
 */
export class StrategyRuns1763821500000 implements MigrationInterface {
  name = 'StrategyRuns1763821500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE strategy_runs (
        id uuid PRIMARY KEY,
        strategy_id uuid NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('paper', 'live')),
        config jsonb NOT NULL,
        capital_paise bigint NOT NULL CHECK (capital_paise > 0),
        started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        stopped_at timestamptz,
        stop_reason text CHECK (stop_reason IN ('user', 'kill_switch', 'error')),
        CHECK ((stopped_at IS NULL) = (stop_reason IS NULL))
      );
      CREATE UNIQUE INDEX strategy_runs_one_open ON strategy_runs (strategy_id) WHERE stopped_at IS NULL;
      CREATE INDEX strategy_runs_strategy ON strategy_runs (strategy_id, started_at DESC);

      CREATE TABLE strategy_run_snapshots (
        run_id uuid NOT NULL REFERENCES strategy_runs (id) ON DELETE CASCADE,
        ts timestamptz NOT NULL CHECK (date_trunc('minute', ts) = ts),
        equity_paise bigint NOT NULL,
        realized_paise bigint NOT NULL,
        unrealized_paise bigint NOT NULL,
        charges_paise bigint NOT NULL,
        positions jsonb NOT NULL,
        PRIMARY KEY (run_id, ts)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE strategy_run_snapshots; DROP TABLE strategy_runs;`);
  }
}
