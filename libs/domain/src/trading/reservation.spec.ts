import { DomainError } from '../errors';
import {
  DEFAULT_RESERVATION_CONFIG,
  FLAT_POSITION,
  orderReservation,
  percent,
  positionFromFills,
  referencePrice,
  reservationBasis,
  reservationFor,
  shortMargin,
  tradeValue,
  type OrderTerms,
} from '.';

const rs = (r: number) => Math.round(r * 10_000); // rupees → ticks
const terms = (t: Partial<OrderTerms>): OrderTerms => ({
  side: 'BUY',
  type: 'LIMIT',
  product: 'MIS',
  validity: 'DAY',
  quantity: 10,
  price: rs(415),
  triggerPrice: null,
  ...t,
});
const FLAT = { ltp: rs(415), sellableQuantity: 0 };

describe('reference price', () => {
  it('a limit price is the reference; MARKET and SL-M use the LTP plus the 5 % buffer', () => {
    expect(referencePrice(terms({ type: 'LIMIT', price: rs(415) }), rs(400))).toBe(rs(415));
    expect(referencePrice(terms({ type: 'SL', price: rs(421), triggerPrice: rs(420) }), rs(415))).toBe(rs(421));
    // 415.00 × 1.05 = 435.75.
    expect(referencePrice(terms({ type: 'MARKET', price: null }), rs(415))).toBe(rs(435.75));
    // A BUY stop fills at or above its trigger: 420.00 × 1.05 = 441.00 when the trigger is above the LTP.
    expect(referencePrice(terms({ type: 'SL-M', price: null, triggerPrice: rs(420) }), rs(415))).toBe(rs(441));
    expect(referencePrice(terms({ side: 'SELL', type: 'SL-M', price: null, triggerPrice: rs(410) }), rs(415))).toBe(rs(435.75));
  });
  it('rounds the buffered price up to a tick', () => {
    // 100.0001 × 1.05 = 105.000105 → 105.0002.
    expect(referencePrice(terms({ type: 'MARKET', price: null }), 1_000_001)).toBe(1_050_002);
    expect(referencePrice(terms({ type: 'MARKET', price: null }), rs(100), { ...DEFAULT_RESERVATION_CONFIG, marketBuffer: 0n })).toBe(
      rs(100),
    );
  });
  it('a MARKET order needs an LTP', () => {
    expect(() => referencePrice(terms({ type: 'MARKET', price: null }), null)).toThrow(DomainError);
    expect(() => referencePrice(terms({ type: 'MARKET', price: null }), 0)).toThrow(DomainError);
  });
});

describe('order reservation (the HOLD at placement)', () => {
  it('a LIMIT buy holds notional + estimated charges: 10 × ₹415.00', () => {
    // 4,15,000 paise + charges 162 (brokerage 125, exchange 12, GST 25; see fees.spec) = 4,15,162.
    expect(orderReservation(terms({}), FLAT).amount).toBe(415_162n);
  });
  it('a MARKET buy holds at LTP + buffer: 10 × ₹435.75', () => {
    // 4,35,750 paise. Brokerage 130.725 → 131; exchange 12.94 → 13; GST 18 % × 144 = 25.92 → 26. Hold 4,35,920.
    const r = orderReservation(terms({ type: 'MARKET', price: null }), FLAT);
    expect(r.basis).toEqual({ side: 'BUY', product: 'MIS', referencePrice: rs(435.75), shortQuantity: 0 });
    expect(r.amount).toBe(435_920n);
  });
  it('buys are fully funded in every product (no leverage on longs)', () => {
    // CNC 10 × ₹3,450: 34,50,000 + 3,570 (STT 3,450, exchange 102, GST 18) = 34,53,570.
    expect(orderReservation(terms({ product: 'CNC', price: rs(3450) }), FLAT).amount).toBe(3_453_570n);
    // NRML 65 × ₹25,950: 16,86,75,000 + brokerage 2,000 + exchange 5,010 + GST 1,262 = 16,86,83,272.
    expect(orderReservation(terms({ product: 'NRML', quantity: 65, price: rs(25_950) }), FLAT).amount).toBe(168_683_272n);
  });
  it('selling a long needs no hold', () => {
    expect(orderReservation(terms({ side: 'SELL', product: 'CNC' }), { ltp: rs(415), sellableQuantity: 10 })).toEqual({
      basis: { side: 'SELL', product: 'CNC', referencePrice: rs(415), shortQuantity: 0 },
      amount: 0n,
    });
  });
  it('opening a short holds margin: MIS 20 %, NRML 100 %', () => {
    // Sell 15 MIS with 10 long: 5 go short; 20 % × 5 × ₹415 = ₹415.00.
    const mis = orderReservation(terms({ side: 'SELL', quantity: 15 }), { ltp: rs(415), sellableQuantity: 10 });
    expect(mis.basis.shortQuantity).toBe(5);
    expect(mis.amount).toBe(41_500n);
    // NRML futures: 100 % × 65 × ₹25,950.
    expect(orderReservation(terms({ side: 'SELL', product: 'NRML', quantity: 65, price: rs(25_950) }), FLAT).amount).toBe(168_675_000n);
  });
  it('CNC cannot go short', () => {
    try {
      reservationBasis(terms({ side: 'SELL', product: 'CNC', quantity: 15 }), { ltp: rs(415), sellableQuantity: 10 });
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('VALIDATION_FAILED');
      expect((e as DomainError).options.fieldErrors).toEqual([
        { field: 'quantity', message: 'CNC cannot sell short: at most 10 units can be sold' },
      ]);
    }
  });
});

describe('reservation of the remainder', () => {
  it('shrinks as the order fills and is zero when nothing remains', () => {
    const { basis, amount } = orderReservation(terms({ quantity: 100, price: rs(1420) }), FLAT);
    // 1,42,00,000 + 2,858 (see fees.spec).
    expect(amount).toBe(14_202_858n);
    // After 50 @ 1,419: 50 × ₹1,420 = 71,00,000 + exchange 211 + GST 38 (the brokerage cap is spent) = 71,00,249.
    const after = reservationFor(basis, 50, tradeValue(50, rs(1419)));
    expect(after).toBe(7_100_249n);
    expect(reservationFor(basis, 0, tradeValue(100, rs(1419)))).toBe(0n);
  });
  it('a sell frees nothing while it closes the long, then margin as the short part fills', () => {
    const { basis } = orderReservation(terms({ side: 'SELL', quantity: 15 }), { ltp: rs(415), sellableQuantity: 10 });
    expect([15, 10, 5, 3, 0].map((rem) => reservationFor(basis, rem, 0n))).toEqual([41_500n, 41_500n, 41_500n, 24_900n, 0n]);
  });
});

describe('short margin of a position', () => {
  it('is the open short at its average × the rate, rounded up', () => {
    const short = positionFromFills([{ side: 'SELL', quantity: 5, price: rs(415) }]);
    expect(shortMargin(short, 'MIS')).toBe(41_500n);
    expect(shortMargin(short, 'NRML')).toBe(207_500n);
    // 3 × ₹100.0001 × 20 % = ₹60.00006 → 6,001 paise.
    expect(shortMargin(positionFromFills([{ side: 'SELL', quantity: 3, price: 1_000_001 }]), 'MIS')).toBe(6_001n);
    expect(shortMargin(positionFromFills([{ side: 'BUY', quantity: 5, price: rs(415) }]), 'MIS')).toBe(0n);
    expect(shortMargin(FLAT_POSITION, 'MIS')).toBe(0n);
  });
  it('a custom rate applies', () => {
    const short = positionFromFills([{ side: 'SELL', quantity: 10, price: rs(100) }]);
    expect(shortMargin(short, 'MIS', { ...DEFAULT_RESERVATION_CONFIG, marginRates: { MIS: percent('12.5') } })).toBe(12_500n);
  });
});
