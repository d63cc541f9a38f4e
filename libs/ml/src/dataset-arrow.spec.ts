import { tableFromIPC, TimeUnit, type Table, type Timestamp } from 'apache-arrow';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSymbolRows, columnsFromCandles, FEATURE_SET_V1, mergeSymbolRows, type Candle } from '@tradeloop/domain';
import { datasetToArrowFile, DATASET_BATCH_ROWS, DATASET_GENERATOR, writeDatasetArrow, type DatasetDescription } from './dataset-arrow';
import { writeDatasetArrowFile } from './dataset-file';

function walk(n: number, seed: number, start: number): Candle[] {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let close = 10_000_000;
  return Array.from({ length: n }, (_, i) => {
    const open = close;
    close = Math.round(open * (1 + (rand() - 0.5) * 0.004));
    return { ts: start + i * 300_000, open, high: Math.max(open, close) + 500, low: Math.min(open, close) - 500, close, volume: 100 + Math.floor(rand() * 1000) };
  });
}

const t0 = Date.UTC(2026, 10, 23, 3, 45);
const parts = [buildSymbolRows('TCS', columnsFromCandles(walk(300, 1, t0)), 12), buildSymbolRows('INFY', columnsFromCandles(walk(250, 2, t0 + 600_000)), 12)];
const data = mergeSymbolRows(parts);
const description: DatasetDescription = { featureSet: FEATURE_SET_V1, timeframe: '5m', horizon: 12, symbols: ['INFY', 'TCS'], from: t0, to: t0 + 86_400_000 * 2, createdAt: Date.UTC(2026, 10, 25) };

describe('dataset Arrow file', () => {
  const bytes = datasetToArrowFile(parts, description);
  const table: Table = tableFromIPC(bytes);

  it('is an Arrow IPC file (magic ARROW1 at both ends), not a stream', () => {
    const magic = Buffer.from('ARROW1');
    expect(Buffer.from(bytes.subarray(0, 6)).equals(magic)).toBe(true);
    expect(Buffer.from(bytes.subarray(bytes.length - 6)).equals(magic)).toBe(true);
  });

  it('has the contract’s columns, in order, with their types', () => {
    expect(table.schema.fields.map((f) => f.name)).toEqual(['symbol', 'ts', ...FEATURE_SET_V1.features, 'forward_return', 'label']);
    const types = table.schema.fields.map((f) => String(f.type));
    expect(types).toEqual(['Utf8', 'Timestamp<MILLISECOND, UTC>', ...FEATURE_SET_V1.features.map(() => 'Float64'), 'Float64', 'Int8']);
    const ts = table.schema.fields[1]!.type as Timestamp;
    expect([ts.unit, ts.timezone]).toEqual([TimeUnit.MILLISECOND, 'UTC']);
    expect(table.schema.fields.every((f) => !f.nullable)).toBe(true);
  });

  it('carries the metadata keys the trainer reads', () => {
    expect(Object.fromEntries(table.schema.metadata)).toEqual({
      featureSetName: 'v1',
      featureSetVersion: FEATURE_SET_V1.version,
      features: JSON.stringify(FEATURE_SET_V1.features),
      timeframe: '5m',
      horizon: '12',
      symbols: '["INFY","TCS"]',
      from: '2026-11-23T03:45:00.000Z',
      to: '2026-11-25T03:45:00.000Z',
      rows: String(data.length),
      createdAt: '2026-11-25T00:00:00.000Z',
      generator: DATASET_GENERATOR,
    });
  });

  it('round-trips every value', () => {
    expect(table.numRows).toBe(data.length);
    const sym = table.getChild('symbol')!.toArray() as string[];
    const ts = table.getChild('ts')!;
    for (let r = 0; r < data.length; r += 1) {
      expect(sym[r]).toBe(data.symbols[data.symbolIndex[r]!]);
      expect(Number(ts.get(r))).toBe(data.ts[r]);
    }
    FEATURE_SET_V1.features.forEach((name, f) => expect(Array.from(table.getChild(name)!.toArray() as Float64Array)).toEqual(Array.from(data.features[f]!)));
    expect(Array.from(table.getChild('forward_return')!.toArray() as Float64Array)).toEqual(Array.from(data.forwardReturn));
    expect(Array.from(table.getChild('label')!.toArray() as Int8Array)).toEqual(Array.from(data.label));
  });

  it('writes an empty dataset with the same schema', () => {
    const empty = tableFromIPC(datasetToArrowFile([], description));
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields).toHaveLength(FEATURE_SET_V1.features.length + 4);
    expect(empty.schema.metadata.get('rows')).toBe('0');
  });

  it('streams a dataset larger than one batch through the reused batch, identically to the in-memory merge', () => {
    const big = [buildSymbolRows('AAA', columnsFromCandles(walk(DATASET_BATCH_ROWS / 2 + 500, 3, t0)), 12), buildSymbolRows('BBB', columnsFromCandles(walk(DATASET_BATCH_ROWS / 2 + 700, 4, t0)), 12)];
    const want = mergeSymbolRows(big);
    expect(want.length).toBeGreaterThan(DATASET_BATCH_ROWS);
    const dir = mkdtempSync(join(tmpdir(), 'tl-arrow-'));
    const path = join(dir, 'sub', 'big.arrow');
    const written = writeDatasetArrowFile(path, big, { ...description, symbols: ['AAA', 'BBB'] });
    expect(readdirSync(join(dir, 'sub'))).toEqual(['big.arrow']); // no temporary file left behind
    const file = readFileSync(path);
    expect(written).toEqual({ rows: want.length, bytes: file.length });
    const t = tableFromIPC(file);
    expect(t.batches).toHaveLength(2);
    expect(t.numRows).toBe(want.length);
    const sym = t.getChild('symbol')!.toArray() as string[];
    expect(sym.every((s, r) => s === want.symbols[want.symbolIndex[r]!])).toBe(true);
    // Compared element by element in one loop each (a deep equality of ~130,000-element arrays per
    // feature took seconds on a loaded machine): the first row that differs, or -1.
    FEATURE_SET_V1.features.forEach((name, f) =>
      expect({ name, row: firstDifference(t.getChild(name)!.toArray() as Float64Array, want.features[f]!) }).toEqual({ name, row: -1 }),
    );
    expect(firstDifference(t.getChild('label')!.toArray() as Int8Array, want.label)).toBe(-1);
    const ts = t.getChild('ts')!;
    expect(firstDifference(Float64Array.from({ length: t.numRows }, (_, r) => Number(ts.get(r))), want.ts)).toBe(-1);
  });

  it('hands out chunks that are only valid during the call (the batch is reused)', () => {
    const chunks: Uint8Array[] = [];
    writeDatasetArrow(parts, description, (c) => chunks.push(c));
    // Without copying, later batches would overwrite earlier chunks; the copying helper is what tests use.
    expect(chunks.length).toBeGreaterThan(10);
  });
});

/** The first index where two numeric arrays differ (a length mismatch counts at the shorter's end), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : n;
}
