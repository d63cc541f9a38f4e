import { DomainError } from '../errors';
import type { Instrument } from '../market';
import {
  newOrder,
  orderReservation,
  planModification,
  reservationFor,
  tradeValue,
  type OrderState,
  type OrderTerms,
  type ReservationBasis,
} from '.';

const rs = (r: number) => Math.round(r * 10_000); // rupees → ticks
const INFY: Instrument = { symbol: 'INFY', exchange: 'NSE', name: 'Infosys', instrumentType: 'EQ', lotSize: 1, tickSize: 500 };
const terms = (t: Partial<OrderTerms> = {}): OrderTerms => ({
  side: 'BUY',
  type: 'LIMIT',
  product: 'MIS',
  validity: 'DAY',
  quantity: 10,
  price: rs(1500),
  triggerPrice: null,
  ...t,
});
const working = (t: Partial<OrderTerms> = {}, o: Partial<OrderState> = {}): { order: OrderState; basis: ReservationBasis } => {
  const order = { ...newOrder(terms(t)), status: 'OPEN' as const, ...o };
  return { order, basis: orderReservation(terms(t), { ltp: rs(1500), sellableQuantity: 0 }).basis };
};
const fieldsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return [e.code, ...(e.options.fieldErrors ?? []).map((x) => x.field)];
    throw e;
  }
  throw new Error('expected a DomainError');
};
const LTP = { ltp: rs(1500) };

describe('planModification', () => {
  it('a LIMIT buy re-reserves its remainder at the new price and quantity', () => {
    const { order, basis } = working();
    const plan = planModification(order, basis, { price: rs(1490), quantity: 12 }, INFY, LTP);
    expect(plan.terms).toMatchObject({ quantity: 12, price: rs(1490) });
    expect(plan.basis.referencePrice).toBe(rs(1490));
    expect(plan.reservation).toBe(reservationFor(plan.basis, 12, 0n));
    expect(plan.reservation).toBeLessThan(reservationFor(basis, 12, 0n));
  });

  it('counts only the unfilled remainder, with what has filled', () => {
    const { order, basis } = working({}, { status: 'PARTIALLY_FILLED', filledQuantity: 4, filledValue: tradeValue(4, rs(1500)) });
    const plan = planModification(order, basis, { quantity: 6 }, INFY, LTP);
    expect(plan.reservation).toBe(reservationFor(plan.basis, 2, tradeValue(4, rs(1500))));
    expect(fieldsOf(() => planModification(order, basis, { quantity: 4 }, INFY, LTP))).toEqual(['VALIDATION_FAILED', 'quantity']);
  });

  it('holds a new quantity to whole lots: the risk rule LOT_SIZE (422), not a field error', () => {
    const lots = { ...INFY, lotSize: 25 };
    const { order, basis } = working({ quantity: 50 });
    expect(planModification(order, basis, { quantity: 75 }, lots, LTP).terms.quantity).toBe(75);
    try {
      planModification(order, basis, { quantity: 60 }, lots, LTP);
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('RISK_REJECTED');
      expect((e as DomainError).message).toMatch(/^LOT_SIZE: Quantity 60 is not a multiple of the lot size 25/);
    }
  });

  it('keeps a MARKET-type reference (SL-M) and moves only the trigger', () => {
    const { order, basis } = working({ type: 'SL-M', price: null, triggerPrice: rs(1510) }, { status: 'TRIGGER_PENDING' });
    const plan = planModification(order, basis, { triggerPrice: rs(1520) }, INFY, LTP);
    expect(plan.terms.triggerPrice).toBe(rs(1520));
    expect(plan.basis.referencePrice).toBe(basis.referencePrice);
  });

  it('a SELL grows or shrinks its short part; CNC cannot go short', () => {
    const sell = { side: 'SELL' as const, quantity: 10 };
    const order = { ...newOrder(terms(sell)), status: 'OPEN' as const };
    const basis: ReservationBasis = orderReservation(terms(sell), { ltp: rs(1500), sellableQuantity: 6 }).basis; // 4 short
    expect(planModification(order, basis, { quantity: 15 }, INFY, LTP).basis.shortQuantity).toBe(9);
    expect(planModification(order, basis, { quantity: 7 }, INFY, LTP).basis.shortQuantity).toBe(1);
    expect(planModification(order, basis, { quantity: 5 }, INFY, LTP).basis.shortQuantity).toBe(0);
    const cnc = { ...sell, product: 'CNC' as const };
    const cncOrder = { ...newOrder(terms(cnc)), status: 'OPEN' as const };
    const cncBasis = orderReservation(terms(cnc), { ltp: rs(1500), sellableQuantity: 10 }).basis;
    expect(fieldsOf(() => planModification(cncOrder, cncBasis, { quantity: 11 }, INFY, LTP))).toEqual(['VALIDATION_FAILED', 'quantity']);
  });

  it('refuses what cannot be changed: terminal or not yet at the broker (409), bad fields (400)', () => {
    const { order, basis } = working();
    expect(fieldsOf(() => planModification({ ...order, status: 'FILLED' }, basis, { price: rs(1490) }, INFY, LTP))[0]).toBe(
      'INVALID_STATE',
    );
    expect(fieldsOf(() => planModification({ ...order, status: 'PENDING' }, basis, { price: rs(1490) }, INFY, LTP))[0]).toBe(
      'INVALID_STATE',
    );
    expect(fieldsOf(() => planModification(order, basis, {}, INFY, LTP))[0]).toBe('VALIDATION_FAILED');
    expect(fieldsOf(() => planModification(order, basis, { triggerPrice: rs(1490) }, INFY, LTP))).toEqual([
      'VALIDATION_FAILED',
      'triggerPrice',
    ]);
    expect(fieldsOf(() => planModification(order, basis, { price: rs(1490) + 1 }, INFY, LTP))).toEqual(['VALIDATION_FAILED', 'price']);
    const market = working({ type: 'MARKET', price: null });
    expect(fieldsOf(() => planModification(market.order, market.basis, { price: rs(1490) }, INFY, LTP))).toEqual([
      'VALIDATION_FAILED',
      'price',
    ]);
  });
});
