import { describe, expect, it } from 'vitest';
import { changePercent, direction, formatChange, formatPrice, priceTicks, formatSpread } from './price';

describe('price display', () => {
  it('reads decimal strings exactly', () => {
    expect(priceTicks('1420.05')).toBe(14_200_500);
    expect(priceTicks('-12.3')).toBe(-123_000);
    expect(priceTicks('0.00')).toBe(0);
    expect(priceTicks('1e5')).toBeNull();
    expect(priceTicks(undefined)).toBeNull();
  });

  it('groups Indian style and keeps the decimals as sent', () => {
    expect(formatPrice('1420.05')).toBe('1,420.05');
    expect(formatPrice('124350.05')).toBe('1,24,350.05');
    expect(formatPrice('12345678.1234')).toBe('1,23,45,678.1234');
    expect(formatPrice('999.50')).toBe('999.50');
    expect(formatPrice('-1234.50')).toBe('-1,234.50');
    expect(formatPrice(null)).toBe('—');
  });

  it('signs changes and computes percent against the previous close', () => {
    expect(formatChange('12.35')).toBe('+12.35');
    expect(formatChange('-0.80')).toBe('-0.80');
    expect(formatChange('0.00')).toBe('0.00');
    // prevClose = ltp - change when not given: 1010 vs 1000 → +1%.
    expect(changePercent('1010.00', '10.00')).toBe('+1.00%');
    expect(changePercent('990.00', '-10.00', '1000.00')).toBe('-1.00%');
    expect(changePercent('1000.00', '0.00')).toBe('0.00%');
    expect(changePercent('1000.00', '0.01')).toBe('0.00%');
    expect(changePercent(undefined, '1.00')).toBe('—');
    expect(direction('-0.05')).toBe(-1);
    expect(direction('0.00')).toBe(0);
    expect(direction('3.10')).toBe(1);
  });
});

describe('formatSpread', () => {
  it('is ask − bid exactly, two decimals unless a finer tick needs four', () => {
    expect(formatSpread('1430.65', '1430.75')).toBe('0.10');
    expect(formatSpread('25890.00', '25900.05')).toBe('10.05');
    expect(formatSpread('100.0025', '100.0050')).toBe('0.0025');
    expect(formatSpread('100.10', '100.10')).toBe('0.00');
    expect(formatSpread('100.20', '100.10')).toBe('-0.10');
    expect(formatSpread(null, '100.10')).toBe('—');
    expect(formatSpread('x', '100.10')).toBe('—');
  });
});
