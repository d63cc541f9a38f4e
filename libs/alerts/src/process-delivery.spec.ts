import type { AlertPayload } from '@tradeloop/domain';
import { quantityOf } from './process-delivery.use-case';

const payload = (size: AlertPayload['size']): AlertPayload => ({
  symbol: 'NIFTY',
  exchange: null,
  action: 'BUY',
  price: null,
  size,
  strategy: null,
  tags: [],
  alertId: null,
  interval: null,
  time: null,
  timenow: null,
  comment: null,
});

describe('quantityOf (docs/alerts.md "Processing")', () => {
  it('units as given, lots × lot size, one lot by default', () => {
    expect(quantityOf(payload({ kind: 'units', quantity: 7 }), 75, null)).toBe(7);
    expect(quantityOf(payload({ kind: 'lots', lots: 3 }), 75, null)).toBe(225);
    expect(quantityOf(payload({ kind: 'default' }), 75, null)).toBe(75);
  });

  it("never over the source's maxQuantity", () => {
    expect(quantityOf(payload({ kind: 'units', quantity: 7 }), 1, 5)).toBe(5);
    // Capped to whole lots: 3 lots of 75 under a cap of 160 is 2 lots; not one lot under 74.
    expect(quantityOf(payload({ kind: 'lots', lots: 3 }), 75, 160)).toBe(150);
    expect(quantityOf(payload({ kind: 'default' }), 75, 75)).toBe(75);
    expect(quantityOf(payload({ kind: 'default' }), 75, 74)).toBe(0);
  });
});
