import { CreateStrategySchema, ModelCardSchema, PredictRequestSchema } from '..';

const card = {
  name: 'demo-lgbm',
  version: '1',
  featureSetVersion: 'a1b2c3d4',
  features: ['ret_1', 'rsi_14'],
  target: 'sign of the 12-bar forward return',
  horizon: 12,
  threshold: { buy: 0.55, sell: 0.45 },
  metrics: { folds: [] },
  trainedAt: '2026-11-22T08:00:00Z',
  trainer: 'tradeloop_ml 0.1.0',
  dataset: { sha256: 'abc' },
};

describe('model card', () => {
  it('accepts a complete card and keeps what the trainer added', () => {
    expect(ModelCardSchema.parse(card)).toMatchObject({ dataset: { sha256: 'abc' } });
  });

  it('names every missing or malformed field', () => {
    const paths = (v: unknown) => (ModelCardSchema.safeParse(v).error?.issues ?? []).map((i) => i.path.join('.'));
    const { featureSetVersion: _, ...withoutVersion } = card;
    expect(paths(withoutVersion)).toEqual(['featureSetVersion']);
    expect(paths({ ...card, features: ['ret_1', 'ret_1'] })).toEqual(['features']);
    expect(paths({ ...card, features: [] })).toEqual(['features']);
    expect(paths({ ...card, features: ['Ret 1'] })).toEqual(['features.0']);
    expect(paths({ ...card, threshold: { buy: 0.4, sell: 0.6 } })).toEqual(['threshold']);
    expect(paths({ ...card, threshold: { buy: 1.2, sell: 0.1 } })).toEqual(['threshold.buy']);
    expect(paths({ ...card, horizon: 0 })).toEqual(['horizon']);
    expect(paths({ ...card, trainedAt: 'yesterday' })).toEqual(['trainedAt']);
  });
});

describe('predict and strategy requests', () => {
  it('predict takes a symbol or raw features, not both', () => {
    expect(PredictRequestSchema.safeParse({ symbol: 'INFY' }).success).toBe(true);
    expect(PredictRequestSchema.safeParse({ features: { ret_1: 0.1 } }).success).toBe(true);
    expect(PredictRequestSchema.safeParse({ symbol: 'INFY', features: {} }).success).toBe(false);
    expect(PredictRequestSchema.safeParse({ features: { ret_1: 'x' } }).success).toBe(false);
  });

  it('an ml-signal strategy needs a model', () => {
    const base = { name: 's', kind: 'ml-signal', symbols: ['INFY'], mode: 'paper' };
    expect(CreateStrategySchema.safeParse(base).error?.issues[0]?.path).toEqual(['modelId']);
    expect(CreateStrategySchema.safeParse({ ...base, kind: 'sma-crossover', params: { fast: 5, slow: 20 } }).success).toBe(true);
  });
});
