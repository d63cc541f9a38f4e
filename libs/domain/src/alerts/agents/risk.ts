import { entryValue, exposureBreach, openPositionsBreach } from '../engine-a';
import { lastOf, voteOf, type Agent, type AgentVote } from './types';

/**
 * Risk agent. Three scores, each 0–100 (whole numbers, floored):
 * - volatility = min(100, ATR / close × 100 / atrPctHigh × 100), 50 while the ATR is undefined;
 * - exposure = min(100, (exposure + quantity × LTP) × 100 / maxExposure);
 * - positions = min(100, (open positions + 1) × 100 / maxOpenPositions);
 * risk score = round half up of 0.5 volatility + 0.3 exposure + 0.2 positions. It vetoes when the
 * score > vetoThreshold or a limit would be exceeded (then support 0); else support = 100 − score.
 */
export const riskAgent: Agent = (alert, ctx, s): AgentVote => {
  const reasons: string[] = [];
  const ind = lastOf(ctx.indicators);
  const close = lastOf(ctx.candles)?.close;
  let vol = 50;
  if (ind === undefined || close === undefined || Number.isNaN(ind.atr)) reasons.push('ATR not yet defined: volatility scored 50');
  else {
    const atrPct = (ind.atr / close) * 100;
    vol = Math.min(100, Math.floor((atrPct / s.atrPctHigh) * 100));
    reasons.push(`ATR ${atrPct.toFixed(2)} % of the close: volatility ${vol}`);
  }
  const after = ctx.positions.exposure + entryValue(alert, ctx);
  const exp = after >= s.limits.maxExposure ? 100 : Number((after * 100n) / s.limits.maxExposure);
  const pos = Math.min(100, Math.floor(((ctx.positions.openCount + 1) * 100) / s.limits.maxOpenPositions));
  reasons.push(`exposure use ${exp}, positions use ${pos}`);
  const riskScore = Math.floor((5 * vol + 3 * exp + 2 * pos + 5) / 10);
  reasons.push(`risk score ${riskScore}`);
  const breaches = [openPositionsBreach(s.limits, ctx), exposureBreach(s.limits, alert, ctx)].filter((b): b is string => b !== null);
  if (riskScore > s.vetoThreshold) breaches.unshift(`risk score ${riskScore} is above the veto threshold ${s.vetoThreshold}`);
  const veto = breaches.length > 0;
  const v = voteOf('risk', veto ? 0 : 100 - riskScore, veto ? [...reasons, ...breaches.map((b) => `veto: ${b}`)] : reasons);
  return { ...v, riskScore, veto };
};
