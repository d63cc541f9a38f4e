import type { Candle } from '../../market/candle';
import { directionOf, voteOf, type Agent } from './types';

export type CandlePattern = 'BULLISH_ENGULFING' | 'BEARISH_ENGULFING' | 'INSIDE_BAR' | 'BULLISH' | 'BEARISH' | 'DOJI';

/**
 * The pattern of the last two closed candles, first match wins: bullish engulfing (previous
 * bearish, last bullish, last open ≤ previous close and last close ≥ previous open), bearish
 * engulfing (the mirror), inside bar (last high < previous high and last low > previous low),
 * else the last candle's colour (close > open bullish, < bearish, = doji). One candle: its colour.
 */
export function candlePattern(candles: readonly Candle[]): CandlePattern | null {
  const cur = candles[candles.length - 1];
  if (cur === undefined) return null;
  const prev = candles[candles.length - 2];
  if (prev !== undefined) {
    if (prev.close < prev.open && cur.close > cur.open && cur.open <= prev.close && cur.close >= prev.open) return 'BULLISH_ENGULFING';
    if (prev.close > prev.open && cur.close < cur.open && cur.open >= prev.close && cur.close <= prev.open) return 'BEARISH_ENGULFING';
    if (cur.high < prev.high && cur.low > prev.low) return 'INSIDE_BAR';
  }
  return cur.close > cur.open ? 'BULLISH' : cur.close < cur.open ? 'BEARISH' : 'DOJI';
}

/** Bullish-side support of each pattern; a SELL reads 100 − it. */
const BULLISH_SUPPORT: Record<CandlePattern, number> = {
  BULLISH_ENGULFING: 80,
  BEARISH_ENGULFING: 20,
  INSIDE_BAR: 50,
  BULLISH: 60,
  BEARISH: 40,
  DOJI: 50,
};

/** Pattern agent: support from {@link candlePattern} (engulfing 80 / 20, colour 60 / 40, inside bar and doji 50), mirrored for a SELL. */
export const patternAgent: Agent = (alert, ctx) => {
  const p = candlePattern(ctx.candles);
  if (p === null) return voteOf('pattern', 50, ['no closed candles']);
  const bull = BULLISH_SUPPORT[p];
  return voteOf('pattern', directionOf(alert) === 1 ? bull : 100 - bull, [`last candles: ${p}`]);
};
