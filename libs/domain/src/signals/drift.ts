/**
 * Drift of live features against the training distribution stored in the model card
 * (`featureDistribution`, written by ml/ card.py — the rules here must stay identical to it):
 * bins are right-closed on the card's edges (bin 0: x ≤ edges[0]; bin i: edges[i−1] < x ≤
 * edges[i]; last bin: x > edges[last]) and PSI = Σ (a − e)·ln(a / e) with both proportions
 * floored at PSI_FLOOR.
 */
export const PSI_FLOOR = 1e-4;
/** Conventional reading: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift. */
export const PSI_ALERT = 0.25;

/** The bin of `x`: how many edges are strictly below it (numpy searchsorted, side='left'). */
export function binIndex(x: number, edges: ArrayLike<number>): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Population stability index of two proportion vectors over the same bins. */
export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>, floor = PSI_FLOOR): number {
  if (expected.length !== actual.length) throw new RangeError(`psi: ${expected.length} expected bins vs ${actual.length} actual`);
  let sum = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const e = Math.max(expected[i]!, floor);
    const a = Math.max(actual[i]!, floor);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

export interface FeatureDistribution {
  name: string;
  edges: readonly number[];
  proportions: readonly number[];
}

/**
 * The live distribution of each feature over its last `window` values (a ring of bin indexes, so
 * adding a row and reading a PSI cost O(features) and O(bins)), against the training proportions.
 */
export class DriftWindow {
  private readonly bins: Uint8Array[];
  private readonly counts: Uint32Array[];
  private next = 0;
  private filled = 0;

  constructor(
    readonly distributions: readonly FeatureDistribution[],
    readonly window: number,
  ) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError('window must be a positive integer');
    for (const d of distributions) {
      if (d.proportions.length !== d.edges.length + 1) throw new RangeError(`${d.name}: proportions must have one more entry than edges`);
      if (d.proportions.length > 255) throw new RangeError(`${d.name}: at most 255 bins`);
    }
    this.bins = distributions.map(() => new Uint8Array(window));
    this.counts = distributions.map((d) => new Uint32Array(d.proportions.length));
  }

  /** Values seen, up to the window. */
  get size(): number {
    return this.filled;
  }

  /** Adds one row (values in `distributions` order, starting at `row[offset]`). */
  add(row: ArrayLike<number>, offset = 0): void {
    const slot = this.next;
    const full = this.filled === this.window;
    for (let j = 0; j < this.distributions.length; j += 1) {
      const counts = this.counts[j]!;
      const ring = this.bins[j]!;
      if (full) counts[ring[slot]!]! -= 1;
      const b = binIndex(row[offset + j]!, this.distributions[j]!.edges);
      ring[slot] = b;
      counts[b]! += 1;
    }
    this.next = (slot + 1) % this.window;
    if (!full) this.filled += 1;
  }

  /** PSI of every feature over the current window (NaN while empty). */
  psi(): number[] {
    return this.distributions.map((d, j) => {
      if (this.filled === 0) return Number.NaN;
      const counts = this.counts[j]!;
      const actual = Array.from(counts, (c) => c / this.filled);
      return psi(d.proportions, actual);
    });
  }
}
