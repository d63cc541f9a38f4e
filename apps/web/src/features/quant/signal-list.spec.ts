import { describe, expect, it } from 'vitest';
import type { SignalDto } from '@tradeloop/contracts';
import { matchesSignalFilter, mergeSignals } from './signal-list';

const M1 = '0190a000-0000-7000-8000-000000000001';
const M2 = '0190a000-0000-7000-8000-000000000002';
const sig = (id: string, minute: number, extra: Partial<SignalDto> = {}): SignalDto => ({
  id,
  modelId: M1,
  modelVersion: '1',
  stage: 'production',
  symbol: 'INFY',
  ts: new Date(Date.UTC(2026, 10, 22, 9, minute)).toISOString(),
  score: 0.6,
  signal: 'BUY',
  featuresHash: 'abc',
  ...extra,
});

describe('matchesSignalFilter', () => {
  it('checks symbol (case-insensitively typed) and model', () => {
    expect(matchesSignalFilter(sig('a', 1), {})).toBe(true);
    expect(matchesSignalFilter(sig('a', 1), { symbol: ' infy ' })).toBe(true);
    expect(matchesSignalFilter(sig('a', 1), { symbol: 'TCS' })).toBe(false);
    expect(matchesSignalFilter(sig('a', 1), { modelId: M2 })).toBe(false);
    expect(matchesSignalFilter(sig('a', 1, { modelId: M2 }), { modelId: M2, symbol: 'INFY' })).toBe(true);
  });
});

describe('mergeSignals', () => {
  it('puts live signals in time order, newest first, each id once', () => {
    const list = [sig('c', 3), sig('a', 1)];
    const merged = mergeSignals(list, [sig('d', 4), sig('c', 3, { score: 0.7 }), sig('b', 2)], {});
    expect(merged.map((s) => s.id)).toEqual(['d', 'c', 'b', 'a']);
    expect(merged[1]!.score).toBe(0.7);
  });

  it('orders signals of the same bar by id so the list does not jump', () => {
    expect(mergeSignals([sig('x1', 5)], [sig('x3', 5), sig('x2', 5)], {}).map((s) => s.id)).toEqual(['x3', 'x2', 'x1']);
  });

  it('leaves out live signals the filter excludes', () => {
    const merged = mergeSignals([], [sig('a', 1, { symbol: 'TCS' }), sig('b', 2), sig('c', 3, { modelId: M2 })], {
      symbol: 'INFY',
      modelId: M1,
    });
    expect(merged.map((s) => s.id)).toEqual(['b']);
  });

  it('keeps at most `cap`, dropping the oldest', () => {
    const merged = mergeSignals([sig('a', 1), sig('b', 2)], [sig('c', 3)], {}, 2);
    expect(merged.map((s) => s.id)).toEqual(['c', 'b']);
  });
});
