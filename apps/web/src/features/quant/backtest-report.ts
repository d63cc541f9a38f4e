import type { BacktestDto, BacktestMetrics, BacktestStatus, BacktestSummaryDto, BacktestTradeDto } from '@tradeloop/contracts';
import { toPaise } from '../../lib/money';
import { barMarker, type BarMarker } from './signal-markers';

/** One point of the equity and drawdown charts. */
export interface EquityPoint {
  /** Bar index (the charts' x: nights and weekends take no room, as on a candle chart). */
  i: number;
  /** Epoch ms. */
  t: number;
  /** Rupees, for drawing only (the exact value is in `equity`). */
  value: number;
  equity: string;
  /** Fall from the running peak, a fraction ≤ 0 (−0.12 = 12 % below the peak). */
  drawdown: number;
}

/** Equity points (API money strings) → chart points with the drawdown from the running peak, computed in paise. */
export function equitySeries(points: readonly { ts: string; equity: string }[]): EquityPoint[] {
  let peak: bigint | null = null;
  return points.map((p, i) => {
    const paise = toPaise(p.equity);
    if (peak === null || paise > peak) peak = paise;
    const drawdown = peak > 0n ? Number(paise - peak) / Number(peak) : 0;
    return { i, t: Date.parse(p.ts), value: Number(paise) / 100, equity: p.equity, drawdown };
  });
}

/**
 * At most `max` points for drawing (every k-th, keeping the last and each window's deepest
 * drawdown so the chart never hides the worst fall). The full series stays for the numbers.
 */
export function thinSeries(points: readonly EquityPoint[], max: number): EquityPoint[] {
  if (points.length <= max) return [...points];
  const step = Math.ceil(points.length / max);
  const out: EquityPoint[] = [];
  for (let i = 0; i < points.length; i += step) {
    let pick = points[i]!;
    for (let j = i + 1; j < Math.min(i + step, points.length); j++) if (points[j]!.drawdown < pick.drawdown) pick = points[j]!;
    out.push(pick);
  }
  const last = points.at(-1)!;
  if (out.at(-1) !== last) out.push(last);
  return out;
}

export type MetricKey = keyof BacktestMetrics;

/** The report's rows in order, with how each is shown. */
export const METRIC_ROWS: readonly { key: MetricKey; label: string; hint: string }[] = [
  { key: 'totalReturn', label: 'Total return', hint: 'final equity over initial capital, less 1' },
  { key: 'cagr', label: 'CAGR', hint: 'compound annual growth rate' },
  { key: 'sharpe', label: 'Sharpe', hint: 'annualised, risk-free 0' },
  { key: 'sortino', label: 'Sortino', hint: 'annualised, downside deviation' },
  { key: 'maxDrawdown', label: 'Max drawdown', hint: 'deepest fall from a peak of equity' },
  { key: 'winRate', label: 'Win rate', hint: 'winning round trips, net of fees' },
  { key: 'profitFactor', label: 'Profit factor', hint: 'gross wins over gross losses' },
  { key: 'trades', label: 'Trades', hint: 'fills' },
  { key: 'fees', label: 'Fees', hint: 'fees and taxes paid' },
  { key: 'exposure', label: 'Exposure', hint: 'share of bars with a position' },
  { key: 'turnover', label: 'Turnover', hint: 'traded value over initial capital' },
];

const PERCENT_KEYS = new Set<MetricKey>(['totalReturn', 'cagr', 'maxDrawdown', 'winRate', 'exposure']);

/** A fraction as a percentage with 2 places ("12.34 %"); a ratio with 2 places; null → "—". */
export function formatMetricValue(key: MetricKey, value: number | string | null): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (key === 'trades') return value.toLocaleString('en-IN');
  if (PERCENT_KEYS.has(key)) {
    const pct = key === 'maxDrawdown' ? -Math.abs(value) * 100 : value * 100;
    // A small non-zero figure keeps two significant digits rather than reading as 0.00 %.
    return `${pct !== 0 && Math.abs(pct) < 0.005 ? pct.toPrecision(2) : pct.toFixed(2)} %`;
  }
  if (key === 'turnover') return `${value.toFixed(2)}×`;
  return value.toFixed(2);
}

/** Plain words for each state; a cancelled or failed run is never described as having a report. */
export const STATUS_TEXT: Record<BacktestStatus, string> = {
  queued: 'Queued: waiting for a worker.',
  running: 'Running: replaying the candles.',
  completed: 'Completed.',
  failed: 'Failed: no report.',
  cancelled: 'Cancelled: stopped before the end, no report.',
};

/** Progress shown: the larger of the stored and the pushed value (events and polls may cross), 1 only when completed. */
export function shownProgress(b: Pick<BacktestDto, 'status' | 'progress'>, pushed: number | undefined): number {
  if (b.status === 'completed') return 1;
  const p = Math.max(b.progress, pushed ?? 0);
  return Math.min(Math.max(p, 0), 1);
}

const csvCell = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Every trade as CSV (header first; money and prices as the API gave them, exact). */
export function tradesCsv(trades: readonly BacktestTradeDto[]): string {
  const head = ['seq', 'ts', 'symbol', 'side', 'quantity', 'price', 'fees', 'realizedPnl'];
  const rows = trades.map((t) => [t.seq, t.ts, t.symbol, t.side, t.quantity, t.price, t.fees, t.realizedPnl].map(csvCell).join(','));
  return [head.join(','), ...rows].join('\n') + '\n';
}

/** "sma-crossover 5/20 ×1 · RELIANCE · 1m": a short name for a backtest in lists. */
export function backtestTitle(b: Pick<BacktestDto, 'request'> | Pick<BacktestSummaryDto, 'strategy' | 'symbols' | 'timeframe'>): string {
  const { strategy, symbols, timeframe } = 'request' in b ? b.request : b;
  const p = strategy.params;
  const shape =
    strategy.kind === 'sma-crossover' ? `${String(p.fast)}/${String(p.slow)} ×${String(p.quantity)}` : `×${String(p.quantity ?? '')}`;
  const syms = symbols.length > 3 ? `${symbols.slice(0, 3).join(', ')} +${symbols.length - 3}` : symbols.join(', ');
  return `${strategy.kind} ${shape} · ${syms} · ${timeframe}`;
}

/**
 * The fills of one symbol as markers, each on the drawn bar it happened in (the greatest bar
 * time at or before the fill; `chartTimes` are the chart's times, `toChartTime` maps a fill's
 * ISO time the same way). Fills before the first bar are left out; oldest first.
 */
export function tradeMarkers(
  trades: readonly BacktestTradeDto[],
  symbol: string,
  chartTimes: readonly number[],
  toChartTime: (iso: string) => number,
): BarMarker[] {
  if (chartTimes.length === 0) return [];
  const times = [...chartTimes].sort((a, b) => a - b);
  const out: BarMarker[] = [];
  for (const tr of trades) {
    if (tr.symbol !== symbol) continue;
    const m = barMarker(times, toChartTime(tr.ts), tr.side, String(tr.quantity), `t${tr.seq}`);
    if (m) out.push(m);
  }
  return out.sort((a, b) => a.time - b.time);
}
