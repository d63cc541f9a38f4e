import { DEPTH_LEVELS, formatPrice, TIMEFRAMES, type DepthLevel, type MarketDepth, type Timeframe } from '@tradeloop/domain';
import type { CandleEvent, DepthEvent, DepthLevelView, MarketDepthView, Quote, TickEvent } from '@tradeloop/contracts';

/**
 * What the feed process tells every API process, over Redis pub/sub, and what it keeps in the
 * quotes hash. Compact positional tuples: at 10,000 ticks/s the bytes and the parse time matter.
 */
export const marketKeys = (prefix: string) => ({
  /** Pub/sub: a TickBatch per feed step. */
  ticks: `${prefix}:md:ticks`,
  /**
   * Pub/sub, one channel per symbol: a CandleBatch of that symbol's changed candles every candle
   * interval. Per symbol so an API process only receives (and parses) the symbols its sockets
   * watch: all candles of 500 instruments would be ~20,000 tuples a second.
   */
  candles: (symbol: string) => `${prefix}:md:candles:${symbol}`,
  /** Hash symbol → WireTick JSON: the latest quote of every instrument, for every process. */
  quotes: `${prefix}:md:quotes`,
  /**
   * Pub/sub, one channel per symbol: a DepthBatch with the symbol's latest book, at most once a
   * candle interval, and only to API processes whose sockets watch that symbol's depth.
   */
  depth: (symbol: string) => `${prefix}:md:depth:${symbol}`,
  /** Hash symbol → WireDepth JSON: the latest book of every instrument that has one. */
  depthBook: `${prefix}:md:depthbook`,
});

/** [symbol, ts ms, ltp, bid, ask, day volume, prevClose, per-symbol feed seq]; prices in 1e-4 ticks. */
export type WireTick = [symbol: string, ts: number, ltp: number, bid: number, ask: number, volume: number, prevClose: number, seq: number];
/** [symbol, timeframe index in TIMEFRAMES, bucket ts ms, open, high, low, close, volume]. */
export type WireCandle = [symbol: string, tf: number, ts: number, open: number, high: number, low: number, close: number, volume: number];

/** Levels flattened as price, quantity, orders, price, quantity, orders… (best first). */
export type WireLevels = number[];
/** [symbol, ts ms, bids, asks]; prices in 1e-4 ticks. */
export type WireDepth = [symbol: string, ts: number, bids: WireLevels, asks: WireLevels];

/**
 * A batch carries the feed run's id and a batch number (1, 2, 3… per run). A receiver that sees
 * the number jump, or the run change, knows it missed batches (Redis restarted, the feed
 * restarted) and tells its clients through their stream `seq`.
 */
export interface TickBatch {
  run: string;
  seq: number;
  ticks: WireTick[];
}
export interface DepthBatch {
  run: string;
  /** Per symbol channel: 1, 2, 3… per feed run. */
  seq: number;
  depth: WireDepth;
}
export interface CandleBatch {
  run: string;
  /** Per symbol channel: 1, 2, 3… per feed run. */
  seq: number;
  candles: WireCandle[];
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isWireTick = (t: unknown): t is WireTick => Array.isArray(t) && t.length === 8 && typeof t[0] === 'string' && t.slice(1).every(isInt);
const isWireCandle = (c: unknown): c is WireCandle =>
  Array.isArray(c) &&
  c.length === 8 &&
  typeof c[0] === 'string' &&
  c.slice(1).every(isInt) &&
  (c[1] as number) >= 0 &&
  (c[1] as number) < TIMEFRAMES.length;

const isLevels = (l: unknown): l is WireLevels =>
  Array.isArray(l) && l.length % 3 === 0 && l.length <= DEPTH_LEVELS * 3 && l.every((v) => isInt(v) && v >= 0);
const isWireDepth = (d: unknown): d is WireDepth =>
  Array.isArray(d) && d.length === 4 && typeof d[0] === 'string' && isInt(d[1]) && isLevels(d[2]) && isLevels(d[3]);

/** Parses a batch from the wire; anything malformed is rejected whole (null), never half-applied. */
export function parseTickBatch(text: string): TickBatch | null {
  try {
    const m = JSON.parse(text) as Partial<TickBatch>;
    return typeof m.run === 'string' && isInt(m.seq) && Array.isArray(m.ticks) && m.ticks.every(isWireTick) ? (m as TickBatch) : null;
  } catch {
    return null;
  }
}

export function parseCandleBatch(text: string): CandleBatch | null {
  try {
    const m = JSON.parse(text) as Partial<CandleBatch>;
    return typeof m.run === 'string' && isInt(m.seq) && Array.isArray(m.candles) && m.candles.every(isWireCandle)
      ? (m as CandleBatch)
      : null;
  } catch {
    return null;
  }
}

export function parseDepthBatch(text: string): DepthBatch | null {
  try {
    const m = JSON.parse(text) as Partial<DepthBatch>;
    return typeof m.run === 'string' && isInt(m.seq) && isWireDepth(m.depth) ? (m as DepthBatch) : null;
  } catch {
    return null;
  }
}

export function parseWireDepth(text: string | null): WireDepth | null {
  if (!text) return null;
  try {
    const d: unknown = JSON.parse(text);
    return isWireDepth(d) ? d : null;
  } catch {
    return null;
  }
}

const flatten = (levels: readonly DepthLevel[]): WireLevels => {
  const out: WireLevels = [];
  for (let k = 0; k < levels.length && k < DEPTH_LEVELS; k += 1) out.push(levels[k]!.price, levels[k]!.quantity, levels[k]!.orders);
  return out;
};

export const wireDepthOf = (symbol: string, ts: number, depth: MarketDepth): WireDepth => [
  symbol,
  ts,
  flatten(depth.bids),
  flatten(depth.asks),
];

const levelsOf = (flat: WireLevels): DepthLevelView[] => {
  const out: DepthLevelView[] = [];
  for (let k = 0; k + 2 < flat.length; k += 3) out.push({ price: formatPrice(flat[k]!), quantity: flat[k + 1]!, orders: flat[k + 2]! });
  return out;
};

/** The API's view of a book; without one (`null`), empty sides and no time. */
export function depthViewOf(symbol: string, d: WireDepth | null): MarketDepthView {
  return d
    ? { symbol: d[0], bids: levelsOf(d[2]), asks: levelsOf(d[3]), ts: new Date(d[1]).toISOString() }
    : { symbol, bids: [], asks: [], ts: null };
}

export function depthEventOf(d: WireDepth): Omit<DepthEvent, 'seq'> {
  return { symbol: d[0], bids: levelsOf(d[2]), asks: levelsOf(d[3]), ts: new Date(d[1]).toISOString() };
}

export function parseWireTick(text: string | null): WireTick | null {
  if (!text) return null;
  try {
    const t: unknown = JSON.parse(text);
    return isWireTick(t) ? t : null;
  } catch {
    return null;
  }
}

export const timeframeOf = (c: WireCandle): Timeframe => TIMEFRAMES[c[1]]!;

export function quoteOf(t: WireTick): Quote {
  return {
    symbol: t[0],
    ltp: formatPrice(t[2]),
    bid: formatPrice(t[3]),
    ask: formatPrice(t[4]),
    volume: t[5],
    change: formatPrice(t[2] - t[6]),
    prevClose: formatPrice(t[6]),
    ts: new Date(t[1]).toISOString(),
  };
}

export function tickEventOf(t: WireTick): Omit<TickEvent, 'seq'> {
  return {
    symbol: t[0],
    ltp: formatPrice(t[2]),
    bid: formatPrice(t[3]),
    ask: formatPrice(t[4]),
    volume: t[5],
    change: formatPrice(t[2] - t[6]),
    ts: new Date(t[1]).toISOString(),
  };
}

export function candleEventOf(c: WireCandle): Omit<CandleEvent, 'seq'> {
  return {
    symbol: c[0],
    timeframe: timeframeOf(c),
    ts: new Date(c[2]).toISOString(),
    open: formatPrice(c[3]),
    high: formatPrice(c[4]),
    low: formatPrice(c[5]),
    close: formatPrice(c[6]),
    volume: c[7],
  };
}
