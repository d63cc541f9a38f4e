import type { Candle } from './candle';
import { bucketStart, type Timeframe } from './timeframes';

/**
 * Rolls finer candles (oldest first) up into a coarser timeframe: first open, highest high,
 * lowest low, last close, summed volume. Imported 1m history becomes 5m…1d this way.
 */
export function aggregateCandles(candles: readonly Candle[], timeframe: Timeframe): Candle[] {
  const out: Candle[] = [];
  let cur: Candle | undefined;
  for (const c of candles) {
    const start = bucketStart(c.ts, timeframe);
    if (!cur || cur.ts !== start) {
      if (cur) out.push(cur);
      cur = { ts: start, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
    } else {
      if (c.high > cur.high) cur.high = c.high;
      if (c.low < cur.low) cur.low = c.low;
      cur.close = c.close;
      cur.volume += c.volume;
    }
  }
  if (cur) out.push(cur);
  return out;
}
