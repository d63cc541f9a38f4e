import type { OrderTerms } from '@tradeloop/domain';
import { BrokerError } from '../adapter/broker.errors';
import type { BrokerInstrument } from '../adapter/instrument.mapper';
import { kiteModifyForm, kiteOrderPath, kitePlaceForm, kitePlacePath, type KitePlaceInput } from './kite-orders';
import { kitePriceToTicks, ticksToKitePrice } from './kite-prices';

const INFY: BrokerInstrument = { exchange: 'NSE', symbol: 'INFY', quantityUnit: 'units', lotSize: 1 };
const NIFTY_FUT: BrokerInstrument = { exchange: 'NFO', symbol: 'NIFTY24NOVFUT', quantityUnit: 'units', lotSize: 25 };
const GOLD_MCX: BrokerInstrument = { exchange: 'MCX', symbol: 'GOLDM24DECFUT', quantityUnit: 'lots', lotSize: 10 };

const limitBuy: OrderTerms = {
  side: 'BUY',
  type: 'LIMIT',
  product: 'CNC',
  validity: 'DAY',
  quantity: 10,
  price: 15_325_500,
  triggerPrice: null,
};
const place = (over: Partial<KitePlaceInput> = {}, terms: Partial<OrderTerms> = {}): Record<string, string> =>
  Object.fromEntries(kitePlaceForm({ terms: { ...limitBuy, ...terms }, instrument: INFY, variety: 'regular', tag: 'ord123', ...over }));

const refusal = (fn: () => unknown): BrokerError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof BrokerError) return e;
    throw e;
  }
  throw new Error('expected a BrokerError');
};

describe('Kite prices', () => {
  it('writes ticks as decimal rupees exactly', () => {
    expect(ticksToKitePrice(15_325_500)).toBe('1532.55');
    expect(ticksToKitePrice(4_700_000)).toBe('470.00');
    expect(ticksToKitePrice(500)).toBe('0.05');
    expect(ticksToKitePrice(1_011_234)).toBe('101.1234');
    // 0.1 + 0.2 style float error must not appear: 243500500 ticks is 24350.05 exactly.
    expect(ticksToKitePrice(243_500_500)).toBe('24350.05');
  });

  it('refuses non-positive or fractional ticks', () => {
    expect(() => ticksToKitePrice(0)).toThrow(RangeError);
    expect(() => ticksToKitePrice(-500)).toThrow(RangeError);
    expect(() => ticksToKitePrice(1.5)).toThrow(RangeError);
  });

  it('reads Kite numbers and strings into ticks exactly', () => {
    expect(kitePriceToTicks(1532.55)).toBe(15_325_500);
    expect(kitePriceToTicks(470)).toBe(4_700_000);
    expect(kitePriceToTicks(0.05)).toBe(500);
    expect(kitePriceToTicks(0.1 + 0.2)).toBeNull(); // 0.30000000000000004: finer than a tick
    expect(kitePriceToTicks('101.1234')).toBe(1_011_234);
    expect(kitePriceToTicks('101.123400')).toBe(1_011_234);
    expect(kitePriceToTicks(0)).toBe(0);
  });

  it('refuses a price finer than a tick, negative, exponent or non-numeric', () => {
    for (const v of [101.12345, '101.12345', -1, '-1', 1e-7, '1e3', Number.NaN, Infinity, '', 'abc', null, {}]) {
      expect(kitePriceToTicks(v)).toBeNull();
    }
  });
});

describe('Kite place form', () => {
  it('sends a LIMIT order with the exchange and symbol passed in, price in rupees, tag', () => {
    expect(place()).toEqual({
      tradingsymbol: 'INFY',
      exchange: 'NSE',
      transaction_type: 'BUY',
      order_type: 'LIMIT',
      quantity: '10',
      product: 'CNC',
      validity: 'DAY',
      price: '1532.55',
      tag: 'ord123',
    });
  });

  it('sends MARKET without price or trigger, IOC, MIS, no tag', () => {
    const form = place({ tag: null }, { type: 'MARKET', price: null, product: 'MIS', validity: 'IOC', side: 'SELL' });
    expect(form).toEqual({
      tradingsymbol: 'INFY',
      exchange: 'NSE',
      transaction_type: 'SELL',
      order_type: 'MARKET',
      quantity: '10',
      product: 'MIS',
      validity: 'IOC',
    });
  });

  it('sends SL with price and trigger, SL-M with trigger only', () => {
    const sl = place({}, { type: 'SL', price: 15_300_000, triggerPrice: 15_310_000, side: 'SELL' });
    expect(sl).toMatchObject({ order_type: 'SL', price: '1530.00', trigger_price: '1531.00' });
    const slm = place({}, { type: 'SL-M', price: null, triggerPrice: 15_310_500 });
    expect(slm.order_type).toBe('SL-M');
    expect(slm.trigger_price).toBe('1531.05');
    expect('price' in slm).toBe(false);
  });

  it('uses the exchange of the mapping for derivatives (NFO, NRML) and counts MCX in lots', () => {
    const fut = Object.fromEntries(
      kitePlaceForm({ terms: { ...limitBuy, product: 'NRML', quantity: 50 }, instrument: NIFTY_FUT, variety: 'regular', tag: null }),
    );
    expect(fut).toMatchObject({ exchange: 'NFO', tradingsymbol: 'NIFTY24NOVFUT', product: 'NRML', quantity: '50' });
    const gold = Object.fromEntries(
      kitePlaceForm({ terms: { ...limitBuy, product: 'NRML', quantity: 30 }, instrument: GOLD_MCX, variety: 'regular', tag: null }),
    );
    expect(gold).toMatchObject({ exchange: 'MCX', quantity: '3' });
    expect(
      refusal(() => kitePlaceForm({ terms: { ...limitBuy, quantity: 25 }, instrument: GOLD_MCX, variety: 'regular', tag: null })).code,
    ).toBe('QUANTITY_NOT_IN_LOTS');
  });

  it('sends amo, autoslice and market protection only when asked', () => {
    expect(kitePlacePath('amo')).toBe('/orders/amo');
    expect(kitePlacePath('regular')).toBe('/orders/regular');
    expect(place({ autoslice: true, marketProtection: -1 })).toMatchObject({ autoslice: 'true', market_protection: '-1' });
    const plain = place({ autoslice: false });
    expect('autoslice' in plain || 'market_protection' in plain).toBe(false);
  });

  it('accepts a 20-character tag and refuses 21 characters or non-alphanumerics', () => {
    expect(place({ tag: 'A'.repeat(20) }).tag).toBe('A'.repeat(20));
    for (const tag of ['A'.repeat(21), 'ord-123', 'ord 123', '']) {
      const e = refusal(() => place({ tag }));
      expect([e.kind, e.code, e.operation]).toEqual(['final', 'INVALID_TAG', 'place']);
    }
  });

  it('refuses prices where the type takes none and missing ones where it needs them', () => {
    const cases: Partial<OrderTerms>[] = [
      { type: 'MARKET' }, // price given
      { type: 'LIMIT', price: null },
      { type: 'LIMIT', triggerPrice: 100 },
      { type: 'SL', triggerPrice: null },
      { type: 'SL-M', price: null, triggerPrice: null },
      { type: 'SL-M', triggerPrice: 100 }, // price given
    ];
    for (const terms of cases) expect(refusal(() => place({}, terms)).code).toBe('INVALID_ORDER_TERMS');
  });

  it('refuses bad quantities, prices, varieties, exchanges and market protection before sending', () => {
    expect(refusal(() => place({}, { quantity: 0 })).code).toBe('INVALID_QUANTITY');
    expect(refusal(() => place({}, { quantity: 1.5 })).code).toBe('INVALID_QUANTITY');
    expect(refusal(() => place({}, { price: 0 })).code).toBe('INVALID_PRICE');
    expect(refusal(() => place({}, { price: 1532.55 })).code).toBe('INVALID_PRICE');
    expect(refusal(() => place({ variety: 'co' as never })).code).toBe('VARIETY_NOT_SUPPORTED');
    expect(refusal(() => place({ instrument: { ...INFY, exchange: 'NASDAQ' } })).code).toBe('EXCHANGE_NOT_SUPPORTED');
    expect(refusal(() => place({ instrument: { ...INFY, symbol: ' ' } })).code).toBe('INSTRUMENT_NOT_MAPPED');
    expect(refusal(() => place({ marketProtection: 101 })).code).toBe('INVALID_MARKET_PROTECTION');
    expect(refusal(() => place({}, { validity: 'GTC' as never })).code).toBe('VALIDITY_NOT_SUPPORTED');
  });
});

describe('Kite modify form', () => {
  it('sends order_type and only what changes', () => {
    const form = kiteModifyForm({ type: 'LIMIT', instrument: INFY, changes: { price: 15_330_000 } });
    expect(Object.fromEntries(form)).toEqual({ order_type: 'LIMIT', price: '1533.00' });
    const sl = kiteModifyForm({ type: 'SL', instrument: NIFTY_FUT, changes: { quantity: 75, triggerPrice: 243_500_500 } });
    expect(Object.fromEntries(sl)).toEqual({ order_type: 'SL', quantity: '75', trigger_price: '24350.05' });
  });

  it('refuses no change, a price the type lacks, and a bad quantity', () => {
    expect(refusal(() => kiteModifyForm({ type: 'LIMIT', instrument: INFY, changes: {} })).code).toBe('NOTHING_TO_MODIFY');
    expect(refusal(() => kiteModifyForm({ type: 'MARKET', instrument: INFY, changes: { price: 100 } })).code).toBe('INVALID_ORDER_TERMS');
    expect(refusal(() => kiteModifyForm({ type: 'LIMIT', instrument: INFY, changes: { triggerPrice: 100 } })).code).toBe(
      'INVALID_ORDER_TERMS',
    );
    const e = refusal(() => kiteModifyForm({ type: 'LIMIT', instrument: INFY, changes: { quantity: -1 } }));
    expect([e.kind, e.code, e.operation]).toEqual(['final', 'INVALID_QUANTITY', 'modify']);
  });

  it('addresses the order by variety and id', () => {
    expect(kiteOrderPath('regular', '151220000000000')).toBe('/orders/regular/151220000000000');
    expect(() => kiteOrderPath('regular', '')).toThrow(BrokerError);
  });
});
