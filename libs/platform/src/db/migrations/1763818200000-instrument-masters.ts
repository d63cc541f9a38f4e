import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instrument masters (docs/brokers.md, "Instrument masters"): the brokers' daily files become our
 * instruments plus each broker's key for them.
 *
 * - `instruments.active` / `deactivated_at`: an expired or delisted contract is deactivated, never
 *   deleted — orders, fills and watchlists keep their instrument (they reference the symbol).
 * - `instrument_broker_keys`: one broker's key for one instrument (Kite instrument_token with its
 *   exchange_token, Upstox instrument_key, OpenAlgo `EXCHANGE:SYMBOL`), with the broker's own symbol
 *   and exchange. Unique per (broker, key) and per (instrument, broker). No ON DELETE: instruments
 *   are never deleted.
 */
export class InstrumentMasters1763818200000 implements MigrationInterface {
  name = 'InstrumentMasters1763818200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE instruments ADD COLUMN active boolean NOT NULL DEFAULT true, ADD COLUMN deactivated_at timestamptz,
        ADD CONSTRAINT instruments_deactivated_check CHECK (active = (deactivated_at IS NULL));
      CREATE TABLE instrument_broker_keys (
        broker text NOT NULL CHECK (broker IN ('kite', 'upstox', 'openalgo')),
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 120),
        symbol text NOT NULL REFERENCES instruments (symbol),
        exchange_token text,
        broker_symbol text NOT NULL,
        broker_exchange text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (broker, key),
        -- Symbol first: it also serves "is this instrument keyed by any broker" (seeding skips those).
        UNIQUE (symbol, broker)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE instrument_broker_keys;
      ALTER TABLE instruments DROP CONSTRAINT instruments_deactivated_check, DROP COLUMN deactivated_at, DROP COLUMN active;
    `);
  }
}
