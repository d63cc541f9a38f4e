import type { EngineAlert, EngineLimits, EngineVerdict } from '../engine-a';
import type { MarketContext } from '../market-context';

/** Engine B's agents, in the order the decision record lists them (docs/alerts.md, "Engines"). */
export const AGENT_NAMES = ['context', 'technical', 'risk', 'orb', 'pattern', 'squeeze', 'ml'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export type AgentWeights = { readonly [K in AgentName]: number };

/** What each agent reads from the engine B config besides the context. */
export interface AgentSettings {
  readonly limits: EngineLimits;
  /** Risk score above which the risk agent vetoes (0–100). */
  readonly vetoThreshold: number;
  /** Context agent: the higher timeframe's trend is the change over this many of its closed candles. */
  readonly trendLookback: number;
  /** Context agent: |change| ≥ this percent is a trend (UP / DOWN), else FLAT. */
  readonly trendThresholdPct: number;
  /** Risk agent: ATR as a percent of the close at which the volatility score is 100. */
  readonly atrPctHigh: number;
  /** Squeeze agent: a bandwidth percentile at or below this is "low" (coiled). */
  readonly lowBandwidthPercentile: number;
}

export interface AgentVote {
  readonly agent: AgentName;
  readonly vote: EngineVerdict;
  /** Confidence in its own vote, 0–100 (an ENTER vote's support; a SKIP vote's 100 − support). */
  readonly confidence: number;
  /** Support for entering in the alert's direction, 0–100 (50 is neutral). */
  readonly support: number;
  readonly reasons: readonly string[];
  /** Risk agent only: its risk score 0–100 and whether it vetoes. */
  readonly riskScore?: number;
  readonly veto?: boolean;
}

export type Agent = (alert: EngineAlert, ctx: MarketContext, settings: AgentSettings) => AgentVote;

/** +1 for a BUY alert, −1 for a SELL alert: the sign that makes a move "in the alert's direction". */
export const directionOf = (alert: EngineAlert): 1 | -1 => (alert.action === 'BUY' ? 1 : -1);

/**
 * A vote from a support: support is clamped to [0, 100] and rounded half up to a whole number;
 * ENTER when support > 50 (a tie is no recommendation to enter), confidence = support for ENTER,
 * 100 − support for SKIP.
 */
export function voteOf(agent: AgentName, support: number, reasons: readonly string[]): AgentVote {
  const s = Math.min(100, Math.max(0, Math.floor(support + 0.5)));
  const vote: EngineVerdict = s > 50 ? 'ENTER' : 'SKIP';
  return { agent, vote, confidence: vote === 'ENTER' ? s : 100 - s, support: s, reasons };
}

/** The last element of a list, or undefined. */
export const lastOf = <T>(xs: readonly T[]): T | undefined => xs[xs.length - 1];
