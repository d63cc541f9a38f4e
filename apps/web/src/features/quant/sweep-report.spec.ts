import { describe, expect, it } from 'vitest';
import type { BacktestMetrics } from '@tradeloop/contracts';
import { bestChild, heatColour, metricRange, sweepGrid, type SweepChild } from './sweep-report';

const m = (totalReturn: number, maxDrawdown: number): BacktestMetrics => ({
  totalReturn,
  cagr: null,
  sharpe: null,
  sortino: null,
  maxDrawdown,
  winRate: null,
  profitFactor: null,
  trades: 1,
  fees: '0.00',
  exposure: 0,
  turnover: 0,
});
const child = (fast: number, slow: number, inR: number | null, outR: number, dd = 0.1): SweepChild => ({
  id: `${fast}-${slow}`,
  status: inR === null ? 'running' : 'completed',
  progress: 1,
  params: { fast, slow, quantity: 1 },
  metrics: inR === null ? null : m(inR, dd),
  outOfSampleMetrics: inR === null ? null : m(outR, dd),
});

describe('sweep report', () => {
  const kids = [child(10, 20, 0.05, -0.01, 0.2), child(5, 20, 0.02, 0.03, 0.05), child(5, 40, null, 0), child(10, 40, 0.01, 0.0, 0.3)];

  it('lays children out on fast × slow, ascending', () => {
    const g = sweepGrid(kids);
    expect(g.xs).toEqual([5, 10]);
    expect(g.ys).toEqual([20, 40]);
    expect(g.cell(10, 20)!.id).toBe('10-20');
    expect(g.cell(5, 40)!.id).toBe('5-40');
  });

  it('finds the best cell per sample, lower-better for drawdown, skipping unfinished ones', () => {
    expect(bestChild(kids, 'totalReturn', 'in')!.id).toBe('10-20');
    expect(bestChild(kids, 'totalReturn', 'out')!.id).toBe('5-20');
    expect(bestChild(kids, 'maxDrawdown', 'in')!.id).toBe('5-20');
    expect(bestChild([child(5, 20, null, 0)], 'totalReturn', 'in')).toBeNull();
  });

  it('colours on one scale over both samples', () => {
    expect(metricRange(kids, 'totalReturn')).toEqual({ lo: -0.01, hi: 0.05 });
    expect(heatColour(0.05, -0.01, 0.05, 'totalReturn')).toBe('hsl(120 55% 32%)');
    expect(heatColour(-0.01, -0.01, 0.05, 'totalReturn')).toBe('hsl(0 55% 32%)');
    expect(heatColour(0.3, 0.05, 0.3, 'maxDrawdown')).toBe('hsl(0 55% 32%)');
  });
});
