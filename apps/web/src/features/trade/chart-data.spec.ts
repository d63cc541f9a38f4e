import { describe, expect, it } from 'vitest';
import { chartTime, isoOfChartTime, laterBar, mergeBars, settleBar, toBar } from './chart-data';

const TS = '2026-11-23T03:50:00.000Z';
const bar = (close: string, volume: number, high = '101.20') => toBar({ ts: TS, open: '100.50', high, low: '100.10', close, volume });

describe('a bar’s later state', () => {
  it('is the one with more volume; at equal volume the one learned last', () => {
    expect(laterBar(bar('101.00', 9), bar('100.90', 7)).c).toBe('101.00');
    expect(laterBar(bar('100.90', 7), bar('101.00', 9)).c).toBe('101.00');
    expect(laterBar(bar('100.90', 0), bar('101.00', 0)).c).toBe('101.00');
  });

  it('merging: a live bar replaces the stored one, unless the stored one has more volume (stored after the live update was lost)', () => {
    const stored = { ts: TS, open: '100.50', high: '101.20', low: '100.10', close: '100.70', volume: 12 };
    expect(mergeBars([stored], [bar('101.10', 9)]).map((b) => b.c)).toEqual(['100.70']);
    expect(mergeBars([stored], [bar('101.10', 14)]).map((b) => b.c)).toEqual(['101.10']);
    expect(mergeBars([{ ...stored, volume: 0 }], [bar('101.10', 0)]).map((b) => b.c)).toEqual(['101.10']);
  });

  it('converts the chart’s time back to the bar’s ISO start', () => {
    expect(isoOfChartTime(chartTime(TS))).toBe(TS);
  });
});

describe('settling a closed bar against its stored state', () => {
  it('applies the stored bar when the chart has none, or drew it with fewer trades, or otherwise (same volume, other prices)', () => {
    expect(settleBar(undefined, bar('101.00', 9))).toBe('apply');
    expect(settleBar(bar('100.90', 7), bar('101.00', 9))).toBe('apply');
    expect(settleBar(bar('100.90', 9), bar('101.00', 9))).toBe('apply');
    expect(settleBar(bar('101.00', 9, '101.20'), bar('101.00', 9, '101.30'))).toBe('apply');
  });

  it('does nothing when they are the same, and asks again when the store has fewer trades than drawn (not written yet)', () => {
    expect(settleBar(bar('101.00', 9), bar('101.00', 9))).toBe('same');
    expect(settleBar(bar('101.00', 9), bar('100.90', 7))).toBe('stale');
  });
});
