import type { CandleColumns } from '@tradeloop/domain';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FIELDS = 6;
const ROW_BYTES = 2 + FIELDS * (4 + 8);

/**
 * Decodes Postgres binary COPY output of six non-null int8 columns (ts ms, open, high, low,
 * close, volume) straight into typed arrays. For 100,000 bars this is a few milliseconds, where
 * the row-object protocol spent most of the request building and parsing 600,000 strings.
 * Values are read as two 32-bit halves: exact for every integer below 2^53.
 */
export function decodeBinaryCandles(buf: Buffer): CandleColumns {
  if (buf.length < 21 || !buf.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a Postgres binary COPY stream');
  const headerExt = buf.readUInt32BE(15);
  let off = 19 + headerExt;
  const n = Math.floor((buf.length - off - 2) / ROW_BYTES);
  const cols = [
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
  ] as const;
  for (let i = 0; i < n; i += 1) {
    if (buf.readInt16BE(off) !== FIELDS) throw new Error(`unexpected field count at row ${i}`);
    off += 2;
    for (let f = 0; f < FIELDS; f += 1) {
      if (buf.readInt32BE(off) !== 8) throw new Error(`unexpected field length at row ${i}`);
      cols[f]![i] = buf.readInt32BE(off + 4) * 4_294_967_296 + buf.readUInt32BE(off + 8);
      off += 12;
    }
  }
  if (buf.readInt16BE(off) !== -1) throw new Error('binary COPY stream is truncated');
  return { ts: cols[0], open: cols[1], high: cols[2], low: cols[3], close: cols[4], volume: cols[5], length: n };
}

/** One stored chunk as `decodeBinaryChunkRows` reads it: its window start and version as text, its bytes. */
export interface ChunkPayload {
  start: string;
  version: string;
  data: Buffer;
}

/**
 * Decodes Postgres binary COPY output of (text, text, bytea) rows — a chunk's start, its
 * version and its packed columns. The bytes arrive as they are stored (a text-protocol read
 * sends bytea as hex: twice the size, then a string to parse). `data` views `buf`.
 */
export function decodeBinaryChunkRows(buf: Buffer): ChunkPayload[] {
  if (buf.length < 21 || !buf.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a Postgres binary COPY stream');
  let off = 19 + buf.readUInt32BE(15);
  const out: ChunkPayload[] = [];
  const field = (): Buffer => {
    const len = buf.readInt32BE(off);
    if (len < 0) throw new Error(`unexpected NULL at row ${out.length}`);
    const value = buf.subarray(off + 4, off + 4 + len);
    off += 4 + len;
    return value;
  };
  for (;;) {
    const fields = buf.readInt16BE(off);
    off += 2;
    if (fields === -1) break;
    if (fields !== 3) throw new Error(`unexpected field count at row ${out.length}`);
    out.push({ start: field().toString('utf8'), version: field().toString('utf8'), data: field() });
  }
  if (off !== buf.length) throw new Error('binary COPY stream has bytes after its trailer');
  return out;
}
