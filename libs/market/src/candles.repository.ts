import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { from as copyFrom } from 'pg-copy-streams';
import { escapeLiteral, type PoolClient } from 'pg';
import {
  bucketStart,
  CANDLE_CHUNK_MS,
  chunkStart,
  DomainError,
  mergeCandleColumns,
  sliceColumns,
  TIMEFRAME_MS,
  type Candle,
  type CandleColumns,
  type Timeframe,
} from '@tradeloop/domain';
import { CandleChunksRepository, type CandleChunk } from './candle-chunks.repository';
import { CANDLES_DEFAULT_COUNT, CANDLES_MAX, type CandleQuery } from '@tradeloop/contracts';
import { Db, type Sql } from '@tradeloop/platform';
import { decodeBinaryCandles } from './candle-binary-copy';

/** Columnar candles (defined with the chunk codec in the domain lib). */
export type { CandleColumns } from '@tradeloop/domain';

const BATCH = 5_000;

export interface BulkWriters {
  writeRows(rows: readonly CandleRow[]): Promise<void>;
  writeChunks(chunks: readonly CandleChunk[]): Promise<void>;
}

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

  constructor(
    @Inject(Db) private readonly db: Db,
    @Inject(CandleChunksRepository) private readonly chunks: CandleChunksRepository,
  ) {}

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
      await this.ensurePartitions(
        batch.map((r) => r.candle.ts),
        sql,
      );
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
    const rows = await this.db.sql.rows<{
      symbol: string;
      timeframe: Timeframe;
      t: string;
      o: string;
      h: string;
      l: string;
      c: string;
      v: string;
    }>(
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
      await this.ensurePartitions(
        batch.map((c) => c.ts),
        sql,
      );
      const rows = await sql.rows(
        `INSERT INTO candles (symbol, timeframe, ts, open_ticks, high_ticks, low_ticks, close_ticks, volume)
         SELECT $1, $2, to_timestamp(t / 1000.0), o, h, l, c, v
         FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[]) AS x(t, o, h, l, c, v)
         ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open_ticks = EXCLUDED.open_ticks, high_ticks = EXCLUDED.high_ticks,
           low_ticks = EXCLUDED.low_ticks, close_ticks = EXCLUDED.close_ticks, volume = EXCLUDED.volume
         RETURNING 1`,
        [
          symbol,
          timeframe,
          batch.map((c) => c.ts),
          batch.map((c) => c.open),
          batch.map((c) => c.high),
          batch.map((c) => c.low),
          batch.map((c) => c.close),
          batch.map((c) => c.volume),
        ],
      );
      written += rows.length;
    }
    return written;
  }

  /**
   * Loads a large amount of new history in one transaction: loose rows with COPY (several times
   * faster than INSERT for millions of rows) and closed windows straight into chunks. `fill` is
   * called with both writers; the whole load commits together or not at all, so an interrupted
   * load leaves nothing half-written. Rows must be new (COPY does not upsert): this is for an
   * empty range, such as generated demo history.
   */
  async bulkLoad(months: readonly number[], fill: (io: BulkWriters) => Promise<void>): Promise<number> {
    const runner = this.db.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let count = 0;
    try {
      await runner.startTransaction();
      for (const m of new Set(months.map((ts) => new Date(ts).toISOString().slice(0, 7)))) {
        await runner.query(`SELECT ensure_candle_partition($1::timestamptz)`, [`${m}-01T00:00:00Z`]);
      }
      await fill({
        writeRows: async (rows) => {
          if (rows.length === 0) return;
          const lines = rows.map((r) => {
            const c = r.candle;
            return `${r.symbol}\t${r.timeframe}\t${new Date(c.ts).toISOString()}\t${c.open}\t${c.high}\t${c.low}\t${c.close}\t${c.volume}\n`;
          });
          const copy = client.query(
            copyFrom(`COPY candles (symbol, timeframe, ts, open_ticks, high_ticks, low_ticks, close_ticks, volume) FROM STDIN`),
          );
          await pipeline(Readable.from([lines.join('')]), copy);
          count += rows.length;
        },
        writeChunks: async (chunks) => {
          await this.chunks.write(chunks, client);
          count += chunks.reduce((s, c) => s + c.columns.length, 0);
        },
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
    const row = await this.db.sql.one<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM candles) OR EXISTS (SELECT 1 FROM candle_chunks) AS any`,
    );
    return row.any;
  }

  /**
   * Candles oldest first, as columns: those in [from, to), or without `from` the latest `limit`
   * before `to`. Refuses ranges that could exceed the cap.
   */
  async range(q: CandleQuery): Promise<CandleColumns> {
    const to = Date.parse(q.to);
    if (q.from) {
      const most = Math.ceil((to - Date.parse(q.from)) / TIMEFRAME_MS[q.timeframe]);
      if (most > CANDLES_MAX) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `The range spans up to ${most.toLocaleString('en')} ${q.timeframe} candles; at most ${CANDLES_MAX.toLocaleString('en')} per request`,
          {
            fieldErrors: [{ field: 'to', message: `narrow the range or use a larger timeframe (max ${CANDLES_MAX} candles)` }],
          },
        );
      }
    }
    const known = await this.db.sql.maybeOne(`SELECT 1 FROM instruments WHERE symbol = $1`, [q.symbol]);
    if (!known) throw new DomainError('NOT_FOUND', `Unknown symbol ${q.symbol}`);
    if (!q.from) return this.latest(q.symbol, q.timeframe, to, q.limit ?? CANDLES_DEFAULT_COUNT);
    return this.readRange(q.symbol, q.timeframe, Date.parse(q.from), to);
  }

  /**
   * Every candle of a known symbol with `from` ≤ ts < `to`, however many: for internal readers
   * (the dataset builder) that checked the symbol themselves and need a whole range in one read
   * rather than in API-sized pages.
   */
  async readRange(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<CandleColumns> {
    // Closed windows come from chunks, the rest (today, imports not compacted yet) from loose rows.
    const [chunks, loose] = await Promise.all([
      this.chunks.read(symbol, timeframe, from, to),
      this.loose(symbol, timeframe, `ts >= ${iso(from)} AND ts < ${iso(to)} ORDER BY ts`),
    ]);
    return mergeCandleColumns(chunks, loose, from, to);
  }

  /** The time of a symbol's first (oldest) stored bar of a timeframe, in chunks or loose rows; null without any. */
  async firstBarAt(symbol: string, timeframe: Timeframe): Promise<number | null> {
    const [loose, chunked] = await Promise.all([
      this.db.sql.one<{ t: string | null }>(
        `SELECT (extract(epoch FROM min(ts)) * 1000)::bigint::text AS t FROM candles WHERE symbol = $1 AND timeframe = $2`,
        [symbol, timeframe],
      ),
      this.chunks.firstBarAt(symbol, timeframe),
    ]);
    const times = [loose.t === null ? null : Number(loose.t), chunked].filter((t): t is number => t !== null);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /**
   * How many candles of a symbol lie in [from, to), without reading the range: whole chunks by
   * their bar count, the (at most two) chunks at the edges decoded, loose rows counted off the
   * index. A bar still loose while its window's chunk holds it too (an import being compacted)
   * counts twice: an upper bound, which is what a limit check needs (docs/backtests.md "Runs").
   */
  async countRange(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<number> {
    if (to <= from) return 0;
    const span = CANDLE_CHUNK_MS[timeframe];
    const edges = new Set<number>();
    const first = chunkStart(from, timeframe);
    if (first < from || first + span > to) edges.add(first);
    const last = chunkStart(to - 1, timeframe);
    if (last + span > to) edges.add(last);
    const [counts, ...edgeChunks] = await Promise.all([
      this.db.sql.one<{ whole: string; loose: string }>(
        `SELECT (SELECT coalesce(sum(bars), 0) FROM candle_chunks WHERE symbol = $1 AND timeframe = $2
                   AND chunk_start >= $3 AND chunk_start + $5 * interval '1 millisecond' <= $4 AND NOT (chunk_start = ANY ($6::timestamptz[])))::text AS whole,
                (SELECT count(*) FROM candles WHERE symbol = $1 AND timeframe = $2 AND ts >= $3 AND ts < $4)::text AS loose`,
        [
          symbol,
          timeframe,
          new Date(from).toISOString(),
          new Date(to).toISOString(),
          span,
          [...edges].map((e) => new Date(e).toISOString()),
        ],
      ),
      ...[...edges].map((e) => this.chunks.read(symbol, timeframe, e, e + 1)),
    ]);
    let n = Number(counts.whole) + Number(counts.loose);
    for (const chunkList of edgeChunks)
      for (const c of chunkList) for (let i = 0; i < c.length; i += 1) if (c.ts[i]! >= from && c.ts[i]! < to) n += 1;
    return n;
  }

  /**
   * The latest `count` candles before `to`. The top `count` of the union of chunks and loose
   * rows lies within the top `count` of each, so it reads the newest `count` loose rows and
   * newest-first chunks until they hold `count` bars.
   */
  private async latest(symbol: string, timeframe: Timeframe, to: number, count: number): Promise<CandleColumns> {
    const [loose, chunks] = await Promise.all([
      this.loose(symbol, timeframe, `ts < ${iso(to)} ORDER BY ts DESC LIMIT ${count}`).then(reverseColumns),
      this.chunks.readLatest(symbol, timeframe, to, count),
    ]);
    const merged = mergeCandleColumns(chunks, loose, Number.NEGATIVE_INFINITY, to);
    return merged.length > count ? sliceColumns(merged, merged.length - count, merged.length) : merged;
  }

  /**
   * Loose rows by binary COPY of an index-only scan (the key INCLUDEs the prices): no per-row
   * objects or strings between Postgres and the typed arrays. COPY takes no parameters; the
   * caller's clause holds only numbers and quoted timestamps made here.
   */
  private async loose(symbol: string, timeframe: Timeframe, clause: string): Promise<CandleColumns> {
    return decodeBinaryCandles(
      await this.db.copyOut(
        `COPY (SELECT (extract(epoch FROM ts) * 1000)::int8, open_ticks, high_ticks, low_ticks, close_ticks, volume FROM candles
               WHERE symbol = ${escapeLiteral(symbol)} AND timeframe = ${escapeLiteral(timeframe)} AND ${clause}) TO STDOUT (FORMAT binary)`,
      ),
    );
  }
}

/** A timestamp literal for the COPY clauses (from a number: nothing user-written reaches SQL). */
const iso = (ms: number): string => `'${new Date(ms).toISOString()}'::timestamptz`;

function reverseColumns(c: CandleColumns): CandleColumns {
  for (const col of [c.ts, c.open, c.high, c.low, c.close, c.volume]) col.subarray(0, c.length).reverse();
  return c;
}
