import { decodeBinaryCandles, decodeBinaryChunkRows } from './candle-binary-copy';

/** A Postgres binary COPY stream of `rows` (each a list of field bytes; null = SQL NULL), as the server writes it. */
function copyStream(rows: (Buffer | null)[][]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.alloc(4)];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const f of row) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(f === null ? -1 : f.length);
      parts.push(len);
      if (f) parts.push(f);
    }
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  parts.push(trailer);
  return Buffer.concat(parts);
}

const int8 = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return b;
};

describe('binary COPY decoding', () => {
  it('reads six int8 columns into candle columns, exactly beyond 2^32', () => {
    const ts = 1_763_800_000_000;
    const buf = copyStream([
      [int8(ts), int8(100), int8(110), int8(90), int8(105), int8(2 ** 40 + 7)],
      [int8(ts + 60_000), int8(105), int8(106), int8(104), int8(104), int8(0)],
    ]);
    const c = decodeBinaryCandles(buf);
    expect(c.length).toBe(2);
    expect(Array.from(c.ts)).toEqual([ts, ts + 60_000]);
    expect(Array.from(c.volume)).toEqual([2 ** 40 + 7, 0]);
    expect(Array.from(c.close)).toEqual([105, 104]);
  });

  it('reads chunk rows (text, text, bytea) with the bytes as stored', () => {
    const data = Buffer.from(new Float64Array([1, 2, 3, 4, 5, 6]).buffer);
    const rows = decodeBinaryChunkRows(
      copyStream([
        [Buffer.from('2025-01-06 03:45:00+00'), Buffer.from('731'), data],
        [Buffer.from('2025-01-13 03:45:00+00'), Buffer.from('732'), Buffer.alloc(0)],
      ]),
    );
    expect(rows.map((r) => [r.start, r.version, r.data.length])).toEqual([
      ['2025-01-06 03:45:00+00', '731', 48],
      ['2025-01-13 03:45:00+00', '732', 0],
    ]);
    expect(rows[0]!.data.equals(data)).toBe(true);
    expect(decodeBinaryChunkRows(copyStream([]))).toEqual([]);
  });

  it('refuses what is not a whole stream of the expected shape', () => {
    expect(() => decodeBinaryChunkRows(Buffer.from('hello world, not a copy stream'))).toThrow(/not a Postgres binary COPY/);
    expect(() => decodeBinaryChunkRows(copyStream([[Buffer.from('a'), Buffer.from('b')]]))).toThrow(/field count/);
    expect(() => decodeBinaryChunkRows(copyStream([[Buffer.from('a'), null, Buffer.from('c')]]))).toThrow(/NULL/);
    const whole = copyStream([[Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]]);
    expect(() => decodeBinaryChunkRows(whole.subarray(0, whole.length - 3))).toThrow();
    expect(() => decodeBinaryCandles(Buffer.from('PGCOPY'))).toThrow(/not a Postgres binary COPY/);
  });
});
