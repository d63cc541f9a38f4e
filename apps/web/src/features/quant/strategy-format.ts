import type { RunsCompare, StrategyDto } from '@tradeloop/contracts';
import { toPaise } from '../../lib/money';
import { unrealizedPaise } from '../../lib/pnl';

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

/**
 * What the chip says. Halted is a running strategy whose kill switch is pulled (it runs and places
 * nothing); a stopped one says stopped, switch or not (the switch shows on its own chip), so a
 * plain Stop never reads "halted".
 */
export const strategyState = (s: Pick<StrategyDto, 'status' | 'killSwitch'>): StrategyState =>
  s.status === 'running' && s.killSwitch.engaged ? 'halted' : s.status;

export interface LivePnl {
  realized: bigint;
  unrealized: bigint;
  total: bigint;
}

/**
 * The strategy's P&L marked to the live prices: realized as the server last said (it changes with
 * fills, which re-read the strategy), each open position's unrealized from `ltpOf(symbol)` when a
 * price is known, else the server's figure for it.
 */
export function strategyLivePnl(s: Pick<StrategyDto, 'pnl' | 'positions'>, ltpOf: (symbol: string) => string | null | undefined): LivePnl {
  const realized = toPaise(s.pnl.realized);
  let unrealized = 0n;
  for (const p of s.positions) {
    if (p.netQuantity === 0) continue;
    unrealized += unrealizedPaise(ltpOf(p.symbol), p.averagePrice, p.netQuantity) ?? toPaise(p.unrealizedPnl);
  }
  return { realized, unrealized, total: realized + unrealized };
}

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
