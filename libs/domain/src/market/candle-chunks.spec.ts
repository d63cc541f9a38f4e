import fc from 'fast-check';
import type { Candle } from './candle';
import {
  candleAt,
  chunkCapacity,
  chunkStart,
  columnsFromCandles,
  decodeChunk,
  emptyColumns,
  encodeChunk,
  isClosedChunk,
  mergeCandleColumns,
  type CandleColumns,
} from './candle-chunks';
import { TIMEFRAMES } from './timeframes';

const toCandles = (c: CandleColumns): Candle[] => Array.from({ length: c.length }, (_, i) => candleAt(c, i));
const bar = (ts: number, p = 100, v = 1): Candle => ({ ts, open: p, high: p + 2, low: p - 1, close: p + 1, volume: v });
const ist = (iso: string) => Date.parse(`${iso}+05:30`);

describe('candle chunks', () => {
  it('aligns windows to IST and holds at most 1,440 bars', () => {
    expect(chunkStart(ist('2026-11-20T09:15:00'), '1m')).toBe(ist('2026-11-20T00:00:00'));
    expect(chunkStart(ist('2026-11-20T23:59:59'), '1m')).toBe(ist('2026-11-20T00:00:00'));
    for (const tf of TIMEFRAMES) expect(chunkCapacity(tf)).toBe(1440);
    const now = ist('2026-11-21T10:00:00');
    expect(isClosedChunk(ist('2026-11-20T00:00:00'), '1m', now)).toBe(true);
    expect(isClosedChunk(ist('2026-11-21T00:00:00'), '1m', now)).toBe(false);
  });

  it('round-trips columns exactly, including the largest safe integers', () => {
    const candles = [bar(1, 1, 0), bar(2, 2 ** 52, 2 ** 53 - 1), bar(ist('2026-11-20T09:15:00'), 14_205_000, 123_456)];
    const bytes = encodeChunk(columnsFromCandles(candles));
    expect(bytes.byteLength).toBe(3 * 48);
    // From an unaligned view, as a database driver may hand it over.
    const unaligned = new Uint8Array(bytes.byteLength + 3).subarray(3);
    unaligned.set(bytes);
    expect(toCandles(decodeChunk(unaligned))).toEqual(candles);
    expect(decodeChunk(new Uint8Array(0)).length).toBe(0);
    expect(() => decodeChunk(new Uint8Array(47))).toThrow(RangeError);
  });

  it('merges chunks with loose bars: range-trimmed, loose bars replace equal timestamps', () => {
    const a = columnsFromCandles([bar(10), bar(20), bar(30)]);
    const b = columnsFromCandles([bar(40), bar(50)]);
    const loose = columnsFromCandles([bar(5, 7), bar(20, 9), bar(35, 8), bar(60, 6)]);
    expect(toCandles(mergeCandleColumns([a, b], loose, 0, 100)).map((c) => [c.ts, c.open])).toEqual([
      [5, 7],
      [10, 100],
      [20, 9],
      [30, 100],
      [35, 8],
      [40, 100],
      [50, 100],
      [60, 6],
    ]);
    expect(toCandles(mergeCandleColumns([a, b], loose, 20, 50)).map((c) => c.ts)).toEqual([20, 30, 35, 40]);
    expect(mergeCandleColumns([], emptyColumns(), 0, 10).length).toBe(0);
  });

  it('equals a map-based merge for any chunks and loose bars (property)', () => {
    const tsSet = fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 80 }).map((xs) => xs.sort((x, y) => x - y));
    fc.assert(
      fc.property(
        tsSet,
        tsSet,
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 6 }),
        (chunkTs, looseTs, x, y, k) => {
          const [from, to] = x <= y ? [x, y] : [y, x];
          // Split the chunk bars into k disjoint consecutive chunks.
          const size = Math.ceil(chunkTs.length / k) || 1;
          const chunks: CandleColumns[] = [];
          for (let i = 0; i < chunkTs.length; i += size)
            chunks.push(columnsFromCandles(chunkTs.slice(i, i + size).map((t) => bar(t, 100))));
          const loose = columnsFromCandles(looseTs.map((t) => bar(t, 200)));
          const expected = new Map<number, Candle>();
          for (const t of chunkTs) expected.set(t, bar(t, 100));
          for (const t of looseTs) expected.set(t, bar(t, 200));
          const want = [...expected.values()].filter((c) => c.ts >= from && c.ts < to).sort((p, q) => p.ts - q.ts);
          expect(toCandles(mergeCandleColumns(chunks, loose, from, to))).toEqual(want);
        },
      ),
    );
  });
});
