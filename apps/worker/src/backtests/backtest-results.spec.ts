import { describe, expect, it } from 'vitest';
import { equityPerTime, positionBars } from './backtest-results';

const f64 = (...v: number[]) => new Float64Array(v);

describe('equityPerTime', () => {
  it('keeps the last point of each bar time (several symbols share a time)', () => {
    const e = equityPerTime({ ts: f64(1, 1, 2, 3, 3, 3), value: f64(10, 11, 12, 13, 14, 15) });
    expect(Array.from(e.ts)).toEqual([1, 2, 3]);
    expect(Array.from(e.value)).toEqual([11, 12, 15]);
  });

  it('returns a copy of a curve with one point per time', () => {
    const src = { ts: f64(1, 2), value: f64(5, 6) };
    const e = equityPerTime(src);
    expect(Array.from(e.value)).toEqual([5, 6]);
    expect(e.value).not.toBe(src.value);
  });
});

describe('positionBars', () => {
  it('counts the times after whose fills some position is open', () => {
    const trades = [
      { ts: 2, symbol: 'A', side: 'BUY' as const, quantity: 1 },
      { ts: 4, symbol: 'B', side: 'SELL' as const, quantity: 2 },
      { ts: 5, symbol: 'A', side: 'SELL' as const, quantity: 1 },
      { ts: 6, symbol: 'B', side: 'BUY' as const, quantity: 2 },
    ];
    // open at 2, 3, 4, 5 (B still short), flat from 6.
    expect(positionBars(f64(1, 2, 3, 4, 5, 6, 7), trades)).toBe(4);
  });

  it('is zero without trades', () => {
    expect(positionBars(f64(1, 2, 3), [])).toBe(0);
  });
});
