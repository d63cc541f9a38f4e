import type { BacktestDto, BacktestMetrics } from '@tradeloop/contracts';
import type { MetricKey } from './backtest-report';

/** A sweep parent's child as the API gives it. */
export type SweepChild = NonNullable<BacktestDto['children']>[number];
export type Sample = 'in' | 'out';

/** Metrics a heatmap can colour by (numbers; fees is money text, trades a count — both still comparable). */
export const HEATMAP_METRICS: readonly MetricKey[] = [
  'totalReturn',
  'sharpe',
  'sortino',
  'maxDrawdown',
  'winRate',
  'profitFactor',
  'cagr',
  'trades',
];
/** For these, lower is better. */
const LOWER_BETTER = new Set<MetricKey>(['maxDrawdown']);

export const metricOf = (c: SweepChild, key: MetricKey, sample: Sample): number | null => {
  const m: BacktestMetrics | null = sample === 'in' ? c.metrics : c.outOfSampleMetrics;
  const v = m?.[key];
  if (v === undefined || v === null) return null;
  const n = typeof v === 'string' ? Number(v) : v;
  return Number.isFinite(n) ? n : null;
};

/** A swept param's value as the API gives it. */
export type SweepValue = number | string | boolean;

/** The axes first: fast across, slow down, whatever else after them. */
const AXES_FIRST = ['fast', 'slow'];

/** The swept params of a sweep: those its request gives as lists — fast and slow first, then the others in the request's order (fast, slow when none is). */
export function sweptKeys(params: Record<string, unknown>): string[] {
  const keys = Object.keys(params).filter((k) => Array.isArray(params[k]));
  const rank = (k: string) => (AXES_FIRST.includes(k) ? AXES_FIRST.indexOf(k) : AXES_FIRST.length);
  return keys.length
    ? keys
        .map((k, i) => ({ k, i }))
        .sort((a, b) => rank(a.k) - rank(b.k) || a.i - b.i)
        .map((x) => x.k)
    : AXES_FIRST;
}

/** Ascending: numbers by value, anything else (false before true) by its text. */
const byValue = (a: SweepValue, b: SweepValue) =>
  typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));

/** A grid row: one combination of the swept params after the first. */
export interface SweepRow {
  /** Its values joined by "-" (in test ids). */
  key: string;
  /** Its values in words: the value alone for one param, else "name value · …". */
  label: string;
  values: SweepValue[];
}

/**
 * The heatmap grid of any sweep (sma-crossover's fast × slow, ml-signal's quantity × allowShort,
 * …): columns are the first swept param's values ascending; rows every combination of the
 * others (one row when there are none), ascending; and the child at each.
 */
export function sweepGrid(children: readonly SweepChild[], keys: readonly string[] = ['fast', 'slow']) {
  const [xKey = 'fast', ...yKeys] = keys;
  const xs = [...new Set(children.map((c) => c.params[xKey] as SweepValue))].sort(byValue);
  const rowOf = (c: SweepChild): SweepRow => {
    const values = yKeys.map((k) => c.params[k] as SweepValue);
    return {
      key: values.map(String).join('-'),
      label: yKeys.length === 1 ? String(values[0]) : yKeys.map((k, i) => `${k} ${String(values[i])}`).join(' · '),
      values,
    };
  };
  const rows = new Map<string, SweepRow>();
  for (const c of children) {
    const r = rowOf(c);
    if (!rows.has(r.key)) rows.set(r.key, r);
  }
  const ys = [...rows.values()].sort((a, b) => {
    for (let i = 0; i < a.values.length; i += 1) {
      const d = byValue(a.values[i]!, b.values[i]!);
      if (d !== 0) return d;
    }
    return 0;
  });
  const at = new Map(children.map((c) => [`${String(c.params[xKey])}|${rowOf(c).key}`, c]));
  return { xKey, yKeys, xs, ys, cell: (x: SweepValue, rowKey: string) => at.get(`${String(x)}|${rowKey}`) };
}

/** The best child by a metric on one sample (ties: the first in grid order); null when none has the figure. */
export function bestChild(children: readonly SweepChild[], key: MetricKey, sample: Sample): SweepChild | null {
  let best: SweepChild | null = null;
  let bestValue = 0;
  for (const c of children) {
    const v = metricOf(c, key, sample);
    if (v === null) continue;
    const better = best === null || (LOWER_BETTER.has(key) ? v < bestValue : v > bestValue);
    if (better) {
      best = c;
      bestValue = v;
    }
  }
  return best;
}

/**
 * A cell's colour: where its figure sits between the worst and the best over BOTH samples (one
 * scale, so in-sample and out-of-sample compare by eye), red → neutral → green. Null: grey.
 */
export function heatColour(value: number | null, lo: number, hi: number, key: MetricKey): string {
  if (value === null) return 'var(--bg-subtle, #2a2f36)';
  let t = hi === lo ? 0.5 : (value - lo) / (hi - lo);
  if (LOWER_BETTER.has(key)) t = 1 - t;
  // hsl 0 (red) … 120 (green), muted so text stays readable.
  return `hsl(${Math.round(120 * t)} 55% 32%)`;
}

/** The range of a metric over every child and both samples. */
export function metricRange(children: readonly SweepChild[], key: MetricKey): { lo: number; hi: number } {
  const vs = children.flatMap((c) => [metricOf(c, key, 'in'), metricOf(c, key, 'out')]).filter((v): v is number => v !== null);
  return vs.length ? { lo: Math.min(...vs), hi: Math.max(...vs) } : { lo: 0, hi: 0 };
}
