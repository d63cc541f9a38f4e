import fc from 'fast-check';
import { DomainError } from '../errors';
import { formatMoney, formatMoneyIndian, mulDivRoundHalfUp, parsePositiveMoney, tryParsePositiveMoney } from '.';

describe('money parsing', () => {
  it.each([
    ['1500', 150000n],
    ['1500.5', 150050n],
    ['1500.05', 150005n],
    ['0.01', 1n],
    ['9999999999999.99', 999999999999999n],
  ])('%s → %s paise', (s, p) => expect(parsePositiveMoney(s)).toBe(p));

  it.each([
    ['1.001', 'too-many-decimals'],
    ['-5', 'format'],
    ['0', 'not-positive'],
    ['0.00', 'not-positive'],
    ['1e5', 'format'],
    ['1E5', 'format'],
    ['10000000000000', 'too-large'],
    ['12345678901234567', 'too-large'],
    ['abc', 'format'],
    ['', 'format'],
    [' 5', 'format'],
    ['5 ', 'format'],
    ['1,000', 'format'],
    ['01', 'format'],
    ['.5', 'format'],
    ['5.', 'format'],
    ['+5', 'format'],
    ['Infinity', 'format'],
    ['NaN', 'format'],
    ['0x10', 'format'],
    ['１２', 'format'],
  ])('%j is refused (%s)', (s, problem) => {
    expect(tryParsePositiveMoney(s)).toEqual({ ok: false, problem });
  });

  it('refuses numbers: money in JSON is a string', () => {
    expect(tryParsePositiveMoney(100)).toEqual({ ok: false, problem: 'not-a-string' });
    expect(() => parsePositiveMoney(1.5, 'amount')).toThrow(DomainError);
  });

  it('property: format ∘ parse is the identity on canonical strings', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 999_999_999_999_999n }), (p) => {
        expect(parsePositiveMoney(formatMoney(p))).toBe(p);
      }),
    );
  });
});

describe('money formatting', () => {
  it('formats exactly, including negatives and zero', () => {
    expect(formatMoney(0n)).toBe('0.00');
    expect(formatMoney(5n)).toBe('0.05');
    expect(formatMoney(-5n)).toBe('-0.05');
    expect(formatMoney(123456789012345678901234567890n)).toBe('1234567890123456789012345678.90');
  });
  it('groups the Indian way', () => {
    expect(formatMoneyIndian(10000000n)).toBe('1,00,000.00');
    expect(formatMoneyIndian(12345678900n)).toBe('12,34,56,789.00');
    expect(formatMoneyIndian(99900n)).toBe('999.00');
    expect(formatMoneyIndian(-10000000n)).toBe('-1,00,000.00');
  });
});

describe('mulDivRoundHalfUp', () => {
  it('rounds halves away from zero', () => {
    expect(mulDivRoundHalfUp(5n, 1n, 10n)).toBe(1n); // 0.5 → 1
    expect(mulDivRoundHalfUp(4n, 1n, 10n)).toBe(0n);
    expect(mulDivRoundHalfUp(15n, 1n, 10n)).toBe(2n); // 1.5 → 2
    expect(mulDivRoundHalfUp(-5n, 1n, 10n)).toBe(-1n);
    expect(mulDivRoundHalfUp(100_000n, 3n, 10_000n)).toBe(30n); // 0.03 % of ₹1000
  });
  it('property: within half a unit of the exact quotient', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (a, b, c) => {
          const r = mulDivRoundHalfUp(a, b, c);
          const diff2 = 2n * (r * c - a * b); // 2 × (r − exact) × c
          expect(diff2 <= c && diff2 >= -c).toBe(true);
        },
      ),
    );
  });
});
