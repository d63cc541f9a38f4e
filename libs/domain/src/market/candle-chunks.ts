import { IST_OFFSET_MS, TIMEFRAME_MS, type Timeframe } from './timeframes';
import type { Candle } from './candle';

/** Candles as columns (what storage decodes into and the JSON / Arrow encoders read). */
export interface CandleColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

/**
 * Closed history is stored as chunks: one row per (symbol, timeframe, window) holding up to
 * 1,440 bars as packed columns, so reading 100,000 bars is ~70 rows and a memcpy instead of
 * 100,000 rows. Windows are aligned to IST like the candles themselves.
 */
export const CANDLE_CHUNK_MS: Record<Timeframe, number> = {
  '1m': 86_400_000, // a day
  '5m': 5 * 86_400_000,
  '15m': 15 * 86_400_000,
  '1h': 60 * 86_400_000,
  '1d': 1_440 * 86_400_000,
};

export function chunkStart(ts: number, timeframe: Timeframe): number {
  const span = CANDLE_CHUNK_MS[timeframe];
  return Math.floor((ts + IST_OFFSET_MS) / span) * span - IST_OFFSET_MS;
}

const FIELDS = 6;
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

export function emptyColumns(n = 0): CandleColumns {
  const buf = new Float64Array(n * FIELDS);
  return columnsOver(buf, n);
}

function columnsOver(buf: Float64Array, n: number): CandleColumns {
  return {
    ts: buf.subarray(0, n),
    open: buf.subarray(n, 2 * n),
    high: buf.subarray(2 * n, 3 * n),
    low: buf.subarray(3 * n, 4 * n),
    close: buf.subarray(4 * n, 5 * n),
    volume: buf.subarray(5 * n, 6 * n),
    length: n,
  };
}

export function columnsFromCandles(candles: readonly Candle[]): CandleColumns {
  const c = emptyColumns(candles.length);
  candles.forEach((k, i) => {
    c.ts[i] = k.ts;
    c.open[i] = k.open;
    c.high[i] = k.high;
    c.low[i] = k.low;
    c.close[i] = k.close;
    c.volume[i] = k.volume;
  });
  return c;
}

export function candleAt(c: CandleColumns, i: number): Candle {
  return { ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! };
}

/**
 * Packs columns as little-endian float64, column after column. Every value is an integer below
 * 2^53 (epoch ms, price ticks, units), which float64 holds exactly.
 */
export function encodeChunk(c: CandleColumns): Uint8Array {
  const n = c.length;
  const out = new Float64Array(n * FIELDS);
  [c.ts, c.open, c.high, c.low, c.close, c.volume].forEach((col, f) => out.set(col.subarray(0, n), f * n));
  if (LITTLE_ENDIAN) return new Uint8Array(out.buffer);
  const bytes = new Uint8Array(out.length * 8);
  const view = new DataView(bytes.buffer);
  out.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return bytes;
}

export function decodeChunk(bytes: Uint8Array): CandleColumns {
  if (bytes.byteLength % (FIELDS * 8) !== 0) throw new RangeError(`chunk of ${bytes.byteLength} bytes is not whole bars`);
  const n = bytes.byteLength / (FIELDS * 8);
  const buf = new Float64Array(n * FIELDS);
  if (LITTLE_ENDIAN) new Uint8Array(buf.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < buf.length; i += 1) buf[i] = view.getFloat64(i * 8, true);
  }
  return columnsOver(buf, n);
}

/** Index of the first bar with ts ≥ `t` (columns sorted by ts). */
function lowerBound(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merges sorted, mutually disjoint chunk columns (in window order) with loose bars (sorted),
 * keeping bars in [from, to). A loose bar replaces a chunk bar with the same ts: it was written
 * later (an import, or a correction not compacted yet).
 */
export function mergeCandleColumns(chunks: readonly CandleColumns[], loose: CandleColumns, from: number, to: number): CandleColumns {
  const parts = chunks.map((c) => ({ c, i: lowerBound(c.ts, c.length, from), end: lowerBound(c.ts, c.length, to) }));
  let li = lowerBound(loose.ts, loose.length, from);
  const lend = lowerBound(loose.ts, loose.length, to);
  const max = parts.reduce((s, p) => s + (p.end - p.i), 0) + (lend - li);
  const out = emptyColumns(max);
  let n = 0;
  const push = (c: CandleColumns, i: number) => {
    out.ts[n] = c.ts[i]!;
    out.open[n] = c.open[i]!;
    out.high[n] = c.high[i]!;
    out.low[n] = c.low[i]!;
    out.close[n] = c.close[i]!;
    out.volume[n] = c.volume[i]!;
    n += 1;
  };
  for (const p of parts) {
    // Fast path: a whole run of chunk bars before the next loose bar is copied at once.
    while (p.i < p.end) {
      const nextLoose = li < lend ? loose.ts[li]! : Infinity;
      const stop = Math.min(p.end, lowerBound(p.c.ts, p.end, nextLoose));
      if (stop > p.i) {
        const len = stop - p.i;
        out.ts.set(p.c.ts.subarray(p.i, stop), n);
        out.open.set(p.c.open.subarray(p.i, stop), n);
        out.high.set(p.c.high.subarray(p.i, stop), n);
        out.low.set(p.c.low.subarray(p.i, stop), n);
        out.close.set(p.c.close.subarray(p.i, stop), n);
        out.volume.set(p.c.volume.subarray(p.i, stop), n);
        n += len;
        p.i = stop;
      }
      if (p.i < p.end) {
        // The loose bar at or before this chunk bar goes first; an equal ts replaces it.
        if (loose.ts[li] === p.c.ts[p.i]) p.i += 1;
        push(loose, li);
        li += 1;
      }
    }
  }
  while (li < lend) push(loose, li++);
  return n === max ? out : sliceColumns(out, 0, n);
}

export function sliceColumns(c: CandleColumns, start: number, end: number): CandleColumns {
  const n = end - start;
  const out = emptyColumns(n);
  out.ts.set(c.ts.subarray(start, end));
  out.open.set(c.open.subarray(start, end));
  out.high.set(c.high.subarray(start, end));
  out.low.set(c.low.subarray(start, end));
  out.close.set(c.close.subarray(start, end));
  out.volume.set(c.volume.subarray(start, end));
  return out;
}

/** Windows of the timeframe that end at or before `ts`'s window: complete, safe to compact. */
export const isClosedChunk = (start: number, timeframe: Timeframe, now: number): boolean =>
  start + CANDLE_CHUNK_MS[timeframe] <= chunkStart(now, timeframe);

/** Bars per chunk at most (a window's length in bars). */
export const chunkCapacity = (timeframe: Timeframe): number => CANDLE_CHUNK_MS[timeframe] / TIMEFRAME_MS[timeframe];
