import { Float64, Int64, makeData, RecordBatch, Schema, Field, Struct, Table, TimestampMillisecond, tableToIPC } from 'apache-arrow';
import { formatPrice } from '@tradeloop/domain';
import type { CandleSeries } from '@tradeloop/contracts';
import type { CandleColumns } from './candles.repository';

const PRICE_SCALE = 10_000;

/** JSON form: ISO times, prices as decimal strings (API.md conventions). */
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
 * Arrow IPC stream with API.md's columns: ts timestamp[ms], open/high/low/close float64 (rupees),
 * volume int64. Built from typed arrays directly — no per-row objects.
 */
export function candlesToArrow(c: CandleColumns): Uint8Array {
  const n = c.length;
  const rupees = (src: Float64Array) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 1) out[i] = src[i]! / PRICE_SCALE;
    return out;
  };
  const ts = new BigInt64Array(n);
  const volume = new BigInt64Array(n);
  for (let i = 0; i < n; i += 1) {
    ts[i] = BigInt(c.ts[i]!);
    volume[i] = BigInt(c.volume[i]!);
  }
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
