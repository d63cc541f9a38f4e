import { describe, expect, it } from 'vitest';
import {
  checkBacktestForm,
  formFieldOf,
  parseIntList,
  sweepCount,
  sweptFields,
  toLocalInput,
  type BacktestFormValues,
} from './backtest-form';

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
  outOfSamplePct: '30',
};

describe('checkBacktestForm', () => {
  it('builds the request the API takes: numbers, ISO instants, rupee capital with 2 places', () => {
    const { errors, request } = checkBacktestForm(base);
    expect(errors).toEqual({});
    expect(request).toEqual({
      strategy: { kind: 'sma-crossover', params: { allowShort: false, quantity: 2, fast: 5, slow: 20 } },
      symbols: ['RELIANCE'],
      timeframe: '5m',
      // The boxes are wall times in the display zone (IST by default): 09:15 IST is 03:45 UTC.
      from: '2026-12-01T03:45:00.000Z',
      to: '2026-12-05T10:00:00.000Z',
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

describe('sweeps in the form', () => {
  it('reads a number, a list or a range with a step', () => {
    expect(parseIntList('5', 500)).toEqual({ values: [5] });
    expect(parseIntList(' 20, 5,10 ,10', 500)).toEqual({ values: [5, 10, 20] });
    expect(parseIntList('5-20 step 5', 500)).toEqual({ values: [5, 10, 15, 20] });
    expect(parseIntList('5-8', 500)).toEqual({ values: [5, 6, 7, 8] });
    expect(parseIntList('5-21 STEP 5', 500)).toEqual({ values: [5, 10, 15, 20] });
    expect(parseIntList('20-5', 500)).toHaveProperty('error');
    expect(parseIntList('5-20 step 0', 500)).toHaveProperty('error');
    expect(parseIntList('5,x', 500)).toHaveProperty('error');
    expect(parseIntList('1-1000', 5000)).toEqual({ error: 'at most 100 values' });
    expect(parseIntList('5,600', 500)).toEqual({ error: 'at most 500' });
  });

  it('counts the combinations and sends lists with the out-of-sample share', () => {
    const v = { ...base, fast: '5,10,15', slow: '20-40 step 10' };
    expect(sweepCount(v)).toBe(9);
    expect(sweepCount({ ...v, fast: 'x' })).toBe(0);
    expect(sweepCount(base)).toBe(1);
    const { errors, request } = checkBacktestForm(v);
    expect(errors).toEqual({});
    expect(request!.strategy.params).toMatchObject({ fast: [5, 10, 15], slow: [20, 30, 40] });
    expect(request!.outOfSample).toBe(0.3);
    // A single backtest sends numbers and no outOfSample.
    const single = checkBacktestForm(base).request!;
    expect(single.strategy.params).toMatchObject({ fast: 5, slow: 20 });
    expect(single).not.toHaveProperty('outOfSample');
  });

  it('sweeps the quantity of either kind: a list or range of quantities, counted with fast × slow', () => {
    expect(sweepCount({ ...base, quantity: '1,2' })).toBe(2);
    expect(sweepCount({ ...base, fast: '5,10', quantity: '1-3' })).toBe(6);
    expect(sweepCount({ ...base, quantity: '0' })).toBe(0);
    expect(sweptFields({ ...base, fast: '5,10', quantity: '1-3' })).toEqual(['fast', 'quantity']);
    expect(sweptFields({ ...base, kind: 'ml-signal', fast: '5,10', quantity: '1,2' })).toEqual(['quantity']);
    expect(sweptFields(base)).toEqual([]);
    const sma = checkBacktestForm({ ...base, quantity: '2,1' });
    expect(sma.errors).toEqual({});
    expect(sma.request!.strategy.params).toEqual({ allowShort: false, quantity: [1, 2], fast: 5, slow: 20 });
    expect(sma.request!.outOfSample).toBe(0.3);
    const ml = { ...base, kind: 'ml-signal' as const, modelId: '00000000-0000-4000-8000-000000000001', quantity: '1-3', allowShort: true };
    expect(sweepCount(ml)).toBe(3);
    const r = checkBacktestForm(ml);
    expect(r.errors).toEqual({});
    expect(r.request!.strategy).toEqual({ kind: 'ml-signal', modelId: ml.modelId, params: { allowShort: true, quantity: [1, 2, 3] } });
    expect(r.request!.outOfSample).toBe(0.3);
    expect(sweepCount({ ...ml, quantity: '2' })).toBe(1);
    expect(checkBacktestForm({ ...ml, quantity: '2' }).request!.strategy.params).toEqual({ allowShort: true, quantity: 2 });
    expect(checkBacktestForm({ ...ml, quantity: '1,x' }).errors['strategy.params.quantity']).toMatch(/commas/);
  });

  it('refuses a grid with any fast not below a slow, and a bad out-of-sample share', () => {
    expect(checkBacktestForm({ ...base, fast: '5,25', slow: '20,30' }).errors['strategy.params.fast']).toMatch(
      /every combination \(25 ≥ 20\)/,
    );
    expect(checkBacktestForm({ ...base, fast: '5,10', outOfSamplePct: '100' }).errors.outOfSample).toBeDefined();
    expect(checkBacktestForm({ ...base, outOfSamplePct: '100' }).errors).toEqual({});
  });
});

describe('toLocalInput', () => {
  it("writes an instant as the display zone's wall time (IST by default), the inverse of what the boxes read", () => {
    expect(toLocalInput(Date.parse('2026-12-01T03:45:00Z'))).toBe('2026-12-01T09:15');
    expect(toLocalInput(Date.parse('2026-12-31T20:00:00Z'))).toBe('2027-01-01T01:30');
  });
});
