import fc from 'fast-check';
import {
  applyFillToPosition,
  dayPnl,
  FLAT_POSITION,
  markToMarketPnl,
  openCost,
  positionAveragePrice,
  positionFromFills,
  positionValue,
  realizedPnl,
  unrealizedPnl,
  type OrderSide,
  type Position,
} from '.';

const rs = (r: number) => Math.round(r * 10_000); // rupees → ticks
const RUPEE = 10_000n; // ticks·units per rupee of P&L
type Fill = { side: OrderSide; quantity: number; price: number };
const buy = (quantity: number, rupees: number): Fill => ({ side: 'BUY', quantity, price: rs(rupees) });
const sell = (quantity: number, rupees: number): Fill => ({ side: 'SELL', quantity, price: rs(rupees) });
const cashFlow = (fills: Fill[]) => fills.reduce((a, f) => a + (f.side === 'BUY' ? -1n : 1n) * BigInt(f.quantity) * BigInt(f.price), 0n);

describe('positions: weighted average, realized and unrealized P&L (worked examples)', () => {
  it('grows, reduces, flips and closes', () => {
    // Buy 10 @ 100 and 10 @ 110: 20 long at an average of 105.
    let p = positionFromFills([buy(10, 100), buy(10, 110)]);
    expect([p.netQuantity, positionAveragePrice(p)]).toEqual([20, rs(105)]);
    // Sell 5 @ 120: realized (120 − 105) × 5 = ₹75; the average stays 105.
    p = applyFillToPosition(p, 'SELL', 5, rs(120));
    expect([p.netQuantity, positionAveragePrice(p), realizedPnl(p)]).toEqual([15, rs(105), 75n * RUPEE]);
    // Unrealized at 120: (120 − 105) × 15 = ₹225.
    expect(unrealizedPnl(p, rs(120))).toBe(225n * RUPEE);
    // Sell 20 @ 100 flips: 15 close at (100 − 105) × 15 = −₹75 (realized back to 0); 5 open short at 100.
    p = applyFillToPosition(p, 'SELL', 20, rs(100));
    expect([p.netQuantity, positionAveragePrice(p), realizedPnl(p)]).toEqual([-5, rs(100), 0n]);
    // Short 5 @ 100 marked at 90: (90 − 100) × −5 = +₹50.
    expect(unrealizedPnl(p, rs(90))).toBe(50n * RUPEE);
    expect(openCost(p)).toBe(-500n * RUPEE);
    // Buy 5 @ 95 covers: (95 − 100) × 5 × sign(−5) = +₹25.
    p = applyFillToPosition(p, 'BUY', 5, rs(95));
    expect([p.netQuantity, positionAveragePrice(p), realizedPnl(p), openCost(p)]).toEqual([0, null, 25n * RUPEE, 0n]);
    expect(unrealizedPnl(p, rs(1234))).toBe(0n);
  });

  it('an average that is not a whole tick stays exact inside the lot', () => {
    // 1 @ 100.00 + 2 @ 100.01: average 300.02 / 3 = 100.006666… (shown as 100.0067).
    let p = positionFromFills([buy(1, 100), buy(2, 100.01)]);
    expect(positionAveragePrice(p)).toBe(1_000_067);
    // Sell 1 @ 101: (101 − 100.00666…) × 1 = 0.99333… → 9,933 ticks (the only rounding, < 1 tick).
    p = applyFillToPosition(p, 'SELL', 1, rs(101));
    expect(realizedPnl(p)).toBe(9_933n);
    // Closing the rest takes out exactly the lot's cost: 3 × 101 − 300.02 = ₹2.98, no rounding left.
    p = applyFillToPosition(p, 'SELL', 2, rs(101));
    expect(realizedPnl(p)).toBe(29_800n);
  });

  it('adding after a partial close averages the remainder with the new fill', () => {
    // 10 @ 100, sell 4 @ 110 (+₹40), buy 4 @ 120: (6 × 100 + 4 × 120) / 10 = 108.
    const p = positionFromFills([buy(10, 100), sell(4, 110), buy(4, 120)]);
    expect([p.netQuantity, positionAveragePrice(p), realizedPnl(p)]).toEqual([10, rs(108), 40n * RUPEE]);
  });

  it('position value and day P&L', () => {
    expect(positionValue({ netQuantity: -5 }, rs(100))).toBe(500n * RUPEE);
    // Started the day 10 long @ 100 with yesterday's close at 105; sold 10 @ 110 today:
    // today's P&L is (110 − 105) × 10 = ₹50 = 5,000 paise (the ₹50 before today was yesterday's).
    const start = positionFromFills([buy(10, 100)]);
    const now = applyFillToPosition(start, 'SELL', 10, rs(110));
    expect(dayPnl({ position: start, mark: rs(105) }, { position: now, mark: rs(110) })).toBe(5_000n);
    expect(markToMarketPnl(start, rs(105))).toBe(50n * RUPEE);
  });

  it('refuses malformed fills and never mutates', () => {
    expect(() => applyFillToPosition(FLAT_POSITION, 'BUY', 0, 1)).toThrow(RangeError);
    expect(() => applyFillToPosition(FLAT_POSITION, 'BUY', 1, 0)).toThrow(RangeError);
    expect(() => applyFillToPosition(FLAT_POSITION, 'BUY', 1.5, 1)).toThrow(RangeError);
    const p = positionFromFills([buy(3, 100)]);
    applyFillToPosition(p, 'SELL', 5, rs(90));
    expect(p.netQuantity).toBe(3);
    expect(Object.isFrozen(p)).toBe(true);
  });
});

const fillArb: fc.Arbitrary<Fill> = fc.record({
  side: fc.constantFrom<OrderSide>('BUY', 'SELL'),
  quantity: fc.integer({ min: 1, max: 50 }),
  price: fc.integer({ min: 1, max: 3_000_000 }),
});

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y) [x, y] = [y, x % y];
  return x || 1n;
};

/** The formulas of docs/domain.md ("Fills and positions"), in exact rationals: avg = weighted average of the open quantity. */
function specRealized(fills: Fill[]): { num: bigint; den: bigint } {
  let net = 0;
  let avgNum = 0n; // avg = avgNum / avgDen
  let avgDen = 1n;
  let num = 0n;
  let den = 1n;
  for (const f of fills) {
    const s = f.side === 'BUY' ? 1 : -1;
    let q = f.quantity;
    if (net !== 0 && Math.sign(net) !== s) {
      const closed = Math.min(q, Math.abs(net));
      // realized += (exit − avg) × closed × sign(before)
      const termNum = (BigInt(f.price) * avgDen - avgNum) * BigInt(closed) * BigInt(Math.sign(net));
      num = num * avgDen + termNum * den;
      den *= avgDen;
      net += s * closed;
      q -= closed;
      if (net === 0) [avgNum, avgDen] = [0n, 1n];
    }
    if (q > 0) {
      // avg' = (avg·n + q·p) / (n + q) = (avgNum·n + q·p·avgDen) / (avgDen·(n + q))
      const n = BigInt(Math.abs(net));
      avgNum = avgNum * n + BigInt(q) * BigInt(f.price) * avgDen;
      avgDen = avgDen * (n + BigInt(q));
      const g = gcd(avgNum, avgDen);
      [avgNum, avgDen] = [avgNum / g, avgDen / g];
      net += s * q;
    }
    const g = gcd(num, den);
    [num, den] = [num / g, den / g];
  }
  return { num, den };
}

describe('property: positions', () => {
  it('applying fills split into any order-preserving pieces gives the same position', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fillArb, fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 4 })), { maxLength: 25 }), (plan) => {
        const whole = plan.map(([f]) => f);
        const pieces: Fill[] = [];
        for (const [f, cuts] of plan) {
          // Split f.quantity into pieces at the given sizes (what is left is the last piece).
          let left = f.quantity;
          for (const c of cuts) {
            if (c >= left) break;
            pieces.push({ ...f, quantity: c });
            left -= c;
          }
          pieces.push({ ...f, quantity: left });
        }
        expect(positionFromFills(pieces)).toEqual(positionFromFills(whole));
      }),
      { numRuns: 500 },
    );
  });

  it('realized + unrealized = every trade’s cash flow + the open quantity at the mark', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 40 }), fc.integer({ min: 1, max: 3_000_000 }), (fills, mark) => {
        const p = positionFromFills(fills);
        const net = fills.reduce((a, f) => a + (f.side === 'BUY' ? f.quantity : -f.quantity), 0);
        expect(p.netQuantity).toBe(net);
        expect(realizedPnl(p) + unrealizedPnl(p, mark)).toBe(cashFlow(fills) + BigInt(net) * BigInt(mark));
        // And so: realized − open cost is exactly the cash the trades moved.
        expect(realizedPnl(p) - openCost(p)).toBe(cashFlow(fills));
        if (net === 0) expect(realizedPnl(p)).toBe(cashFlow(fills));
        // The open cost has the position's sign.
        expect(Math.sign(Number(openCost(p)))).toBe(Math.sign(net));
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with docs/domain.md's formula to within a tick·unit per fill", () => {
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 30 }), (fills) => {
        const { num, den } = specRealized(fills);
        const ours = realizedPnl(positionFromFills(fills));
        const diff = ours * den - num;
        expect((diff < 0n ? -diff : diff) <= BigInt(fills.length) * den).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('the flat position is the identity start', () => {
    const p: Position = positionFromFills([]);
    expect(p).toEqual(FLAT_POSITION);
    expect(realizedPnl(p)).toBe(0n);
  });
});
