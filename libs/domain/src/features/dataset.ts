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
  if (!Number.isSafeInteger(horizon) || horizon < 1)
    throw new RangeError(`horizon must be a positive integer number of bars, got ${horizon}`);
}

/**
 * Runs one symbol's bars (time order) through a fresh FeatureState — the live engine's code —
 * and labels each emitted row: `forward_return = close[t+h] / close[t] − 1`, `label = 1` if
 * `close[t+h] > close[t]` else 0 (a tie is 0: "up" means strictly up). `t+h` is h bars later in
 * this symbol's own series, across session gaps. Rows with fewer than h bars after them are
 * dropped; so are warm-up bars and bars with a non-finite feature (counted in `stats`).
 */
export function buildSymbolRows(
  symbol: string,
  candles: CandleColumns,
  horizon: number,
  featureSet: FeatureSet = FEATURE_SET_V1,
): SymbolRows {
  assertHorizon(horizon);
  const n = candles.length;
  const state = new FeatureState(featureSet);
  const w = state.width;
  const last = n - horizon; // bars at index ≥ last have no close h bars later
  const cap = Math.max(0, last);
  const features = new Float64Array(cap * w);
  const outTs = new Float64Array(cap);
  const forwardReturn = new Float64Array(cap);
  const label = new Int8Array(cap);
  const { ts, high, low, close, volume } = candles;
  let rows = 0;
  // Rows are written compacted: a bar without a row leaves its slot to the next one.
  for (let i = 0; i < last; i += 1) {
    if (!state.updateAt(ts[i]!, high[i]!, low[i]!, close[i]!, volume[i]!, features, rows * w)) continue;
    const c0 = close[i]!;
    const c1 = close[i + horizon]!;
    outTs[rows] = ts[i]!;
    forwardReturn[rows] = c1 / c0 - 1;
    label[rows] = c1 > c0 ? 1 : 0;
    rows += 1;
  }
  // The last h bars still go through the state (its counters report them) but cannot be rows.
  const scratch = new Float64Array(w);
  let beyondHorizon = 0;
  for (let i = Math.max(0, last); i < n; i += 1)
    if (state.updateAt(ts[i]!, high[i]!, low[i]!, close[i]!, volume[i]!, scratch, 0)) beyondHorizon += 1;
  return {
    symbol,
    length: rows,
    width: w,
    ts: outTs.subarray(0, rows),
    features: features.subarray(0, rows * w),
    forwardReturn: forwardReturn.subarray(0, rows),
    label: label.subarray(0, rows),
    stats: { ...state.stats, beyondHorizon },
  };
}

/** Empty columns able to hold `capacity` rows of `width` features (length 0). */
export function datasetColumns(capacity: number, width: number, symbols: string[] = []): DatasetColumns {
  return {
    length: 0,
    symbols,
    symbolIndex: new Uint32Array(capacity),
    ts: new Float64Array(capacity),
    features: Array.from({ length: width }, () => new Float64Array(capacity)),
    forwardReturn: new Float64Array(capacity),
    label: new Int8Array(capacity),
  };
}

/**
 * Per-symbol rows read back merged, sorted by ts then symbol (code-unit order), in batches of
 * the caller's size: a writer can stream a dataset of any length through one reused batch
 * instead of materialising a second copy of it.
 */
export class MergedRows {
  /** Symbols in sorted order; a batch's `symbolIndex` points into it. */
  readonly symbols: string[];
  /** Rows in all. */
  readonly length: number;
  readonly width: number;
  private readonly parts: SymbolRows[];
  private readonly order: Uint32Array;
  private readonly pos: Uint32Array;
  /** Each part's columns by part index: the gather reads arrays, not objects. */
  private readonly columns: { ts: Float64Array[]; features: Float64Array[]; forwardReturn: Float64Array[]; label: Int8Array[] };
  private at = 0;

  constructor(parts: readonly SymbolRows[]) {
    this.parts = [...parts].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    for (let i = 1; i < this.parts.length; i += 1)
      if (this.parts[i]!.symbol === this.parts[i - 1]!.symbol) throw new RangeError(`symbol ${this.parts[i]!.symbol} given twice`);
    this.width = this.parts[0]?.width ?? 0;
    if (this.parts.some((p) => p.width !== this.width)) throw new RangeError('parts have different feature widths');
    this.symbols = this.parts.map((p) => p.symbol);
    this.order = mergeOrder(this.parts);
    this.length = this.order.length;
    this.pos = new Uint32Array(this.parts.length);
    this.columns = {
      ts: this.parts.map((p) => p.ts),
      features: this.parts.map((p) => p.features),
      forwardReturn: this.parts.map((p) => p.forwardReturn),
      label: this.parts.map((p) => p.label),
    };
  }

  /** Fills `into` (from row 0, up to its capacity) with the next rows; returns how many (0 at the end). */
  next(into: DatasetColumns): number {
    if (this.parts.length > 0 && into.features.length !== this.width) throw new RangeError('batch width does not match the rows');
    const n = Math.min(into.ts.length, this.length - this.at);
    const { order, pos, width, at } = this;
    const { ts, features, forwardReturn, label } = this.columns;
    const { symbolIndex, ts: outTs, forwardReturn: outFr, label: outLabel, features: cols } = into;
    for (let r = 0; r < n; r += 1) {
      const k = order[at + r]!;
      const i = pos[k]!;
      pos[k] = i + 1;
      symbolIndex[r] = k;
      outTs[r] = ts[k]![i]!;
      outFr[r] = forwardReturn[k]![i]!;
      outLabel[r] = label[k]![i]!;
      const src = features[k]!;
      const base = i * width;
      for (let f = 0; f < width; f += 1) cols[f]![r] = src[base + f]!;
    }
    this.at = at + n;
    into.length = n;
    into.symbols = this.symbols;
    return n;
  }
}

/** All rows merged into one set of columns (sorted by ts, then symbol). */
export function mergeSymbolRows(parts: readonly SymbolRows[]): DatasetColumns {
  const merged = new MergedRows(parts);
  const out = datasetColumns(merged.length, merged.width, merged.symbols);
  merged.next(out);
  return out;
}

/**
 * Which part each merged row comes from, in (ts, part index) order. Each part's rows are in ts
 * order, so the row within the part is implied (the next unused one). The heap holds part
 * indices keyed by their next ts, kept in a typed array so the hot loop reads no objects.
 */
function mergeOrder(parts: readonly SymbolRows[]): Uint32Array {
  const n = parts.length;
  const total = parts.reduce((s, p) => s + p.length, 0);
  const order = new Uint32Array(total);
  const head = new Float64Array(n);
  const next = new Uint32Array(n);
  const heap = new Int32Array(n);
  let size = 0;
  for (let k = 0; k < n; k += 1) {
    if (parts[k]!.length === 0) continue;
    head[k] = parts[k]!.ts[0]!;
    heap[size++] = k;
  }
  // Moves the root's part down to its place (a hole, not swaps).
  const siftDown = (i: number): void => {
    const x = heap[i]!;
    const tx = head[x]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      let cv = heap[c]!;
      let ct = head[cv]!;
      if (c + 1 < size) {
        const dv = heap[c + 1]!;
        const dt = head[dv]!;
        if (dt < ct || (dt === ct && dv < cv)) {
          c += 1;
          cv = dv;
          ct = dt;
        }
      }
      if (ct < tx || (ct === tx && cv < x)) {
        heap[i] = cv;
        i = c;
      } else break;
    }
    heap[i] = x;
  };
  for (let i = (size >> 1) - 1; i >= 0; i -= 1) siftDown(i);
  for (let r = 0; r < total; r += 1) {
    const k = heap[0]!;
    order[r] = k;
    const i = next[k]! + 1;
    next[k] = i;
    const p = parts[k]!;
    if (i < p.length) head[k] = p.ts[i]!;
    else heap[0] = heap[--size]!; // this part is done: the last entry takes the root
    if (size > 1) siftDown(0);
  }
  return order;
}
