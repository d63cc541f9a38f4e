import { describe, expect, it } from 'vitest';
import { thinCurve } from './thin';

const all = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The same buckets thinCurve cuts, for checking what it kept in each. */
const bucketsOf = (n: number, maxPoints: number): [number, number][] => {
  const buckets = Math.floor((maxPoints - 2) / 2);
  return Array.from({ length: buckets }, (_, k): [number, number] => [
    1 + Math.floor((k * (n - 2)) / buckets),
    1 + Math.floor(((k + 1) * (n - 2)) / buckets),
  ]).filter(([a, b]) => a < b);
};

/** Every property a thinned curve must have: bounded, ascending, distinct, the ends kept, each bucket's min and max kept. */
function checkThinned(values: number[], maxPoints: number, kept: number[]): void {
  expect(kept.length).toBeLessThanOrEqual(maxPoints);
  for (let i = 1; i < kept.length; i += 1) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
  expect(kept[0]).toBe(0);
  expect(kept.at(-1)).toBe(values.length - 1);
  const set = new Set(kept);
  for (const [a, b] of bucketsOf(values.length, maxPoints)) {
    const slice = values.slice(a, b);
    const lo = a + slice.indexOf(Math.min(...slice));
    const hi = a + slice.indexOf(Math.max(...slice));
    expect(set.has(lo), `bucket [${a}, ${b}) min at ${lo}`).toBe(true);
    expect(set.has(hi), `bucket [${a}, ${b}) max at ${hi}`).toBe(true);
    // Nothing else of the bucket.
    expect(kept.filter((i) => i >= a && i < b).sort((x, y) => x - y)).toEqual([...new Set([lo, hi])].sort((x, y) => x - y));
  }
}

/** A deterministic pseudo-random walk (mulberry32). */
function walk(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: number[] = [];
  let v = 1_000_000;
  for (let i = 0; i < n; i += 1) out.push((v += Math.round((rnd() - 0.5) * 1_000)));
  return out;
}

describe('thinCurve', () => {
  it('an empty curve keeps nothing', () => {
    expect(thinCurve([], 2_000)).toEqual([]);
  });

  it('a curve shorter than maxPoints, or exactly as long, keeps every point', () => {
    expect(thinCurve([5], 2_000)).toEqual([0]);
    expect(thinCurve([5, 3], 2)).toEqual([0, 1]);
    expect(thinCurve(walk(1_999, 1), 2_000)).toEqual(all(1_999));
    expect(thinCurve(walk(2_000, 2), 2_000)).toEqual(all(2_000));
  });

  it('one point over maxPoints is thinned to at most maxPoints, ends kept', () => {
    const v = walk(2_001, 3);
    const kept = thinCurve(v, 2_000);
    expect(kept.length).toBeLessThan(2_001);
    checkThinned(v, 2_000, kept);
  });

  it('a huge curve: at most maxPoints, every bucket’s min and max, the global low and high among them', () => {
    const v = walk(1_000_000, 4);
    const kept = thinCurve(v, 2_000);
    expect(kept.length).toBeGreaterThan(1_000);
    checkThinned(v, 2_000, kept);
    const min = Math.min(...kept.map((i) => v[i]!));
    const max = Math.max(...kept.map((i) => v[i]!));
    expect(min).toBe(v.reduce((a, b) => Math.min(a, b)));
    expect(max).toBe(v.reduce((a, b) => Math.max(a, b)));
  });

  it('a one-point drawdown in a flat curve of 100,000 points is kept', () => {
    const v = new Array<number>(100_000).fill(10_000_000);
    v[54_321] = 9_000_000;
    const kept = thinCurve(v, 100);
    expect(kept).toContain(54_321);
    checkThinned(v, 100, kept);
  });

  it('ties: a flat curve keeps the first of each bucket, one point per bucket', () => {
    const v = new Array<number>(1_000).fill(7);
    const kept = thinCurve(v, 10);
    // 4 buckets of the 998 inner points: [1, 250), [250, 500), [500, 749), [749, 999).
    expect(kept).toEqual([0, 1, 250, 500, 749, 999]);
    checkThinned(v, 10, kept);
    // Equal values inside a bucket: the first of them stands for them.
    const w = [0, 3, 1, 3, 1, 0];
    expect(thinCurve(w, 4)).toEqual([0, 1, 2, 5]);
  });

  it('monotone curves keep each bucket’s first and last point', () => {
    const up = all(1_002);
    const keptUp = thinCurve(up, 12);
    expect(keptUp).toEqual([0, 1, 200, 201, 400, 401, 600, 601, 800, 801, 1_000, 1_001]);
    checkThinned(up, 12, keptUp);
    const down = up.map((x) => -x);
    expect(thinCurve(down, 12)).toEqual(keptUp);
  });

  it('bigint values (paise) thin the same as numbers', () => {
    const v = walk(10_000, 5);
    expect(
      thinCurve(
        v.map((x) => BigInt(x)),
        50,
      ),
    ).toEqual(thinCurve(v, 50));
  });

  it('maxPoints 2 or 3 keeps only the ends; below 2 or fractional is refused', () => {
    expect(thinCurve(walk(10, 6), 2)).toEqual([0, 9]);
    expect(thinCurve(walk(10, 6), 3)).toEqual([0, 9]);
    expect(() => thinCurve([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => thinCurve([1, 2, 3], 2.5)).toThrow(RangeError);
  });
});
