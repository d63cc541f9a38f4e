import { Float64, Int64, makeData, RecordBatch, Schema, Field, Struct, Table, TimestampMillisecond, tableToIPC } from 'apache-arrow';
import { formatPrice, type CandleColumns } from '@tradeloop/domain';
import type { CandleSeries } from '@tradeloop/contracts';

const PRICE_SCALE = 10_000;

/** JSON form: ISO times, prices as decimal strings (docs/api.md "Conventions"). */
export function candlesToJson(symbol: string, timeframe: CandleSeries['timeframe'], c: CandleColumns): CandleSeries {
  const candles = new Array(c.length);
  for (let i = 0; i < c.length; i += 1) {
    candles[i] = {
      ts: new Date(c.ts[i]!).toISOString(),
      open: formatPrice(c.open[i]!),
      high: formatPrice(c.high[i]!),
      low: formatPrice(c.low[i]!),
      close: formatPrice(c.close[i]!),
      volume: c.volume[i]!,
    };
  }
  return { symbol, timeframe, candles };
}

/**
 * Non-negative integers below 2^53 → int64, written as two 32-bit halves (little-endian, as
 * Arrow lays them out) instead of a BigInt per value: ~10× faster for 100k rows.
 */
function toInt64(src: Float64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i += 1) {
    const v = src[i]!;
    words[2 * i] = v % 4_294_967_296;
    words[2 * i + 1] = Math.floor(v / 4_294_967_296);
  }
  return out;
}

/**
 * Arrow IPC stream with the columns of docs/api.md "Market data": ts timestamp[ms], open/high/low/close float64 (rupees),
 * volume int64. Built from typed arrays directly — no per-row objects.
 */
export function candlesToArrow(c: CandleColumns): Uint8Array {
  const n = c.length;
  const rupees = (src: Float64Array) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 1) out[i] = src[i]! / PRICE_SCALE;
    return out;
  };
  const ts = toInt64(c.ts, n);
  const volume = toInt64(c.volume, n);
  const fields = [
    new Field('ts', new TimestampMillisecond(), false),
    new Field('open', new Float64(), false),
    new Field('high', new Float64(), false),
    new Field('low', new Float64(), false),
    new Field('close', new Float64(), false),
    new Field('volume', new Int64(), false),
  ];
  const children = [
    makeData({ type: new TimestampMillisecond(), length: n, data: ts }),
    makeData({ type: new Float64(), length: n, data: rupees(c.open) }),
    makeData({ type: new Float64(), length: n, data: rupees(c.high) }),
    makeData({ type: new Float64(), length: n, data: rupees(c.low) }),
    makeData({ type: new Float64(), length: n, data: rupees(c.close) }),
    makeData({ type: new Int64(), length: n, data: volume }),
  ];
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  return tableToIPC(new Table(schema, [batch]), 'stream');
}
