import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { escapeLiteral, type PoolClient } from 'pg';
import {
  CANDLE_CHUNK_MS,
  chunkStart,
  decodeChunk,
  emptyColumns,
  encodeChunk,
  mergeCandleColumns,
  TIMEFRAMES,
  type CandleColumns,
  type Timeframe,
} from '@tradeloop/domain';
import { Db } from '@tradeloop/platform';
import { decodeBinaryChunkRows } from './candle-binary-copy';

export interface CandleChunk {
  symbol: string;
  timeframe: Timeframe;
  start: number;
  columns: CandleColumns;
}

/**
 * Closed candle history in chunks (migration 1763802000000). Reads return decoded columns per
 * chunk; `compact` moves loose rows of closed windows from `candles` into chunks.
 */
@Injectable()
export class CandleChunksRepository {
  constructor(@Inject(Db) private readonly db: Db) {}

  /**
   * Decoded chunks, shared by every request of this process. A chunk changes only when
   * compaction folds late rows into it, which gives its row a new `xmin`: every read checks the
   * versions (a tiny query on the chunk index) and fetches only chunks that are new or changed,
   * so a cached chunk is never stale. Bounded by bytes; least recently used chunks go first.
   */
  private readonly cache = new LRUCache<string, { version: string; columns: CandleColumns }>({
    maxSize: 256 * 1024 * 1024,
    sizeCalculation: (v) => v.columns.length * 48 + 64,
  });

  /** Chunks whose window overlaps [from, to), in time order. */
  async read(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<CandleColumns[]> {
    const index = await this.db.sql.rows<{ start: string; version: string }>(
      `SELECT chunk_start::text AS start, xmin::text AS version FROM candle_chunks
       WHERE symbol = $1 AND timeframe = $2 AND chunk_start >= $3 AND chunk_start < $4 ORDER BY chunk_start`,
      [symbol, timeframe, new Date(chunkStart(from, timeframe)).toISOString(), new Date(to).toISOString()],
    );
    return this.load(symbol, timeframe, index);
  }

  private async load(symbol: string, timeframe: Timeframe, index: readonly { start: string; version: string }[]): Promise<CandleColumns[]> {
    const key = (start: string) => `${symbol}|${timeframe}|${start}`;
    const missing = index.filter((r) => this.cache.get(key(r.start))?.version !== r.version);
    if (missing.length > 0) {
      // By binary COPY: the packed columns arrive as their bytes, not as hex text twice their size.
      const rows = decodeBinaryChunkRows(
        await this.db.copyOut(
          `COPY (SELECT chunk_start::text, xmin::text, data FROM candle_chunks
                  WHERE symbol = ${escapeLiteral(symbol)} AND timeframe = ${escapeLiteral(timeframe)}
                    AND chunk_start = ANY(${escapeLiteral(`{${missing.map((r) => `"${r.start}"`).join(',')}}`)}::timestamptz[])) TO STDOUT (FORMAT binary)`,
        ),
      );
      for (const r of rows) this.cache.set(key(r.start), { version: r.version, columns: decodeChunk(r.data) });
    }
    const out: CandleColumns[] = [];
    for (const r of index) {
      const hit = this.cache.get(key(r.start));
      if (hit) out.push(hit.columns); // absent only if compacted away meanwhile: the loose rows have it
    }
    return out;
  }

  /** The first (oldest) bar's time of a symbol's chunks of a timeframe, or null without any. */
  async firstBarAt(symbol: string, timeframe: Timeframe): Promise<number | null> {
    const index = await this.db.sql.rows<{ start: string; version: string }>(
      `SELECT chunk_start::text AS start, xmin::text AS version FROM candle_chunks
       WHERE symbol = $1 AND timeframe = $2 ORDER BY chunk_start LIMIT 1`,
      [symbol, timeframe],
    );
    const [first] = await this.load(symbol, timeframe, index);
    return first && first.length > 0 ? first.ts[0]! : null;
  }

  /** Newest-first windows before `to` until they hold `count` bars; returned oldest first. */
  async readLatest(symbol: string, timeframe: Timeframe, to: number, count: number): Promise<CandleColumns[]> {
    const out: CandleColumns[] = [];
    let bars = 0;
    const page = 8;
    for (let offset = 0; bars < count; offset += page) {
      const index = await this.db.sql.rows<{ start: string; version: string }>(
        `SELECT chunk_start::text AS start, xmin::text AS version FROM candle_chunks
         WHERE symbol = $1 AND timeframe = $2 AND chunk_start < $3 ORDER BY chunk_start DESC LIMIT $4 OFFSET $5`,
        // Paging as parameters: one prepared statement, not one per page.
        [symbol, timeframe, new Date(to).toISOString(), page, offset],
      );
      for (const c of await this.load(symbol, timeframe, index)) {
        out.push(c);
        bars += c.length;
      }
      if (index.length < page) break;
    }
    return out.reverse();
  }

  /** Inserts or replaces whole chunks (history generation writes closed windows directly). */
  async write(chunks: readonly CandleChunk[], client?: PoolClient): Promise<void> {
    if (chunks.length === 0) return;
    const run = async (c: PoolClient) => {
      await c.query(
        `INSERT INTO candle_chunks (symbol, timeframe, chunk_start, bars, data)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::bytea[])
         ON CONFLICT (symbol, timeframe, chunk_start) DO UPDATE SET bars = EXCLUDED.bars, data = EXCLUDED.data, updated_at = now()`,
        [
          chunks.map((c) => c.symbol),
          chunks.map((c) => c.timeframe),
          chunks.map((c) => new Date(c.start).toISOString()),
          chunks.map((c) => c.columns.length),
          chunks.map((c) => Buffer.from(encodeChunk(c.columns))),
        ],
      );
    };
    if (client) return run(client);
    const runner = this.db.dataSource.createQueryRunner();
    try {
      await run((await runner.connect()) as PoolClient);
    } finally {
      await runner.release();
    }
  }

  /**
   * Moves the loose rows of every closed window (one that ended before the current window of its
   * timeframe began) into its chunk, merging with the chunk already there. Each window moves in
   * its own transaction, rows taken with DELETE … RETURNING: a concurrent import of the same bars
   * waits and then lands as new loose rows — nothing is lost or doubled. Returns windows moved.
   */
  async compact(now: number, maxWindows = 10_000): Promise<number> {
    let moved = 0;
    // Daily bars stay loose: ~250 rows a year per symbol, and the feed's restart point (lastPrices) reads them.
    for (const timeframe of TIMEFRAMES.filter((tf) => tf !== '1d')) {
      const span = CANDLE_CHUNK_MS[timeframe];
      const cutoff = chunkStart(now, timeframe);
      const windows = await this.db.sql.rows<{ symbol: string; start: string }>(
        `SELECT DISTINCT symbol, (floor((extract(epoch FROM ts) * 1000 + 19800000) / $2) * $2 - 19800000)::bigint::text AS start
         FROM candles WHERE timeframe = $1 AND ts < $3 LIMIT $4`,
        [timeframe, span, new Date(cutoff).toISOString(), maxWindows - moved],
      );
      for (const w of windows) {
        await this.compactWindow(w.symbol, timeframe, Number(w.start));
        moved += 1;
      }
      if (moved >= maxWindows) break;
    }
    return moved;
  }

  private async compactWindow(symbol: string, timeframe: Timeframe, start: number): Promise<void> {
    const end = start + CANDLE_CHUNK_MS[timeframe];
    await this.db.tx(async (sql) => {
      const taken = await sql.rows<{ t: string; o: string; h: string; l: string; c: string; v: string }>(
        `DELETE FROM candles WHERE symbol = $1 AND timeframe = $2 AND ts >= $3 AND ts < $4
         RETURNING (extract(epoch FROM ts) * 1000)::bigint::text AS t, open_ticks::text o, high_ticks::text h, low_ticks::text l, close_ticks::text c, volume::text v`,
        [symbol, timeframe, new Date(start).toISOString(), new Date(end).toISOString()],
      );
      if (taken.length === 0) return;
      taken.sort((a, b) => Number(a.t) - Number(b.t));
      const loose: CandleColumns = columnsOf(taken);
      const existing = await sql.maybeOne<{ data: string }>(
        `SELECT encode(data, 'base64') AS data FROM candle_chunks WHERE symbol = $1 AND timeframe = $2 AND chunk_start = $3 FOR UPDATE`,
        [symbol, timeframe, new Date(start).toISOString()],
      );
      const chunk = existing ? [decodeChunk(Buffer.from(existing.data, 'base64'))] : [];
      const merged = mergeCandleColumns(chunk, loose, start, end);
      await sql.rows(
        `INSERT INTO candle_chunks (symbol, timeframe, chunk_start, bars, data) VALUES ($1, $2, $3, $4, decode($5, 'base64'))
         ON CONFLICT (symbol, timeframe, chunk_start) DO UPDATE SET bars = EXCLUDED.bars, data = EXCLUDED.data, updated_at = now()`,
        [symbol, timeframe, new Date(start).toISOString(), merged.length, Buffer.from(encodeChunk(merged)).toString('base64')],
      );
    });
  }
}

function columnsOf(rows: readonly { t: string; o: string; h: string; l: string; c: string; v: string }[]): CandleColumns {
  const cols = emptyColumns(rows.length);
  rows.forEach((r, i) => {
    cols.ts[i] = Number(r.t);
    cols.open[i] = Number(r.o);
    cols.high[i] = Number(r.h);
    cols.low[i] = Number(r.l);
    cols.close[i] = Number(r.c);
    cols.volume[i] = Number(r.v);
  });
  return cols;
}
