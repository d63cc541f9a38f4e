import type { Candle, Tick } from './candle';
import { bucketStart, type Timeframe } from './timeframes';

/**
 * Batch reference: groups a symbol's ticks (in arrival order) into candles. Used to check the
 * incremental aggregator and to build candles from imported history.
 */
export function resample(ticks: readonly Tick[], timeframe: Timeframe): Candle[] {
  const buckets = new Map<number, Tick[]>();
  for (const t of ticks) {
    const start = bucketStart(t.ts, timeframe);
    let b = buckets.get(start);
    if (!b) buckets.set(start, (b = []));
    b.push(t);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ts, b]) => ({
      ts,
      open: b[0]!.price,
      high: Math.max(...b.map((t) => t.price)),
      low: Math.min(...b.map((t) => t.price)),
      close: b.reduce((last, t) => (t.ts >= last.ts ? t : last)).price,
      volume: b.reduce((v, t) => v + t.quantity, 0),
    }));
}
