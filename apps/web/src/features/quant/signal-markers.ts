import type { SeriesMarker, UTCTimestamp } from 'lightweight-charts';
import type { SignalDto } from '@tradeloop/contracts';
import { chartTime } from '../trade/chart-data';

export const MARKER_COLORS = { BUY: '#26c281', SELL: '#f0506e' } as const;

/**
 * BUY / SELL signals of one symbol as chart markers (HOLD draws nothing), each on the bar it was
 * computed at: the last drawn bar at or before the signal's time, so a marker never floats
 * between bars. Signals older than the first bar are left out; oldest first, as the chart wants.
 */
export function signalMarkers(signals: readonly SignalDto[], symbol: string, barTimes: readonly number[]): SeriesMarker<UTCTimestamp>[] {
  if (barTimes.length === 0) return [];
  const times = [...barTimes].sort((a, b) => a - b);
  const markers: SeriesMarker<UTCTimestamp>[] = [];
  for (const s of signals) {
    if (s.symbol !== symbol || s.signal === 'HOLD') continue;
    const t = chartTime(s.ts);
    // Binary search: the greatest bar time <= t.
    let lo = 0;
    let hi = times.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! <= t) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0) continue;
    const buy = s.signal === 'BUY';
    markers.push({
      time: times[at] as UTCTimestamp,
      position: buy ? 'belowBar' : 'aboveBar',
      shape: buy ? 'arrowUp' : 'arrowDown',
      color: MARKER_COLORS[s.signal],
      text: `${buy ? 'B' : 'S'} ${s.score.toFixed(2)}`,
      id: s.id,
    });
  }
  return markers.sort((a, b) => a.time - b.time);
}
