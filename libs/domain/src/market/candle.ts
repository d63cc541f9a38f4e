/**
 * One OHLCV candle. Prices are integer 1/10000ths of a rupee held in a JS number: exact for
 * every integer below 2^53, i.e. prices up to ₹900 billion — far beyond any instrument — and an
 * order of magnitude faster than bigint on the tick path. Volume is an integer count of units.
 */
export interface Candle {
  /** Bucket start, epoch ms UTC. */
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A trade print (or quote update carrying a traded quantity). */
export interface Tick {
  ts: number;
  /** Price in 1/10000ths. */
  price: number;
  /** Units traded in this tick (0 for a quote-only update). */
  quantity: number;
}
