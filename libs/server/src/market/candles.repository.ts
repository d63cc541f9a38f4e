import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { bucketStart, DomainError, TIMEFRAME_MS, type Candle, type Timeframe } from '@tradeloop/domain';
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

/** One candle of any symbol and timeframe (the feed writes many symbols at once). */
export interface CandleRow {
  symbol: string;
  timeframe: Timeframe;
  candle: Candle;
}

@Injectable()
export class CandlesRepository {
  /** Months whose partition is known to exist (partitions are never dropped while running). */
  private readonly ensuredMonths = new Set<string>();

  constructor(@Inject(Db) private readonly db: Db) {}

  private async ensurePartitions(timestamps: Iterable<number>, sql: Sql): Promise<void> {
    const months = new Set<string>();
    for (const ts of timestamps) months.add(new Date(ts).toISOString().slice(0, 7));
    for (const m of months) {
      if (this.ensuredMonths.has(m)) continue;
      await sql.rows(`SELECT ensure_candle_partition($1::timestamptz)`, [`${m}-01T00:00:00Z`]);
      this.ensuredMonths.add(m);
    }
  }

  /**
   * Writes candles of many symbols and timeframes in one statement per batch, replacing any
   * with the same key. Duplicate keys in the input keep the last one (a later state of the same
   * bucket), since one statement may not update a row twice.
   */
  async upsertMany(input: readonly CandleRow[], sql: Sql = this.db.sql): Promise<number> {
    const latest = new Map<string, CandleRow>();
    for (const r of input) latest.set(`${r.symbol}|${r.timeframe}|${r.candle.ts}`, r);
    const rows = [...latest.values()];
    let written = 0;
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      await this.ensurePartitions(batch.map((r) => r.candle.ts), sql);
      const res = await sql.rows(
        `INSERT INTO candles (symbol, timeframe, ts, open_ticks, high_ticks, low_ticks, close_ticks, volume)
         SELECT s, tf, to_timestamp(t / 1000.0), o, h, l, c, v
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[]) AS x(s, tf, t, o, h, l, c, v)
         ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open_ticks = EXCLUDED.open_ticks, high_ticks = EXCLUDED.high_ticks,
           low_ticks = EXCLUDED.low_ticks, close_ticks = EXCLUDED.close_ticks, volume = EXCLUDED.volume
         RETURNING 1`,
        [
          batch.map((r) => r.symbol),
          batch.map((r) => r.timeframe),
          batch.map((r) => r.candle.ts),
          batch.map((r) => r.candle.open),
          batch.map((r) => r.candle.high),
          batch.map((r) => r.candle.low),
          batch.map((r) => r.candle.close),
          batch.map((r) => r.candle.volume),
        ],
      );
      written += res.length;
    }
    return written;
  }

  /**
   * Per symbol, the last traded price (close of its latest daily candle) and the previous IST
   * day's close: where a restarted feed picks up, so charts do not jump.
   */
  async lastPrices(at: number): Promise<Map<string, { price: number; prevClose?: number }>> {
    const rows = await this.db.sql.rows<{ symbol: string; close: string | null; prev: string | null }>(
      `SELECT i.symbol,
         (SELECT close_ticks FROM candles WHERE symbol = i.symbol AND timeframe = '1d' AND ts <= $1 ORDER BY ts DESC LIMIT 1)::text AS close,
         (SELECT close_ticks FROM candles WHERE symbol = i.symbol AND timeframe = '1d' AND ts < $2 ORDER BY ts DESC LIMIT 1)::text AS prev
       FROM instruments i`,
      [new Date(at).toISOString(), new Date(bucketStart(at, '1d')).toISOString()],
    );
    const out = new Map<string, { price: number; prevClose?: number }>();
    for (const r of rows) if (r.close) out.set(r.symbol, { price: Number(r.close), ...(r.prev ? { prevClose: Number(r.prev) } : {}) });
    return out;
  }

  /** Every stored candle whose bucket contains `at`, for each timeframe: the candles a feed resumes. */
  async candlesContaining(at: number, timeframes: readonly Timeframe[]): Promise<CandleRow[]> {
    const starts = timeframes.map((tf) => new Date(bucketStart(at, tf)).toISOString());
    const rows = await this.db.sql.rows<{ symbol: string; timeframe: Timeframe; t: string; o: string; h: string; l: string; c: string; v: string }>(
      `SELECT symbol, timeframe, (extract(epoch FROM ts) * 1000)::bigint::text AS t, open_ticks::text AS o, high_ticks::text AS h,
              low_ticks::text AS l, close_ticks::text AS c, volume::text AS v
       FROM candles JOIN unnest($1::text[], $2::timestamptz[]) AS b(tf, start) ON timeframe = b.tf AND ts = b.start`,
      [timeframes, starts],
    );
    return rows.map((r) => ({
      symbol: r.symbol,
      timeframe: r.timeframe,
      candle: { ts: Number(r.t), open: Number(r.o), high: Number(r.h), low: Number(r.l), close: Number(r.c), volume: Number(r.v) },
    }));
  }

  /**
   * Writes candles in batches, replacing any with the same (symbol, timeframe, ts): writes are
   * idempotent, so re-imports and a feed restart cannot duplicate bars.
   */
  async upsert(symbol: string, timeframe: Timeframe, candles: readonly Candle[], sql: Sql = this.db.sql): Promise<number> {
    let written = 0;
    for (let i = 0; i < candles.length; i += BATCH) {
      const batch = candles.slice(i, i + BATCH);
      await this.ensurePartitions(batch.map((c) => c.ts), sql);
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

  /**
   * Loads a large amount of new history in one transaction with COPY (several times faster than
   * INSERT for millions of rows): `fill` calls `write` for each chunk; the whole load commits
   * together or not at all, so an interrupted load leaves nothing half-written. Rows must be new
   * (COPY does not upsert): this is for an empty range, such as generated demo history.
   */
  async bulkLoad(months: readonly number[], fill: (write: (rows: readonly CandleRow[]) => Promise<void>) => Promise<void>): Promise<number> {
    const runner = this.db.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let count = 0;
    try {
      await runner.startTransaction();
      for (const m of new Set(months.map((ts) => new Date(ts).toISOString().slice(0, 7)))) {
        await runner.query(`SELECT ensure_candle_partition($1::timestamptz)`, [`${m}-01T00:00:00Z`]);
      }
      await fill(async (rows) => {
        if (rows.length === 0) return;
        const lines = rows.map((r) => {
          const c = r.candle;
          return `${r.symbol}\t${r.timeframe}\t${new Date(c.ts).toISOString()}\t${c.open}\t${c.high}\t${c.low}\t${c.close}\t${c.volume}\n`;
        });
        const copy = client.query(copyFrom(`COPY candles (symbol, timeframe, ts, open_ticks, high_ticks, low_ticks, close_ticks, volume) FROM STDIN`));
        await pipeline(Readable.from([lines.join('')]), copy);
        count += rows.length;
      });
      await runner.commitTransaction();
      return count;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** Whether any candle is stored (history was generated or imported, or a feed has run). */
  async hasAny(): Promise<boolean> {
    return (await this.db.sql.maybeOne(`SELECT 1 FROM candles LIMIT 1`)) !== undefined;
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
