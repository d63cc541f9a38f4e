import fc from 'fast-check';
import { applyBrokerUpdate, newOrder, type BrokerOrderReport } from '@tradeloop/domain';
import {
  assertValiditySupported,
  BrokerError,
  combineSliceReports,
  correlationTag,
  fromBrokerQuantity,
  InstrumentMap,
  IDENTITY_INSTRUMENTS,
  KITE_PRODUCTS,
  KITE_STATUSES,
  KITE_TAG_RULE,
  matchOrdersHeuristically,
  normaliseStatus,
  OPENALGO_STATUSES,
  OPENALGO_VALIDITIES,
  orderTypeFromBroker,
  orderUpdateKey,
  toBrokerQuantity,
  UPSTOX_PRODUCTS,
  UPSTOX_STATUSES,
  UPSTOX_TAG_RULE,
  type BrokerOrder,
} from '.';

describe('correlation tags', () => {
  it('sends our id as it is when the broker accepts it, otherwise a stable digest that fits', () => {
    expect(correlationTag('ord123', KITE_TAG_RULE)).toBe('ord123');
    const uuid = '0190c5e2-7a7e-7c2b-9d3f-1234567890ab';
    const kite = correlationTag(uuid, KITE_TAG_RULE);
    expect(kite).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(correlationTag(uuid, KITE_TAG_RULE)).toBe(kite);
    expect(correlationTag(uuid, UPSTOX_TAG_RULE)).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(() => correlationTag('', KITE_TAG_RULE)).toThrow(RangeError);
  });

  it('gives different ids different tags', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (a, b) => a === b || correlationTag(a, KITE_TAG_RULE) !== correlationTag(b, KITE_TAG_RULE)),
    );
  });
});

describe('status normalisation', () => {
  it('maps every broker’s raw statuses, case-insensitively, unknown ones to UNKNOWN', () => {
    expect(normaliseStatus('PUT ORDER REQ RECEIVED', KITE_STATUSES)).toBe('PENDING_SUBMIT');
    expect(normaliseStatus('TRIGGER PENDING', KITE_STATUSES)).toBe('TRIGGER_PENDING');
    expect(normaliseStatus('MODIFY PENDING', KITE_STATUSES)).toBe('OPEN');
    expect(normaliseStatus('COMPLETE', KITE_STATUSES)).toBe('FILLED');
    expect(normaliseStatus('complete', KITE_STATUSES)).toBe('FILLED');
    expect(normaliseStatus('not cancelled', UPSTOX_STATUSES)).toBe('OPEN');
    expect(normaliseStatus('cancelled after market order', UPSTOX_STATUSES)).toBe('CANCELLED');
    expect(normaliseStatus('pending', OPENALGO_STATUSES)).toBe('TRIGGER_PENDING');
    expect(normaliseStatus('SOMETHING NEW', KITE_STATUSES)).toBe('UNKNOWN');
  });

  it('derives PARTIALLY_FILLED from the quantities, since no broker has that status', () => {
    expect(normaliseStatus('OPEN', KITE_STATUSES, { filledQuantity: 3, quantity: 10 })).toBe('PARTIALLY_FILLED');
    expect(normaliseStatus('open', UPSTOX_STATUSES, { filledQuantity: 0, quantity: 10 })).toBe('OPEN');
    // Cancelled after a partial fill stays cancelled: the quantities keep the fills.
    expect(normaliseStatus('CANCELLED', KITE_STATUSES, { filledQuantity: 3, quantity: 10 })).toBe('CANCELLED');
  });
});

describe('sliced orders', () => {
  const r = (
    status: BrokerOrderReport['status'],
    filledQuantity = 0,
    averagePrice: number | null = null,
    rejectReason?: string,
  ): BrokerOrderReport => ({ status, filledQuantity, averagePrice, rejectReason });

  it('combine into one cumulative report at the quantity-weighted average', () => {
    // 1800 + 1800 + 400 of a 4000-unit order; two slices partly done.
    expect(combineSliceReports(4000, [r('FILLED', 1800, 1_000_000), r('OPEN', 900, 1_000_500), r('OPEN')])).toEqual({
      status: 'PARTIALLY_FILLED',
      filledQuantity: 2700,
      averagePrice: 1_000_167, // (1800 × 100.00 + 900 × 100.05) / 2700 = 100.01666…, to one tick
      averagePriceStep: 2, // that rounding widens the band by a tick
      rejectReason: null,
    });
    expect(combineSliceReports(4000, [r('FILLED', 2000, 1_000_000), r('FILLED', 2000, 1_000_500)])).toMatchObject({
      status: 'FILLED',
      filledQuantity: 4000,
      averagePrice: 1_000_250,
      averagePriceStep: 1,
    });
  });

  it('settle on one status once every slice is done', () => {
    expect(combineSliceReports(200, [r('REJECTED', 0, null, 'RMS:Margin Exceeds'), r('REJECTED')])).toMatchObject({
      status: 'REJECTED',
      rejectReason: 'RMS:Margin Exceeds',
    });
    expect(combineSliceReports(200, [r('FILLED', 100, 1_000_000), r('REJECTED')]).status).toBe('CANCELLED');
    expect(combineSliceReports(200, [r('FILLED', 100, 1_000_000), r('EXPIRED')]).status).toBe('EXPIRED');
    // A slice refused at placement never shows up: the rest of the order can never fill.
    expect(combineSliceReports(300, [r('FILLED', 100, 1_000_000), r('FILLED', 100, 1_000_000)]).status).toBe('CANCELLED');
    expect(combineSliceReports(300, []).status).toBe('REJECTED');
    expect(combineSliceReports(300, [r('TRIGGER_PENDING'), r('PENDING_SUBMIT')]).status).toBe('TRIGGER_PENDING');
  });

  it('feed the domain exactly, slice fills being on the instrument’s tick', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ q: fc.integer({ min: 1, max: 40 }), p: fc.integer({ min: 1_800, max: 2_200 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        (fills) => {
          const quantity = fills.reduce((s, f) => s + f.q, 0);
          // Each fill is its own slice, reported one after another; prices on a 500-tick grid.
          const slices: BrokerOrderReport[] = fills.map(() => r('OPEN'));
          let state = newOrder({ side: 'BUY', type: 'MARKET', product: 'MIS', validity: 'DAY', quantity, price: null, triggerPrice: null });
          let value = 0n;
          fills.forEach((f, i) => {
            slices[i] = r('FILLED', f.q, f.p * 500);
            value += BigInt(f.q) * BigInt(f.p * 500);
            state = applyBrokerUpdate(state, combineSliceReports(quantity, slices), { tickSize: 500 }).order;
          });
          expect(state.status).toBe('FILLED');
          expect(state.filledQuantity).toBe(quantity);
          // Within the band the domain was told about: never off by more than a tick per unit.
          const diff = state.filledValue - value;
          expect(diff < 0n ? -diff : diff).toBeLessThanOrEqual(BigInt(quantity) * 500n);
        },
      ),
    );
  });
});

describe('product, order type, validity and instrument mapping', () => {
  it('maps Upstox’s D by segment', () => {
    expect(UPSTOX_PRODUCTS.toBroker('MIS')).toBe('I');
    expect(UPSTOX_PRODUCTS.toBroker('CNC')).toBe('D');
    expect(UPSTOX_PRODUCTS.toBroker('NRML')).toBe('D');
    expect(UPSTOX_PRODUCTS.fromBroker('D', 'EQ')).toBe('CNC');
    expect(UPSTOX_PRODUCTS.fromBroker('D', 'FUT')).toBe('NRML');
    expect(UPSTOX_PRODUCTS.fromBroker('MTF', 'EQ')).toBeNull();
    expect(KITE_PRODUCTS.fromBroker('nrml', 'CE')).toBe('NRML');
    expect(KITE_PRODUCTS.fromBroker('MTF', 'EQ')).toBeNull();
  });

  it('reads order types and refuses a validity the broker cannot express before sending', () => {
    expect(orderTypeFromBroker('sl-m')).toBe('SL-M');
    expect(orderTypeFromBroker('ICEBERG')).toBeNull();
    expect(() => assertValiditySupported('openalgo', OPENALGO_VALIDITIES, 'IOC')).toThrow(BrokerError);
    assertValiditySupported('openalgo', OPENALGO_VALIDITIES, 'DAY');
  });

  it('looks instruments up both ways, by symbol or token, and converts lots', () => {
    const map = new InstrumentMap('upstox', [
      {
        ref: { exchange: 'NFO', symbol: 'NIFTY26NOVFUT' },
        broker: { exchange: 'NSE_FO', symbol: 'NSE_FO|43919', token: '43919', quantityUnit: 'units', lotSize: 75 },
      },
      {
        ref: { exchange: 'NSE', symbol: 'INFY' },
        broker: { exchange: 'NSE_EQ', symbol: 'NSE_EQ|INE009A01021', quantityUnit: 'units', lotSize: 1 },
      },
    ]);
    expect(map.toBroker({ exchange: 'NSE', symbol: 'INFY' }).symbol).toBe('NSE_EQ|INE009A01021');
    expect(map.fromBroker('NSE_FO', 'NSE_FO|43919')).toEqual({ exchange: 'NFO', symbol: 'NIFTY26NOVFUT' });
    expect(map.fromBroker('NSE_FO', '43919')).toEqual({ exchange: 'NFO', symbol: 'NIFTY26NOVFUT' });
    expect(map.fromBroker('NSE_FO', '1')).toBeNull();
    expect(() => map.toBroker({ exchange: 'NSE', symbol: 'TCS' })).toThrow(
      expect.objectContaining({ kind: 'final', code: 'INSTRUMENT_NOT_MAPPED' }),
    );
    const mcx = { exchange: 'MCX', symbol: 'CRUDEOIL26DECFUT', quantityUnit: 'lots' as const, lotSize: 100 };
    expect(toBrokerQuantity(300, mcx, 'kite')).toBe(3);
    expect(fromBrokerQuantity(3, mcx)).toBe(300);
    expect(() => toBrokerQuantity(150, mcx, 'kite')).toThrow(BrokerError);
    expect(IDENTITY_INSTRUMENTS.fromBroker('NSE', 'INFY')).toEqual({ exchange: 'NSE', symbol: 'INFY' });
  });
});

describe('correlating without tags', () => {
  const o = (over: Partial<BrokerOrder>): BrokerOrder =>
    ({
      brokerOrderId: 'x',
      instrument: { exchange: 'NSE', symbol: 'INFY' },
      side: 'BUY',
      quantity: 10,
      placedAt: 1_000,
      status: 'OPEN',
      filledQuantity: 0,
      ...over,
    }) as BrokerOrder;

  it('matches instrument, side, quantity and time, and keys dedupe on id, status and filled quantity', () => {
    const probe = {
      clientOrderId: 'c1',
      instrument: { exchange: 'NSE' as const, symbol: 'INFY' },
      side: 'BUY' as const,
      quantity: 10,
      sentAfter: 900,
    };
    const orders = [
      o({ brokerOrderId: 'a' as never }),
      o({ brokerOrderId: 'b' as never, placedAt: 800 }),
      o({ brokerOrderId: 'c' as never, side: 'SELL' }),
      o({ brokerOrderId: 'd' as never, quantity: 11 }),
    ];
    expect(matchOrdersHeuristically(orders, probe).map((x) => x.brokerOrderId)).toEqual(['a']);
    expect(orderUpdateKey(orders[0]!)).toBe('a|OPEN|0');
  });
});
