import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api-error';
import { fieldProblem, isUnder } from './field-errors';

const refusal = (fieldErrors: { field: string; message: string }[]) =>
  new ApiError({ status: 400, code: 'VALIDATION_FAILED', detail: 'This engine configuration cannot be saved', fieldErrors });

describe('fieldProblem', () => {
  it('puts each error under the most specific field of the form, items by their number', () => {
    const p = fieldProblem(
      refusal([
        { field: 'b.weights', message: 'must sum to 100 (they sum to 110)' },
        { field: 'b.weights.ml', message: 'must be a whole percent from 0 to 100' },
        { field: 'symbols.2', message: 'no active instrument FOO' },
        { field: 'a.allowedSymbols[0]', message: 'must be an upper-case symbol' },
      ]),
      ['b.weights', 'b.weights.ml', 'symbols', 'a.allowedSymbols'],
    );
    expect(p.messagesFor('b.weights')).toEqual(['must sum to 100 (they sum to 110)']);
    expect(p.messagesFor('b.weights.ml')).toEqual(['must be a whole percent from 0 to 100']);
    expect(p.messagesFor('symbols')).toEqual(['item 3: no active instrument FOO']);
    expect(p.messagesFor('a.allowedSymbols')).toEqual(['item 1: must be an upper-case symbol']);
    expect(p.banner).toBeNull();
  });

  it('a refusal no field claims is a banner', () => {
    expect(fieldProblem(refusal([{ field: 'other', message: 'x' }]), ['name']).banner).toMatch(/other: x$/);
    expect(fieldProblem(new Error('boom'), ['name']).banner).not.toBeNull();
    expect(fieldProblem(null, ['name']).banner).toBeNull();
  });

  it('isUnder matches the path and what is inside it, not a longer name', () => {
    expect(isUnder('symbols', 'symbols')).toBe(true);
    expect(isUnder('symbols.0', 'symbols')).toBe(true);
    expect(isUnder('symbolsX', 'symbols')).toBe(false);
  });
});
