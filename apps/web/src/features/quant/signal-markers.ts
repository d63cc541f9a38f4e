import type { SeriesMarker, UTCTimestamp } from 'lightweight-charts';
import type { SignalDto } from '@tradeloop/contracts';
import { chartTime } from '../trade/chart-data';

export const MARKER_COLORS = { BUY: '#26c281', SELL: '#f0506e' } as const;

/** One buy / sell marker on a candle chart (lightweight-charts' SeriesMarker shape). */
export interface BarMarker {
  time: number;
  position: 'belowBar' | 'aboveBar';
  shape: 'arrowUp' | 'arrowDown';
  color: string;
  text: string;
  id: string;
}

/**
 * A BUY / SELL arrow on the drawn bar at or before `t` (the greatest of the ascending `times`
 * that is <= t, so a marker never floats between bars), labelled "B <label>" / "S <label>";
 * null when `t` is before the first bar.
 */
export function barMarker(times: readonly number[], t: number, side: 'BUY' | 'SELL', label: string, id: string): BarMarker | null {
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
  if (at < 0) return null;
  const buy = side === 'BUY';
  return {
    time: times[at]!,
    position: buy ? 'belowBar' : 'aboveBar',
    shape: buy ? 'arrowUp' : 'arrowDown',
    color: MARKER_COLORS[side],
    text: `${buy ? 'B' : 'S'} ${label}`,
    id,
  };
}

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
    const m = barMarker(times, chartTime(s.ts), s.signal, s.score.toFixed(2), s.id);
    if (m) markers.push({ ...m, time: m.time as UTCTimestamp });
  }
  return markers.sort((a, b) => a.time - b.time);
}
