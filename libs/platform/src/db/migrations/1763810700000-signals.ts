import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signals: one row per (model, symbol, closed bar), immutable, range-partitioned by month on the
 * bar time (created on demand by the writer, as candles are). The feature vector the model was
 * fed is kept with its hash, so an order → signal → model version → features walk needs nothing
 * else. The uniqueness of (model, symbol, timeframe, ts) makes a re-run of a bar (a restarted
 * worker, a second feed replica) record nothing twice. Orders do not reference this table with a
 * foreign key: a key into a partitioned table must carry the partition column (ts).
 *
 * Risk events gain the kind DRIFT (a live feature's PSI against the card's training distribution
 * went over the alert level).
 */
export class Signals1763810700000 implements MigrationInterface {
  name = 'Signals1763810700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signals (
        id uuid NOT NULL,
        model_id uuid NOT NULL,
        model_name text NOT NULL,
        model_version text NOT NULL,
        stage text NOT NULL CHECK (stage IN ('staging', 'shadow', 'production', 'archived')),
        symbol text NOT NULL,
        timeframe text NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '1h', '1d')),
        ts timestamptz NOT NULL,
        score double precision NOT NULL CHECK (score >= 0 AND score <= 1),
        signal text NOT NULL CHECK (signal IN ('BUY', 'SELL', 'HOLD')),
        close_ticks bigint NOT NULL CHECK (close_ticks > 0),
        features real[] NOT NULL,
        features_hash text NOT NULL CHECK (features_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (id, ts),
        UNIQUE (model_id, symbol, timeframe, ts)
      ) PARTITION BY RANGE (ts);
      CREATE INDEX signals_symbol_ts ON signals (symbol, ts DESC);
      CREATE INDEX signals_ts ON signals (ts DESC, id DESC);
      CREATE TRIGGER signals_no_update BEFORE UPDATE OR DELETE ON signals FOR EACH ROW EXECUTE FUNCTION reject_mutation();

      CREATE FUNCTION ensure_signal_partition(at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        name text := 'signals_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('tradeloop:signal-partitions'));
        IF to_regclass(name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF signals FOR VALUES FROM (%L) TO (%L)',
                         name, month_start, month_start + interval '1 month');
        END IF;
      END $$;

      ALTER TABLE risk_events DROP CONSTRAINT risk_events_kind_check;
      ALTER TABLE risk_events ADD CONSTRAINT risk_events_kind_check CHECK (kind IN ('REJECTED', 'TRIPPED', 'SWITCH_ENGAGED', 'SWITCH_RELEASED', 'DRIFT'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE signals; DROP FUNCTION ensure_signal_partition(timestamptz);
      ALTER TABLE risk_events DROP CONSTRAINT risk_events_kind_check;
      ALTER TABLE risk_events ADD CONSTRAINT risk_events_kind_check CHECK (kind IN ('REJECTED', 'TRIPPED', 'SWITCH_ENGAGED', 'SWITCH_RELEASED'));
    `);
  }
}
