import { Field, Float64, Int8, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, TimestampMillisecond, Utf8, type Data, type DataType } from 'apache-arrow';
import type { DatasetColumns, FeatureSet, Timeframe } from '@tradeloop/domain';

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

/** Rows per record batch: bounded buffers, and readers can stream the file. */
const BATCH_ROWS = 1 << 18;

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
 * Encodes a merged dataset as one Arrow IPC file (the random-access "file" format, `.arrow`),
 * built from typed arrays without a per-row object. Columns: `symbol` utf8, `ts`
 * timestamp[ms, UTC], one float64 per feature in the set's order, `forward_return` float64,
 * `label` int8 (0/1); metadata from {@link datasetMetadata}.
 */
export function datasetToArrowFile(data: DatasetColumns, d: DatasetDescription): Uint8Array {
  if (data.features.length !== d.featureSet.features.length) throw new RangeError('dataset width does not match the feature set');
  const fields = datasetFields(d.featureSet);
  const schema = new Schema(fields, datasetMetadata(d, data.length));
  const encoded = data.symbols.map((s) => Buffer.from(s, 'utf8'));
  const batches: RecordBatch[] = [];
  // An empty dataset still gets one (empty) batch, so readers see the schema the usual way.
  for (let start = 0; start === 0 || start < data.length; start += BATCH_ROWS) {
    const end = Math.min(data.length, start + BATCH_ROWS);
    const n = end - start;
    const children: Data<DataType>[] = [
      symbolData(data.symbolIndex.subarray(start, end), encoded),
      makeData({ type: new TimestampMillisecond('UTC'), length: n, data: toInt64(data.ts.subarray(start, end)) }),
      ...data.features.map((f) => makeData({ type: new Float64(), length: n, data: f.subarray(start, end) })),
      makeData({ type: new Float64(), length: n, data: data.forwardReturn.subarray(start, end) }),
      makeData({ type: new Int8(), length: n, data: data.label.subarray(start, end) }),
    ];
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children })));
  }
  return tableToIPC(new Table(schema, batches), 'file');
}

/** Utf8 column from symbol indices: offsets and bytes laid out directly. */
function symbolData(index: Uint32Array, encoded: readonly Buffer[]) {
  const offsets = new Int32Array(index.length + 1);
  let bytes = 0;
  for (let i = 0; i < index.length; i += 1) {
    bytes += encoded[index[i]!]!.length;
    offsets[i + 1] = bytes;
  }
  const values = new Uint8Array(bytes);
  for (let i = 0; i < index.length; i += 1) values.set(encoded[index[i]!]!, offsets[i]!);
  return makeData({ type: new Utf8(), length: index.length, nullCount: 0, valueOffsets: offsets, data: values });
}

/** Epoch ms (integers, ≥ 0, < 2^53) → int64 as two little-endian 32-bit words, no BigInt per value. */
function toInt64(src: Float64Array): BigInt64Array {
  const out = new BigInt64Array(src.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i += 1) {
    const v = src[i]!;
    words[2 * i] = v % 4_294_967_296;
    words[2 * i + 1] = Math.floor(v / 4_294_967_296);
  }
  return out;
}
