import { parse } from 'csv-parse/sync';
import { parsePrice, type Candle } from '@tradeloop/domain';

export interface CsvProblem {
  line: number;
  message: string;
}

const HEADER = ['timestamp', 'open', 'high', 'low', 'close', 'volume'];

/**
 * Parses `timestamp,open,high,low,close,volume` rows (1-minute bars; an optional header row).
 * Timestamps are ISO-8601 with an offset (e.g. 2026-11-23T09:15:00+05:30) or epoch milliseconds;
 * prices are decimal strings. Every bad row is reported with its line number; nothing is
 * returned as candles unless every row is good, so an import is all or nothing.
 */
export function parseCandleCsv(text: string): { candles: Candle[]; problems: CsvProblem[] } {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0;
    return { candles: [], problems: [{ line, message: `not valid CSV: ${(err as Error).message}` }] };
  }
  const problems: CsvProblem[] = [];
  const candles: Candle[] = [];
  const seen = new Set<number>();
  records.forEach((rec, i) => {
    const line = i + 1;
    if (i === 0 && rec.map((c) => c.toLowerCase()).join() === HEADER.join()) return;
    if (rec.length !== 6) {
      problems.push({ line, message: `expected 6 columns (${HEADER.join(', ')}), got ${rec.length}` });
      return;
    }
    const [t, o, h, l, c, v] = rec as [string, string, string, string, string, string];
    const ts = /^\d{12,14}$/.test(t) ? Number(t) : /T.*(Z|[+-]\d{2}:\d{2})$/.test(t) ? Date.parse(t) : Number.NaN;
    if (!Number.isFinite(ts)) {
      problems.push({ line, message: `timestamp "${t}" is not ISO-8601 with an offset or epoch milliseconds` });
      return;
    }
    if (ts % 60_000 !== 0) problems.push({ line, message: 'timestamp must be on a whole minute (1-minute bars)' });
    if (seen.has(ts)) problems.push({ line, message: 'duplicate timestamp in this file' });
    seen.add(ts);
    const prices: number[] = [];
    for (const [name, value] of [
      ['open', o],
      ['high', h],
      ['low', l],
      ['close', c],
    ] as const) {
      try {
        prices.push(parsePrice(value, name));
      } catch {
        problems.push({ line, message: `${name} "${value}" is not a positive price with at most 4 decimals` });
      }
    }
    if (!/^\d{1,15}$/.test(v)) problems.push({ line, message: `volume "${v}" is not a non-negative integer` });
    if (prices.length === 4) {
      const [open, high, low, close] = prices as [number, number, number, number];
      if (high < Math.max(open, close) || low > Math.min(open, close) || low > high) {
        problems.push({ line, message: 'high/low do not contain open and close' });
      }
      candles.push({ ts, open, high, low, close, volume: Number(v) });
    }
  });
  if (problems.length) return { candles: [], problems };
  candles.sort((a, b) => a.ts - b.ts);
  return { candles, problems };
}
