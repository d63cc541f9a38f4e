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

/** The fast × slow grid: distinct values ascending, and the child at each (x = fast, y = slow). */
export function sweepGrid(children: readonly SweepChild[], xKey = 'fast', yKey = 'slow') {
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
  const xs = [...new Set(children.map((c) => num(c.params[xKey])))].sort((a, b) => a - b);
  const ys = [...new Set(children.map((c) => num(c.params[yKey])))].sort((a, b) => a - b);
  const at = new Map(children.map((c) => [`${num(c.params[xKey])}|${num(c.params[yKey])}`, c]));
  return { xs, ys, cell: (x: number, y: number) => at.get(`${x}|${y}`) };
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
