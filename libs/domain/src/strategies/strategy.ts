import type { Candle } from '../market/candle';
import type { SignalVerdict } from '../signals/signal-rule';

/** What a strategy asks for: trade `quantity` units of `symbol` (the runner makes it an order). */
export interface OrderIntent {
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  /** Why, in words, kept on the order's history. */
  reason: string;
  /** The signal that caused it (ml-signal), so the order can be walked back to its model. */
  signalId?: string;
}

/** A stored signal as strategies see it (production signals only reach them). */
export interface SignalInput {
  id: string;
  symbol: string;
  ts: number;
  signal: SignalVerdict;
  score: number;
}

/**
 * A trading strategy: closed bars and signals in, order intents out. No broker, database or
 * clock: the same inputs always give the same intents, so a run can be replayed and the
 * runner can make the intent of one bar idempotent. `position` is the strategy's own net
 * units in the symbol, including orders still working.
 */
export interface Strategy {
  readonly kind: string;
  /** Feeds history (oldest first) without producing intents. */
  warm(symbol: string, bars: readonly Candle[]): void;
  onBar(symbol: string, bar: Candle, position: number): OrderIntent | null;
  onSignal(signal: SignalInput, position: number): OrderIntent | null;
}

/** The intent that moves `position` to `target` (null when already there). */
export function intentToward(symbol: string, position: number, target: number, reason: string, signalId?: string): OrderIntent | null {
  const delta = target - position;
  if (delta === 0) return null;
  return { symbol, side: delta > 0 ? 'BUY' : 'SELL', quantity: Math.abs(delta), reason, ...(signalId ? { signalId } : {}) };
}
