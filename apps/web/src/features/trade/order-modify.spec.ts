import { describe, expect, it } from 'vitest';
import { draftFor, modifyChange } from './order-modify';

const limit = { id: 'o1', type: 'LIMIT' as const, quantity: 10, price: '1400.00', triggerPrice: null };
const sl = { id: 'o2', type: 'SL' as const, quantity: 5, price: '1400.00', triggerPrice: '1395.00' };
const slm = { id: 'o3', type: 'SL-M' as const, quantity: 5, price: null, triggerPrice: '1395.00' };

describe('modifyChange', () => {
  it('is empty while the boxes hold the order’s current terms', () => {
    expect(draftFor(limit)).toEqual({ orderId: 'o1', quantity: '10', price: '1400.00', trigger: '' });
    expect(modifyChange(limit, draftFor(limit))).toEqual({});
    expect(modifyChange(sl, draftFor(sl))).toEqual({});
    expect(modifyChange(slm, draftFor(slm))).toEqual({});
  });

  it('sends only what was edited, trimmed, the quantity as a number', () => {
    expect(modifyChange(limit, { ...draftFor(limit), quantity: ' 12 ' })).toEqual({ quantity: 12 });
    expect(modifyChange(limit, { ...draftFor(limit), price: ' 1390.00 ' })).toEqual({ price: '1390.00' });
    expect(modifyChange(sl, { ...draftFor(sl), quantity: '6', trigger: '1390.00' })).toEqual({ quantity: 6, triggerPrice: '1390.00' });
  });

  it('ignores a box the order type does not have', () => {
    expect(modifyChange(limit, { ...draftFor(limit), trigger: '1390.00' })).toEqual({});
    expect(modifyChange(slm, { ...draftFor(slm), price: '1390.00' })).toEqual({});
  });
});
