import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The instrument master: equities, indices and their derivatives, searchable by symbol prefix and name. */
export class Instruments1763791200000 implements MigrationInterface {
  name = 'Instruments1763791200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE TABLE instruments (
        symbol text PRIMARY KEY CHECK (symbol ~ '^[A-Z0-9&._-]{1,40}$'),
        exchange text NOT NULL CHECK (exchange IN ('NSE', 'NFO')),
        name text NOT NULL,
        instrument_type text NOT NULL CHECK (instrument_type IN ('EQ', 'INDEX', 'FUT', 'CE', 'PE')),
        lot_size int NOT NULL CHECK (lot_size > 0),
        tick_size_ticks bigint NOT NULL CHECK (tick_size_ticks > 0),
        expiry date,
        strike_ticks bigint CHECK (strike_ticks > 0),
        underlying text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((instrument_type IN ('CE', 'PE')) = (strike_ticks IS NOT NULL)),
        CHECK ((instrument_type IN ('FUT', 'CE', 'PE')) = (expiry IS NOT NULL))
      );
      -- Prefix search on the symbol, word search on the name.
      CREATE INDEX instruments_symbol_prefix_idx ON instruments (symbol text_pattern_ops);
      CREATE INDEX instruments_name_trgm_idx ON instruments USING gin (lower(name) gin_trgm_ops);
      CREATE INDEX instruments_underlying_idx ON instruments (underlying, expiry, strike_ticks);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE instruments;`);
  }
}
