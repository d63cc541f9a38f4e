import { signalOf } from '../../signals/signal-rule';
import { voteOf, type Agent } from './types';

/**
 * ML agent: the production model's verdict from its score and the card's thresholds (signalOf,
 * docs/domain.md "Signals from models"): the alert's side 80, HOLD 50, the other side 20; no
 * model or no valid score is neutral (50).
 */
export const mlAgent: Agent = (alert, ctx) => {
  const m = ctx.model;
  if (m === null) return voteOf('ml', 50, ['no production model: neutral']);
  const verdict = signalOf(m.score, m.thresholds);
  if (verdict === null) return voteOf('ml', 50, [`score ${m.score} is not in [0, 1]: neutral`]);
  const support = verdict === 'HOLD' ? 50 : verdict === alert.action ? 80 : 20;
  return voteOf('ml', support, [`model score ${m.score} → ${verdict} (buy ≥ ${m.thresholds.buy}, sell ≤ ${m.thresholds.sell})`]);
};
