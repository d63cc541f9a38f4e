import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signals stored one row per model and bar close (arrays over the symbols of the bucket) instead
 * of one row per signal: a bucket of 500 symbols was a 500-row insert with four index entries
 * each (~30 ms on the 2-vCPU VM, the bulk of bar close → stored and pushed); as one row it is a
 * few milliseconds. Signals keep their own ids (UUIDv7 stamped with the bar time, so the bar —
 * and through the time index the row — of a signal is read off its id), the exact
 * float32 inputs (`features`, `width` values per signal, in order) and their hashes. The primary
 * key (model, timeframe, bar) makes a repeated bucket record nothing twice. Rows are immutable;
 * partitions by month of bar time are created on demand. Signals are derived data, so the
 * per-signal table of 1763810700000 is dropped rather than converted.
 */
export class SignalBatches1763811600000 implements MigrationInterface {
  name = 'SignalBatches1763811600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE signals;
      DROP FUNCTION ensure_signal_partition(timestamptz);

      CREATE TABLE signal_batches (
        model_id uuid NOT NULL,
        model_name text NOT NULL,
        model_version text NOT NULL,
        stage text NOT NULL CHECK (stage IN ('staging', 'shadow', 'production', 'archived')),
        timeframe text NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '1h', '1d')),
        ts timestamptz NOT NULL,
        ids uuid[] NOT NULL,
        symbols text[] NOT NULL,
        scores float8[] NOT NULL,
        verdicts text[] NOT NULL,
        close_ticks int8[] NOT NULL,
        width integer NOT NULL CHECK (width > 0),
        -- The exact float32 inputs, little-endian, width values per signal, in order (no text round trip).
        features bytea NOT NULL,
        hashes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (cardinality(ids) > 0
          AND cardinality(symbols) = cardinality(ids) AND cardinality(scores) = cardinality(ids)
          AND cardinality(verdicts) = cardinality(ids) AND cardinality(close_ticks) = cardinality(ids)
          AND cardinality(hashes) = cardinality(ids) AND octet_length(features) = cardinality(ids) * width * 4),
        PRIMARY KEY (model_id, timeframe, ts)
      ) PARTITION BY RANGE (ts);
      -- Float bytes do not compress: store them as they are instead of paying pglz on every insert.
      ALTER TABLE signal_batches ALTER COLUMN features SET STORAGE EXTERNAL;
      CREATE INDEX signal_batches_ts ON signal_batches (ts DESC);
      CREATE TRIGGER signal_batches_no_update BEFORE UPDATE OR DELETE ON signal_batches FOR EACH ROW EXECUTE FUNCTION reject_mutation();

      CREATE FUNCTION ensure_signal_batch_partition(at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        name text := 'signal_batches_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('tradeloop:signal-batch-partitions'));
        IF to_regclass(name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF signal_batches FOR VALUES FROM (%L) TO (%L)',
                         name, month_start, month_start + interval '1 month');
        END IF;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signal_batches; DROP FUNCTION ensure_signal_batch_partition(timestamptz);`);
    // The per-signal table comes back empty, as 1763810700000 made it.
    await q.query(`
      CREATE TABLE signals (id uuid NOT NULL, model_id uuid NOT NULL, model_name text NOT NULL, model_version text NOT NULL, stage text NOT NULL, symbol text NOT NULL,
        timeframe text NOT NULL, ts timestamptz NOT NULL, score double precision NOT NULL, signal text NOT NULL, close_ticks bigint NOT NULL, features real[] NOT NULL,
        features_hash text NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (id, ts), UNIQUE (model_id, symbol, timeframe, ts)) PARTITION BY RANGE (ts);
      CREATE FUNCTION ensure_signal_partition(at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        name text := 'signals_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
      BEGIN
        IF to_regclass(name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF signals FOR VALUES FROM (%L) TO (%L)', name, month_start, month_start + interval '1 month');
        END IF;
      END $$;
    `);
  }
}
