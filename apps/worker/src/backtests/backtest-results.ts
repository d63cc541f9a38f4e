import type { BacktestTrade } from '@tradeloop/domain';

/**
 * The equity curve with one point per bar time: with several symbols the engine records a point
 * per bar processed, so bars sharing a start time give several; the last of them (after every
 * symbol's bar of that time) is the equity at that time.
 */
export function equityPerTime(e: { readonly ts: Float64Array; readonly value: Float64Array }): { ts: Float64Array; value: Float64Array } {
  const n = e.ts.length;
  let kept = 0;
  for (let i = 0; i < n; i += 1) if (i === n - 1 || e.ts[i + 1] !== e.ts[i]) kept += 1;
  if (kept === n) return { ts: e.ts.slice(), value: e.value.slice() };
  const ts = new Float64Array(kept);
  const value = new Float64Array(kept);
  let k = 0;
  for (let i = 0; i < n; i += 1)
    if (i === n - 1 || e.ts[i + 1] !== e.ts[i]) {
      ts[k] = e.ts[i]!;
      value[k] = e.value[i]!;
      k += 1;
    }
  return { ts, value };
}

/** Points of the curve (times, ascending) at which some position was open after that time's fills. */
export function positionBars(ts: Float64Array, trades: readonly Pick<BacktestTrade, 'ts' | 'symbol' | 'side' | 'quantity'>[]): number {
  const net = new Map<string, number>();
  let open = 0;
  let t = 0;
  let bars = 0;
  for (let i = 0; i < ts.length; i += 1) {
    for (; t < trades.length && trades[t]!.ts <= ts[i]!; t += 1) {
      const f = trades[t]!;
      const before = net.get(f.symbol) ?? 0;
      const after = before + (f.side === 'BUY' ? f.quantity : -f.quantity);
      net.set(f.symbol, after);
      if (before === 0 && after !== 0) open += 1;
      else if (before !== 0 && after === 0) open -= 1;
    }
    if (open > 0) bars += 1;
  }
  return bars;
}

/** The report's figures: one mapping for backtests and strategy runs (docs/backtests.md "Strategy runs"). */
export { reportMetrics } from '@tradeloop/strategies';
