import fc from 'fast-check';
import { DomainError } from '../errors';
import {
  computeFees,
  DEFAULT_FEE_SCHEDULE,
  FEE_LINE_KIND,
  FEE_LINES,
  percent,
  RATE_SCALE,
  tradeValue,
  valueToPaise,
  valueToPaiseCeil,
  type FeeSchedule,
} from '.';

const rs = (r: number) => Math.round(r * 10_000); // rupees → ticks

describe('units', () => {
  it('percent() parses a percentage exactly into 10⁻⁸ units', () => {
    expect(percent('0.03')).toBe(30_000n);
    expect(percent('0.00297')).toBe(2_970n);
    expect(percent('18')).toBe(18_000_000n);
    expect(percent('100')).toBe(RATE_SCALE);
    expect(percent('0.000001')).toBe(1n);
    for (const bad of ['-1', '1e3', '0.0000001', '', '1,5', '.5', '01']) expect(() => percent(bad)).toThrow(DomainError);
  });
  it('trade values are exact beyond 2^53', () => {
    // 1 crore units at ₹1,00,000: 10¹⁶ ticks·units, above Number.MAX_SAFE_INTEGER.
    expect(tradeValue(10_000_000, rs(100_000))).toBe(10_000_000_000_000_000n);
    expect(() => tradeValue(1.5, 1)).toThrow(RangeError);
  });
  it('rounds to the paisa half-up (away from zero), or up for reservations', () => {
    expect(valueToPaise(150n)).toBe(2n); // 1.5 paise
    expect(valueToPaise(149n)).toBe(1n);
    expect(valueToPaise(-150n)).toBe(-2n);
    expect(valueToPaiseCeil(101n)).toBe(2n);
    expect(valueToPaiseCeil(100n)).toBe(1n);
    expect(valueToPaiseCeil(0n)).toBe(0n);
  });
});

describe('fee schedule: worked examples (docs/domain.md defaults)', () => {
  it('MIS buy, brokerage capped: 100 × ₹1,420.00', () => {
    // Turnover ₹1,42,000.00 = 1,42,00,000 paise.
    // Brokerage 0.03 % = 4,260 paise (₹42.60) → capped at ₹20 = 2,000.
    // Exchange 0.00297 % = 421.74 → 422.   STT on an MIS buy: 0.
    // GST 18 % × (2,000 + 422) = 435.96 → 436.   Total 2,858 (₹28.58).
    const f = computeFees({ side: 'BUY', product: 'MIS', quantity: 100, price: rs(1420) });
    expect(f.turnover).toBe(1_420_000_000n);
    expect(f.lines).toEqual({ brokerage: 2_000n, exchangeCharges: 422n, sebiFees: 0n, stt: 0n, stampDuty: 0n, gst: 436n });
    expect([f.fees, f.taxes, f.total]).toEqual([2_000n, 858n, 2_858n]);
  });

  it('MIS sell: STT on the sell side, GST rounding a half up', () => {
    // 100 × ₹1,430.00 = 1,43,00,000 paise. Brokerage 4,290 → 2,000. Exchange 424.71 → 425.
    // STT 0.025 % = 3,575. GST 18 % × 2,425 = 436.50 → 437. Total 6,437.
    const f = computeFees({ side: 'SELL', product: 'MIS', quantity: 100, price: rs(1430) });
    expect(f.lines).toEqual({ brokerage: 2_000n, exchangeCharges: 425n, sebiFees: 0n, stt: 3_575n, stampDuty: 0n, gst: 437n });
    expect(f.total).toBe(6_437n);
  });

  it('MIS under the cap: 10 × ₹415.00', () => {
    // 4,15,000 paise. Brokerage 0.03 % = 124.5 → 125. Exchange 12.3255 → 12.
    // GST 18 % × 137 = 24.66 → 25. Total 162: fee 125, taxes 37.
    const f = computeFees({ side: 'BUY', product: 'MIS', quantity: 10, price: rs(415) });
    expect(f.lines).toEqual({ brokerage: 125n, exchangeCharges: 12n, sebiFees: 0n, stt: 0n, stampDuty: 0n, gst: 25n });
    expect([f.fees, f.taxes]).toEqual([125n, 37n]);
  });

  it('CNC delivery: no brokerage, STT 0.1 % on both sides', () => {
    // 10 × ₹3,450.00 = 34,50,000 paise. STT 3,450. Exchange 102.465 → 102.
    // GST 18 % × (0 + 102) = 18.36 → 18. Total 3,570, all taxes.
    for (const side of ['BUY', 'SELL'] as const) {
      const f = computeFees({ side, product: 'CNC', quantity: 10, price: rs(3450) });
      expect(f.lines).toEqual({ brokerage: 0n, exchangeCharges: 102n, sebiFees: 0n, stt: 3_450n, stampDuty: 0n, gst: 18n });
      expect([f.fees, f.taxes]).toEqual([0n, 3_570n]);
    }
  });

  it('NRML futures sell (charged like MIS): 65 × ₹25,950.00', () => {
    // 16,86,75,000 paise. Brokerage 50,602.5 → 2,000. Exchange 5,009.6475 → 5,010.
    // STT 0.025 % = 42,168.75 → 42,169. GST 18 % × 7,010 = 1,261.8 → 1,262. Total 50,441.
    const f = computeFees({ side: 'SELL', product: 'NRML', quantity: 65, price: rs(25_950) });
    expect(f.lines).toEqual({ brokerage: 2_000n, exchangeCharges: 5_010n, sebiFees: 0n, stt: 42_169n, stampDuty: 0n, gst: 1_262n });
    expect(f.total).toBe(50_441n);
  });

  it('a price below the paisa: each line rounds once from the exact turnover', () => {
    // 3 × ₹101.1234 = ₹303.3702 = 30,337.02 paise. Brokerage 9.101106 → 9. Exchange 0.901… → 1.
    // STT 7.584255 → 8. GST 18 % × 10 = 1.8 → 2. Total 20.
    const f = computeFees({ side: 'SELL', product: 'MIS', quantity: 3, price: 1_011_234 });
    expect(f.lines).toEqual({ brokerage: 9n, exchangeCharges: 1n, sebiFees: 0n, stt: 8n, stampDuty: 0n, gst: 2n });
  });

  it('the brokerage cap is per order: later fills pay only what the cap leaves', () => {
    // 100 × ₹1,420 in two fills of 50: the first pays 2,130 → capped 2,000; the second 0.
    const first = computeFees({ side: 'BUY', product: 'MIS', quantity: 50, price: rs(1420) });
    const second = computeFees({ side: 'BUY', product: 'MIS', quantity: 50, price: rs(1420), orderTurnoverBefore: first.turnover });
    expect([first.lines.brokerage, second.lines.brokerage]).toEqual([2_000n, 0n]);
    // Exchange 210.87 → 211 each; GST 18 % × 2,211 = 397.98 → 398, and 18 % × 211 = 37.98 → 38.
    expect([first.lines.gst, second.lines.gst]).toEqual([398n, 38n]);
    // Under the cap the order's brokerage rounds once: 10 + 10 × ₹415 = 124.5 → 125, then 249 − 125 = 124.
    const a = computeFees({ side: 'BUY', product: 'MIS', quantity: 10, price: rs(415) });
    const b = computeFees({ side: 'BUY', product: 'MIS', quantity: 10, price: rs(415), orderTurnoverBefore: a.turnover });
    expect([a.lines.brokerage, b.lines.brokerage]).toEqual([125n, 124n]);
  });

  it('a configured schedule can charge SEBI fees and stamp duty', () => {
    const schedule: FeeSchedule = {
      ...DEFAULT_FEE_SCHEDULE,
      sebiFeesRate: percent('0.0001'), // ₹10 per crore
      products: { ...DEFAULT_FEE_SCHEDULE.products, MIS: { ...DEFAULT_FEE_SCHEDULE.products.MIS, stampDutyBuyRate: percent('0.003') } },
    };
    // 1,42,00,000 paise: SEBI 14.2 → 14; stamp 0.003 % = 426; GST 18 % × (2,000 + 422 + 14) = 438.48 → 438.
    const buy = computeFees({ side: 'BUY', product: 'MIS', quantity: 100, price: rs(1420) }, schedule);
    expect(buy.lines).toEqual({ brokerage: 2_000n, exchangeCharges: 422n, sebiFees: 14n, stt: 0n, stampDuty: 426n, gst: 438n });
    expect(buy.total).toBe(3_300n);
    // Stamp duty is the buyer's.
    expect(computeFees({ side: 'SELL', product: 'MIS', quantity: 100, price: rs(1420) }, schedule).lines.stampDuty).toBe(0n);
  });

  it('only brokerage is a FEE; everything collected for the exchange or the state is a TAX', () => {
    expect(FEE_LINES.filter((l) => FEE_LINE_KIND[l] === 'FEE')).toEqual(['brokerage']);
  });
});

describe('property: fees', () => {
  const arb = fc.record({
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    product: fc.constantFrom('MIS' as const, 'CNC' as const, 'NRML' as const),
    price: fc.integer({ min: 1, max: 200_000 }).map((k) => k * 500),
    parts: fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 6 }),
  });
  it("an order's fills, however split, pay exactly the brokerage of the whole order", () => {
    fc.assert(
      fc.property(arb, ({ side, product, price, parts }) => {
        let before = 0n;
        let brokerage = 0n;
        for (const q of parts) {
          const f = computeFees({ side, product, quantity: q, price, orderTurnoverBefore: before });
          for (const line of FEE_LINES) expect(f.lines[line] >= 0n).toBe(true);
          expect(f.total).toBe(f.fees + f.taxes);
          expect(f.fees).toBe(f.lines.brokerage);
          before += f.turnover;
          brokerage += f.lines.brokerage;
        }
        const whole = computeFees({ side, product, quantity: parts.reduce((a, b) => a + b, 0), price });
        expect(brokerage).toBe(whole.lines.brokerage);
        if (product === 'MIS' || product === 'NRML') expect(brokerage <= 2_000n).toBe(true);
      }),
    );
  });
});
