/**
 * Thinning a long equity curve for drawing (docs/backtests.md "Strategy runs", compare): at most
 * `maxPoints` of its points, keeping the first and the last and, in each of ⌊(maxPoints − 2) / 2⌋
 * equal buckets of the points between them, the bucket's lowest and highest value — so a
 * drawdown, however short, is still drawn to its bottom. Pure; figures are computed on the full
 * curve, never on this.
 */

/**
 * The indices of the points to keep, ascending and distinct: every index when the curve has at
 * most `maxPoints` points; else the first, the last, and each bucket's minimum and maximum (the
 * first of equal values; one index when they are the same point).
 */
export function thinCurve(values: ArrayLike<number | bigint>, maxPoints: number): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError('maxPoints must be an integer ≥ 2');
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const inner = n - 2;
  const buckets = Math.floor((maxPoints - 2) / 2);
  const out: number[] = [0];
  for (let k = 0; k < buckets; k += 1) {
    const a = 1 + Math.floor((k * inner) / buckets);
    const b = 1 + Math.floor(((k + 1) * inner) / buckets);
    if (a >= b) continue;
    let lo = a;
    let hi = a;
    for (let i = a + 1; i < b; i += 1) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  out.push(n - 1);
  return out;
}
