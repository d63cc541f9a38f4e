import type { CandleIndicators } from '../market-context';
import { directionOf, lastOf, voteOf, type Agent } from './types';

/** A squeeze is on when the Bollinger bands lie strictly inside the Keltner channel. */
export const squeezeOn = (i: CandleIndicators): boolean => i.bbUpper < i.kcUpper && i.bbLower > i.kcLower;

/**
 * Where the latest Bollinger bandwidth ranks among the context's finite bandwidths: the percent
 * of them strictly below it (0 = the narrowest). NaN when the latest is undefined.
 */
export function bandwidthPercentile(indicators: readonly CandleIndicators[]): number {
  const cur = lastOf(indicators)?.bbBandwidth;
  if (cur === undefined || !Number.isFinite(cur)) return NaN;
  let n = 0;
  let below = 0;
  for (const i of indicators) {
    if (!Number.isFinite(i.bbBandwidth)) continue;
    n += 1;
    if (i.bbBandwidth < cur) below += 1;
  }
  return (below / n) * 100;
}

/**
 * Squeeze agent. Momentum m = sign(close − Keltner middle) × direction (+1 with the alert).
 * Undefined bands: 50. Squeeze fired (on at the previous candle, off at the last): 50 + 30 m.
 * Still on: 50 (wait for the release). Off, bandwidth percentile ≤ lowBandwidthPercentile:
 * 50 + 15 m; otherwise 50 + 5 m.
 */
export const squeezeAgent: Agent = (alert, ctx, s) => {
  const cur = lastOf(ctx.indicators);
  const close = lastOf(ctx.candles)?.close;
  if (cur === undefined || close === undefined || [cur.bbUpper, cur.bbLower, cur.kcUpper, cur.kcLower].some(Number.isNaN))
    return voteOf('squeeze', 50, ['bands not yet defined: neutral']);
  const m = Math.sign(close - cur.kcMiddle) * directionOf(alert);
  const momentum = `momentum ${m > 0 ? 'with' : m < 0 ? 'against' : 'neutral to'} ${alert.action}`;
  const prev = ctx.indicators[ctx.indicators.length - 2];
  const on = squeezeOn(cur);
  if (!on && prev !== undefined && squeezeOn(prev)) return voteOf('squeeze', 50 + 30 * m, [`squeeze fired, ${momentum}`]);
  if (on) return voteOf('squeeze', 50, ['squeeze on: waiting for the release']);
  const pct = bandwidthPercentile(ctx.indicators);
  if (pct <= s.lowBandwidthPercentile) return voteOf('squeeze', 50 + 15 * m, [`bandwidth percentile ${pct.toFixed(0)} (low), ${momentum}`]);
  return voteOf('squeeze', 50 + 5 * m, [`bandwidth percentile ${pct.toFixed(0)}, ${momentum}`]);
};
