import { describe, expect, it } from 'vitest';
import type { Candle } from '../market/candle';
import { MlSignalStrategy } from './ml-signal';
import { SmaCrossover } from './sma-crossover';
import { intentToward, type SignalInput } from './strategy';

const bars = (closes: number[], from = 0): Candle[] =>
  closes.map((close, i) => ({ ts: (from + i) * 60_000, open: close, high: close, low: close, close, volume: 1 }));

describe('intentToward', () => {
  it('buys or sells the difference, and asks for nothing at the target', () => {
    expect(intentToward('A', 0, 10, 'r')).toEqual({ symbol: 'A', side: 'BUY', quantity: 10, reason: 'r' });
    expect(intentToward('A', 10, -5, 'r', 'sig')).toEqual({ symbol: 'A', side: 'SELL', quantity: 15, reason: 'r', signalId: 'sig' });
    expect(intentToward('A', 3, 3, 'r')).toBeNull();
  });
});

describe('SmaCrossover', () => {
  const run = (s: SmaCrossover, closes: number[], position = 0) => bars(closes).map((b) => s.onBar('A', b, position));

  it('goes long on an upward cross and flat on a downward cross, acting on crosses only', () => {
    const s = new SmaCrossover({ fast: 2, slow: 4, quantity: 10, allowShort: false });
    // Falling (fast below slow), then rising through: one BUY at the cross.
    const out = run(s, [10, 9, 8, 7, 6, 9, 12, 13]);
    expect(out.filter(Boolean)).toEqual([expect.objectContaining({ side: 'BUY', quantity: 10 })]);
    expect(out.findIndex(Boolean)).toBe(6);
    const down = bars([11, 8, 5], 8).map((b) => s.onBar('A', b, 10));
    expect(down.filter(Boolean)).toEqual([expect.objectContaining({ side: 'SELL', quantity: 10, reason: 'SMA 2 crossed below SMA 4' })]);
  });

  it('shorts after a downward cross when allowed, sizing from the current position', () => {
    const s = new SmaCrossover({ fast: 2, slow: 3, quantity: 5, allowShort: true });
    run(s, [1, 2, 3, 4, 5]);
    const intent = bars([1], 5).map((b) => s.onBar('A', b, 5))[0];
    expect(intent).toMatchObject({ side: 'SELL', quantity: 10 });
  });

  it('no cross before both windows are full; a bar not newer than the last is ignored (a replay)', () => {
    const s = new SmaCrossover({ fast: 2, slow: 5, quantity: 1, allowShort: false });
    expect(run(s, [5, 4, 3, 9]).every((x) => x === null)).toBe(true);
    const b = bars([1, 1, 50], 4);
    s.onBar('A', b[0]!, 0);
    s.onBar('A', b[1]!, 0);
    const cross = s.onBar('A', b[2]!, 0);
    expect(cross).toMatchObject({ side: 'BUY' });
    expect(s.onBar('A', b[2]!, 0)).toBeNull();
  });

  it('warming from history decides nothing, so a restart does not re-enter its last cross', () => {
    const a = new SmaCrossover({ fast: 2, slow: 4, quantity: 10, allowShort: false });
    const history = bars([10, 9, 8, 7, 6, 9, 12, 13]);
    a.warm('A', history);
    expect(a.onBar('A', bars([14], 8)[0]!, 10)).toBeNull();
  });

  it('refuses parameters that cannot work', () => {
    expect(() => new SmaCrossover({ fast: 5, slow: 5, quantity: 1, allowShort: false })).toThrow(RangeError);
    expect(() => new SmaCrossover({ fast: 2, slow: 5, quantity: 0, allowShort: false })).toThrow(RangeError);
  });
});

describe('MlSignalStrategy', () => {
  const sig = (signal: SignalInput['signal'], ts = 60_000, symbol = 'A'): SignalInput => ({
    id: `s-${ts}-${signal}`,
    symbol,
    ts,
    signal,
    score: 0.7,
  });

  it('BUY → quantity long, SELL → flat, HOLD → nothing; the order carries the signal id', () => {
    const s = new MlSignalStrategy({ quantity: 4, allowShort: false });
    expect(s.onSignal(sig('BUY', 1), 0)).toEqual({
      symbol: 'A',
      side: 'BUY',
      quantity: 4,
      reason: 'model signal BUY (score 0.7000)',
      signalId: 's-1-BUY',
    });
    expect(s.onSignal(sig('HOLD', 2), 4)).toBeNull();
    expect(s.onSignal(sig('BUY', 3), 4)).toBeNull();
    expect(s.onSignal(sig('SELL', 4), 4)).toMatchObject({ side: 'SELL', quantity: 4 });
    expect(s.onSignal(sig('SELL', 5), 0)).toBeNull();
  });

  it('shorts on SELL when allowed', () => {
    const s = new MlSignalStrategy({ quantity: 4, allowShort: true });
    expect(s.onSignal(sig('SELL', 1), 4)).toMatchObject({ side: 'SELL', quantity: 8 });
  });

  it('acts at most once per symbol and bar, whatever arrives again', () => {
    const s = new MlSignalStrategy({ quantity: 1, allowShort: false });
    expect(s.onSignal(sig('BUY', 10), 0)).not.toBeNull();
    expect(s.onSignal(sig('BUY', 10), 0)).toBeNull();
    expect(s.onSignal(sig('BUY', 9), 0)).toBeNull();
    expect(s.onSignal(sig('BUY', 10, 'B'), 0)).not.toBeNull();
  });
});
