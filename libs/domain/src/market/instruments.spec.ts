import { DomainError } from '../errors';
import { demoUniverse, formatPrice, futureSymbol, lastTuesdayOfMonth, nextTuesdays, optionSymbol, parsePrice } from '.';

describe('prices', () => {
  it('parse strictly and format with 2–4 decimals', () => {
    expect(parsePrice('24350.05')).toBe(243_500_500);
    expect(parsePrice('0.05')).toBe(500);
    expect(parsePrice('101.1234')).toBe(1_011_234);
    expect(formatPrice(243_500_500)).toBe('24350.05');
    expect(formatPrice(500)).toBe('0.05');
    expect(formatPrice(2_925_000)).toBe('292.50');
    expect(formatPrice(1_011_234)).toBe('101.1234');
    for (const bad of ['1.00001', '-1', '1e3', '0', '', 'x', 5]) expect(() => parsePrice(bad)).toThrow(DomainError);
  });
});

describe('symbols (Kite style)', () => {
  it('formats futures, monthly and weekly options', () => {
    expect(futureSymbol('NIFTY', '2026-11-24')).toBe('NIFTY26NOVFUT');
    expect(optionSymbol('NIFTY', '2026-11-24', 243_500_000, 'CE', true)).toBe('NIFTY26NOV24350CE');
    expect(optionSymbol('NIFTY', '2026-11-17', 243_500_000, 'PE', false)).toBe('NIFTY26N1724350PE');
    expect(optionSymbol('BANKNIFTY', '2026-02-03', 583_000_000, 'CE', false)).toBe('BANKNIFTY2620358300CE');
    expect(optionSymbol('VEDL', '2026-04-28', 2_925_000, 'CE', true)).toBe('VEDL26APR292.5CE');
  });
  it('finds expiry Tuesdays', () => {
    expect(lastTuesdayOfMonth(2026, 11)).toBe('2026-11-24');
    expect(nextTuesdays(new Date('2026-11-22T00:00:00Z'), 2)).toEqual(['2026-11-24', '2026-12-01']);
  });
});

describe('demo universe', () => {
  const u = demoUniverse(new Date('2026-11-22T00:00:00Z'));
  it('has 50 equities, 2 indices, 6 futures and option chains with real lot sizes', () => {
    expect(u.filter((i) => i.instrumentType === 'EQ')).toHaveLength(50);
    expect(u.filter((i) => i.instrumentType === 'INDEX').map((i) => i.symbol)).toEqual(['NIFTY', 'BANKNIFTY']);
    expect(u.filter((i) => i.instrumentType === 'FUT')).toHaveLength(6);
    const niftyCalls = u.filter((i) => i.underlying === 'NIFTY' && i.instrumentType === 'CE');
    expect(niftyCalls.length).toBeGreaterThanOrEqual(41 * 2);
    expect(niftyCalls.every((i) => i.lotSize === 65 && i.strike! % (50 * 10_000) === 0)).toBe(true);
  });
  it('has unique symbols and is deterministic', () => {
    expect(new Set(u.map((i) => i.symbol)).size).toBe(u.length);
    expect(demoUniverse(new Date('2026-11-22T00:00:00Z'))).toEqual(u);
  });
});
