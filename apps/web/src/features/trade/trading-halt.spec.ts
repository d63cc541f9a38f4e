import { describe, expect, it } from 'vitest';
import { haltHeadline, tradingHalt } from './trading-halt';

const off = { engaged: false, reason: null, at: null };
const on = (reason: string | null) => ({ engaged: true, reason, at: '2026-12-07T04:00:00.000Z' });

describe('tradingHalt', () => {
  it('none while loading or with both switches released', () => {
    expect(tradingHalt(undefined)).toBeNull();
    expect(tradingHalt({ global: off, self: off })).toBeNull();
    // A released switch keeps its last reason: it is not a halt.
    expect(tradingHalt({ global: { ...off, reason: 'old' }, self: off })).toBeNull();
  });

  it('names whose switch halts trading, with the reasons (global first)', () => {
    expect(tradingHalt({ global: off, self: on('stepping away') })).toEqual({ scope: 'self', reasons: ['stepping away'] });
    expect(tradingHalt({ global: on('exchange incident'), self: off })).toEqual({ scope: 'global', reasons: ['exchange incident'] });
    expect(tradingHalt({ global: on('exchange incident'), self: on('losses') })).toEqual({
      scope: 'both',
      reasons: ['exchange incident', 'losses'],
    });
    expect(tradingHalt({ global: off, self: on(null) })).toEqual({ scope: 'self', reasons: [] });
    expect(tradingHalt({ global: off, self: on('  ') })).toEqual({ scope: 'self', reasons: [] });
  });

  it('reads as one sentence', () => {
    expect(haltHeadline({ scope: 'self', reasons: ['stepping away'] })).toBe('Your kill switch is engaged: stepping away');
    expect(haltHeadline({ scope: 'global', reasons: [] })).toBe('Trading is halted for everyone');
    expect(haltHeadline({ scope: 'both', reasons: ['a', 'b'] })).toBe(
      'Trading is halted for everyone, and your kill switch is engaged: a; b',
    );
  });
});
