import { directionOf, lastOf, voteOf, type Agent } from './types';

/** RSI bands of the technical agent: above 70 is overbought, below 30 oversold. */
export const RSI_OVERBOUGHT = 70;
export const RSI_OVERSOLD = 30;

/**
 * Technical agent, on the last closed candle: three points, each +1 with the alert's direction,
 * −1 against, 0 unknown — EMA fast vs slow, the MACD histogram's sign, and RSI (for a BUY: 50 <
 * RSI < 70 is +1, RSI ≥ 70 (overbought) or < 50 is −1, exactly 50 is 0; a SELL mirrors around 50
 * with 30). support = 50 + 50 × points / 3.
 */
export const technicalAgent: Agent = (alert, ctx) => {
  const dir = directionOf(alert);
  const ind = lastOf(ctx.indicators);
  const reasons: string[] = [];
  let points = 0;
  if (ind === undefined) return voteOf('technical', 50, ['no closed candles']);
  const ema = ind.emaFast - ind.emaSlow;
  if (Number.isNaN(ema)) reasons.push('EMA not yet defined');
  else {
    const p = Math.sign(ema) * dir;
    points += p;
    reasons.push(
      `EMA fast ${ema > 0 ? 'above' : ema < 0 ? 'below' : 'equal to'} slow: ${p > 0 ? 'with' : p < 0 ? 'against' : 'neutral to'} ${alert.action}`,
    );
  }
  const h = ind.macdHistogram;
  if (Number.isNaN(h)) reasons.push('MACD not yet defined');
  else {
    const p = Math.sign(h) * dir;
    points += p;
    reasons.push(`MACD histogram ${h.toFixed(2)}: ${p > 0 ? 'with' : p < 0 ? 'against' : 'neutral to'} ${alert.action}`);
  }
  const rsi = ind.rsi;
  if (Number.isNaN(rsi)) reasons.push('RSI not yet defined');
  else {
    // Distance above 50 in the alert's direction: a SELL reads RSI mirrored (100 − RSI).
    const r = dir === 1 ? rsi : 100 - rsi;
    const p = r >= RSI_OVERBOUGHT ? -1 : r > 50 ? 1 : r < 50 ? -1 : 0;
    points += p;
    const extreme = r >= RSI_OVERBOUGHT ? (dir === 1 ? ' (overbought)' : ' (oversold)') : '';
    reasons.push(`RSI ${rsi.toFixed(1)}${extreme}: ${p > 0 ? 'with' : p < 0 ? 'against' : 'neutral to'} ${alert.action}`);
  }
  return voteOf('technical', 50 + (50 * points) / 3, reasons);
};
