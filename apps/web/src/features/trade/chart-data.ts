import type { UTCTimestamp } from 'lightweight-charts';
import type { CandleEvent, CandleSeries } from '@tradeloop/contracts';
import { IST_OFFSET_MS } from '@tradeloop/domain';

/**
 * One candle as the chart holds it: numbers for drawing, and the API's decimal strings and ISO
 * time for the legend and the test hooks (so nothing shown is a float re-rendering).
 */
export interface Bar {
  /** Seconds, shifted by +5:30 so the (UTC-only) time axis reads in IST. */
  time: UTCTimestamp;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  ts: string;
  o: string;
  h: string;
  l: string;
  c: string;
}

const IST_OFFSET_S = IST_OFFSET_MS / 1000;

/** ISO time → the chart's time: epoch seconds + 19800 (IST shown on a UTC axis). */
export const chartTime = (iso: string): UTCTimestamp => (Math.floor(Date.parse(iso) / 1000) + IST_OFFSET_S) as UTCTimestamp;

/** The chart's time → the bar's ISO start (the inverse of chartTime). */
export const isoOfChartTime = (time: number): string => new Date((time - IST_OFFSET_S) * 1000).toISOString();

type CandleLike = Pick<CandleEvent, 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume'>;

export function toBar(c: CandleLike): Bar {
  return {
    time: chartTime(c.ts),
    open: Number(c.open),
    high: Number(c.high),
    low: Number(c.low),
    close: Number(c.close),
    volume: c.volume,
    ts: c.ts,
    o: c.open,
    h: c.high,
    l: c.low,
    c: c.close,
  };
}

/**
 * Of two states of the same bar, the later one. A bar's volume only grows while it is open, so
 * the one with more volume is newer; at equal volume (an index trades none) `b` is taken, the
 * caller passes the one it learned last.
 */
export const laterBar = (a: Bar, b: Bar): Bar => (a.volume > b.volume ? a : b);

/** History plus live bars (each bar's later state: a live bar replaces a stored one unless the stored has more volume), oldest first. */
export function mergeBars(history: CandleSeries['candles'], live: Iterable<Bar>): Bar[] {
  const byTime = new Map<number, Bar>();
  for (const c of history) {
    const bar = toBar(c);
    byTime.set(bar.time, bar);
  }
  for (const bar of live) {
    const stored = byTime.get(bar.time);
    byTime.set(bar.time, stored ? laterBar(stored, bar) : bar);
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/**
 * A closed bar as stored, against the bar drawn for it: `same` (nothing to do), `stale` (the
 * store has not caught up: it has less volume than the chart already drew; ask again later) or
 * `apply` (the stored bar is the record: draw it). The feed writes candles about once a second,
 * so a chart that read history just after a bar closed drew it without its last trades, and
 * the live stream has moved on to the next bar.
 */
export function settleBar(drawn: Bar | undefined, stored: Bar): 'same' | 'stale' | 'apply' {
  if (!drawn) return 'apply';
  if (stored.volume < drawn.volume) return 'stale';
  const same =
    drawn.o === stored.o && drawn.h === stored.h && drawn.l === stored.l && drawn.c === stored.c && drawn.volume === stored.volume;
  return same ? 'same' : 'apply';
}

/** The `data-last-candle` test hook: "ts|close|volume". */
export const lastCandleAttr = (bar: Bar | null): string => (bar ? `${bar.ts}|${bar.c}|${bar.volume}` : '');
