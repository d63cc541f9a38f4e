import { demoUniverse } from './demo-universe';
import type { Instrument } from './instruments';
import { planListingRoll, type ListedInstrument } from './listing-roll';

const RUPEE = 10_000;
const MONDAY = new Date('2026-11-23T00:00:00Z');
const TODAY = '2026-11-23';

const derivatives = (u: Instrument[]) =>
  u.filter((i) => i.instrumentType === 'FUT' || i.instrumentType === 'CE' || i.instrumentType === 'PE');
const stored = (u: Instrument[], active = true): ListedInstrument[] => derivatives(u).map((i) => ({ ...i, active }));
const at = (nifty: number, banknifty = 58_300) =>
  demoUniverse(
    MONDAY,
    new Map([
      ['NIFTY', nifty * RUPEE],
      ['BANKNIFTY', banknifty * RUPEE],
    ]),
  );

describe('planListingRoll', () => {
  it('lists everything of today on an empty store: every derivative is new, nothing to delist', () => {
    const listing = at(25_900);
    const plan = planListingRoll({ listing, stored: [], inUse: new Set(), today: TODAY });
    expect(plan.list).toEqual(listing);
    expect(plan.added).toEqual(
      derivatives(listing)
        .map((i) => i.symbol)
        .sort(),
    );
    expect(plan.delist).toEqual([]);
    expect(plan.kept).toEqual([]);
  });

  it('changes nothing when the index has not moved a strike', () => {
    const listing = at(25_900);
    const plan = planListingRoll({ listing, stored: stored(at(25_910)), inUse: new Set(), today: TODAY });
    expect(plan.added).toEqual([]);
    expect(plan.delist).toEqual([]);
    expect(plan.kept).toEqual([]);
  });

  it('after a drift, lists the strikes around the new level and delists the old ones no one holds', () => {
    const before = at(25_900);
    const after = at(27_590);
    const plan = planListingRoll({ listing: after, stored: stored(before), inUse: new Set(), today: TODAY });
    const old = new Set(derivatives(before).map((i) => i.symbol));
    const now = new Set(derivatives(after).map((i) => i.symbol));
    expect(plan.added).toEqual([...now].filter((s) => !old.has(s)).sort());
    expect(plan.delist).toEqual([...old].filter((s) => !now.has(s)).sort());
    // Only NIFTY's options moved: BANKNIFTY and the futures are listed as they were.
    expect(plan.delist.every((s) => s.startsWith('NIFTY') && /(CE|PE)$/.test(s))).toBe(true);
    expect(plan.added.every((s) => s.startsWith('NIFTY') && /(CE|PE)$/.test(s))).toBe(true);
    // 26,600–28,600 now; 24,900–26,550 gone.
    expect(plan.delist.some((s) => s.endsWith('24900CE'))).toBe(true);
    expect(plan.delist.some((s) => s.endsWith('26600CE'))).toBe(false);
    expect(plan.added.some((s) => s.endsWith('28600PE'))).toBe(true);
  });

  it('keeps a no-longer-listed contract someone has an open order or position in', () => {
    const before = at(25_900);
    const after = at(27_590);
    const held = derivatives(before).find((i) => i.symbol.endsWith('25000CE'))!.symbol;
    const plan = planListingRoll({ listing: after, stored: stored(before), inUse: new Set([held, 'RELIANCE']), today: TODAY });
    expect(plan.kept).toEqual([held]);
    expect(plan.delist).not.toContain(held);
    expect(plan.delist.length).toBeGreaterThan(0);
  });

  it('relists a contract delisted before (back near the money), and leaves already inactive ones alone', () => {
    const listing = at(25_900);
    const inactive = stored(listing, false);
    const plan = planListingRoll({ listing, stored: inactive, inUse: new Set(), today: TODAY });
    expect(plan.added).toEqual(inactive.map((i) => i.symbol).sort());
    const gone = stored(at(30_000), false);
    const plan2 = planListingRoll({ listing, stored: gone, inUse: new Set(), today: TODAY });
    expect(plan2.delist).toEqual([]);
  });

  it('leaves expired contracts, equities, indices and other underlyings as they are', () => {
    const listing = at(25_900);
    const expired: ListedInstrument = {
      symbol: 'NIFTY26N1725000CE',
      exchange: 'NFO',
      name: 'expired',
      instrumentType: 'CE',
      lotSize: 65,
      tickSize: 500,
      expiry: '2026-11-17',
      strike: 25_000 * RUPEE,
      underlying: 'NIFTY',
      active: true,
    };
    const otherUnderlying: ListedInstrument = { ...expired, symbol: 'FINNIFTY26N2420000CE', expiry: '2026-11-24', underlying: 'FINNIFTY' };
    const noUnderlying: ListedInstrument = { ...expired, symbol: 'ODD26N2420000CE', expiry: '2026-11-24', underlying: undefined };
    const noExpiry: ListedInstrument = { ...expired, symbol: 'NIFTYFUTX', instrumentType: 'FUT', expiry: undefined };
    const equity: ListedInstrument = {
      symbol: 'ZZZ',
      exchange: 'NSE',
      name: 'gone',
      instrumentType: 'EQ',
      lotSize: 1,
      tickSize: 500,
      active: true,
    };
    const index: ListedInstrument = { ...equity, symbol: 'NIFTYIT', instrumentType: 'INDEX', underlying: 'NIFTY' };
    const plan = planListingRoll({
      listing,
      stored: [expired, otherUnderlying, noUnderlying, noExpiry, equity, index],
      inUse: new Set(),
      today: TODAY,
    });
    expect(plan.delist).toEqual([]);
    expect(plan.kept).toEqual([]);
  });

  it('delists an expiry no longer listed that has not expired yet (and the expiry listed today on its day)', () => {
    const listing = at(25_900);
    const stray: ListedInstrument = {
      symbol: 'NIFTY26D0825000CE',
      exchange: 'NFO',
      name: 'a weekly not listed today',
      instrumentType: 'CE',
      lotSize: 65,
      tickSize: 500,
      expiry: '2026-12-08',
      strike: 25_000 * RUPEE,
      underlying: 'NIFTY',
      active: true,
    };
    expect(listing.some((i) => i.symbol === stray.symbol)).toBe(false);
    expect(planListingRoll({ listing, stored: [stray], inUse: new Set(), today: TODAY }).delist).toEqual([stray.symbol]);
    // Expiring today is not expired: listed today, it stays.
    const expiringToday = listing.find((i) => i.expiry === '2026-11-24')!;
    expect(
      planListingRoll({ listing, stored: [{ ...expiringToday, active: true }], inUse: new Set(), today: '2026-11-24' }).delist,
    ).toEqual([]);
  });
});
