import type { CandleDto as Candle, SignalDto } from '@tradeloop/contracts';

export interface ChartPoint {
  t: number;
  close: number;
  buy?: number;
  sell?: number;
}

/**
 * The close series of the chart with each BUY / SELL signal placed on the close of its bar
 * (signals of bars outside the candles are left off; HOLD is not marked).
 */
export function chartPoints(candles: readonly Candle[], signals: readonly SignalDto[]): ChartPoint[] {
  const points = candles.map((c) => ({ t: Date.parse(c.ts), close: Number(c.close) }) as ChartPoint);
  const at = new Map(points.map((p) => [p.t, p]));
  for (const s of signals) {
    const p = at.get(Date.parse(s.ts));
    if (!p) continue;
    if (s.signal === 'BUY') p.buy = p.close;
    else if (s.signal === 'SELL') p.sell = p.close;
  }
  return points;
}
