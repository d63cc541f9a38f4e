/** A model's verdict on one bar (docs/domain.md, "Signals from models"). */
export type SignalVerdict = 'BUY' | 'SELL' | 'HOLD';

export interface SignalThresholds {
  buy: number;
  sell: number;
}

/**
 * BUY if score ≥ buy threshold, SELL if score ≤ sell threshold, else HOLD. A score that is not a
 * finite number in [0, 1] is no verdict at all (null): the caller skips and counts it.
 */
export function signalOf(score: number, t: SignalThresholds): SignalVerdict | null {
  if (!Number.isFinite(score) || score < 0 || score > 1) return null;
  if (score >= t.buy) return 'BUY';
  if (score <= t.sell) return 'SELL';
  return 'HOLD';
}
