import type { MarketContext } from '../market-context';
import { directionOf, voteOf, type Agent, type AgentSettings } from './types';

export type Trend = 'UP' | 'DOWN' | 'FLAT';

/**
 * The higher timeframe's trend: the percent change of the close over `trendLookback` closed
 * candles; ≥ +threshold is UP, ≤ −threshold DOWN, else FLAT; null with too few candles.
 */
export function higherTimeframeTrend(ctx: MarketContext, s: AgentSettings): { trend: Trend; changePct: number } | null {
  const h = ctx.higherCandles;
  if (h.length < s.trendLookback + 1) return null;
  const last = h[h.length - 1]!.close;
  const past = h[h.length - 1 - s.trendLookback]!.close;
  const changePct = ((last - past) / past) * 100;
  const trend: Trend = changePct >= s.trendThresholdPct ? 'UP' : changePct <= -s.trendThresholdPct ? 'DOWN' : 'FLAT';
  return { trend, changePct };
}

/**
 * Context agent: support = 50 + trend (+30 aligned with the alert, −30 against, 0 flat or
 * unknown) + phase (OPENING −10, CLOSING −20, MIDDAY 0); a closed market is support 0.
 */
export const contextAgent: Agent = (alert, ctx, s) => {
  if (ctx.session.phase === 'CLOSED') return voteOf('context', 0, ['the market is closed']);
  const reasons: string[] = [];
  let support = 50;
  const t = higherTimeframeTrend(ctx, s);
  if (t === null) reasons.push(`not enough ${ctx.higherTimeframe ?? 'higher-timeframe'} candles for a trend`);
  else {
    const dir = directionOf(alert);
    const aligned = (t.trend === 'UP' && dir === 1) || (t.trend === 'DOWN' && dir === -1);
    const against = (t.trend === 'UP' && dir === -1) || (t.trend === 'DOWN' && dir === 1);
    support += aligned ? 30 : against ? -30 : 0;
    reasons.push(
      `${ctx.higherTimeframe} trend ${t.trend} (${t.changePct.toFixed(2)} %)${aligned ? ', with' : against ? ', against' : ', neutral to'} the ${alert.action}`,
    );
  }
  const phase = ctx.session.phase;
  if (phase === 'OPENING') support -= 10;
  if (phase === 'CLOSING') support -= 20;
  reasons.push(`session ${phase}`);
  return voteOf('context', support, reasons);
};
