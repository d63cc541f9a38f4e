import { describe, expect, it } from 'vitest';
import { strategyPnl } from './strategy-pnl';

const T = 10_000; // ticks per rupee

describe('strategyPnl', () => {
  it('realizes closed quantity at the average price, marks the rest, per symbol; charges beside', () => {
    const pnl = strategyPnl(
      [
        { symbol: 'A', side: 'BUY', quantity: 10, price: 100 * T, charges: 20n },
        { symbol: 'A', side: 'BUY', quantity: 10, price: 110 * T, charges: 20n },
        { symbol: 'A', side: 'SELL', quantity: 5, price: 120 * T, charges: 10n },
        { symbol: 'B', side: 'SELL', quantity: 2, price: 50 * T, charges: 5n },
      ],
      new Map([
        ['A', 100 * T],
        ['B', 40 * T],
      ]),
    );
    // A: average 105; sold 5 at 120 → +75.00; 15 open at 100 → −75.00. B: short 2 at 50, mark 40 → +20.00.
    expect(pnl.realized).toBe(7_500n);
    expect(pnl.unrealized).toBe(-7_500n + 2_000n);
    expect(pnl.charges).toBe(55n);
    expect(pnl.positions).toEqual([
      { symbol: 'A', netQuantity: 15, averagePrice: 105 * T, mark: 100 * T, unrealized: -7_500n },
      { symbol: 'B', netQuantity: -2, averagePrice: 50 * T, mark: 40 * T, unrealized: 2_000n },
    ]);
  });

  it('a symbol without a mark counts no unrealized P&L; no fills is all zero', () => {
    const pnl = strategyPnl([{ symbol: 'A', side: 'BUY', quantity: 1, price: 100 * T, charges: 0n }], new Map());
    expect(pnl.unrealized).toBe(0n);
    expect(pnl.positions[0]!.mark).toBeNull();
    expect(strategyPnl([], new Map())).toEqual({ realized: 0n, unrealized: 0n, charges: 0n, positions: [] });
  });
});
