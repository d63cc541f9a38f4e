import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closed candle history as chunks: one row per (symbol, timeframe, window) with up to 1,440 bars
 * packed as float64 columns (see candle-chunks.ts in the domain lib). A worker job moves loose
 * rows of windows that have closed from `candles` into chunks; reads merge both. Reading 100,000
 * bars becomes ~70 rows instead of 100,000.
 *
 * The loose-row key also INCLUDEs the prices, so the rows a read still needs (today's, or an
 * import not compacted yet) come from an index-only scan in time order.
 */
export class CandleChunks1763802000000 implements MigrationInterface {
  name = 'CandleChunks1763802000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE candles DROP CONSTRAINT candles_pkey;
      ALTER TABLE candles ADD PRIMARY KEY (symbol, timeframe, ts) INCLUDE (open_ticks, high_ticks, low_ticks, close_ticks, volume);

      CREATE TABLE candle_chunks (
        symbol text NOT NULL,
        timeframe text NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '1h', '1d')),
        chunk_start timestamptz NOT NULL,
        bars int NOT NULL CHECK (bars BETWEEN 1 AND 1440),
        data bytea NOT NULL CHECK (octet_length(data) = bars * 48),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, timeframe, chunk_start)
      );
      -- Out of line but uncompressed: reads are the hot path, and decompressing ~5 MB per 100k
      -- bars cost more than reading it.
      ALTER TABLE candle_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE candle_chunks;
      ALTER TABLE candles DROP CONSTRAINT candles_pkey;
      ALTER TABLE candles ADD PRIMARY KEY (symbol, timeframe, ts);
    `);
  }
}
