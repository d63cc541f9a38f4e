import { aggregateCandles } from '@tradeloop/domain';
import { parseCandleCsv } from './candle-csv';

describe('candle CSV', () => {
  it('parses a header and ISO or epoch timestamps, sorted', () => {
    const r = parseCandleCsv(
      'timestamp,open,high,low,close,volume\n2026-11-23T09:16:00+05:30,1421,1422.5,1420,1422,50\n1795405500000,1420.00,1421.00,1419.50,1420.50,100\n',
    );
    expect(r.problems).toEqual([]);
    expect(r.candles).toEqual([
      { ts: 1795405500000, open: 14_200_000, high: 14_210_000, low: 14_195_000, close: 14_205_000, volume: 100 },
      { ts: Date.parse('2026-11-23T09:16:00+05:30'), open: 14_210_000, high: 14_225_000, low: 14_200_000, close: 14_220_000, volume: 50 },
    ]);
  });

  it('reports every bad row with its line number and returns nothing', () => {
    const r = parseCandleCsv(
      [
        'timestamp,open,high,low,close,volume',
        '2026-11-23T09:15:00+05:30,1420,1421,1419,1420.5,100',
        '2026-11-23 09:16,1420,1421,1419,1420.5,100',
        '2026-11-23T09:17:00+05:30,1420,1421,1419,abc,100',
        '2026-11-23T09:18:00+05:30,1420,1419,1421,1420,100',
        '2026-11-23T09:19:00+05:30,1420,1421,1419,1420,-5',
        '2026-11-23T09:15:00+05:30,1420,1421,1419,1420.5,100',
        '2026-11-23T09:20:30+05:30,1420,1421,1419,1420,1',
        'too,few',
      ].join('\n'),
    );
    expect(r.candles).toEqual([]);
    expect(r.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(r.problems[0]!.message).toMatch(/ISO-8601/);
    expect(r.problems.find((p) => p.line === 7)!.message).toMatch(/duplicate/);
  });

  it('rolls 1m bars up to 5m', () => {
    const base = Date.UTC(2026, 10, 23, 3, 45);
    const bars = Array.from({ length: 7 }, (_, i) => ({
      ts: base + i * 60_000,
      open: 100 + i,
      high: 110 + i,
      low: 90 + i,
      close: 101 + i,
      volume: 1,
    }));
    expect(aggregateCandles(bars, '5m')).toEqual([
      { ts: base, open: 100, high: 114, low: 90, close: 105, volume: 5 },
      { ts: base + 300_000, open: 105, high: 116, low: 95, close: 107, volume: 2 },
    ]);
  });
});
