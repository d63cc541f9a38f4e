import fc from 'fast-check';
import { fillPlan, limitFillPrice, marketFillPrice, mockDraw, sliceQuantity, stopTriggered, workingFillPrice } from './mock-matching';

describe('mock matching rules', () => {
  it('prices marketable orders at the touch plus slippage, away from the trader, on the grid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 100 }),
        (bidTicks, spread, bps) => {
          const tick = 500;
          const q = { bid: bidTicks * tick, ask: (bidTicks + spread) * tick };
          const buy = marketFillPrice('BUY', q, bps, tick);
          const sell = marketFillPrice('SELL', q, bps, tick);
          expect(buy % tick).toBe(0);
          expect(sell % tick).toBe(0);
          expect(buy).toBeGreaterThanOrEqual(q.ask);
          expect(sell).toBeLessThanOrEqual(q.bid);
          expect(sell).toBeGreaterThanOrEqual(tick);
          if (bps === 0) expect([buy, sell]).toEqual([q.ask, q.bid]);
          // Slippage stays within bps of the touch, plus the rounding to one tick.
          expect(buy - q.ask).toBeLessThanOrEqual(Math.ceil((q.ask * bps) / 10_000) + tick);
        },
      ),
    );
  });

  it('fills a crossing limit at the limit or better, and nothing that does not cross', () => {
    const q = { bid: 1_000_000, ask: 1_000_500 };
    expect(limitFillPrice('BUY', 1_000_000, q, 0, 500)).toBeNull();
    expect(limitFillPrice('BUY', 1_000_500, q, 0, 500)).toBe(1_000_500);
    expect(limitFillPrice('BUY', 1_002_000, q, 0, 500)).toBe(1_000_500);
    expect(limitFillPrice('BUY', 1_001_000, q, 100, 500)).toBe(1_001_000); // slippage capped by the limit
    expect(limitFillPrice('SELL', 1_000_500, q, 0, 500)).toBeNull();
    expect(limitFillPrice('SELL', 999_000, q, 0, 500)).toBe(1_000_000);
    expect(workingFillPrice({ side: 'SELL', type: 'SL-M', price: null }, q, 0, 500)).toBe(1_000_000);
    expect(() => workingFillPrice({ side: 'SELL', type: 'SL', price: null }, q, 0, 500)).toThrow(RangeError);
  });

  it('triggers stops on the last price, inclusive', () => {
    expect(stopTriggered('BUY', 100, 100)).toBe(true);
    expect(stopTriggered('BUY', 100, 99)).toBe(false);
    expect(stopTriggered('SELL', 100, 100)).toBe(true);
    expect(stopTriggered('SELL', 100, 101)).toBe(false);
  });

  it('draws the same numbers for the same labels, uniformly enough', () => {
    expect(mockDraw(1, 'MO1', 'reject')).toBe(mockDraw(1, 'MO1', 'reject'));
    expect(mockDraw(1, 'MO1', 'reject')).not.toBe(mockDraw(2, 'MO1', 'reject'));
    const draws = Array.from({ length: 4_000 }, (_, i) => mockDraw(9, `MO${i}`, 'reject'));
    const buckets = [0, 0, 0, 0];
    for (const d of draws) buckets[Math.floor(d * 4)]! += 1;
    for (const b of buckets) expect(Math.abs(b - 1_000)).toBeLessThan(150);
  });

  it('plans partial fills within the configured number of slices, in whole lots, summing to the order', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(1, 25, 75),
        fc.integer({ min: 2, max: 6 }),
        (seed, lots, lotSize, maxSlices) => {
          const id = `MO${seed}`;
          const plan = fillPlan(seed, id, { probability: 1, maxSlices });
          expect(plan.partial).toBe(true);
          expect(plan.slices).toBeGreaterThanOrEqual(2);
          expect(plan.slices).toBeLessThanOrEqual(maxSlices);
          let remaining = lots * lotSize;
          let fills = 0;
          while (remaining > 0) {
            const q = sliceQuantity(remaining, lotSize, plan, fills, mockDraw(seed, id, 'slice', fills));
            expect(q).toBeGreaterThan(0);
            expect(q % lotSize).toBe(0);
            remaining -= q;
            fills += 1;
          }
          expect(remaining).toBe(0);
          expect(fills).toBeLessThanOrEqual(plan.slices);
        },
      ),
    );
    expect(fillPlan(1, 'MO1', null)).toEqual({ partial: false, slices: 1 });
    expect(fillPlan(1, 'MO1', { probability: 1, maxSlices: 1 })).toEqual({ partial: false, slices: 1 });
  });
});
