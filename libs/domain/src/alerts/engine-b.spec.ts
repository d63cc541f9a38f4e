import { AGENT_NAMES, type AgentWeights } from './agents';
import {
  AGENTS,
  decideEngineB,
  DEFAULT_AGENT_WEIGHTS,
  DEFAULT_ENGINE_B_CONFIG,
  validateEngineBConfig,
  type EngineBConfig,
} from './engine-b';
import { buy, candle, ctx, ind, sell } from './engines.fixture';

// ctx() with buy(10): context 50 (midday, no trend), technical 50, orb 50, pattern 50, squeeze 50, ml 50 (no model);
// risk with the default limits (5 positions, ₹5,00,000): volatility 50, exposure 5, positions 20 → score 31, support 69.
const config = (over: Partial<EngineBConfig> = {}): EngineBConfig => ({ ...DEFAULT_ENGINE_B_CONFIG, ...over });
const only = (agent: keyof AgentWeights): AgentWeights =>
  Object.fromEntries(AGENT_NAMES.map((n) => [n, n === agent ? 100 : 0])) as unknown as AgentWeights;

describe('engine B', () => {
  it('records every agent in order with its vote, weight, confidence, reasons and contribution', () => {
    const d = decideEngineB(buy(), ctx(), config());
    expect(d.engine).toBe('B');
    expect(d.agents.map((a) => a.agent)).toEqual([...AGENT_NAMES]);
    expect(d.agents.map((a) => a.weight)).toEqual([20, 25, 30, 10, 5, 5, 5]);
    expect(d.agents.map((a) => a.support)).toEqual([50, 50, 69, 50, 50, 50, 50]);
    for (const a of d.agents) {
      expect(a.contribution).toBe((a.weight * a.support) / 100);
      expect(a.reasons.length).toBeGreaterThan(0);
      expect(a.confidence).toBe(a.vote === 'ENTER' ? a.support : 100 - a.support);
    }
    expect(d.agents[2]).toMatchObject({ riskScore: 31, veto: false, vote: 'ENTER', confidence: 69 });
    // 20·50 + 25·50 + 30·69 + 10·50 + 5·50 + 5·50 + 5·50 = 5,570 → 55.7.
    expect(d.total).toBe(55.7);
    expect(d.entryThreshold).toBe(60);
    expect(d.decision).toBe('SKIP');
    expect(d.veto).toBe(false);
    expect(d.vetoReasons).toEqual([]);
    expect(d.at).toBe(ctx().now);
  });

  it('enters at the threshold exactly and not a hundredth below', () => {
    expect(decideEngineB(buy(), ctx(), config({ entryThreshold: 55 })).decision).toBe('ENTER');
    // All the weight on risk: total = 69.
    expect(decideEngineB(buy(), ctx(), config({ weights: only('risk'), entryThreshold: 69 }))).toMatchObject({
      total: 69,
      decision: 'ENTER',
    });
    expect(decideEngineB(buy(), ctx(), config({ weights: only('risk'), entryThreshold: 70 }))).toMatchObject({
      total: 69,
      decision: 'SKIP',
    });
    // Threshold 0 enters whatever the votes.
    expect(decideEngineB(buy(), ctx(), config({ weights: only('context'), entryThreshold: 0 })).decision).toBe('ENTER');
  });

  it('weights decide: the same votes with the weight on one agent give that agent’s support', () => {
    const bullish = ctx({ indicators: [ind({ emaFast: 101, emaSlow: 100, macdHistogram: 1, rsi: 60 })] });
    expect(decideEngineB(buy(), bullish, config({ weights: only('technical') }))).toMatchObject({ total: 100, decision: 'ENTER' });
    expect(decideEngineB(sell(), bullish, config({ weights: only('technical') }))).toMatchObject({ total: 0, decision: 'SKIP' });
  });

  it('the risk veto overrides any total', () => {
    const full = ctx({ positions: { openCount: 5, exposure: 0n, symbolOpen: false } });
    const d = decideEngineB(buy(), full, config({ entryThreshold: 0 }));
    expect(d.decision).toBe('SKIP');
    expect(d.veto).toBe(true);
    expect(d.vetoReasons).toEqual(['5 open positions; one more would exceed the limit of 5']);
    expect(d.agents[2]).toMatchObject({ agent: 'risk', veto: true, support: 0, vote: 'SKIP', confidence: 100 });
    // A veto with the risk agent weighted 0 still vetoes.
    expect(decideEngineB(buy(), full, config({ weights: only('ml'), entryThreshold: 0 })).decision).toBe('SKIP');
  });

  it('a veto by the risk score names the score', () => {
    const wild = ctx({ candles: [candle(0, 100, 100, 100, 100)], indicators: [ind({ atr: 10 })] }); // ATR 10 % of the close: volatility 100
    const d = decideEngineB(buy(), wild, config({ vetoThreshold: 50 }));
    expect(d.veto).toBe(true);
    expect(d.vetoReasons).toEqual([`risk score ${d.agents[2]!.riskScore} is above the veto threshold 50`]);
  });

  it('is deterministic: the same inputs give the same record', () => {
    expect(decideEngineB(buy(), ctx(), config())).toEqual(decideEngineB(buy(), ctx(), config()));
  });

  it('runs the registered agent for each name', () => {
    const d = decideEngineB(sell(), ctx(), config());
    for (const a of d.agents) expect(AGENTS[a.agent](sell(), ctx(), config())).toMatchObject({ support: a.support, vote: a.vote });
  });
});

describe('validateEngineBConfig', () => {
  it('accepts the defaults (20/25/30/10/5/5/5)', () => {
    expect(DEFAULT_AGENT_WEIGHTS).toEqual({ context: 20, technical: 25, risk: 30, orb: 10, pattern: 5, squeeze: 5, ml: 5 });
    expect(validateEngineBConfig(DEFAULT_ENGINE_B_CONFIG)).toEqual([]);
    expect(validateEngineBConfig(config({ weights: only('pattern') }))).toEqual([]);
  });

  const fields = (over: Partial<EngineBConfig>) => validateEngineBConfig(config(over)).map((e) => e.field);
  const w = (over: Record<string, unknown>) => ({ ...DEFAULT_AGENT_WEIGHTS, ...over }) as unknown as AgentWeights;

  it('weights must sum to 100', () => {
    expect(validateEngineBConfig(config({ weights: w({ ml: 6 }) }))).toEqual([
      { field: 'weights', message: 'must sum to 100 (they sum to 101)' },
    ]);
    expect(fields({ weights: w({ ml: 4 }) })).toEqual(['weights']);
    expect(fields({ weights: w({ ml: 0 }) })).toEqual(['weights']);
  });

  it.each([
    ['a negative weight', { risk: -30, ml: 65 }, ['weights.risk']],
    ['a fractional weight', { ml: 4.5, squeeze: 5.5 }, ['weights.squeeze', 'weights.ml']],
    ['a weight over 100', { ml: 105 }, ['weights.ml']],
    ['a missing agent', { ml: undefined }, ['weights.ml']],
    ['a string weight', { ml: '5' }, ['weights.ml']],
    ['an unknown agent', { news: 0 }, ['weights.news']],
  ])('names the field for %s (no sum error on top)', (_name, over, expected) => {
    expect(fields({ weights: w(over) })).toEqual(expected);
  });

  it.each([
    ['entryThreshold', { entryThreshold: 101 }],
    ['entryThreshold', { entryThreshold: 60.5 }],
    ['vetoThreshold', { vetoThreshold: -1 }],
    ['trendLookback', { trendLookback: 0 }],
    ['trendThresholdPct', { trendThresholdPct: -0.1 }],
    ['atrPctHigh', { atrPctHigh: 0 }],
    ['lowBandwidthPercentile', { lowBandwidthPercentile: 101 }],
    ['limits.maxOpenPositions', { limits: { maxOpenPositions: 0, maxExposure: 1n } }],
    ['limits.maxExposure', { limits: { maxOpenPositions: 1, maxExposure: -1n } }],
  ] as [string, Partial<EngineBConfig>][])('names %s', (field, over) => {
    expect(fields(over)).toEqual([field]);
  });

  it('names a weights value that is not an object, once', () => {
    expect(fields({ weights: [20, 25, 30, 10, 5, 5, 5] as unknown as AgentWeights })).toEqual(['weights']);
    expect(fields({ weights: null as unknown as AgentWeights })).toEqual(['weights']);
    expect(validateEngineBConfig(undefined as unknown as EngineBConfig)).toEqual([{ field: '', message: 'must be an object' }]);
  });

  it('accepts the edges 0 and 100 of the thresholds', () => {
    expect(fields({ entryThreshold: 0, vetoThreshold: 100 })).toEqual([]);
    expect(fields({ entryThreshold: 100, vetoThreshold: 0 })).toEqual([]);
  });
});
