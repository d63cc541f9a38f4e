import { describe, expect, it } from 'vitest';
import { checkBacktestForm, formFieldOf, type BacktestFormValues } from './backtest-form';

const base: BacktestFormValues = {
  kind: 'sma-crossover',
  fast: '5',
  slow: '20',
  quantity: '2',
  allowShort: false,
  modelId: '',
  symbols: ['RELIANCE'],
  timeframe: '5m',
  from: '2026-12-01T09:15',
  to: '2026-12-05T15:30',
  fillAt: 'next_open',
  slippageBps: '0',
  maxParticipation: '',
  fees: true,
  initialCapital: '100000',
};

describe('checkBacktestForm', () => {
  it('builds the request the API takes: numbers, ISO instants, rupee capital with 2 places', () => {
    const { errors, request } = checkBacktestForm(base);
    expect(errors).toEqual({});
    expect(request).toEqual({
      strategy: { kind: 'sma-crossover', params: { allowShort: false, quantity: 2, fast: 5, slow: 20 } },
      symbols: ['RELIANCE'],
      timeframe: '5m',
      from: new Date('2026-12-01T09:15').toISOString(),
      to: new Date('2026-12-05T15:30').toISOString(),
      fillModel: { at: 'next_open', slippageBps: 0 },
      fees: true,
      initialCapital: '100000.00',
    });
  });

  it('refuses fast ≥ slow and non-positive or fractional integers, naming the server field', () => {
    expect(checkBacktestForm({ ...base, fast: '20' }).errors).toEqual({ 'strategy.params.fast': 'fast must be shorter than slow' });
    const { errors, request } = checkBacktestForm({ ...base, fast: '0', slow: '2.5', quantity: '-1' });
    expect(request).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['strategy.params.fast', 'strategy.params.quantity', 'strategy.params.slow']);
  });

  it('needs a model for ml-signal and sends no fast/slow for it', () => {
    expect(checkBacktestForm({ ...base, kind: 'ml-signal' }).errors).toEqual({ 'strategy.modelId': expect.any(String) });
    const id = '0192f0c4-7a1b-7c3d-8e4f-5a6b7c8d9e0f';
    expect(checkBacktestForm({ ...base, kind: 'ml-signal', modelId: id }).request?.strategy).toEqual({
      kind: 'ml-signal',
      params: { allowShort: false, quantity: 2 },
      modelId: id,
    });
  });

  it('checks symbols, the range, the fill model and the capital', () => {
    const { errors } = checkBacktestForm({
      ...base,
      symbols: [],
      from: '2026-12-05T15:30',
      to: '2026-12-01T09:15',
      slippageBps: '1001',
      maxParticipation: '1.5',
      initialCapital: '0',
    });
    expect(Object.keys(errors).sort()).toEqual([
      'fillModel.maxParticipation',
      'fillModel.slippageBps',
      'from',
      'initialCapital',
      'symbols',
    ]);
    expect(checkBacktestForm({ ...base, maxParticipation: '0.1', slippageBps: '5' }).request?.fillModel).toEqual({
      at: 'next_open',
      slippageBps: 5,
      maxParticipation: 0.1,
    });
  });
});

describe('formFieldOf', () => {
  it('puts a server field error on the nearest field the form has', () => {
    expect(formFieldOf('symbols.1')).toBe('symbols');
    expect(formFieldOf('strategy.params.fast')).toBe('strategy.params.fast');
    expect(formFieldOf('strategy.params.timeframe')).toBe('timeframe');
    expect(formFieldOf('to')).toBe('to');
  });
});
