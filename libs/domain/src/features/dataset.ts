import type { CandleColumns } from '../market/candle-chunks';
import { FEATURE_SET_V1, type FeatureSet } from './feature-set';
import { FeatureState, type FeatureStateStats } from './feature-state';

/** One symbol's labelled rows, in time order; features row-major (`length × width`). */
export interface SymbolRows {
  symbol: string;
  length: number;
  width: number;
  ts: Float64Array;
  features: Float64Array;
  forwardReturn: Float64Array;
  label: Int8Array;
  stats: FeatureStateStats & {
    /** Rows dropped because fewer than `horizon` bars follow them in the data. */
    beyondHorizon: number;
  };
}

/** The merged dataset, columnar, rows sorted by ts then symbol. */
export interface DatasetColumns {
  length: number;
  /** Symbols in sorted order; `symbolIndex[i]` points into it. */
  symbols: string[];
  symbolIndex: Uint32Array;
  ts: Float64Array;
  /** One column per feature, in the feature set's order. */
  features: Float64Array[];
  forwardReturn: Float64Array;
  label: Int8Array;
}

/** Throws unless `horizon` is a positive integer number of bars. */
export function assertHorizon(horizon: number): void {
  if (!Number.isSafeInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be a positive integer number of bars, got ${horizon}`);
}

/**
 * Runs one symbol's bars (time order) through a fresh FeatureState — the live engine's code —
 * and labels each emitted row: `forward_return = close[t+h] / close[t] − 1`, `label = 1` if
 * `close[t+h] > close[t]` else 0 (a tie is 0: "up" means strictly up). `t+h` is h bars later in
 * this symbol's own series, across session gaps. Rows with fewer than h bars after them are
 * dropped; so are warm-up bars and bars with a non-finite feature (counted in `stats`).
 */
export function buildSymbolRows(symbol: string, candles: CandleColumns, horizon: number, featureSet: FeatureSet = FEATURE_SET_V1): SymbolRows {
  assertHorizon(horizon);
  const n = candles.length;
  const state = new FeatureState(featureSet);
  const w = state.width;
  const features = new Float64Array(n * w);
  const valid = new Uint8Array(n);
  const { ts, high, low, close, volume } = candles;
  for (let i = 0; i < n; i += 1) valid[i] = state.updateAt(ts[i]!, high[i]!, low[i]!, close[i]!, volume[i]!, features, i * w) ? 1 : 0;
  let emitted = 0;
  for (let i = 0; i < n; i += 1) emitted += valid[i]!;
  const last = n - horizon; // rows at index ≥ last have no close h bars later
  let rows = 0;
  for (let i = 0; i < last; i += 1) rows += valid[i]!;
  const outTs = new Float64Array(rows);
  const forwardReturn = new Float64Array(rows);
  const label = new Int8Array(rows);
  let r = 0;
  for (let i = 0; i < last; i += 1) {
    if (valid[i] === 0) continue;
    // Compact in place: row r ≤ i, so its slot is never one still to be read.
    if (r !== i) features.copyWithin(r * w, i * w, i * w + w);
    const c0 = close[i]!;
    const c1 = close[i + horizon]!;
    outTs[r] = ts[i]!;
    forwardReturn[r] = c1 / c0 - 1;
    label[r] = c1 > c0 ? 1 : 0;
    r += 1;
  }
  return {
    symbol,
    length: rows,
    width: w,
    ts: outTs,
    features: features.subarray(0, rows * w),
    forwardReturn,
    label,
    stats: { ...state.stats, beyondHorizon: emitted - rows },
  };
}

/**
 * Merges per-symbol rows into one columnar dataset sorted by ts, then by symbol (code-unit
 * order): a k-way merge with a binary heap, O(rows × log symbols).
 */
export function mergeSymbolRows(parts: readonly SymbolRows[]): DatasetColumns {
  const sorted = [...parts].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  for (let i = 1; i < sorted.length; i += 1) if (sorted[i]!.symbol === sorted[i - 1]!.symbol) throw new RangeError(`symbol ${sorted[i]!.symbol} given twice`);
  const width = sorted[0]?.width ?? 0;
  if (sorted.some((p) => p.width !== width)) throw new RangeError('parts have different feature widths');
  const total = sorted.reduce((s, p) => s + p.length, 0);
  const out: DatasetColumns = {
    length: total,
    symbols: sorted.map((p) => p.symbol),
    symbolIndex: new Uint32Array(total),
    ts: new Float64Array(total),
    features: Array.from({ length: width }, () => new Float64Array(total)),
    forwardReturn: new Float64Array(total),
    label: new Int8Array(total),
  };
  const pos = new Uint32Array(sorted.length);
  const heap: number[] = [];
  // Heap of part indices ordered by (their next ts, part index = symbol order).
  const less = (a: number, b: number): boolean => {
    const ta = sorted[a]!.ts[pos[a]!]!;
    const tb = sorted[b]!.ts[pos[b]!]!;
    return ta < tb || (ta === tb && a < b);
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const c = l + 1 < heap.length && less(heap[l + 1]!, heap[l]!) ? l + 1 : l;
      if (!less(heap[c]!, heap[i]!)) return;
      [heap[c], heap[i]] = [heap[i]!, heap[c]!];
      i = c;
    }
  };
  sorted.forEach((p, k) => p.length > 0 && heap.push(k));
  for (let i = (heap.length >> 1) - 1; i >= 0; i -= 1) siftDown(i);
  for (let r = 0; r < total; r += 1) {
    const k = heap[0]!;
    const p = sorted[k]!;
    const i = pos[k]!;
    out.symbolIndex[r] = k;
    out.ts[r] = p.ts[i]!;
    out.forwardReturn[r] = p.forwardReturn[i]!;
    out.label[r] = p.label[i]!;
    const base = i * width;
    for (let f = 0; f < width; f += 1) out.features[f]![r] = p.features[base + f]!;
    pos[k] = i + 1;
    if (i + 1 === p.length) {
      // This symbol is done: the heap's last entry replaces it at the root.
      const tail = heap.pop()!;
      if (heap.length > 0) heap[0] = tail;
    }
    if (heap.length > 0) siftDown(0);
  }
  return out;
}
