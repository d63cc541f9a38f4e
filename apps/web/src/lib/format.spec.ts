import { describe, expect, it } from 'vitest';
import { formatIst } from './format';

describe('formatIst', () => {
  it('shows the instant in India Standard Time, labelled, whatever the browser zone', () => {
    // A Kite session ends at 06:00 IST = 00:30 UTC.
    expect(formatIst('2026-12-07T00:30:00.000Z')).toBe('06:00 IST, 7 Dec');
    // Crossing midnight UTC → IST is the next calendar day.
    expect(formatIst('2026-12-31T20:00:00Z')).toBe('01:30 IST, 1 Jan');
    expect(formatIst(null)).toBe('—');
    expect(formatIst('not a date')).toBe('not a date');
  });
});
