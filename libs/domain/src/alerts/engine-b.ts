import type { FieldError } from '../errors';
import { contextAgent } from './agents/context';
import { mlAgent } from './agents/ml';
import { orbAgent } from './agents/orb';
import { patternAgent } from './agents/pattern';
import { riskAgent } from './agents/risk';
import { squeezeAgent } from './agents/squeeze';
import { technicalAgent } from './agents/technical';
import { AGENT_NAMES, type Agent, type AgentName, type AgentSettings, type AgentVote, type AgentWeights } from './agents/types';
import { DEFAULT_ENGINE_LIMITS, validateEngineLimits, type EngineAlert, type EngineVerdict } from './engine-a';
import type { MarketContext } from './market-context';

/**
 * Engine B, the agents (docs/alerts.md, "Engines"): every agent votes on the same context; the
 * weighted support Σ weight × support / 100 (0–100) against the entry threshold decides, and the
 * risk agent's veto overrides everything.
 */

export interface EngineBConfig extends AgentSettings {
  /** Whole percents per agent, summing to 100. */
  readonly weights: AgentWeights;
  /** ENTER when the weighted support ≥ this (0–100) and nothing vetoes. */
  readonly entryThreshold: number;
}

export const DEFAULT_AGENT_WEIGHTS: AgentWeights = Object.freeze({
  context: 20,
  technical: 25,
  risk: 30,
  orb: 10,
  pattern: 5,
  squeeze: 5,
  ml: 5,
});

export const DEFAULT_ENGINE_B_CONFIG: EngineBConfig = Object.freeze({
  weights: DEFAULT_AGENT_WEIGHTS,
  entryThreshold: 60,
  vetoThreshold: 80,
  limits: DEFAULT_ENGINE_LIMITS,
  trendLookback: 3,
  trendThresholdPct: 0.1,
  atrPctHigh: 2,
  lowBandwidthPercentile: 20,
});

export const AGENTS: Readonly<Record<AgentName, Agent>> = Object.freeze({
  context: contextAgent,
  technical: technicalAgent,
  risk: riskAgent,
  orb: orbAgent,
  pattern: patternAgent,
  squeeze: squeezeAgent,
  ml: mlAgent,
});

export interface AgentRecord extends AgentVote {
  readonly weight: number;
  /** weight × support / 100: this agent's share of the total. */
  readonly contribution: number;
}

export interface EngineBDecision {
  readonly engine: 'B';
  readonly decision: EngineVerdict;
  /** Σ weight × support / 100, 0–100 (exact to the hundredth: weights and supports are whole numbers). */
  readonly total: number;
  readonly entryThreshold: number;
  readonly veto: boolean;
  /** Why the risk agent vetoed (empty when it did not). */
  readonly vetoReasons: readonly string[];
  /** Every agent, in AGENT_NAMES order. */
  readonly agents: readonly AgentRecord[];
  readonly at: number;
}

/** Runs every agent and the meta decision. The config is assumed valid (validateEngineBConfig). */
export function decideEngineB(alert: EngineAlert, ctx: MarketContext, config: EngineBConfig = DEFAULT_ENGINE_B_CONFIG): EngineBDecision {
  let sum = 0;
  let veto = false;
  let vetoReasons: readonly string[] = [];
  const agents = AGENT_NAMES.map((name): AgentRecord => {
    const v = AGENTS[name](alert, ctx, config);
    const weight = config.weights[name];
    sum += weight * v.support;
    if (v.veto === true) {
      veto = true;
      vetoReasons = v.reasons.filter((r) => r.startsWith('veto: ')).map((r) => r.slice('veto: '.length));
    }
    return { ...v, weight, contribution: (weight * v.support) / 100 };
  });
  // Compared in whole hundredths, so equality at the threshold is exact.
  const enter = !veto && sum >= config.entryThreshold * 100;
  return {
    engine: 'B',
    decision: enter ? 'ENTER' : 'SKIP',
    total: sum / 100,
    entryThreshold: config.entryThreshold,
    veto,
    vetoReasons,
    agents,
    at: ctx.now,
  };
}

const isWhole = (n: unknown, min: number, max: number): boolean => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
const isPositive = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** Field-named problems with an engine B config; empty when valid (used by PUT /api/v1/engines/config). */
export function validateEngineBConfig(config: EngineBConfig): FieldError[] {
  if (typeof config !== 'object' || config === null) return [{ field: '', message: 'must be an object' }];
  const errors: FieldError[] = [];
  const weights: unknown = config.weights;
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights))
    errors.push({ field: 'weights', message: 'must be an object of whole percents per agent' });
  else {
    const w = weights as Readonly<Record<string, unknown>>;
    let total = 0;
    let wholeWeights = true;
    for (const name of AGENT_NAMES) {
      if (!isWhole(w[name], 0, 100)) {
        errors.push({ field: `weights.${name}`, message: 'must be a whole percent from 0 to 100' });
        wholeWeights = false;
      } else total += w[name] as number;
    }
    for (const key of Object.keys(w))
      if (!(AGENT_NAMES as readonly string[]).includes(key)) errors.push({ field: `weights.${key}`, message: 'is not an agent' });
    if (wholeWeights && total !== 100) errors.push({ field: 'weights', message: `must sum to 100 (they sum to ${total})` });
  }
  if (!isWhole(config.entryThreshold, 0, 100)) errors.push({ field: 'entryThreshold', message: 'must be a whole number from 0 to 100' });
  if (!isWhole(config.vetoThreshold, 0, 100)) errors.push({ field: 'vetoThreshold', message: 'must be a whole number from 0 to 100' });
  if (!isWhole(config.trendLookback, 1, 100)) errors.push({ field: 'trendLookback', message: 'must be a whole number from 1 to 100' });
  if (!(typeof config.trendThresholdPct === 'number' && config.trendThresholdPct >= 0 && config.trendThresholdPct <= 100))
    errors.push({ field: 'trendThresholdPct', message: 'must be a percent from 0 to 100' });
  if (!isPositive(config.atrPctHigh) || config.atrPctHigh > 100)
    errors.push({ field: 'atrPctHigh', message: 'must be a percent above 0 and at most 100' });
  if (!(typeof config.lowBandwidthPercentile === 'number' && config.lowBandwidthPercentile >= 0 && config.lowBandwidthPercentile <= 100))
    errors.push({ field: 'lowBandwidthPercentile', message: 'must be a percentile from 0 to 100' });
  return [...errors, ...validateEngineLimits(config.limits, 'limits')];
}
