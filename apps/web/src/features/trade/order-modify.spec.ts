import { describe, expect, it } from 'vitest';
import { draftFor, modifyChange, modifyQuantityProblem } from './order-modify';

const limit = { id: 'o1', type: 'LIMIT' as const, quantity: 10, price: '1400.00', triggerPrice: null };
const sl = { id: 'o2', type: 'SL' as const, quantity: 5, price: '1400.00', triggerPrice: '1395.00' };
const slm = { id: 'o3', type: 'SL-M' as const, quantity: 5, price: null, triggerPrice: '1395.00' };
const option = { id: 'o4', type: 'LIMIT' as const, quantity: 130, price: '120.50', triggerPrice: null };

describe('modifyChange', () => {
  it('is empty while the boxes hold the order’s current terms', () => {
    expect(draftFor(limit, 1)).toEqual({ orderId: 'o1', lots: '10', price: '1400.00', trigger: '' });
    expect(modifyChange(limit, draftFor(limit, 1), 1)).toEqual({});
    expect(modifyChange(sl, draftFor(sl, 1), 1)).toEqual({});
    expect(modifyChange(slm, draftFor(slm, 1), 1)).toEqual({});
  });

  it('counts lots as the ticket does and sends units', () => {
    expect(draftFor(option, 65).lots).toBe('2');
    expect(modifyChange(option, { ...draftFor(option, 65), lots: '3' }, 65)).toEqual({ quantity: 195 });
    expect(modifyChange(option, draftFor(option, 65), 65)).toEqual({});
  });

  it('sends only what was edited, trimmed, the quantity as a number', () => {
    expect(modifyChange(limit, { ...draftFor(limit, 1), lots: ' 12 ' }, 1)).toEqual({ quantity: 12 });
    expect(modifyChange(limit, { ...draftFor(limit, 1), price: ' 1390.00 ' }, 1)).toEqual({ price: '1390.00' });
    expect(modifyChange(sl, { ...draftFor(sl, 1), lots: '6', trigger: '1390.00' }, 1)).toEqual({ quantity: 6, triggerPrice: '1390.00' });
  });

  it('ignores a box the order type does not have', () => {
    expect(modifyChange(limit, { ...draftFor(limit, 1), trigger: '1390.00' }, 1)).toEqual({});
    expect(modifyChange(slm, { ...draftFor(slm, 1), price: '1390.00' }, 1)).toEqual({});
  });
});

describe('modifyQuantityProblem', () => {
  const draft = (lots: string) => ({ ...draftFor(option, 65), lots });

  it('wants a whole number of lots, at least 1', () => {
    for (const lots of ['0', '', ' ', '1.5', '-1', 'two', '1e3']) {
      expect(modifyQuantityProblem({ filledQuantity: 0 }, draft(lots), 65), lots).toBe('Enter a whole number of lots, at least 1');
    }
    expect(modifyQuantityProblem({ filledQuantity: 0 }, draft('1'), 65)).toBeNull();
  });

  it('wants more than has filled, said in lots', () => {
    expect(modifyQuantityProblem({ filledQuantity: 65 }, draft('1'), 65)).toBe('At least 2 lots: 1 is already filled');
    expect(modifyQuantityProblem({ filledQuantity: 130 }, draft('2'), 65)).toBe('At least 3 lots: 2 are already filled');
    expect(modifyQuantityProblem({ filledQuantity: 65 }, draft('2'), 65)).toBeNull();
  });
});
