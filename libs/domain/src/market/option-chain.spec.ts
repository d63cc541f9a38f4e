import { describe, expect, it } from 'vitest';
import type { Instrument } from './instruments';
import { buildOptionChain, chainExpiries, simulatedOpenInterest, type ChainQuote } from './option-chain';
import { blackScholes } from './simulation/black-scholes';
import { RISK_FREE_RATE, yearsToExpiry } from './simulation/derivative-model';

const R = 10_000;
const option = (strike: number, type: 'CE' | 'PE', expiry = '2026-12-15'): Instrument => ({
  symbol: `NIFTY${expiry.replace(/-/g, '')}${strike}${type}`,
  exchange: 'NFO',
  name: `NIFTY ${strike} ${type}`,
  instrumentType: type,
  lotSize: 65,
  tickSize: 500,
  expiry,
  strike: strike * R,
  underlying: 'NIFTY',
});

describe('simulatedOpenInterest', () => {
  it('is whole lots, largest at the money, calls heavier above the spot and puts below', () => {
    const spot = 25_900 * R;
    const oi = (k: number, t: 'CE' | 'PE') => simulatedOpenInterest(option(k, t), spot);
    for (const k of [25_000, 25_900, 26_800]) for (const t of ['CE', 'PE'] as const) expect(oi(k, t) % 65).toBe(0);
    expect(oi(25_900, 'CE')).toBeGreaterThan(oi(26_800, 'CE'));
    expect(oi(26_300, 'CE')).toBeGreaterThan(oi(26_300, 'PE'));
    expect(oi(25_500, 'PE')).toBeGreaterThan(oi(25_500, 'CE'));
  });
});

describe('buildOptionChain', () => {
  const strikes = [25_700, 25_750, 25_800, 25_850, 25_900, 25_950, 26_000, 26_050, 26_100];
  const options = strikes.flatMap((k) => [option(k, 'CE'), option(k, 'PE'), option(k, 'CE', '2026-12-22')]);
  const now = Date.parse('2026-12-07T06:00:00Z');
  const quotes = new Map<string, ChainQuote>();
  for (const o of options) {
    const price = blackScholes(o.instrumentType as 'CE' | 'PE', 25_912, o.strike! / R, yearsToExpiry(o.expiry!, now), 0.12, RISK_FREE_RATE);
    const ltp = Math.max(500, Math.round((price * R) / 500) * 500);
    quotes.set(o.symbol, { ltp, bid: ltp - 500, ask: ltp + 500, prevClose: ltp - 1_000, volume: 650 });
  }
  const chain = (spot: number | null, each = 2) =>
    buildOptionChain({
      options,
      expiry: '2026-12-15',
      spot,
      strikesEachSide: each,
      quoteOf: (s) => quotes.get(s),
      openInterestOf: () => 6_500,
      now,
    });

  it('centres on the strike nearest the spot and takes as many each side, low to high, one expiry only', () => {
    const c = chain(25_912 * R);
    expect(c.atmStrike).toBe(25_900 * R);
    expect(c.rows.map((r) => r.strike / R)).toEqual([25_800, 25_850, 25_900, 25_950, 26_000]);
    expect(c.rows.every((r) => r.call!.symbol.includes('20261215') && r.put!.symbol.includes('20261215'))).toBe(true);
  });

  it('takes the lower strike on a tie, and clips at the ends of the listing', () => {
    expect(chain(25_925 * R).atmStrike).toBe(25_900 * R);
    expect(chain(25_600 * R, 3).rows.map((r) => r.strike / R)).toEqual([25_700, 25_750, 25_800, 25_850]);
    expect(chain(26_500 * R, 1).rows.map((r) => r.strike / R)).toEqual([26_050, 26_100]);
  });

  it('gives each side its quote, the IV its LTP implies (near the 12 % it was priced at) and its OI', () => {
    const atm = chain(25_912 * R).rows[2]!;
    expect(atm.call!.quote!.ltp).toBe(quotes.get(atm.call!.symbol)!.ltp);
    expect(atm.call!.iv!).toBeGreaterThan(0.11);
    expect(atm.call!.iv!).toBeLessThan(0.13);
    expect(atm.put!.iv!).toBeGreaterThan(0.11);
    expect(atm.put!.oi).toBe(6_500);
  });

  it('without a spot: no ATM, no IV, the middle of the listing', () => {
    const c = chain(null, 1);
    expect(c.atmStrike).toBeNull();
    expect(c.rows.map((r) => r.strike / R)).toEqual([25_850, 25_900, 25_950]);
    expect(c.rows.every((r) => r.call!.iv === null)).toBe(true);
  });

  it('a side with no quote yet has no IV; a strike listed on one side only keeps the other null', () => {
    const lonely = [...options, option(26_150, 'PE')];
    const c = buildOptionChain({
      options: lonely,
      expiry: '2026-12-15',
      spot: 26_150 * R,
      strikesEachSide: 0,
      quoteOf: () => undefined,
      openInterestOf: () => null,
      now,
    });
    expect(c.rows).toEqual([
      { strike: 26_150 * R, call: null, put: { symbol: option(26_150, 'PE').symbol, lotSize: 65, quote: null, iv: null, oi: null } },
    ]);
  });

  it('lists the unexpired expiries, soonest first', () => {
    expect(chainExpiries(options, '2026-12-07')).toEqual(['2026-12-15', '2026-12-22']);
    expect(chainExpiries(options, '2026-12-16')).toEqual(['2026-12-22']);
    expect(chainExpiries([], '2026-12-07')).toEqual([]);
  });
});
