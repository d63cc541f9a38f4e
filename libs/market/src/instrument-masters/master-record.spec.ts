import { ddMmmYy, decimalToUnits, epochMsToIstDate, indexSymbol, isoDate, numberText } from './master-record';
import { csvFields } from './master-streams';

describe('master value parsing', () => {
  it.each([
    ['0.05', 4, 500],
    ['0.1', 4, 1_000],
    ['24350.0', 4, 243_500_000],
    ['292.5', 4, 2_925_000],
    ['0.00500', 4, 50],
    ['5', 2, 500],
    ['5.0', 2, 500],
    ['0.5', 2, 50],
    ['0', 4, 0],
  ])('decimalToUnits(%s, %i) = %i', (text, scale, units) => expect(decimalToUnits(text, scale)).toBe(units));

  it.each(['0.00001', '-1', '1e3', 'abc', '', '1.2.3', '99999999999999999'])('decimalToUnits refuses %j', (text) =>
    expect(decimalToUnits(text, 4)).toBeUndefined(),
  );

  it('numberText keeps JSON numbers exact and refuses exponents and negatives', () => {
    expect(numberText(5)).toBe('5');
    expect(numberText(0.05)).toBe('0.05');
    expect(numberText(1e-7)).toBeUndefined();
    expect(numberText(-1)).toBeUndefined();
    expect(numberText(' 10 ')).toBe('10');
    expect(numberText(null)).toBeUndefined();
  });

  it('dates: ISO, DD-MMM-YY, epoch ms as the IST day', () => {
    expect(isoDate('2026-12-29')).toBe('2026-12-29');
    expect(isoDate('2026-02-30')).toBeUndefined();
    expect(ddMmmYy('25-AUG-26')).toBe('2026-08-25');
    expect(ddMmmYy('08-dec-26')).toBe('2026-12-08');
    expect(ddMmmYy('31-FEB-26')).toBeUndefined();
    expect(ddMmmYy('2026-08-25')).toBeUndefined();
    expect(epochMsToIstDate(Date.parse('2026-12-08T00:10:00+05:30'))).toBe('2026-12-08');
    expect(epochMsToIstDate(Date.parse('2026-12-08T23:59:59+05:30'))).toBe('2026-12-08');
  });

  it('index names → our symbols', () => {
    expect(indexSymbol('NIFTY 50')).toBe('NIFTY');
    expect(indexSymbol('Nifty Bank')).toBe('BANKNIFTY');
    expect(indexSymbol('NIFTY')).toBe('NIFTY');
    expect(indexSymbol('NIFTY IT')).toBe('NIFTYIT');
  });

  it('csvFields: plain, quoted with commas and doubled quotes, an open quote', () => {
    expect(csvFields('a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(csvFields('1,"a, ""b""",2')).toEqual(['1', 'a, "b"', '2']);
    expect(csvFields('1,"open')).toBeUndefined();
  });
});
