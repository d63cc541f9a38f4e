import { describe, expect, it } from 'vitest';
import type { Paise } from '../money';
import { backtestMetrics, barsPerYear } from './metrics';
import { divergence, positionsAt, runMetrics, runSnapshot, runTrades, type CompareCurve, type RunFill, type RunPoint } from './runs';

const P = (n: number) => BigInt(n) as Paise;
const fill = (ts: number, side: 'BUY' | 'SELL', quantity: number, price: number, charges = 0): RunFill => ({
  ts,
  symbol: 'RELIANCE',
  side,
  quantity,
  price,
  charges: P(charges),
});

describe('strategy runs', () => {
  it('a snapshot is capital + realised + unrealised − charges, with open positions only', () => {
    // Buy 2 at ₹100, sell 1 at ₹110 (realised ₹10), mark ₹105 (unrealised ₹5), charges ₹0.30.
    const fills = [fill(1, 'BUY', 2, 1_000_000, 20), fill(2, 'SELL', 1, 1_100_000, 10)];
    const s = runSnapshot(fills, new Map([['RELIANCE', 1_050_000]]), P(10_000_000));
    expect(s).toEqual({
      equity: P(10_000_000 + 1_000 + 500 - 30),
      realized: P(1_000),
      unrealized: P(500),
      charges: P(30),
      positions: { RELIANCE: 1 },
    });
    expect(runSnapshot([...fills, fill(3, 'SELL', 1, 1_000_000)], new Map(), P(1)).positions).toEqual({});
  });

  it('fills carry their realised P&L (tick-units) and charges as fees', () => {
    const t = runTrades([fill(1, 'BUY', 2, 1_000_000, 20), fill(2, 'SELL', 3, 1_100_000, 10), fill(3, 'BUY', 1, 1_000_000)]);
    expect(t.map((x) => x.realisedPnl)).toEqual([0n, 200_000n, 100_000n]);
    expect(t.map((x) => x.fees)).toEqual([20n, 10n, 0n]);
  });

  it('the report is backtestMetrics over the minute curve (paise → tick-units) at 1-minute bars', () => {
    const fills = [fill(60_000, 'BUY', 1, 1_000_000), fill(180_000, 'SELL', 1, 1_020_000, 15)];
    const points: RunPoint[] = [
      { ts: 60_000, equity: P(10_000_000), positions: { RELIANCE: 1 } },
      { ts: 120_000, equity: P(10_001_000), positions: { RELIANCE: 1 } },
      { ts: 180_000, equity: P(10_001_985), positions: {} },
    ];
    const m = runMetrics(points, fills, P(10_000_000));
    expect(m).toEqual(
      backtestMetrics({
        equity: {
          ts: Float64Array.from([60_000, 120_000, 180_000]),
          value: Float64Array.from([1_000_000_000, 1_000_100_000, 1_000_198_500]),
        },
        initialCapital: 1_000_000_000n as never,
        trades: runTrades(fills),
        barsPerYear: barsPerYear('1m'),
        positionBars: 2,
      }),
    );
    expect(m.exposure).toBeCloseTo(2 / 3);
    expect(m.roundTrips).toBe(1);
    expect(m.winRate).toBe(1);
  });

  it('positions after each point from fills at or before it', () => {
    const f = [
      { ts: 10, symbol: 'A', side: 'BUY' as const, quantity: 2 },
      { ts: 20, symbol: 'A', side: 'SELL' as const, quantity: 2 },
      { ts: 20, symbol: 'B', side: 'SELL' as const, quantity: 1 },
    ];
    expect(positionsAt([5, 10, 15, 20], f)).toEqual([{}, { A: 2 }, { A: 2 }, { B: -1 }]);
  });

  it('divergence: the first time positions differ inside the overlap and the P&L difference at its end', () => {
    const live: CompareCurve = { ts: [100, 200, 300, 400], pnl: [P(0), P(5), P(7), P(9)], positions: [{}, { X: 1 }, { X: 1 }, {}] };
    const bt: CompareCurve = {
      ts: [0, 150, 250, 350, 450],
      pnl: [P(0), P(0), P(3), P(4), P(6)],
      positions: [{}, { X: 1 }, { X: 1 }, { X: 1 }, {}],
    };
    const d = divergence(live, bt);
    expect(d.overlap).toEqual({ from: 100, to: 400 });
    // At 150 the backtest holds X, live (as of 100) is flat.
    expect(d.firstPositionDifference).toEqual({ ts: 150, a: {}, b: { X: 1 } });
    // At 400: live 9, backtest as of 350: 4.
    expect(d.pnlDifferenceAtEnd).toBe(P(5));
    expect(divergence(live, { ...bt, positions: [{}, {}, { X: 1 }, { X: 1 }, {}] }).firstPositionDifference).toEqual({
      ts: 200,
      a: { X: 1 },
      b: {},
    });
    const same = divergence(live, live);
    expect(same.firstPositionDifference).toBeNull();
    expect(same.pnlDifferenceAtEnd).toBe(P(0));
    expect(divergence(live, { ts: [500], pnl: [P(1)], positions: [{}] })).toEqual({
      overlap: null,
      firstPositionDifference: null,
      pnlDifferenceAtEnd: null,
    });
  });
});
