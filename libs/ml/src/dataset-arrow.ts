import { AsyncByteQueue, Field, Float64, Int8, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct, TimestampMillisecond, Utf8, type Data, type DataType } from 'apache-arrow';
import { datasetColumns, MergedRows, type DatasetColumns, type FeatureSet, type SymbolRows, type Timeframe } from '@tradeloop/domain';

/** Written into every dataset's `generator` metadata key. */
export const DATASET_GENERATOR = 'tradeloop ml:dataset';

/** What a dataset was built from: becomes its schema metadata. */
export interface DatasetDescription {
  featureSet: FeatureSet;
  timeframe: Timeframe;
  horizon: number;
  /** Symbols requested (sorted), whether or not each produced rows. */
  symbols: readonly string[];
  /** Requested range [from, to), epoch ms. */
  from: number;
  to: number;
  createdAt: number;
}

/** Rows per record batch: one reused set of buffers (~8 MiB for v1), and readers can stream the file. */
export const DATASET_BATCH_ROWS = 1 << 16;

/**
 * The schema metadata the Python trainer reads (all values strings): feature-set name, version
 * and ordered names, timeframe, horizon, symbols, range, row count, creation time, generator.
 */
export function datasetMetadata(d: DatasetDescription, rows: number): Map<string, string> {
  return new Map([
    ['featureSetName', d.featureSet.name],
    ['featureSetVersion', d.featureSet.version],
    ['features', JSON.stringify(d.featureSet.features)],
    ['timeframe', d.timeframe],
    ['horizon', String(d.horizon)],
    ['symbols', JSON.stringify(d.symbols)],
    ['from', new Date(d.from).toISOString()],
    ['to', new Date(d.to).toISOString()],
    ['rows', String(rows)],
    ['createdAt', new Date(d.createdAt).toISOString()],
    ['generator', DATASET_GENERATOR],
  ]);
}

/** The dataset's fields in contract order: symbol, ts, features…, forward_return, label. */
export function datasetFields(featureSet: FeatureSet): Field[] {
  return [
    new Field('symbol', new Utf8(), false),
    new Field('ts', new TimestampMillisecond('UTC'), false),
    ...featureSet.features.map((name) => new Field(name, new Float64(), false)),
    new Field('forward_return', new Float64(), false),
    new Field('label', new Int8(), false),
  ];
}

/**
 * Hands each chunk the writer produces to `onChunk` at once. The writer only queues references
 * to the batch's buffers; consuming them synchronously is what lets one batch be reused.
 */
class ChunkSink extends AsyncByteQueue {
  constructor(private readonly onChunk: (chunk: Uint8Array) => void) {
    super();
  }

  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.onChunk(value);
  }
}

/**
 * Streams per-symbol rows as one Arrow IPC file (the random-access "file" format, `.arrow`) to
 * `onChunk`, merged by ts then symbol, one reused batch of {@link DATASET_BATCH_ROWS} at a time.
 * Columns: `symbol` utf8, `ts` timestamp[ms, UTC], one float64 per feature in the set's order,
 * `forward_return` float64, `label` int8 (0/1); metadata from {@link datasetMetadata}. Chunks
 * are views of reused buffers: copy or write them before returning. Returns the row count.
 */
export function writeDatasetArrow(parts: readonly SymbolRows[], d: DatasetDescription, onChunk: (chunk: Uint8Array) => void): number {
  const rows = new MergedRows(parts);
  const width = d.featureSet.features.length;
  if (rows.length > 0 && rows.width !== width) throw new RangeError('rows do not match the feature set');
  const fields = datasetFields(d.featureSet);
  const schema = new Schema(fields, datasetMetadata(d, rows.length));
  const writer = new RecordBatchFileWriter();
  writer.reset(new ChunkSink(onChunk), schema);
  const batch = datasetColumns(Math.min(DATASET_BATCH_ROWS, Math.max(1, rows.length)), width);
  const encoder = new BatchEncoder(rows.symbols, batch.ts.length);
  // An empty dataset still gets one (empty) batch, so readers see the schema the usual way.
  let n = rows.next(batch);
  for (let first = true; first || n > 0; first = false, n = rows.next(batch)) {
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children: encoder.children(batch) })));
  }
  writer.finish();
  return rows.length;
}

/** The whole file in memory (tests, small datasets). */
export function datasetToArrowFile(parts: readonly SymbolRows[], d: DatasetDescription): Uint8Array {
  const chunks: Uint8Array[] = [];
  writeDatasetArrow(parts, d, (c) => chunks.push(c.slice()));
  return Buffer.concat(chunks);
}

/** Column data for one batch over reused buffers (timestamps as int64, symbols as utf8). */
class BatchEncoder {
  private readonly encoded: Buffer[];
  private readonly ts: BigInt64Array;
  private readonly offsets: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(symbols: readonly string[], capacity: number) {
    this.encoded = symbols.map((s) => Buffer.from(s, 'utf8'));
    this.ts = new BigInt64Array(capacity);
    this.offsets = new Int32Array(capacity + 1);
    this.bytes = new Uint8Array(capacity * Math.max(1, ...this.encoded.map((b) => b.length)));
  }

  children(b: DatasetColumns): Data<DataType>[] {
    const n = b.length;
    return [
      this.symbols(b.symbolIndex, n),
      makeData({ type: new TimestampMillisecond('UTC'), length: n, data: this.int64(b.ts, n) }),
      ...b.features.map((f) => makeData({ type: new Float64(), length: n, data: f.subarray(0, n) })),
      makeData({ type: new Float64(), length: n, data: b.forwardReturn.subarray(0, n) }),
      makeData({ type: new Int8(), length: n, data: b.label.subarray(0, n) }),
    ];
  }

  private symbols(index: Uint32Array, n: number) {
    const { offsets, bytes, encoded } = this;
    let at = 0;
    for (let i = 0; i < n; i += 1) {
      const e = encoded[index[i]!]!;
      bytes.set(e, at);
      at += e.length;
      offsets[i + 1] = at;
    }
    return makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets.subarray(0, n + 1), data: bytes.subarray(0, at) });
  }

  /** Epoch ms (integers ≥ 0, < 2^53) → int64 as two little-endian 32-bit words, no BigInt per value. */
  private int64(src: Float64Array, n: number): BigInt64Array {
    const words = new Uint32Array(this.ts.buffer, 0, 2 * n);
    for (let i = 0; i < n; i += 1) {
      const v = src[i]!;
      words[2 * i] = v % 4_294_967_296;
      words[2 * i + 1] = Math.floor(v / 4_294_967_296);
    }
    return this.ts.subarray(0, n);
  }
}
