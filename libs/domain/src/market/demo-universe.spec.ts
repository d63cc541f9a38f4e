import { DEMO_INDICES, DEMO_STRIKES_EACH_SIDE, demoAtmStrike, demoIndexLevels, demoUniverse } from './demo-universe';
import type { Instrument } from './instruments';

const RUPEE = 10_000;
const MONDAY = new Date('2026-11-23T00:00:00Z');

const chains = (u: Instrument[], underlying: string) => {
  const byExpiry = new Map<string, number[]>();
  for (const i of u) {
    if (i.underlying !== underlying || i.instrumentType !== 'CE') continue;
    byExpiry.set(i.expiry!, [...(byExpiry.get(i.expiry!) ?? []), i.strike! / RUPEE]);
  }
  for (const strikes of byExpiry.values()) strikes.sort((a, b) => a - b);
  return byExpiry;
};

describe('demoUniverse: strikes around the index level', () => {
  it('centres every chain on the at-the-money strike of the level it is given', () => {
    const u = demoUniverse(MONDAY, new Map([['NIFTY', 27_590 * RUPEE]]));
    const nifty = chains(u, 'NIFTY');
    expect(nifty.size).toBe(2); // this week's weekly is November's monthly
    for (const strikes of nifty.values()) {
      expect(strikes).toHaveLength(2 * DEMO_STRIKES_EACH_SIDE + 1);
      expect(strikes[0]).toBe(26_600);
      expect(strikes[strikes.length - 1]).toBe(28_600);
      expect(strikes[DEMO_STRIKES_EACH_SIDE]).toBe(27_600); // the middle one is at the money
    }
    // Puts on the same strikes.
    const puts = u.filter((i) => i.underlying === 'NIFTY' && i.instrumentType === 'PE').map((i) => i.strike! / RUPEE);
    expect(Math.min(...puts)).toBe(26_600);
    expect(Math.max(...puts)).toBe(28_600);
    // BANKNIFTY, not given, at its start level.
    for (const strikes of chains(u, 'BANKNIFTY').values()) expect(strikes[DEMO_STRIKES_EACH_SIDE]).toBe(58_300);
  });

  it('lists around the start levels without levels (as before), and the same for the same date and levels', () => {
    const u = demoUniverse(MONDAY);
    for (const idx of DEMO_INDICES)
      for (const strikes of chains(u, idx.symbol).values()) {
        expect(strikes[0]).toBe(idx.level - DEMO_STRIKES_EACH_SIDE * idx.strikeStep);
        expect(strikes[DEMO_STRIKES_EACH_SIDE]).toBe(idx.level);
      }
    expect(demoUniverse(MONDAY, new Map([['NIFTY', 27_590 * RUPEE]]))).toEqual(demoUniverse(MONDAY, new Map([['NIFTY', 27_590 * RUPEE]])));
    expect(new Set(u.map((i) => i.symbol)).size).toBe(u.length);
  });

  it('lists no strike at or below zero for a very low level', () => {
    const u = demoUniverse(MONDAY, new Map([['NIFTY', 300 * RUPEE]]));
    const strikes = [...chains(u, 'NIFTY').values()][0]!;
    expect(strikes[0]).toBe(50);
    expect(strikes).toContain(300);
  });

  it('rolls expiries: an expiry before the date is no longer listed, the next ones are', () => {
    const expiries = (d: string) => [...chains(demoUniverse(new Date(`${d}T00:00:00Z`)), 'NIFTY').keys()].sort();
    expect(expiries('2026-11-23')).toEqual(['2026-11-24', '2026-12-01']);
    // The weekly of 2026-11-24 is also November's monthly: listed once, as the monthly.
    expect(demoUniverse(MONDAY).some((i) => i.symbol === 'NIFTY26NOV25900CE')).toBe(true);
    expect(expiries('2026-11-24')).toEqual(['2026-11-24', '2026-12-01']);
    expect(expiries('2026-11-25')).toEqual(['2026-12-01', '2026-12-08', '2026-12-29']);
    const futures = (d: string) =>
      demoUniverse(new Date(`${d}T00:00:00Z`))
        .filter((i) => i.instrumentType === 'FUT' && i.underlying === 'NIFTY')
        .map((i) => i.expiry);
    expect(futures('2026-11-24')).toEqual(['2026-11-24', '2026-12-29', '2027-01-26']);
    expect(futures('2026-11-25')).toEqual(['2026-12-29', '2027-01-26', '2027-02-23']);
  });
});

describe('demoAtmStrike and demoIndexLevels', () => {
  it('rounds the level to the nearest strike, a half up, never below one step', () => {
    expect(demoAtmStrike(50, 27_590 * RUPEE)).toBe(27_600 * RUPEE);
    expect(demoAtmStrike(50, 27_574 * RUPEE)).toBe(27_550 * RUPEE);
    expect(demoAtmStrike(50, 27_575 * RUPEE)).toBe(27_600 * RUPEE);
    expect(demoAtmStrike(100, 58_349_9500)).toBe(58_300 * RUPEE);
    expect(demoAtmStrike(50, 10 * RUPEE)).toBe(50 * RUPEE);
  });

  it('takes known levels (plain or as stored prices), else each index’s start level; ignores nonsense', () => {
    expect(demoIndexLevels()).toEqual(new Map(DEMO_INDICES.map((i) => [i.symbol, i.level * RUPEE])));
    expect(demoIndexLevels(new Map([['NIFTY', 27_590 * RUPEE]])).get('NIFTY')).toBe(27_590 * RUPEE);
    expect(demoIndexLevels(new Map([['NIFTY', { price: 27_000 * RUPEE }]])).get('NIFTY')).toBe(27_000 * RUPEE);
    for (const bad of [0, -5, 1.5, Number.NaN])
      expect(demoIndexLevels(new Map([['BANKNIFTY', bad]])).get('BANKNIFTY')).toBe(58_300 * RUPEE);
    expect([...demoIndexLevels(new Map([['RELIANCE', 1]])).keys()]).toEqual(['NIFTY', 'BANKNIFTY']);
  });
});
