import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OHLCV candles for every timeframe, natively range-partitioned by month on `ts` (no
 * TimescaleDB here). Partitions are created on demand by the writer (`ensure_candle_partition`).
 * Prices are integer 1/10000ths.
 */
export class Candles1763794800000 implements MigrationInterface {
  name = 'Candles1763794800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE candles (
        symbol text NOT NULL,
        timeframe text NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '1h', '1d')),
        ts timestamptz NOT NULL,
        open_ticks bigint NOT NULL CHECK (open_ticks > 0),
        high_ticks bigint NOT NULL,
        low_ticks bigint NOT NULL,
        close_ticks bigint NOT NULL,
        volume bigint NOT NULL CHECK (volume >= 0),
        CHECK (low_ticks > 0 AND low_ticks <= LEAST(open_ticks, close_ticks) AND high_ticks >= GREATEST(open_ticks, close_ticks)),
        PRIMARY KEY (symbol, timeframe, ts)
      ) PARTITION BY RANGE (ts);

      -- Creates the monthly partition holding \`at\` if it does not exist (idempotent, race-safe).
      CREATE FUNCTION ensure_candle_partition(at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        name text := 'candles_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('tradeloop:candle-partitions'));
        IF to_regclass(name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF candles FOR VALUES FROM (%L) TO (%L)',
                         name, month_start, month_start + interval '1 month');
        END IF;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE candles; DROP FUNCTION ensure_candle_partition(timestamptz);`);
  }
}
