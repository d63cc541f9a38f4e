import { Inject, Injectable } from '@nestjs/common';
import { DomainError, TIMEFRAME_MS, type Candle, type Timeframe } from '@tradeloop/domain';
import { CANDLES_MAX, type CandleQuery } from '@tradeloop/contracts';
import { Db, type Sql } from '../db';

/** Columnar candles straight from Postgres: what both the JSON and the Arrow encoders read. */
export interface CandleColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

const BATCH = 5_000;

@Injectable()
export class CandlesRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * Writes candles in batches, replacing any with the same (symbol, timeframe, ts): writes are
   * idempotent, so re-imports and a feed restart cannot duplicate bars.
   */
  async upsert(symbol: string, timeframe: Timeframe, candles: readonly Candle[], sql: Sql = this.db.sql): Promise<number> {
    let written = 0;
    for (let i = 0; i < candles.length; i += BATCH) {
      const batch = candles.slice(i, i + BATCH);
      const months = [...new Set(batch.map((c) => new Date(c.ts).toISOString().slice(0, 7)))];
      for (const m of months) await sql.rows(`SELECT ensure_candle_partition($1::timestamptz)`, [`${m}-01T00:00:00Z`]);
      const rows = await sql.rows(
        `INSERT INTO candles (symbol, timeframe, ts, open_ticks, high_ticks, low_ticks, close_ticks, volume)
         SELECT $1, $2, to_timestamp(t / 1000.0), o, h, l, c, v
         FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[]) AS x(t, o, h, l, c, v)
         ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open_ticks = EXCLUDED.open_ticks, high_ticks = EXCLUDED.high_ticks,
           low_ticks = EXCLUDED.low_ticks, close_ticks = EXCLUDED.close_ticks, volume = EXCLUDED.volume
         RETURNING 1`,
        [symbol, timeframe, batch.map((c) => c.ts), batch.map((c) => c.open), batch.map((c) => c.high), batch.map((c) => c.low), batch.map((c) => c.close), batch.map((c) => c.volume)],
      );
      written += rows.length;
    }
    return written;
  }

  /** Candles in [from, to), oldest first, as columns. Refuses ranges that could exceed the cap. */
  async range(q: CandleQuery): Promise<CandleColumns> {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    const most = Math.ceil((to - from) / TIMEFRAME_MS[q.timeframe]);
    if (most > CANDLES_MAX) {
      throw new DomainError('VALIDATION_FAILED', `The range spans up to ${most.toLocaleString('en')} ${q.timeframe} candles; at most ${CANDLES_MAX.toLocaleString('en')} per request`, {
        fieldErrors: [{ field: 'to', message: `narrow the range or use a larger timeframe (max ${CANDLES_MAX} candles)` }],
      });
    }
    const known = await this.db.sql.maybeOne(`SELECT 1 FROM instruments WHERE symbol = $1`, [q.symbol]);
    if (!known) throw new DomainError('NOT_FOUND', `Unknown symbol ${q.symbol}`);
    // Numbers as text → parsed once into typed arrays (no per-row objects for 100k bars).
    const rows = await this.db.sql.rows<{ t: string; o: string; h: string; l: string; c: string; v: string }>(
      `SELECT (extract(epoch FROM ts) * 1000)::bigint::text AS t, open_ticks::text AS o, high_ticks::text AS h,
              low_ticks::text AS l, close_ticks::text AS c, volume::text AS v
       FROM candles WHERE symbol = $1 AND timeframe = $2 AND ts >= $3 AND ts < $4 ORDER BY ts`,
      [q.symbol, q.timeframe, q.from, q.to],
    );
    const n = rows.length;
    const cols: CandleColumns = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n), length: n };
    for (let i = 0; i < n; i += 1) {
      const r = rows[i]!;
      cols.ts[i] = Number(r.t);
      cols.open[i] = Number(r.o);
      cols.high[i] = Number(r.h);
      cols.low[i] = Number(r.l);
      cols.close[i] = Number(r.c);
      cols.volume[i] = Number(r.v);
    }
    return cols;
  }
}
