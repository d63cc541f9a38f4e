import type { SimTick } from '@tradeloop/domain';

/** Ticks handed over together (one feed step, one broker websocket frame). */
export type TickSink = (ticks: readonly SimTick[]) => void;

/**
 * Where live prices come from. The simulated feed implements it; broker adapters (Kite ticker,
 * Upstox market-data feed, OpenAlgo websocket) implement it too, so the pipeline behind it —
 * candles, quotes, fan-out — is the same whatever the source.
 */
export interface MarketDataSource {
  readonly name: string;
  /** Begins delivering ticks to `sink` until `stop()`. */
  start(sink: TickSink): Promise<void>;
  stop(): Promise<void>;
}
