import { describe, expect, it } from 'vitest';
import { signalOf } from './signal-rule';

describe('signalOf', () => {
  const t = { buy: 0.6, sell: 0.4 };
  it('is BUY at and above the buy threshold, SELL at and below the sell one, HOLD between', () => {
    expect(signalOf(0.6, t)).toBe('BUY');
    expect(signalOf(0.99, t)).toBe('BUY');
    expect(signalOf(0.4, t)).toBe('SELL');
    expect(signalOf(0, t)).toBe('SELL');
    expect(signalOf(0.5, t)).toBe('HOLD');
  });
  it('gives no verdict for a score that is not a probability', () => {
    for (const s of [Number.NaN, Number.POSITIVE_INFINITY, -0.1, 1.1]) expect(signalOf(s, t)).toBeNull();
  });
  it('equal thresholds leave no HOLD band: the buy side wins the tie', () => {
    expect(signalOf(0.5, { buy: 0.5, sell: 0.5 })).toBe('BUY');
  });
});
