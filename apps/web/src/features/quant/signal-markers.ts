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
 * Markers never pile up: the signals of one side on one bar (several models, or a repeat) are one
 * marker, "B ×3" with the best score in its text; and in a run of same-side markers on
 * consecutive bars only the first is labelled (the arrows say the rest), so labels do not overlap.
 */
export function signalMarkers(signals: readonly SignalDto[], symbol: string, barTimes: readonly number[]): SeriesMarker<UTCTimestamp>[] {
  if (barTimes.length === 0) return [];
  const times = [...barTimes].sort((a, b) => a - b);
  const merged = new Map<string, { marker: BarMarker; count: number; best: number }>();
  for (const s of signals) {
    if (s.symbol !== symbol || s.signal === 'HOLD') continue;
    const m = barMarker(times, chartTime(s.ts), s.signal, s.score.toFixed(2), s.id);
    if (!m) continue;
    const key = `${m.time}|${s.signal}`;
    const held = merged.get(key);
    // The strongest signal speaks for the bar: highest score for a BUY, lowest for a SELL.
    const strength = s.signal === 'BUY' ? s.score : -s.score;
    if (!held) merged.set(key, { marker: m, count: 1, best: strength });
    else {
      held.count += 1;
      if (strength > held.best) {
        held.best = strength;
        held.marker = { ...m, id: held.marker.id };
      }
    }
  }
  const markers = [...merged.values()]
    .map(({ marker, count }) => ({
      ...marker,
      text: count > 1 ? `${marker.text.slice(0, 1)} ×${count} ${marker.text.slice(2)}` : marker.text,
    }))
    .sort((a, b) => a.time - b.time || b.position.localeCompare(a.position));
  const index = new Map(times.map((t, i) => [t, i]));
  const lastOfSide = new Map<string, number>();
  return markers.map((m) => {
    const at = index.get(m.time)!;
    const previous = lastOfSide.get(m.position);
    lastOfSide.set(m.position, at);
    const continues = previous !== undefined && at - previous === 1;
    return { ...m, text: continues ? '' : m.text, time: m.time as UTCTimestamp };
  });
}
