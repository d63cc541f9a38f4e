import type { RunsCompare, StrategyDto } from '@tradeloop/contracts';

/** Symbols typed as "INFY, tcs RELIANCE": upper-cased, each once, in the order typed. */
export const parseSymbols = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,]+/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
  ),
];

/** Params as one short line, keys in a fixed order: "quantity 5 · allowShort no". */
export function formatParams(params: StrategyDto['params']): string {
  return Object.keys(params)
    .sort()
    .map((k) => {
      const v = params[k];
      return `${k} ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`;
    })
    .join(' · ');
}

export type StrategyState = 'running' | 'stopped' | 'halted';

/** What the row says: a pulled kill switch outranks running/stopped (the strategy places nothing). */
export const strategyState = (s: Pick<StrategyDto, 'status' | 'killSwitch'>): StrategyState => (s.killSwitch.engaged ? 'halted' : s.status);

/**
 * The compare chart's note on thinned curves (docs/backtests.md "Strategy runs": the API draws a
 * long curve from at most RUNS_COMPARE_MAX_POINTS of its points, lows and highs kept): which runs,
 * how many of their points are drawn; null when every curve is drawn whole.
 */
export function thinnedNote(curves: RunsCompare['curves'], label: (id: string) => string): string | null {
  const thinned = curves.filter((c) => c.thinned);
  if (thinned.length === 0) return null;
  const each = thinned.map((c) => `${label(c.id)}: ${c.shown.toLocaleString('en-IN')} of ${c.points.toLocaleString('en-IN')} points`);
  return `Drawn thinned (each stretch's low and high kept) — ${each.join(', ')}`;
}
