import { parseAlertExitNote } from './alert-exit-notes';
import { alertExitTriggerId } from './alert-exits.repository';
import { alertExitOrderKey, realizedPaise } from './fire-alert-exit.use-case';

describe('alert exit helpers', () => {
  it('realized P&L in paise: long (exit − entry) × quantity, short mirrored, ticks → paise half up, bigint', () => {
    // ₹1,000 → ₹900 on 3 units long: −₹300 = −30,000 paise.
    expect(realizedPaise('BUY', 10_000_000, 9_000_000, 3n)).toBe(-30_000n);
    expect(realizedPaise('SELL', 10_000_000, 9_000_000, 3n)).toBe(30_000n);
    // Half a paisa rounds away from zero: 50 ticks × 1 = 0.5 paise.
    expect(realizedPaise('BUY', 1_000, 1_050, 1n)).toBe(1n);
    expect(realizedPaise('SELL', 1_000, 1_050, 1n)).toBe(-1n);
    expect(realizedPaise('BUY', 1_000, 1_049, 1n)).toBe(0n);
    // Beyond 2^53 paise stays exact.
    expect(realizedPaise('BUY', 1, 9_000_000_000_001, 10_000_000n)).toBe(900_000_000_000_000_000n);
  });

  it('trigger id and order keys: one trigger per position, one key per attempt', () => {
    expect(alertExitTriggerId('p1')).toBe('alert-exit:p1');
    expect(alertExitOrderKey('p1', 1)).not.toBe(alertExitOrderKey('p1', 2));
  });

  it('a note is read leniently: ids only, bounded; garbage is empty', () => {
    expect(parseAlertExitNote(JSON.stringify({ positions: ['a', 1, 'b'], exits: ['e'] }))).toEqual({ positions: ['a', 'b'], exits: ['e'] });
    expect(parseAlertExitNote('not json')).toEqual({ positions: [], exits: [] });
    expect(parseAlertExitNote('null')).toEqual({ positions: [], exits: [] });
    expect(parseAlertExitNote(JSON.stringify({ positions: ['x'.repeat(65)] }))).toEqual({ positions: [], exits: [] });
  });
});
