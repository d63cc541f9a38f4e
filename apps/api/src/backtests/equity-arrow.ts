import { Float64, makeData, RecordBatch, Schema, Field, Struct, Table, TimestampMillisecond, tableToIPC } from 'apache-arrow';

/** 1 tick-unit = ₹0.0001. */
const TICK_UNITS_PER_RUPEE = 10_000;

/**
 * A backtest's equity curve as an Arrow IPC stream (docs/api.md "Backtests"): ts timestamp[ms],
 * equity float64 rupees — built from the typed arrays like the candles' Arrow form.
 */
export function equityToArrow(c: { ts: Float64Array; value: Float64Array }): Uint8Array {
  const n = c.ts.length;
  const ts = new BigInt64Array(n);
  const equity = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    ts[i] = BigInt(c.ts[i]!);
    equity[i] = c.value[i]! / TICK_UNITS_PER_RUPEE;
  }
  const fields = [new Field('ts', new TimestampMillisecond(), false), new Field('equity', new Float64(), false)];
  const children = [
    makeData({ type: new TimestampMillisecond(), length: n, data: ts }),
    makeData({ type: new Float64(), length: n, data: equity }),
  ];
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  return tableToIPC(new Table(schema, [batch]), 'stream');
}
