import { directionOf, voteOf, type Agent } from './types';

/**
 * Opening-range breakout agent: with a complete opening range, an LTP strictly beyond the range
 * in the alert's direction is support 80, strictly beyond it the other way 20, inside (edges
 * included) 40; no complete range is neutral (50).
 */
export const orbAgent: Agent = (alert, ctx) => {
  const r = ctx.openingRange;
  if (r === null || !r.complete) return voteOf('orb', 50, ['opening range not complete: neutral']);
  const dir = directionOf(alert);
  const above = ctx.ltp > r.high;
  const below = ctx.ltp < r.low;
  if (!above && !below) return voteOf('orb', 40, ['LTP inside the opening range']);
  const withAlert = (above && dir === 1) || (below && dir === -1);
  return voteOf('orb', withAlert ? 80 : 20, [
    `LTP broke ${above ? 'above' : 'below'} the opening range: ${withAlert ? 'with' : 'against'} ${alert.action}`,
  ]);
};
