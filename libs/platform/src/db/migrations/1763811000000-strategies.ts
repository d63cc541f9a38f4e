import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Strategies (issue 6): a user's configured strategy, run by the worker when `running`, with its
 * own position limit (units per symbol) and kill switch (kill_switches scope 'strategy').
 * Orders gain `signal_id`: the model signal a strategy acted on (no foreign key: signals is
 * partitioned by time, and a key into it would have to carry the bar time too).
 */
export class Strategies1763811000000 implements MigrationInterface {
  name = 'Strategies1763811000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE strategies (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('ml-signal', 'sma-crossover')),
        symbols text[] NOT NULL CHECK (cardinality(symbols) BETWEEN 1 AND 50),
        params jsonb NOT NULL,
        model_id uuid REFERENCES models(id),
        mode text NOT NULL CHECK (mode IN ('paper', 'live')),
        status text NOT NULL DEFAULT 'stopped' CHECK (status IN ('stopped', 'running')),
        max_position_units integer NOT NULL CHECK (max_position_units > 0),
        last_error text,
        last_error_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, name),
        CHECK ((kind = 'ml-signal') = (model_id IS NOT NULL))
      );
      CREATE INDEX strategies_running ON strategies (status) WHERE status = 'running';
      ALTER TABLE orders ADD COLUMN signal_id uuid;
      CREATE INDEX orders_strategy ON orders (strategy_id, created_at DESC) WHERE strategy_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_strategy; ALTER TABLE orders DROP COLUMN signal_id; DROP TABLE strategies;`);
  }
}
