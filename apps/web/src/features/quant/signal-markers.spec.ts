import { describe, expect, it } from 'vitest';
import type { CandleDto as Candle, SignalDto } from '@tradeloop/contracts';
import { chartPoints } from './signal-markers';

const candle = (ts: string, close: string): Candle => ({ ts, open: close, high: close, low: close, close, volume: 1 }) as Candle;
const signal = (ts: string, verdict: SignalDto['signal']): SignalDto => ({ id: ts + verdict, modelId: 'm', modelVersion: '1', stage: 'production', symbol: 'A', ts, score: 0.5, signal: verdict, featuresHash: 'h' });

describe('chartPoints', () => {
  it('marks BUY and SELL on the close of their bar; HOLD and bars off the chart are not marked', () => {
    const points = chartPoints(
      [candle('2026-11-22T09:00:00.000Z', '100.50'), candle('2026-11-22T09:01:00.000Z', '101.00'), candle('2026-11-22T09:02:00.000Z', '99.00')],
      [signal('2026-11-22T09:00:00.000Z', 'BUY'), signal('2026-11-22T09:01:00.000Z', 'HOLD'), signal('2026-11-22T09:02:00.000Z', 'SELL'), signal('2026-11-22T08:00:00.000Z', 'BUY')],
    );
    expect(points.map((p) => [p.close, p.buy, p.sell])).toEqual([
      [100.5, 100.5, undefined],
      [101, undefined, undefined],
      [99, undefined, 99],
    ]);
  });
});
