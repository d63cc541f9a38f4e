import { join } from 'node:path';
import { isTimeframe, TIMEFRAMES, type Timeframe } from '@tradeloop/domain';

export interface DatasetArgs {
  symbols: string[];
  /** [from, to) in epoch ms. */
  from: number;
  to: number;
  timeframe: Timeframe;
  horizon: number;
  /** Output file; undefined → {@link defaultDatasetPath}. */
  out: string | undefined;
}

export type ParsedDatasetArgs = { kind: 'ok'; args: DatasetArgs } | { kind: 'help' } | { kind: 'invalid'; errors: string[] };

export const DATASET_USAGE = `usage: npm run ml:dataset -- --symbols SYM[,SYM…] --from TIME --to TIME [--timeframe 5m] [--horizon 12] [--out FILE]

  --symbols    instrument symbols, comma- or space-separated (case-insensitive)
  --from/--to  the range [from, to): YYYY-MM-DD (00:00 UTC = 05:30 IST, before the NSE open)
               or an ISO time with Z or an offset, e.g. 2026-11-23T09:15+05:30
  --timeframe  bar size, one of ${TIMEFRAMES.join(', ')} (default 5m)
  --horizon    label horizon in bars (default 12): label = 1 if close h bars later is higher
  --out        output file (default ml/data/<timeframe>-h<horizon>-<featureSetVersion>.arrow)

Only bars wholly inside [from, to) and already closed are used. Exit codes: 0 written,
1 failed (no rows, database error), 2 bad arguments (including unknown symbols).`;

const FLAGS = new Set(['symbols', 'from', 'to', 'timeframe', 'horizon', 'out']);
const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO date or date-time → epoch ms, refusing impossible dates that Date.parse would roll over (Feb 30). */
export function parseTime(text: string): number | undefined {
  const m = TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return undefined;
  const ms = Date.parse(m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `ml/data/<timeframe>-h<horizon>-<version>.arrow` under `root`. */
export const defaultDatasetPath = (root: string, timeframe: Timeframe, horizon: number, version: string): string =>
  join(root, 'ml', 'data', `${timeframe}-h${horizon}-${version}.arrow`);

/** Parses `--flag value` / `--flag=value` arguments; collects every problem rather than the first. */
export function parseDatasetArgs(argv: readonly string[]): ParsedDatasetArgs {
  const values = new Map<string, string[]>();
  const errors: string[] = [];
  let current: string | undefined;
  for (const a of argv) {
    if (a === '--help' || a === '-h') return { kind: 'help' };
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (!FLAGS.has(name)) {
        errors.push(`unknown option --${name}`);
        current = undefined;
        continue;
      }
      if (values.has(name)) errors.push(`--${name} given twice`);
      values.set(name, inline !== undefined ? [inline] : []);
      current = inline !== undefined && name !== 'symbols' ? undefined : name;
      continue;
    }
    if (current === undefined) errors.push(`unexpected argument "${a}"`);
    else {
      values.get(current)!.push(a);
      if (current !== 'symbols') current = undefined;
    }
  }
  const one = (name: string): string | undefined => {
    const v = values.get(name);
    if (v && (v.length === 0 || v[0] === '')) {
      errors.push(`--${name} needs a value`);
      return undefined;
    }
    return v?.[0];
  };
  const symbols = (values.get('symbols') ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  if (symbols.length === 0) errors.push('--symbols is required (e.g. --symbols RELIANCE,TCS)');
  else if (new Set(symbols).size !== symbols.length) errors.push('--symbols lists a symbol twice');
  const time = (name: 'from' | 'to'): number | undefined => {
    const text = one(name);
    if (text === undefined) {
      if (!values.has(name)) errors.push(`--${name} is required`);
      return undefined;
    }
    const ms = parseTime(text);
    if (ms === undefined) errors.push(`--${name} "${text}" is not a date (YYYY-MM-DD) or an ISO time with Z or an offset`);
    return ms;
  };
  const from = time('from');
  const to = time('to');
  if (from !== undefined && to !== undefined && from >= to)
    errors.push(`--from (${new Date(from).toISOString()}) must be before --to (${new Date(to).toISOString()})`);
  const tf = one('timeframe') ?? '5m';
  if (!isTimeframe(tf)) errors.push(`--timeframe "${tf}" is not one of ${TIMEFRAMES.join(', ')}`);
  const h = one('horizon') ?? '12';
  const horizon = /^\d+$/.test(h) ? Number(h) : Number.NaN;
  if (!Number.isSafeInteger(horizon) || horizon < 1) errors.push(`--horizon "${h}" must be a whole number of bars ≥ 1`);
  const out = one('out');
  if (errors.length > 0 || from === undefined || to === undefined || !isTimeframe(tf)) return { kind: 'invalid', errors };
  return { kind: 'ok', args: { symbols, from, to, timeframe: tf, horizon, out } };
}
