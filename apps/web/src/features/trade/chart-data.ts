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

/** History plus live bars (a live bar replaces the stored one of the same time), oldest first. */
export function mergeBars(history: CandleSeries['candles'], live: Iterable<Bar>): Bar[] {
  const byTime = new Map<number, Bar>();
  for (const c of history) {
    const bar = toBar(c);
    byTime.set(bar.time, bar);
  }
  for (const bar of live) byTime.set(bar.time, bar);
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/** The `data-last-candle` test hook: "ts|close|volume". */
export const lastCandleAttr = (bar: Bar | null): string => (bar ? `${bar.ts}|${bar.c}|${bar.volume}` : '');
