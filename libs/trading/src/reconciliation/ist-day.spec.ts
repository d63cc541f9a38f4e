import { istDayBounds, istTradingDay } from './reconcile-broker-accounts.use-case';

describe('IST trading days (docs/domain.md, "Daily broker reconciliation (built)")', () => {
  it('names the IST date of an instant, which runs 5:30 ahead of UTC', () => {
    expect(istTradingDay(new Date('2026-12-06T18:29:59.999Z'))).toBe('2026-12-06');
    expect(istTradingDay(new Date('2026-12-06T18:30:00.000Z'))).toBe('2026-12-07');
    expect(istTradingDay(new Date('2026-12-31T20:00:00.000Z'))).toBe('2027-01-01');
  });

  it('bounds a day from 00:00 IST to the next 00:00 IST', () => {
    const { from, to } = istDayBounds('2026-12-06');
    expect(from.toISOString()).toBe('2026-12-05T18:30:00.000Z');
    expect(to.toISOString()).toBe('2026-12-06T18:30:00.000Z');
    expect(istTradingDay(from)).toBe('2026-12-06');
    expect(istTradingDay(new Date(to.getTime() - 1))).toBe('2026-12-06');
  });
});
