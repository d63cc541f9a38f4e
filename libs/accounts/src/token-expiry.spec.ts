import { kiteTokenExpiry, upstoxTokenExpiry } from './token-expiry';

// IST = UTC+05:30, so 06:00 IST is 00:30 UTC.
const expiry = (utc: string) => kiteTokenExpiry(new Date(utc)).toISOString();

describe('kiteTokenExpiry: the first 06:00 IST after the login', () => {
  it('a daytime login expires at 06:00 IST the next day', () => {
    expect(expiry('2026-03-10T04:00:00.000Z')).toBe('2026-03-11T00:30:00.000Z'); // 09:30 IST
  });
  it('just before IST midnight: the coming 06:00 (next calendar day)', () => {
    expect(expiry('2026-03-10T18:29:59.999Z')).toBe('2026-03-11T00:30:00.000Z'); // 23:59:59.999 IST
  });
  it('at and just after IST midnight: 06:00 the same IST day', () => {
    expect(expiry('2026-03-10T18:30:00.000Z')).toBe('2026-03-11T00:30:00.000Z'); // 00:00 IST on the 11th
    expect(expiry('2026-03-10T18:30:00.001Z')).toBe('2026-03-11T00:30:00.000Z');
  });
  it('around 06:00 IST: before it the same morning, at or after it the next day', () => {
    expect(expiry('2026-03-11T00:29:59.999Z')).toBe('2026-03-11T00:30:00.000Z'); // 05:59:59.999 IST
    expect(expiry('2026-03-11T00:30:00.000Z')).toBe('2026-03-12T00:30:00.000Z'); // 06:00 IST exactly
    expect(expiry('2026-03-11T00:30:00.001Z')).toBe('2026-03-12T00:30:00.000Z');
  });
  it('across the UTC midnight (05:30 IST) and a month and year end', () => {
    expect(expiry('2026-12-31T23:59:00.000Z')).toBe('2027-01-01T00:30:00.000Z'); // 05:29 IST on 1 Jan
    expect(expiry('2027-01-01T00:00:00.000Z')).toBe('2027-01-01T00:30:00.000Z'); // 05:30 IST
    expect(expiry('2026-02-28T12:00:00.000Z')).toBe('2026-03-01T00:30:00.000Z');
  });
  it('refuses an invalid date', () => {
    expect(() => kiteTokenExpiry(new Date('nope'))).toThrow(RangeError);
  });
});

// 03:30 IST is 22:00 UTC the day before.
const upstoxExpiry = (utc: string) => upstoxTokenExpiry(new Date(utc)).toISOString();

describe('upstoxTokenExpiry: the first 03:30 IST after the login', () => {
  it('a daytime login expires at 03:30 IST the next day', () => {
    expect(upstoxExpiry('2026-03-10T04:00:00.000Z')).toBe('2026-03-10T22:00:00.000Z'); // 09:30 IST on the 10th → 03:30 IST on the 11th
  });
  it('an evening login, before and after IST midnight: the coming 03:30', () => {
    expect(upstoxExpiry('2026-03-10T18:29:59.999Z')).toBe('2026-03-10T22:00:00.000Z'); // 23:59:59.999 IST
    expect(upstoxExpiry('2026-03-10T18:30:00.000Z')).toBe('2026-03-10T22:00:00.000Z'); // 00:00 IST on the 11th
  });
  it('around 03:30 IST: before it the same night, at or after it the next night', () => {
    expect(upstoxExpiry('2026-03-10T21:59:59.999Z')).toBe('2026-03-10T22:00:00.000Z'); // 03:29:59.999 IST
    expect(upstoxExpiry('2026-03-10T22:00:00.000Z')).toBe('2026-03-11T22:00:00.000Z'); // 03:30 IST exactly
    expect(upstoxExpiry('2026-03-10T22:00:00.001Z')).toBe('2026-03-11T22:00:00.000Z');
  });
  it('across a year end, and differs from Kite by two and a half hours for the same login', () => {
    expect(upstoxExpiry('2026-12-31T12:00:00.000Z')).toBe('2026-12-31T22:00:00.000Z'); // 17:30 IST 31 Dec → 03:30 IST 1 Jan
    const login = new Date('2026-03-10T04:00:00.000Z');
    expect(kiteTokenExpiry(login).getTime() - upstoxTokenExpiry(login).getTime()).toBe(2.5 * 3_600_000);
  });
  it('refuses an invalid date', () => {
    expect(() => upstoxTokenExpiry(new Date('nope'))).toThrow(RangeError);
  });
});
