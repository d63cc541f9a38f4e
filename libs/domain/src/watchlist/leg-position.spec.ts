import { foldLegFills, legPositionOf, positionFromFills, type LegFill } from '..';

const rs = (r: number) => Math.round(r * 10_000);
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const fill = (accountId: string, side: 'BUY' | 'SELL', quantity: number, rupees: number): LegFill => ({
  accountId,
  side,
  quantity,
  price: rs(rupees),
});

describe('leg position: the fills of a leg folded per account', () => {
  it('no fills: flat, no average', () => {
    expect(foldLegFills([])).toEqual({ accounts: [], netQuantity: 0, averageEntry: null });
  });
  it('per account net and weighted average in fill order; the leg entry weighted by quantity', () => {
    const leg = foldLegFills([fill(A, 'BUY', 75, 100), fill(B, 'BUY', 75, 102), fill(A, 'BUY', 75, 104), fill(B, 'SELL', 25, 110)]);
    expect(leg.accounts.map((a) => [a.accountId, a.netQuantity, a.averagePrice])).toEqual([
      [A, 150, rs(102)],
      [B, 50, rs(102)],
    ]);
    expect(leg.netQuantity).toBe(200);
    expect(leg.averageEntry).toBe(rs(102));
  });
  it('the same math as trading/position.ts, one account at a time', () => {
    const fills = [fill(A, 'BUY', 10, 100), fill(A, 'BUY', 10, 110), fill(A, 'SELL', 5, 120)];
    const leg = foldLegFills(fills);
    expect(leg.accounts[0]!.position).toEqual(positionFromFills(fills));
    expect(leg.averageEntry).toBe(rs(105));
  });
  it('weights unequal quantities and rounds half up to a tick', () => {
    const leg = foldLegFills([fill(A, 'BUY', 1, 100), fill(B, 'BUY', 2, 100.0001)]);
    // (100 × 1 + 100.0001 × 2) / 3 = 100.0000667 → 100.0001
    expect(leg.averageEntry).toBe(rs(100.0001));
    expect(foldLegFills([fill(A, 'BUY', 75, 100), fill(B, 'BUY', 25, 120)]).averageEntry).toBe(rs(105));
  });
  it('a short leg: negative net, positive entry', () => {
    const leg = foldLegFills([fill(A, 'SELL', 50, 200), fill(B, 'SELL', 50, 210)]);
    expect([leg.netQuantity, leg.averageEntry]).toEqual([-100, rs(205)]);
  });
  it('a flat account stays listed but does not weigh; a flat leg has no entry', () => {
    const leg = foldLegFills([fill(A, 'BUY', 50, 100), fill(A, 'SELL', 50, 90), fill(B, 'BUY', 50, 120)]);
    expect(leg.accounts.map((a) => [a.accountId, a.netQuantity, a.averagePrice])).toEqual([
      [A, 0, null],
      [B, 50, rs(120)],
    ]);
    expect(leg.averageEntry).toBe(rs(120));
    expect(foldLegFills([fill(A, 'BUY', 50, 100), fill(A, 'SELL', 50, 90)]).averageEntry).toBeNull();
  });
  it('an account on the opposite side does not pull the entry', () => {
    const leg = foldLegFills([fill(A, 'BUY', 100, 100), fill(B, 'SELL', 25, 50), fill(C, 'BUY', 100, 110)]);
    expect([leg.netQuantity, leg.averageEntry]).toEqual([175, rs(105)]);
  });
  it('legPositionOf builds the same from positions kept incrementally', () => {
    const fills = [fill(A, 'BUY', 10, 100), fill(B, 'BUY', 30, 104)];
    const byAccount = new Map([
      [A, positionFromFills([fills[0]!])],
      [B, positionFromFills([fills[1]!])],
    ]);
    expect(legPositionOf(byAccount)).toEqual(foldLegFills(fills));
  });
  it('refuses a bad fill like the position math does', () => {
    expect(() => foldLegFills([fill(A, 'BUY', 0, 100)])).toThrow(RangeError);
  });
});
