import { describe, expect, it } from 'vitest';
import { routeEngine, shadowEngine, splitPoint } from './split';

const ids = Array.from({ length: 20_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

describe('A/B split', () => {
  it('is deterministic per delivery id', () => {
    for (const id of ids.slice(0, 100)) {
      expect(routeEngine(id, 50)).toBe(routeEngine(id, 50));
      expect(splitPoint(id)).toBe(splitPoint(id));
    }
  });

  it('0 is always B, 100 always A', () => {
    for (const id of ids.slice(0, 500)) {
      expect(routeEngine(id, 0)).toBe('B');
      expect(routeEngine(id, 100)).toBe('A');
    }
  });

  it('routes close to the percentage, and monotonically (raising the split only moves B to A)', () => {
    for (const pct of [10, 25, 50, 90]) {
      const a = ids.filter((id) => routeEngine(id, pct) === 'A').length / ids.length;
      expect(Math.abs(a - pct / 100)).toBeLessThan(0.02);
    }
    for (const id of ids.slice(0, 2_000)) if (routeEngine(id, 30) === 'A') expect(routeEngine(id, 31)).toBe('A');
  });

  it('points are in [0, 10000) and the split is checked', () => {
    for (const id of ids.slice(0, 1_000)) {
      const p = splitPoint(id);
      expect(Number.isInteger(p) && p >= 0 && p < 10_000).toBe(true);
    }
    for (const bad of [-1, 101, Number.NaN, Infinity]) expect(() => routeEngine('x', bad)).toThrow(RangeError);
  });

  it('the shadow is the other engine', () => {
    expect(shadowEngine('A')).toBe('B');
    expect(shadowEngine('B')).toBe('A');
  });
});
