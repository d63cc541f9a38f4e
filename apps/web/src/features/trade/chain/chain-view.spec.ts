import { describe, expect, it } from 'vitest';
import { formatOi, moneyness, ticketLink } from './chain-view';

describe('moneyness', () => {
  it('calls are in the money below the spot, puts above; at the spot neither', () => {
    expect(moneyness('25850.00', '25912.35')).toEqual({ callItm: true, putItm: false });
    expect(moneyness('25950.00', '25912.35')).toEqual({ callItm: false, putItm: true });
    expect(moneyness('25900.00', '25900.00')).toEqual({ callItm: false, putItm: false });
    expect(moneyness('25900.00', null)).toBeNull();
  });
});

describe('formatOi', () => {
  it('reads in lakhs and crores, smaller figures in full with Indian grouping', () => {
    expect(formatOi(1_234_500)).toBe('12.35 L');
    expect(formatOi(12_345_000)).toBe('1.23 Cr');
    expect(formatOi(99_970)).toBe('99,970');
    expect(formatOi(0)).toBe('0');
    expect(formatOi(null)).toBe('—');
  });
});

describe('ticketLink', () => {
  it('opens the Trade page ticket on the symbol and side, the symbol encoded', () => {
    expect(ticketLink('NIFTY26D0825900CE', 'BUY')).toBe('/trade?symbol=NIFTY26D0825900CE&ticket=BUY');
    expect(ticketLink('M&M', 'SELL')).toBe('/trade?symbol=M%26M&ticket=SELL');
  });
});
