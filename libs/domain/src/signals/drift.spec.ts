import { describe, expect, it } from 'vitest';
import { binIndex, DriftWindow, psi, PSI_FLOOR } from './drift';

describe('binIndex (right-closed bins, as numpy searchsorted side=left)', () => {
  const edges = [1, 2, 3];
  it.each([
    [0.5, 0],
    [1, 0],
    [1.0001, 1],
    [2, 1],
    [2.5, 2],
    [3, 2],
    [3.5, 3],
    [Number.NEGATIVE_INFINITY, 0],
    [Number.POSITIVE_INFINITY, 3],
  ])('%s → bin %s', (x, bin) => expect(binIndex(x, edges)).toBe(bin));
  it('an empty edge list is one bin', () => expect(binIndex(7, [])).toBe(0));
});

describe('psi', () => {
  it('is zero for identical distributions and grows with the shift', () => {
    const e = [0.25, 0.25, 0.25, 0.25];
    expect(psi(e, e)).toBe(0);
    const small = psi(e, [0.3, 0.2, 0.25, 0.25]);
    const large = psi(e, [0.7, 0.1, 0.1, 0.1]);
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
  });
  it('gives what the trainer (ml/ card.py psi) gives, empty bins floored', () => {
    // tradeloop_ml.card.psi([0.5, 0.5, 0], [0.2, 0.3, 0.5]) == 4.634797220704422
    expect(psi([0.5, 0.5, 0], [0.2, 0.3, 0.5])).toBeCloseTo(4.634797220704422, 12);
    expect(PSI_FLOOR).toBe(1e-4);
  });
  it('bins like the trainer (card.py proportions of [-1, 0, 0.5, 1, 2, 3] over edges [0, 1, 2])', () => {
    const counts = [0, 0, 0, 0];
    for (const x of [-1, 0, 0.5, 1, 2, 3]) counts[binIndex(x, [0, 1, 2])]! += 1;
    expect(counts.map((c) => c / 6)).toEqual([2 / 6, 2 / 6, 1 / 6, 1 / 6]);
  });
  it('refuses bins that do not line up', () => expect(() => psi([1], [0.5, 0.5])).toThrow(RangeError));
});

describe('DriftWindow', () => {
  const dist = { name: 'x', edges: [0], proportions: [0.5, 0.5] };
  it('reads PSI over the last `window` values only', () => {
    const w = new DriftWindow([dist], 4);
    expect(w.psi()[0]).toBeNaN();
    for (const v of [-1, 1, -1, 1]) w.add([v]);
    expect(w.psi()[0]).toBe(0);
    for (const v of [5, 5, 5, 5]) w.add([v]);
    expect(w.size).toBe(4);
    // all in the upper bin: a = [0, 1] floored → clearly a major shift
    expect(w.psi()[0]).toBeGreaterThan(0.25);
    for (const v of [-1, 1, -1, 1]) w.add([v]);
    expect(w.psi()[0]).toBe(0);
  });
  it('tracks several features from one row with an offset', () => {
    const w = new DriftWindow([dist, { name: 'y', edges: [10, 20], proportions: [0.2, 0.6, 0.2] }], 10);
    w.add([99, -1, 15], 1);
    expect(w.size).toBe(1);
    const [px, py] = w.psi();
    expect(px).toBeCloseTo(psi([0.5, 0.5], [1, 0]), 12);
    expect(py).toBeCloseTo(psi([0.2, 0.6, 0.2], [0, 1, 0]), 12);
  });
  it('refuses a distribution whose proportions do not fit its edges', () => {
    expect(() => new DriftWindow([{ name: 'x', edges: [0, 1], proportions: [1] }], 5)).toThrow(RangeError);
    expect(() => new DriftWindow([dist], 0)).toThrow(RangeError);
  });
});
