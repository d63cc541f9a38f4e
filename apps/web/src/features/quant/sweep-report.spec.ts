import { describe, expect, it } from 'vitest';
import type { BacktestMetrics } from '@tradeloop/contracts';
import { bestChild, heatColour, metricRange, sweepGrid, sweptKeys, type SweepChild } from './sweep-report';

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
    const g = sweepGrid(kids, sweptKeys({ fast: [5, 10], slow: [20, 40], quantity: 1 }));
    expect(g.xs).toEqual([5, 10]);
    expect(g.ys.map((r) => [r.key, r.label])).toEqual([
      ['20', '20'],
      ['40', '40'],
    ]);
    expect(g.cell(10, '20')!.id).toBe('10-20');
    expect(g.cell(5, '40')!.id).toBe('5-40');
    expect(g.cell(5, '30')).toBeUndefined();
  });

  it('the swept params are those given as lists, fast × slow when none is', () => {
    expect(sweptKeys({ quantity: [1, 2], allowShort: [false, true] })).toEqual(['quantity', 'allowShort']);
    expect(sweptKeys({ fast: 5, slow: [20, 40] })).toEqual(['slow']);
    expect(sweptKeys({ quantity: 1 })).toEqual(['fast', 'slow']);
    // fast across and slow down whatever the request's order; other swept params after them.
    expect(sweptKeys({ allowShort: false, quantity: [1, 2], fast: [5, 10], slow: [20, 40] })).toEqual(['fast', 'slow', 'quantity']);
  });

  it('lays out any sweep: ml-signal quantity × allowShort (false first), one swept param as one row, three as rows of combinations', () => {
    const ml = (quantity: number, allowShort: boolean): SweepChild => ({
      ...child(quantity, 0, 0.01, 0.02),
      id: `${quantity}-${allowShort}`,
      params: { quantity, allowShort },
    });
    const g = sweepGrid([ml(2, true), ml(1, false), ml(2, false), ml(1, true)], ['quantity', 'allowShort']);
    expect(g.xKey).toBe('quantity');
    expect(g.xs).toEqual([1, 2]);
    expect(g.ys.map((r) => r.key)).toEqual(['false', 'true']);
    expect(g.cell(2, 'false')!.id).toBe('2-false');
    expect(g.cell(1, 'true')!.id).toBe('1-true');

    const one = sweepGrid([child(10, 20, 0, 0), child(5, 20, 0, 0)], ['fast']);
    expect(one.xs).toEqual([5, 10]);
    expect(one.ys).toEqual([{ key: '', label: '', values: [] }]);
    expect(one.cell(5, '')!.id).toBe('5-20');

    const three = (fast: number, slow: number, quantity: number): SweepChild => ({
      ...child(fast, slow, 0, 0),
      id: `${fast}-${slow}-${quantity}`,
      params: { fast, slow, quantity },
    });
    const g3 = sweepGrid([three(5, 40, 1), three(5, 20, 2), three(5, 20, 1), three(10, 20, 1)], ['fast', 'slow', 'quantity']);
    expect(g3.ys.map((r) => [r.key, r.label])).toEqual([
      ['20-1', 'slow 20 · quantity 1'],
      ['20-2', 'slow 20 · quantity 2'],
      ['40-1', 'slow 40 · quantity 1'],
    ]);
    expect(g3.cell(5, '20-2')!.id).toBe('5-20-2');
    expect(g3.cell(10, '40-1')).toBeUndefined();
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
