import type { Paise } from '../money';
import type { PriceTicks } from '../market';
import { unrealizedPnl, type Position } from './position';
import { decideAutomaticTrip, type KillSwitchState, type RiskLimits } from './risk';
import { valueToPaise, type TradeValue } from './units';

/**
 * Today's P&L exactly as the pre-trade MAX_DAILY_LOSS rule counts it: realized P&L of today's
 * fills plus the unrealized P&L of open positions at their marks, in paise. A position whose
 * symbol has no mark counts zero (quotes unavailable), as in the order intake. Charges are not
 * in it: docs/domain.md ("Risk") defines the day's loss as realized + unrealized.
 */
export function dayPnlAtMarks(
  realizedToday: TradeValue,
  positions: readonly (Position & { readonly symbol: string })[],
  markOf: (symbol: string) => PriceTicks | undefined,
): Paise {
  let unrealized: TradeValue = 0n;
  for (const p of positions) {
    if (p.netQuantity === 0) continue;
    const mark = markOf(p.symbol);
    if (mark !== undefined) unrealized += unrealizedPnl(p, mark);
  }
  return valueToPaise(realizedToday + unrealized);
}

export type AutomaticTrip =
  | { readonly trip: false }
  | { readonly trip: true; readonly rule: 'MAX_DAILY_LOSS' | 'MAX_DRAWDOWN'; readonly reason: string; readonly limit: Paise };

/**
 * decideAutomaticTrip, at most once a day per rule and limit. Once an admin releases a tripped
 * switch the breach is still there; tripping again every half second would overrule them. A
 * changed limit is a new decision, so raising the limit and then breaching it trips again.
 */
export function decideTripOnce(input: {
  readonly dayPnl: Paise;
  readonly limits: Pick<RiskLimits, 'maxDailyLoss' | 'maxDrawdown'>;
  readonly userSwitch: KillSwitchState;
  readonly tripsToday: readonly { readonly rule: string; readonly limit: Paise }[];
  readonly peakDayPnl?: Paise;
}): AutomaticTrip {
  const d = decideAutomaticTrip(input);
  if (!d.trip) return d;
  const limit = d.rule === 'MAX_DAILY_LOSS' ? input.limits.maxDailyLoss : input.limits.maxDrawdown;
  if (limit === null || limit === undefined) return { trip: false };
  if (input.tripsToday.some((t) => t.rule === d.rule && t.limit === limit)) return { trip: false };
  return { ...d, limit };
}
