import { describe, expect, it } from 'vitest';
import { limitFillPrice, participationCap, restingOrderFill, slippageUnits, slippedPrice, stopTriggerPrice } from './fills';

const bar = (open: number, high: number, low: number) => ({ open, high, low });

describe('limitFillPrice', () => {
  it('a buy limit fills when the low reaches it, at the limit, or at the open when the bar opens below it', () => {
    expect(limitFillPrice('BUY', 100, bar(110, 120, 101))).toBeNull();
    expect(limitFillPrice('BUY', 100, bar(110, 120, 100))).toBe(100);
    expect(limitFillPrice('BUY', 100, bar(110, 120, 90))).toBe(100);
    expect(limitFillPrice('BUY', 100, bar(95, 120, 90))).toBe(95);
    expect(limitFillPrice('BUY', 100, bar(100, 120, 100))).toBe(100);
  });

  it('a sell limit fills when the high reaches it, at the limit, or at the open when the bar opens above it', () => {
    expect(limitFillPrice('SELL', 100, bar(90, 99, 80))).toBeNull();
    expect(limitFillPrice('SELL', 100, bar(90, 100, 80))).toBe(100);
    expect(limitFillPrice('SELL', 100, bar(90, 130, 80))).toBe(100);
    expect(limitFillPrice('SELL', 100, bar(105, 130, 80))).toBe(105);
  });
});

describe('stopTriggerPrice', () => {
  it('a buy stop triggers when the high reaches it, at the trigger, or at the open on a gap up', () => {
    expect(stopTriggerPrice('BUY', 100, bar(90, 99, 80))).toBeNull();
    expect(stopTriggerPrice('BUY', 100, bar(90, 100, 80))).toBe(100);
    expect(stopTriggerPrice('BUY', 100, bar(90, 110, 80))).toBe(100);
    expect(stopTriggerPrice('BUY', 100, bar(104, 110, 80))).toBe(104);
  });

  it('a sell stop triggers when the low reaches it, at the trigger, or at the open on a gap down', () => {
    expect(stopTriggerPrice('SELL', 100, bar(110, 120, 101))).toBeNull();
    expect(stopTriggerPrice('SELL', 100, bar(110, 120, 100))).toBe(100);
    expect(stopTriggerPrice('SELL', 100, bar(110, 120, 90))).toBe(100);
    expect(stopTriggerPrice('SELL', 100, bar(96, 120, 90))).toBe(96);
  });
});

describe('restingOrderFill', () => {
  it('LIMIT: the limit rule, no slippage, stays a limit', () => {
    expect(restingOrderFill({ side: 'BUY', type: 'LIMIT', price: 100, triggerPrice: null }, bar(95, 120, 90))).toEqual({
      price: 95,
      becomes: null,
      slips: false,
    });
    expect(restingOrderFill({ side: 'BUY', type: 'LIMIT', price: 100, triggerPrice: null }, bar(110, 120, 105))).toEqual({
      price: null,
      becomes: null,
      slips: false,
    });
  });

  it('SL-M: fills at the trigger (the open on a gap) as a market order, slipping', () => {
    expect(restingOrderFill({ side: 'SELL', type: 'SL-M', price: null, triggerPrice: 100 }, bar(110, 120, 95))).toEqual({
      price: 100,
      becomes: 'MARKET',
      slips: true,
    });
    expect(restingOrderFill({ side: 'SELL', type: 'SL-M', price: null, triggerPrice: 100 }, bar(90, 95, 85))).toEqual({
      price: 90,
      becomes: 'MARKET',
      slips: true,
    });
    expect(restingOrderFill({ side: 'SELL', type: 'SL-M', price: null, triggerPrice: 100 }, bar(110, 120, 101)).price).toBeNull();
  });

  it('SL: triggers into a limit, fills at the trigger if within the limit, else rests as a limit', () => {
    const buy = { side: 'BUY', type: 'SL', price: 105, triggerPrice: 100 } as const;
    expect(restingOrderFill(buy, bar(90, 99, 80))).toEqual({ price: null, becomes: null, slips: false });
    expect(restingOrderFill(buy, bar(90, 110, 80))).toEqual({ price: 100, becomes: 'LIMIT', slips: false });
    expect(restingOrderFill(buy, bar(103, 110, 100))).toEqual({ price: 103, becomes: 'LIMIT', slips: false });
    // Gaps past the limit: triggered, not filled.
    expect(restingOrderFill(buy, bar(108, 112, 106))).toEqual({ price: null, becomes: 'LIMIT', slips: false });
    const sell = { side: 'SELL', type: 'SL', price: 95, triggerPrice: 100 } as const;
    expect(restingOrderFill(sell, bar(110, 120, 98))).toEqual({ price: 100, becomes: 'LIMIT', slips: false });
    expect(restingOrderFill(sell, bar(90, 92, 85))).toEqual({ price: null, becomes: 'LIMIT', slips: false });
  });
});

describe('slippage', () => {
  it('slippageUnits: hundredths of a bp, exactly; refuses what cannot be exact or is out of range', () => {
    expect(slippageUnits(0)).toBe(0);
    expect(slippageUnits(2.5)).toBe(250);
    expect(slippageUnits(0.01)).toBe(1);
    expect(slippageUnits(10_000)).toBe(1_000_000);
    for (const bad of [-1, 10_001, 1.234, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => slippageUnits(bad)).toThrow(RangeError);
  });

  it('moves the price against the order, rounded a whole tick against it', () => {
    // 5 bp of 1,000,000 ticks is exactly 500.
    expect(slippedPrice(1_000_000, 'BUY', 500)).toBe(1_000_500);
    expect(slippedPrice(1_000_000, 'SELL', 500)).toBe(999_500);
    // 1 bp of 10,001 ticks is 1.0001: a buy pays 10,003, a sell receives 9,999.
    expect(slippedPrice(10_001, 'BUY', 100)).toBe(10_003);
    expect(slippedPrice(10_001, 'SELL', 100)).toBe(9_999);
    expect(slippedPrice(10_001, 'BUY', 0)).toBe(10_001);
    expect(slippedPrice(10_001, 'SELL', 0)).toBe(10_001);
    // Beyond 2^53 / 10⁶ ticks the same rounding in bigint: 2^45 × 1.0001 = 35,187,890,526,040.88…
    expect(slippedPrice(2 ** 45, 'BUY', 100)).toBe(35_187_890_526_041);
    expect(slippedPrice(2 ** 45, 'SELL', 100)).toBe(35_180_853_651_623);
    // A sell never receives less than one tick.
    expect(slippedPrice(5, 'SELL', 1_000_000)).toBe(1);
  });
});

describe('slippedPrice against exact rational rounding', () => {
  it('agrees with bigint ceil/floor over many prices and slippages', () => {
    let x = 7;
    const next = () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0);
    for (let k = 0; k < 2_000; k++) {
      const price = 1 + (next() % 50_000_000) * (k % 3 === 0 ? 97 : 1);
      const units = next() % 100_001;
      const P = BigInt(price);
      const U = BigInt(units);
      expect(slippedPrice(price, 'BUY', units)).toBe(Number((P * (1_000_000n + U) + 999_999n) / 1_000_000n));
      const down = Number((P * (1_000_000n - U)) / 1_000_000n);
      expect(slippedPrice(price, 'SELL', units)).toBe(down < 1 ? 1 : down);
    }
  });
});

describe('participationCap', () => {
  it('floor(p × volume), a whole product landing just below itself counting whole', () => {
    expect(participationCap(0.57, 100)).toBe(57);
    expect(participationCap(0.5, 3)).toBe(1);
    expect(participationCap(1, 7)).toBe(7);
    expect(participationCap(0.1, 0)).toBe(0);
    expect(participationCap(0.3, 10)).toBe(3);
    expect(participationCap(0.25, 9)).toBe(2);
  });
});
