import { describe, expect, it } from 'vitest';
import type { BacktestTradeDto } from '@tradeloop/contracts';
import { equitySeries, formatMetricValue, shownProgress, thinSeries, tradeMarkers, tradesCsv } from './backtest-report';

const trade = (seq: number, ts: string, side: 'BUY' | 'SELL', symbol = 'RELIANCE'): BacktestTradeDto => ({
  seq,
  ts,
  symbol,
  side,
  quantity: 1,
  price: '1420.0500',
  fees: '0.50',
  realizedPnl: side === 'SELL' ? '12.00' : '0.00',
  sample: 'in',
});

describe('equitySeries', () => {
  it('computes the drawdown from the running peak in paise', () => {
    const s = equitySeries([
      { ts: '2026-12-01T04:00:00.000Z', equity: '100.00' },
      { ts: '2026-12-01T04:01:00.000Z', equity: '120.00' },
      { ts: '2026-12-01T04:02:00.000Z', equity: '90.00' },
      { ts: '2026-12-01T04:03:00.000Z', equity: '130.00' },
    ]);
    expect(s.map((p) => p.drawdown)).toEqual([0, 0, -0.25, 0]);
    expect(s[2]!.value).toBe(90);
  });

  it('thins to at most max points (+ the last), keeping each window’s deepest drawdown', () => {
    const pts = equitySeries(
      Array.from({ length: 100 }, (_, i) => ({ ts: new Date(i * 60_000).toISOString(), equity: i === 37 ? '50.00' : '100.00' })),
    );
    const thin = thinSeries(pts, 10);
    expect(thin.length).toBeLessThanOrEqual(11);
    expect(thin.some((p) => p.drawdown === -0.5)).toBe(true);
    expect(thin.at(-1)).toBe(pts.at(-1));
  });
});

describe('formatMetricValue', () => {
  it('shows fractions as percentages, ratios with 2 places and null as a dash', () => {
    expect(formatMetricValue('totalReturn', 0.1234)).toBe('12.34 %');
    expect(formatMetricValue('maxDrawdown', 0.05)).toBe('-5.00 %');
    expect(formatMetricValue('sharpe', 1.234)).toBe('1.23');
    expect(formatMetricValue('profitFactor', null)).toBe('—');
    expect(formatMetricValue('turnover', 3)).toBe('3.00×');
    expect(formatMetricValue('trades', 1234)).toBe('1,234');
    expect(formatMetricValue('totalReturn', -0.0000123)).toBe('-0.0012 %');
    expect(formatMetricValue('totalReturn', 0)).toBe('0.00 %');
  });
});

describe('shownProgress', () => {
  it('takes the larger of stored and pushed progress, and shows a full bar only when completed', () => {
    expect(shownProgress({ status: 'running', progress: 0.2 }, 0.5)).toBe(0.5);
    expect(shownProgress({ status: 'running', progress: 0.6 }, 0.5)).toBe(0.6);
    expect(shownProgress({ status: 'completed', progress: 0.9 }, undefined)).toBe(1);
    expect(shownProgress({ status: 'cancelled', progress: 0.4 }, undefined)).toBe(0.4);
  });
});

describe('tradesCsv', () => {
  it('writes a header and one exact row per trade', () => {
    expect(tradesCsv([trade(1, '2026-12-01T04:00:00.000Z', 'BUY')])).toBe(
      'seq,ts,symbol,side,quantity,price,fees,realizedPnl\n1,2026-12-01T04:00:00.000Z,RELIANCE,BUY,1,1420.0500,0.50,0.00\n',
    );
  });
});

describe('tradeMarkers', () => {
  it('puts each fill of the symbol on the bar it happened in, oldest first', () => {
    const sec = (iso: string) => Date.parse(iso) / 1000;
    const bars = [sec('2026-12-01T04:00:00Z'), sec('2026-12-01T04:05:00Z'), sec('2026-12-01T04:10:00Z')];
    const m = tradeMarkers(
      [
        trade(2, '2026-12-01T04:07:00Z', 'SELL'),
        trade(1, '2026-12-01T04:00:00Z', 'BUY'),
        trade(3, '2026-12-01T04:05:00Z', 'BUY', 'INFY'),
        trade(4, '2026-12-01T03:00:00Z', 'BUY'),
      ],
      'RELIANCE',
      bars,
      sec,
    );
    expect(m.map((x) => [x.time, x.shape])).toEqual([
      [bars[0], 'arrowUp'],
      [bars[1], 'arrowDown'],
    ]);
  });
});
