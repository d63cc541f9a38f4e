// Deterministic bar series for the feature tests (excluded from the build).
import type { Candle } from '../market/candle';
import { columnsFromCandles, type CandleColumns } from '../market/candle-chunks';

/** Mulberry32: a tiny seeded generator, so every failing case can be replayed by its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SeriesOptions {
  seed?: number;
  /** First close in ticks (1/10000 rupee); default ₹2,500. */
  start?: number;
  /** Per-bar volatility of the log price. */
  sigma?: number;
  /** Chance per bar of an overnight-style jump (±up to 15%) and a time gap. */
  gapChance?: number;
  /** Bar spacing in ms (default 5 minutes). */
  stepMs?: number;
  /** First bar start; default Monday 2026-11-23 09:15 IST. */
  from?: number;
}

/** A random walk of OHLCV bars with integer tick prices, optional jumps and time gaps. */
export function randomBars(n: number, o: SeriesOptions = {}): Candle[] {
  const rand = seeded(o.seed ?? 1);
  const step = o.stepMs ?? 300_000;
  const sigma = o.sigma ?? 0.002;
  let ts = o.from ?? Date.UTC(2026, 10, 23, 3, 45);
  let close = o.start ?? 25_000_000;
  const out: Candle[] = [];
  for (let i = 0; i < n; i += 1) {
    const open = close;
    let move = (rand() - 0.5) * 2 * sigma * Math.sqrt(3);
    if (o.gapChance && rand() < o.gapChance) {
      move += (rand() - 0.5) * 0.3;
      ts += 17.75 * 3_600_000; // overnight
    }
    close = Math.max(1, Math.round(open * Math.exp(move)));
    const high = Math.max(open, close) + Math.round(rand() * open * sigma);
    const low = Math.max(1, Math.min(open, close) - Math.round(rand() * open * sigma));
    out.push({ ts, open, high, low, close, volume: Math.round(1_000 * Math.exp(rand() * 3)) });
    ts += step;
  }
  return out;
}

/** `n` identical bars. */
export function constantBars(n: number, price = 25_000_000, volume = 100): Candle[] {
  const from = Date.UTC(2026, 10, 23, 3, 45);
  return Array.from({ length: n }, (_, i) => ({ ts: from + i * 300_000, open: price, high: price, low: price, close: price, volume }));
}

export const columns = (bars: readonly Candle[]): CandleColumns => columnsFromCandles(bars);
