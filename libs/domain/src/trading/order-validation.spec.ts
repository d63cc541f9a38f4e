import { DomainError, type FieldError } from '../errors';
import type { Instrument } from '../market';
import { applyOrderEvent, newOrder, validateModification, validateOrder, type OrderRequest } from '.';

const RELIANCE: Instrument = {
  symbol: 'RELIANCE',
  exchange: 'NSE',
  name: 'Reliance Industries',
  instrumentType: 'EQ',
  lotSize: 1,
  tickSize: 500,
};
const NIFTY: Instrument = { symbol: 'NIFTY', exchange: 'NSE', name: 'Nifty 50', instrumentType: 'INDEX', lotSize: 1, tickSize: 500 };
const NIFTY_FUT: Instrument = {
  symbol: 'NIFTY26NOVFUT',
  exchange: 'NFO',
  name: 'Nifty future',
  instrumentType: 'FUT',
  lotSize: 65,
  tickSize: 1000,
  expiry: '2026-11-24',
  underlying: 'NIFTY',
};
const NIFTY_PE: Instrument = {
  symbol: 'NIFTY26NOV25000PE',
  exchange: 'NFO',
  name: 'Nifty 25000 PE',
  instrumentType: 'PE',
  lotSize: 65,
  tickSize: 500,
  expiry: '2026-11-24',
  strike: 250_000_000,
  underlying: 'NIFTY',
};

const BUY_LIMIT: OrderRequest = { side: 'BUY', type: 'LIMIT', product: 'CNC', quantity: 10, price: 14_200_000 };

function fieldErrors(action: () => unknown): FieldError[] {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('VALIDATION_FAILED');
    return (e as DomainError).options.fieldErrors ?? [];
  }
  throw new Error('expected VALIDATION_FAILED');
}
const fieldsOf = (action: () => unknown) => fieldErrors(action).map((e) => e.field);

describe('validateOrder: the four order types', () => {
  it('accepts a LIMIT order and defaults validity to DAY', () => {
    expect(validateOrder(BUY_LIMIT, RELIANCE)).toEqual({
      side: 'BUY',
      type: 'LIMIT',
      product: 'CNC',
      validity: 'DAY',
      quantity: 10,
      price: 14_200_000,
      triggerPrice: null,
    });
  });
  it('MARKET: no price, no trigger', () => {
    expect(validateOrder({ side: 'SELL', type: 'MARKET', product: 'MIS', quantity: 5, validity: 'IOC' }, RELIANCE)).toMatchObject({
      price: null,
      triggerPrice: null,
      validity: 'IOC',
    });
    expect(
      fieldsOf(() =>
        validateOrder({ side: 'SELL', type: 'MARKET', product: 'MIS', quantity: 5, price: 14_200_000, triggerPrice: 14_000_000 }, RELIANCE),
      ),
    ).toEqual(['price', 'triggerPrice']);
  });
  it('LIMIT needs a price and takes no trigger', () => {
    expect(fieldErrors(() => validateOrder({ ...BUY_LIMIT, price: null }, RELIANCE))).toEqual([
      { field: 'price', message: 'is required for LIMIT orders' },
    ]);
    expect(fieldsOf(() => validateOrder({ ...BUY_LIMIT, triggerPrice: 14_000_000 }, RELIANCE))).toEqual(['triggerPrice']);
  });
  it('SL needs price and trigger; SL-M needs a trigger and takes no price', () => {
    expect(fieldsOf(() => validateOrder({ side: 'SELL', type: 'SL', product: 'CNC', quantity: 1 }, RELIANCE))).toEqual([
      'price',
      'triggerPrice',
    ]);
    expect(
      validateOrder({ side: 'SELL', type: 'SL', product: 'CNC', quantity: 1, price: 13_900_000, triggerPrice: 14_000_000 }, RELIANCE),
    ).toMatchObject({ price: 13_900_000, triggerPrice: 14_000_000 });
    expect(fieldsOf(() => validateOrder({ side: 'SELL', type: 'SL-M', product: 'CNC', quantity: 1 }, RELIANCE))).toEqual(['triggerPrice']);
    expect(
      fieldsOf(() =>
        validateOrder({ side: 'SELL', type: 'SL-M', product: 'CNC', quantity: 1, price: 1_000, triggerPrice: 14_000_000 }, RELIANCE),
      ),
    ).toEqual(['price']);
    expect(validateOrder({ side: 'BUY', type: 'SL-M', product: 'MIS', quantity: 1, triggerPrice: 14_500_000 }, RELIANCE)).toMatchObject({
      price: null,
      triggerPrice: 14_500_000,
    });
  });
  it('refuses unknown enum values by field', () => {
    const bad = { side: 'HOLD', type: 'STOP', product: 'MTF', validity: 'GTC', quantity: 1 } as unknown as OrderRequest;
    expect(fieldsOf(() => validateOrder(bad, RELIANCE))).toEqual(['side', 'type', 'validity', 'product']);
  });
});

describe('validateOrder: quantity and prices', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('quantity %s is refused', (quantity) => {
    expect(fieldErrors(() => validateOrder({ ...BUY_LIMIT, quantity }, RELIANCE))).toEqual([
      { field: 'quantity', message: 'must be a positive whole number of units' },
    ]);
  });
  it('whole lots are the risk rule LOT_SIZE, not a field check', () => {
    const fut = { side: 'BUY', type: 'MARKET', product: 'NRML', quantity: 100 } as const;
    expect(validateOrder(fut, NIFTY_FUT).quantity).toBe(100);
    expect(validateOrder({ ...fut, quantity: 130 }, NIFTY_FUT).quantity).toBe(130);
  });
  it('prices must be positive and on the tick size', () => {
    expect(fieldErrors(() => validateOrder({ ...BUY_LIMIT, price: 14_200_100 }, RELIANCE))).toEqual([
      { field: 'price', message: 'must be a multiple of the tick size (0.05)' },
    ]);
    // Futures tick at 0.10.
    expect(
      fieldsOf(() => validateOrder({ side: 'BUY', type: 'LIMIT', product: 'NRML', quantity: 65, price: 259_500_500 }, NIFTY_FUT)),
    ).toEqual(['price']);
    expect(validateOrder({ side: 'BUY', type: 'LIMIT', product: 'NRML', quantity: 65, price: 259_501_000 }, NIFTY_FUT).price).toBe(
      259_501_000,
    );
    for (const price of [0, -500, 1.5])
      expect(fieldErrors(() => validateOrder({ ...BUY_LIMIT, price }, RELIANCE))).toEqual([
        { field: 'price', message: 'must be a positive price' },
      ]);
    expect(
      fieldsOf(() => validateOrder({ side: 'SELL', type: 'SL-M', product: 'CNC', quantity: 1, triggerPrice: 14_000_001 }, RELIANCE)),
    ).toEqual(['triggerPrice']);
  });
  it('lists every problem at once', () => {
    expect(fieldsOf(() => validateOrder({ side: 'BUY', type: 'LIMIT', product: 'NRML', quantity: 0, price: 3 }, RELIANCE))).toEqual([
      'product',
      'quantity',
      'price',
    ]);
  });
});

describe('validateOrder: triggers', () => {
  const sl = (side: 'BUY' | 'SELL', price: number, triggerPrice: number): OrderRequest => ({
    side,
    type: 'SL',
    product: 'MIS',
    quantity: 1,
    price,
    triggerPrice,
  });
  it('a BUY stop-limit triggers at or below its limit; a SELL at or above', () => {
    expect(validateOrder(sl('BUY', 14_300_000, 14_300_000), RELIANCE).triggerPrice).toBe(14_300_000);
    expect(validateOrder(sl('BUY', 14_300_000, 14_250_000), RELIANCE).triggerPrice).toBe(14_250_000);
    expect(fieldErrors(() => validateOrder(sl('BUY', 14_300_000, 14_350_000), RELIANCE))).toEqual([
      { field: 'triggerPrice', message: 'must not be above the limit price for a BUY stop-loss' },
    ]);
    expect(validateOrder(sl('SELL', 14_000_000, 14_050_000), RELIANCE).triggerPrice).toBe(14_050_000);
    expect(fieldErrors(() => validateOrder(sl('SELL', 14_000_000, 13_950_000), RELIANCE))).toEqual([
      { field: 'triggerPrice', message: 'must not be below the limit price for a SELL stop-loss' },
    ]);
  });
  it('given the LTP, a BUY stop must wait for a rise and a SELL stop for a fall', () => {
    const ltp = 14_200_000;
    expect(validateOrder(sl('BUY', 14_300_000, 14_250_000), RELIANCE, { ltp }).triggerPrice).toBe(14_250_000);
    expect(fieldErrors(() => validateOrder(sl('BUY', 14_300_000, 14_200_000), RELIANCE, { ltp }))).toEqual([
      { field: 'triggerPrice', message: 'must be above the last traded price (1420.00) for a BUY stop-loss' },
    ]);
    expect(
      fieldsOf(() =>
        validateOrder({ side: 'SELL', type: 'SL-M', product: 'MIS', quantity: 1, triggerPrice: 14_200_000 }, RELIANCE, { ltp }),
      ),
    ).toEqual(['triggerPrice']);
    expect(
      validateOrder({ side: 'SELL', type: 'SL-M', product: 'MIS', quantity: 1, triggerPrice: 14_150_000 }, RELIANCE, { ltp }).triggerPrice,
    ).toBe(14_150_000);
    // Without an LTP only the limit/trigger relation is checked.
    expect(validateOrder(sl('BUY', 14_300_000, 14_200_000), RELIANCE, { ltp: null }).triggerPrice).toBe(14_200_000);
  });
  it('stop orders cannot be IOC', () => {
    expect(fieldErrors(() => validateOrder({ ...sl('SELL', 14_000_000, 14_050_000), validity: 'IOC' }, RELIANCE))).toEqual([
      { field: 'validity', message: 'IOC is not available for SL orders' },
    ]);
    expect(validateOrder({ ...BUY_LIMIT, validity: 'IOC' }, RELIANCE).validity).toBe('IOC');
  });
});

describe('validateOrder: products by instrument type', () => {
  it.each([
    ['EQ', 'CNC', true, RELIANCE],
    ['EQ', 'MIS', true, RELIANCE],
    ['EQ', 'NRML', false, RELIANCE],
    ['FUT', 'NRML', true, NIFTY_FUT],
    ['FUT', 'MIS', true, NIFTY_FUT],
    ['FUT', 'CNC', false, NIFTY_FUT],
    ['PE', 'NRML', true, NIFTY_PE],
    ['PE', 'MIS', true, NIFTY_PE],
    ['PE', 'CNC', false, NIFTY_PE],
  ] as const)('%s / %s → allowed: %s', (_type, product, ok, instrument) => {
    const req: OrderRequest = { side: 'BUY', type: 'MARKET', product, quantity: instrument.lotSize };
    if (ok) expect(validateOrder(req, instrument).product).toBe(product);
    else expect(fieldsOf(() => validateOrder(req, instrument))).toEqual(['product']);
  });
  it('names the products that would work', () => {
    expect(fieldErrors(() => validateOrder({ ...BUY_LIMIT, product: 'NRML' }, RELIANCE))).toEqual([
      { field: 'product', message: 'NRML is not available for equities; use CNC or MIS' },
    ]);
    expect(fieldErrors(() => validateOrder({ side: 'BUY', type: 'MARKET', product: 'CNC', quantity: 65 }, NIFTY_PE))[0]!.message).toBe(
      'CNC is not available for options; use NRML or MIS',
    );
  });
  it('indices cannot be traded', () => {
    expect(fieldsOf(() => validateOrder({ side: 'BUY', type: 'MARKET', product: 'MIS', quantity: 1 }, NIFTY))).toEqual(['symbol']);
  });
});

describe('validateModification', () => {
  const open = applyOrderEvent(newOrder(validateOrder(BUY_LIMIT, RELIANCE)), { type: 'OPENED' });
  it('merges the patch and revalidates', () => {
    expect(validateModification(open, { price: 14_100_000 }, RELIANCE)).toMatchObject({ quantity: 10, price: 14_100_000 });
    expect(validateModification(open, { quantity: 20 }, RELIANCE)).toMatchObject({ quantity: 20, price: 14_200_000 });
    expect(fieldsOf(() => validateModification(open, { price: 14_100_001 }, RELIANCE))).toEqual(['price']);
  });
  it('refuses fields the order type lacks, an empty patch, and a quantity at or below the filled', () => {
    expect(fieldsOf(() => validateModification(open, { triggerPrice: 14_000_000 }, RELIANCE))).toEqual(['triggerPrice']);
    expect(fieldsOf(() => validateModification(open, {}, RELIANCE))).toEqual(['quantity']);
    const partial = applyOrderEvent(open, { type: 'FILL', fill: { id: 't1', quantity: 4, price: 14_200_000 } });
    expect(fieldErrors(() => validateModification(partial, { quantity: 4 }, RELIANCE))).toEqual([
      { field: 'quantity', message: 'must exceed the 4 units already filled' },
    ]);
    expect(validateModification(partial, { quantity: 5 }, RELIANCE).quantity).toBe(5);
  });
  it('a terminal order cannot be modified: INVALID_STATE (409)', () => {
    const cancelled = applyOrderEvent(open, { type: 'CANCELLED' });
    expect(() => validateModification(cancelled, { price: 14_100_000 }, RELIANCE)).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
  });
});
