import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backtests as stored worker jobs (docs/backtests.md "Runs, storage and API").
 *
 * - `backtests`: one row per run: status (queued → running → completed | failed | cancelled),
 *   progress 0..1, the accepted request and its fill model, the model and feature-set versions of
 *   an ml-signal run, the metrics once completed. `cancel_requested` is how DELETE reaches a
 *   running job; `heartbeat_at` is how a run whose worker died is found and failed.
 * - `backtest_trades`: one row per fill; price in ticks, fees in paise, realised P&L in tick-units
 *   (bigint, never floats on money).
 * - `backtest_equity`: equity per bar, tick-units.
 * Trades and equity are written with the metrics in the transaction that completes the run: a
 * cancelled or failed run has none.
 */
export class Backtests1763820600000 implements MigrationInterface {
  name = 'Backtests1763820600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE backtests (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        progress double precision NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
        request jsonb NOT NULL,
        fill_model jsonb NOT NULL,
        model_version text,
        feature_set_version text,
        error text,
        metrics jsonb,
        bars_total bigint NOT NULL DEFAULT 0,
        bars_processed bigint NOT NULL DEFAULT 0,
        cancel_requested boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        heartbeat_at timestamptz,
        CHECK ((status = 'completed') = (metrics IS NOT NULL))
      );
      CREATE INDEX backtests_user ON backtests (user_id, created_at DESC);
      -- The stale-run sweep reads only running rows.
      CREATE INDEX backtests_running ON backtests (heartbeat_at) WHERE status = 'running';

      CREATE TABLE backtest_trades (
        backtest_id uuid NOT NULL REFERENCES backtests (id) ON DELETE CASCADE,
        seq int NOT NULL,
        ts timestamptz NOT NULL,
        symbol text NOT NULL,
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        quantity bigint NOT NULL CHECK (quantity > 0),
        price_ticks bigint NOT NULL,
        fees_paise bigint NOT NULL,
        realized_tick_units bigint NOT NULL,
        PRIMARY KEY (backtest_id, seq)
      );

      CREATE TABLE backtest_equity (
        backtest_id uuid NOT NULL REFERENCES backtests (id) ON DELETE CASCADE,
        ts timestamptz NOT NULL,
        equity_tick_units bigint NOT NULL,
        PRIMARY KEY (backtest_id, ts)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE backtest_equity; DROP TABLE backtest_trades; DROP TABLE backtests;`);
  }
}
