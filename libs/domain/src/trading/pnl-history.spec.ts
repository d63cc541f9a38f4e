import { describe, expect, it } from 'vitest';
import { pnlHistory, type HistoryFill } from './pnl-history';

const R = 10_000;
const day = (d: string) => ({ day: d, end: Date.parse(`${d}T10:00:00Z`) }); // 15:30 IST
const fill = (at: string, side: 'BUY' | 'SELL', quantity: number, rupees: number, symbol = 'INFY', charges = 0n): HistoryFill => ({
  key: `acct|${symbol}|CNC`,
  symbol,
  side,
  quantity,
  price: rupees * R,
  at: Date.parse(at),
  charges,
});

describe('pnlHistory', () => {
  const days = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'].map(day);
  const closes: Record<string, Record<string, number>> = {
    INFY: { '2026-12-01': 1510, '2026-12-02': 1490, '2026-12-03': 1530, '2026-12-04': 1530 },
    TCS: { '2026-12-02': 3400 },
  };
  const closeOf = (symbol: string, d: string) => (closes[symbol]?.[d] === undefined ? undefined : closes[symbol]![d]! * R);

  it('marks the open quantity at each close and realizes on the sale, net of charges', () => {
    const fills = [fill('2026-12-01T04:00:00Z', 'BUY', 10, 1500, 'INFY', 150n), fill('2026-12-03T05:00:00Z', 'SELL', 4, 1520, 'INFY', 60n)];
    expect(pnlHistory(fills, days, closeOf)).toEqual([
      // 10 × (1510 − 1500) = ₹100 open, ₹1.50 charges.
      { day: '2026-12-01', realized: 0n, unrealized: 10_000n, charges: 150n, net: 9_850n },
      { day: '2026-12-02', realized: 0n, unrealized: -10_000n, charges: 150n, net: -10_150n },
      // 4 sold at 1520: +₹80 realized; 6 left at 1530: +₹180.
      { day: '2026-12-03', realized: 8_000n, unrealized: 18_000n, charges: 210n, net: 25_790n },
      { day: '2026-12-04', realized: 8_000n, unrealized: 18_000n, charges: 210n, net: 25_790n },
    ]);
  });

  it('before any fill everything is zero; a fill after a day’s end counts from the next day', () => {
    const fills = [fill('2026-12-02T11:00:00Z', 'BUY', 1, 1500)]; // after the 2nd's close
    const points = pnlHistory(fills, days, closeOf);
    expect(points[0]).toEqual({ day: '2026-12-01', realized: 0n, unrealized: 0n, charges: 0n, net: 0n });
    expect(points[1]!.unrealized).toBe(0n);
    expect(points[2]!.unrealized).toBe(3_000n); // 1 × (1530 − 1500)
  });

  it('a day without a close keeps the last price known: the previous close, else the fill', () => {
    const fills = [fill('2026-12-01T04:00:00Z', 'BUY', 2, 3300, 'TCS')];
    const points = pnlHistory(fills, days, closeOf);
    expect(points.map((p) => p.unrealized)).toEqual([0n, 20_000n, 20_000n, 20_000n]); // fill price, then 3400 held on
  });

  it('keeps positions apart by key and goes through zero to short exactly', () => {
    const fills: HistoryFill[] = [
      { ...fill('2026-12-01T04:00:00Z', 'BUY', 5, 1500), key: 'a|INFY|CNC' },
      { ...fill('2026-12-01T04:30:00Z', 'SELL', 3, 1505), key: 'b|INFY|MIS' },
      { ...fill('2026-12-03T04:00:00Z', 'SELL', 8, 1520), key: 'a|INFY|CNC' },
    ];
    const points = pnlHistory(fills, days, closeOf);
    // Day 1: a long 5 → +50; b short 3 at 1505 → 3 × (1505 − 1510) = −15.
    expect(points[0]!.unrealized).toBe(3_500n);
    // Day 3: a sold 5 at 1520 (+100 realized) and is short 3 at 1520 → −30; b short 3 → −75.
    expect(points[2]).toMatchObject({ realized: 10_000n, unrealized: -10_500n });
  });
});
