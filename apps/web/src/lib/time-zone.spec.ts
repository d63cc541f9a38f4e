import { afterEach, describe, expect, it } from 'vitest';
import { formatClock, formatDateTime, localInputToIso } from './format';
import { setDisplayZone, wallToEpoch, zoneLabel } from './time-zone';

describe('one clock: times in the display zone, labelled', () => {
  afterEach(() => setDisplayZone('IST'));

  it('IST by default, whatever the browser’s zone', () => {
    expect(formatDateTime('2026-12-07T04:00:05.000Z')).toBe('2026-12-07 09:30:05 IST');
    expect(formatDateTime('2026-12-31T19:00:00Z')).toBe('2027-01-01 00:30:00 IST');
    expect(formatClock(Date.parse('2026-12-07T04:00:05Z'))).toBe('09:30:05');
    expect(zoneLabel()).toBe('IST');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('nope')).toBe('nope');
  });

  it('a wall time typed in IST is that instant', () => {
    expect(localInputToIso('2026-12-07T09:30')).toBe('2026-12-07T04:00:00.000Z');
    expect(localInputToIso('2026-12-07T09:30:15')).toBe('2026-12-07T04:00:15.000Z');
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('garbage')).toBeNull();
    expect(wallToEpoch('2026-12-07T00:00')).toBe(Date.parse('2026-12-06T18:30:00Z'));
  });

  it('the browser’s zone when preferred, labelled with its offset', () => {
    setDisplayZone('local');
    const t = Date.parse('2026-12-07T04:00:05Z');
    const d = new Date(t);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(formatClock(t)).toBe(`${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`);
    expect(zoneLabel(d)).toMatch(/^UTC[+-]\d\d:\d\d$/);
    expect(formatDateTime('2026-12-07T04:00:05Z').endsWith(zoneLabel(d))).toBe(true);
  });
});
