import { describe, expect, it } from 'vitest';
import type { HoldingDto } from '@tradeloop/contracts';
import { markHolding, percentOf, totalOf } from './holdings-view';

const holding = (over: Partial<HoldingDto> = {}): HoldingDto => ({
  accountId: '00000000-0000-4000-8000-000000000001',
  symbol: 'RELIANCE',
  quantity: 10,
  averagePrice: '1400.00',
  ltp: '1410.00',
  prevClose: '1395.00',
  invested: '14000.00',
  currentValue: '14100.00',
  pnl: '100.00',
  dayChange: '150.00',
  ...over,
});

describe('markHolding', () => {
  it('marks to the live price exactly, in paise', () => {
    expect(markHolding(holding(), '1412.35')).toEqual({ ltp: '1412.35', currentValue: 1_412_350n, pnl: 12_350n, dayChange: 17_350n });
  });

  it("keeps the server's price without a live one, and has nothing without either", () => {
    expect(markHolding(holding(), undefined)).toMatchObject({ ltp: '1410.00', currentValue: 1_410_000n, pnl: 10_000n });
    expect(markHolding(holding({ ltp: null, prevClose: null }), undefined)).toEqual({
      ltp: null,
      currentValue: null,
      pnl: null,
      dayChange: null,
    });
    expect(markHolding(holding({ prevClose: null }), '1400.00').dayChange).toBeNull();
  });

  it('rounds a sub-paisa average half away from zero', () => {
    expect(markHolding(holding({ quantity: 1, averagePrice: '1400.0050' }), '1400.00').pnl).toBe(-1n);
  });
});

describe('totalOf / percentOf', () => {
  it('sums the live figures and the invested amounts', () => {
    const hs = [holding(), holding({ symbol: 'M&M', quantity: 2, averagePrice: '3600.00', invested: '7200.00', prevClose: '3580.00' })];
    const live = [markHolding(hs[0]!, '1410.00'), markHolding(hs[1]!, '3590.00')];
    expect(totalOf(hs, live)).toEqual({ invested: 2_120_000n, current: 2_128_000n, pnl: 8_000n, day: 17_000n });
  });

  it('is a signed percentage with two decimals, and a dash on a zero base', () => {
    expect(percentOf(8_000n, 2_120_000n)).toBe('+0.37%');
    expect(percentOf(-15_000n, 1_000_000n)).toBe('-1.50%');
    expect(percentOf(0n, 100n)).toBe('0.00%');
    expect(percentOf(5n, 0n)).toBe('—');
    expect(percentOf(null, 100n)).toBe('—');
  });
});
