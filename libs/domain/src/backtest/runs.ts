import type { Paise } from '../money';
import type { PriceTicks } from '../market';
import type { OrderSide } from '../trading/order';
import { applyFillToPosition, FLAT_POSITION, realizedPnl, type Position } from '../trading/position';
import { paiseToValue, type TradeValue } from '../trading/units';
import { strategyPnl, type StrategyFill } from '../strategies/strategy-pnl';
import { backtestMetrics, barsPerYear, type BacktestMetrics, type MetricsTrade } from './metrics';

/**
 * Paper and live strategy runs (docs/backtests.md "Strategy runs"): their minute snapshots, their
 * report through the same {@link backtestMetrics} as a backtest, and where two runs diverged.
 * Pure: no clock, no I/O.
 */

/** One fill of a run: the strategy's own fills (StrategyFill) with their time. */
export interface RunFill extends StrategyFill {
  /** Epoch ms of the fill. */
  readonly ts: number;
}

/** Net units per symbol; flat symbols are left out. */
export type RunPositions = Record<string, number>;

export interface RunSnapshot {
  /** capital + realised + unrealised − charges, paise. */
  readonly equity: Paise;
  readonly realized: Paise;
  readonly unrealized: Paise;
  readonly charges: Paise;
  readonly positions: RunPositions;
}

/** A run's snapshot: its fills so far at `marks` (a symbol without a mark counts no unrealised P&L), on `capital`. */
export function runSnapshot(fills: readonly StrategyFill[], marks: ReadonlyMap<string, PriceTicks | null>, capital: Paise): RunSnapshot {
  const pnl = strategyPnl(fills, marks);
  const positions: RunPositions = {};
  for (const p of pnl.positions) if (p.netQuantity !== 0) positions[p.symbol] = p.netQuantity;
  return {
    equity: capital + pnl.realized + pnl.unrealized - pnl.charges,
    realized: pnl.realized,
    unrealized: pnl.unrealized,
    charges: pnl.charges,
    positions,
  };
}

/** The run's fills as the metrics take them: each with its realised P&L (position.ts's math) and its charges as fees. */
export function runTrades(fills: readonly RunFill[]): MetricsTrade[] {
  const positions = new Map<string, Position>();
  return fills.map((f) => {
    const before = positions.get(f.symbol) ?? FLAT_POSITION;
    const after = applyFillToPosition(before, f.side, f.quantity, f.price);
    positions.set(f.symbol, after);
    const realisedPnl: TradeValue = realizedPnl(after) - realizedPnl(before);
    return { ts: f.ts, symbol: f.symbol, side: f.side, quantity: f.quantity, price: f.price, fees: f.charges, realisedPnl };
  });
}

/** A stored minute snapshot as the report reads it. */
export interface RunPoint {
  /** Epoch ms of the minute. */
  readonly ts: number;
  readonly equity: Paise;
  readonly positions: RunPositions;
}

/**
 * A paper or live run's report: {@link backtestMetrics} over its minute equity curve (paise →
 * tick-units) and its fills, annualised as 1-minute bars; a minute counts towards exposure when
 * some position was open in its snapshot.
 */
export function runMetrics(points: readonly RunPoint[], fills: readonly RunFill[], capital: Paise): BacktestMetrics {
  const ts = new Float64Array(points.length);
  const value = new Float64Array(points.length);
  let positionBars = 0;
  points.forEach((p, i) => {
    ts[i] = p.ts;
    value[i] = Number(paiseToValue(p.equity));
    if (Object.values(p.positions).some((q) => q !== 0)) positionBars += 1;
  });
  return backtestMetrics({
    equity: { ts, value },
    initialCapital: paiseToValue(capital),
    trades: runTrades(fills),
    barsPerYear: barsPerYear('1m'),
    positionBars,
  });
}

/** Positions after each point of an equity curve, from the run's fills in order (fills at or before a point's ts count). */
export function positionsAt(
  ts: readonly number[],
  fills: readonly { ts: number; symbol: string; side: OrderSide; quantity: number }[],
): RunPositions[] {
  const net = new Map<string, number>();
  const out: RunPositions[] = [];
  let f = 0;
  for (const t of ts) {
    for (; f < fills.length && fills[f]!.ts <= t; f += 1) {
      const x = fills[f]!;
      net.set(x.symbol, (net.get(x.symbol) ?? 0) + (x.side === 'BUY' ? x.quantity : -x.quantity));
    }
    const p: RunPositions = {};
    for (const [s, q] of net) if (q !== 0) p[s] = q;
    out.push(p);
  }
  return out;
}

/** One curve to compare: ascending points with the P&L (equity − capital, paise) and the positions after each. */
export interface CompareCurve {
  readonly ts: readonly number[];
  readonly pnl: readonly Paise[];
  readonly positions: readonly RunPositions[];
}

export interface Divergence {
  /** The overlap of the two curves [from, to] (epoch ms); null when they do not overlap. */
  readonly overlap: { from: number; to: number } | null;
  /** The first time in the overlap at which their positions differ (each as of that time), or null. */
  readonly firstPositionDifference: { ts: number; a: RunPositions; b: RunPositions } | null;
  /** P&L of a − P&L of b at the end of the overlap (each as of that time), paise; null without an overlap. */
  readonly pnlDifferenceAtEnd: Paise | null;
}

/** The index of the last point at or before `t`, or −1. */
function asOf(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const samePositions = (a: RunPositions, b: RunPositions): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
};

/**
 * Where two runs diverged over the period both cover: walking the union of their times inside the
 * overlap, each curve taken as of its last point at or before the time, the first time their
 * positions differ; and the difference of their P&L at the overlap's end.
 */
export function divergence(a: CompareCurve, b: CompareCurve): Divergence {
  if (a.ts.length === 0 || b.ts.length === 0) return { overlap: null, firstPositionDifference: null, pnlDifferenceAtEnd: null };
  const from = Math.max(a.ts[0]!, b.ts[0]!);
  const to = Math.min(a.ts[a.ts.length - 1]!, b.ts[b.ts.length - 1]!);
  if (from > to) return { overlap: null, firstPositionDifference: null, pnlDifferenceAtEnd: null };
  const times = [...new Set([...a.ts, ...b.ts].filter((t) => t >= from && t <= to))].sort((x, y) => x - y);
  let first: Divergence['firstPositionDifference'] = null;
  for (const t of times) {
    const pa = a.positions[asOf(a.ts, t)]!;
    const pb = b.positions[asOf(b.ts, t)]!;
    if (!samePositions(pa, pb)) {
      first = { ts: t, a: pa, b: pb };
      break;
    }
  }
  const diff: Paise = a.pnl[asOf(a.ts, to)]! - b.pnl[asOf(b.ts, to)]!;
  return { overlap: { from, to }, firstPositionDifference: first, pnlDifferenceAtEnd: diff };
}
