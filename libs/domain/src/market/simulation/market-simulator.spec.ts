import { demoUniverse } from '../demo-universe';
import { formatPrice } from '../price';
import { blackScholes, normalCdf } from './black-scholes';
import { derivativePreviousClose, derivativeValue, onTickSize } from './derivative-model';
import { MarketSimulator, type SimTick } from './market-simulator';
import { intradayIntensity, isNseOpen, nextOpen, sessionsBetween } from './nse-session';

const AS_OF = new Date('2026-11-23T04:00:00Z'); // a Monday, 09:30 IST
const universe = demoUniverse(AS_OF);
const T0 = AS_OF.getTime();

function run(seed: number, n: number, rate = 1000): SimTick[] {
  const sim = new MarketSimulator({ seed, instruments: universe });
  const out: SimTick[] = [];
  for (let k = 0; k < n; k += 1) out.push(sim.next(T0 + Math.floor((k * 1000) / rate), rate));
  return out;
}

/** Prints every instrument once a second for `seconds`: a regular path per symbol. */
function paths(seed: number, seconds: number, symbols: string[]): Map<string, number[]> {
  const sim = new MarketSimulator({ seed, instruments: universe });
  const idx = symbols.map((s) => universe.findIndex((i) => i.symbol === s));
  const out = new Map(symbols.map((s) => [s, [] as number[]]));
  for (let k = 0; k < seconds; k += 1) {
    sim.advance(1);
    idx.forEach((i, j) => out.get(symbols[j]!)!.push(sim.tick(i, T0 + k * 1000).ltp));
  }
  return out;
}

const logReturns = (p: number[]) => p.slice(1).map((x, i) => Math.log(x / p[i]!));
const corr = (a: number[], b: number[]) => {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < a.length; i += 1) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
};

describe('MarketSimulator', () => {
  it('is deterministic for a seed, and different across seeds', () => {
    expect(run(42, 5_000)).toEqual(run(42, 5_000));
    expect(run(43, 500).map((t) => t.ltp)).not.toEqual(run(42, 500).map((t) => t.ltp));
  });

  it('prints on the tick size, with bid ≤ ltp ≤ ask and bid < ask, and counts seq and volume per symbol', () => {
    const ticks = run(7, 6_000);
    const tickSize = new Map(universe.map((i) => [i.symbol, i.tickSize]));
    const lastSeq = new Map<string, number>();
    const lastVol = new Map<string, number>();
    for (const t of ticks) {
      const size = tickSize.get(t.symbol)!;
      expect(t.ltp % size).toBe(0);
      expect(t.bid % size).toBe(0);
      expect(t.ask % size).toBe(0);
      expect(t.bid).toBeLessThan(t.ask);
      expect(t.bid).toBeLessThanOrEqual(t.ltp);
      expect(t.ask).toBeGreaterThanOrEqual(t.ltp);
      expect(t.seq).toBe((lastSeq.get(t.symbol) ?? 0) + 1);
      expect(t.volume).toBe((lastVol.get(t.symbol) ?? 0) + t.quantity);
      lastSeq.set(t.symbol, t.seq);
      lastVol.set(t.symbol, t.volume);
    }
    // Every kind of instrument trades, the liquid ones more.
    const counts = new Map<string, number>();
    for (const t of ticks) counts.set(t.symbol, (counts.get(t.symbol) ?? 0) + 1);
    expect(counts.get('RELIANCE')!).toBeGreaterThan(counts.get('BEL') ?? 0);
    expect(new Set(ticks.map((t) => universe.find((i) => i.symbol === t.symbol)!.instrumentType))).toEqual(
      new Set(['EQ', 'INDEX', 'FUT', 'CE', 'PE']),
    );
  });

  it('reports 5-level depth around the touch (none for indices), on the tick size, in whole lots, at most every 100 ms per instrument', () => {
    const ticks = run(11, 3_000, 100); // 30 s of model time
    const byKind = new Map(universe.map((i) => [i.symbol, i]));
    const lastBook = new Map<string, number>();
    let books = 0;
    for (const t of ticks) {
      const inst = byKind.get(t.symbol)!;
      if (inst.instrumentType === 'INDEX') {
        expect(t.depth).toBeUndefined();
        continue;
      }
      const prev = lastBook.get(t.symbol);
      if (prev === undefined) expect(t.depth).toBeDefined(); // an instrument's first tick has a book
      if (!t.depth) {
        expect(t.ts - prev!).toBeLessThanOrEqual(100); // model time is a float sum: the boundary may fall either side
        continue;
      }
      if (prev !== undefined) expect(t.ts - prev).toBeGreaterThanOrEqual(99);
      lastBook.set(t.symbol, t.ts);
      books += 1;
      const d = t.depth;
      expect(d.bids[0]!.price).toBe(t.bid);
      expect(d.asks[0]!.price).toBe(t.ask);
      expect(d.asks).toHaveLength(5);
      expect(d.bids.length).toBeGreaterThanOrEqual(1);
      expect(d.bids.length).toBeLessThanOrEqual(5);
      for (const [side, levels] of [
        [-1, d.bids],
        [1, d.asks],
      ] as const) {
        levels.forEach((l, k) => {
          expect(l.price % inst.tickSize).toBe(0);
          if (k > 0) expect(Math.sign(l.price - levels[k - 1]!.price)).toBe(side);
          expect(l.quantity % inst.lotSize).toBe(0);
          expect(l.quantity).toBeGreaterThan(0);
          expect(l.orders).toBeGreaterThanOrEqual(1);
          expect(l.orders).toBeLessThanOrEqual(l.quantity / inst.lotSize);
        });
      }
    }
    expect(books).toBeGreaterThan(500);
    // 30 s of model time over the whole universe (about 3 s of CPU): a limit a loaded machine cannot reach.
  }, 30_000);

  it('moves equities with their index (positive correlation), banks with BANKNIFTY', () => {
    const p = paths(11, 4_000, ['NIFTY', 'BANKNIFTY', 'RELIANCE', 'HDFCBANK']);
    const r = (s: string) => logReturns(p.get(s)!);
    expect(corr(r('RELIANCE'), r('NIFTY'))).toBeGreaterThan(0.2);
    expect(corr(r('HDFCBANK'), r('BANKNIFTY'))).toBeGreaterThan(0.2);
    expect(corr(r('BANKNIFTY'), r('NIFTY'))).toBeGreaterThan(0.5);
  });

  it('clusters volatility: squared returns are autocorrelated', () => {
    const nifty = paths(5, 20_000, ['NIFTY']).get('NIFTY')!;
    const r2 = logReturns(nifty).map((x) => x * x);
    // Average over 60 s windows, then the lag-1 autocorrelation of window variances.
    const windows: number[] = [];
    for (let i = 0; i + 60 <= r2.length; i += 60) windows.push(r2.slice(i, i + 60).reduce((s, x) => s + x, 0));
    expect(corr(windows.slice(1), windows.slice(0, -1))).toBeGreaterThan(0.3);
  });

  it('keeps futures above the index (carry) and options consistent with the index', () => {
    const sim = new MarketSimulator({ seed: 3, instruments: universe });
    const at = (s: string) => universe.findIndex((i) => i.symbol === s);
    const futs = universe
      .filter((i) => i.instrumentType === 'FUT' && i.underlying === 'NIFTY')
      .sort((a, b) => a.expiry!.localeCompare(b.expiry!));
    const calls = universe.filter((i) => i.instrumentType === 'CE' && i.underlying === 'NIFTY' && i.expiry === futs[0]!.expiry);
    sim.advance(1);
    const index = sim.tick(at('NIFTY'), T0).ltp;
    const futPrices = futs.map((f) => sim.tick(at(f.symbol), T0).ltp);
    expect(futPrices[0]!).toBeGreaterThan(index);
    expect(futPrices[1]!).toBeGreaterThan(futPrices[0]!);
    // Calls are cheaper the higher the strike, and never below intrinsic value.
    const callPrices = calls.sort((a, b) => a.strike! - b.strike!).map((c) => ({ strike: c.strike!, p: sim.tick(at(c.symbol), T0).ltp }));
    for (let k = 1; k < callPrices.length; k += 1) expect(callPrices[k]!.p).toBeLessThanOrEqual(callPrices[k - 1]!.p);
    for (const c of callPrices) expect(c.p).toBeGreaterThanOrEqual(Math.max(0, index - c.strike) - 10_000);
    // Put–call parity at the money within a few rupees (spreads and rounding).
    const atm = callPrices.reduce((best, c) => (Math.abs(c.strike - index) < Math.abs(best.strike - index) ? c : best));
    const put = universe.find(
      (i) => i.instrumentType === 'PE' && i.expiry === futs[0]!.expiry && i.strike === atm.strike && i.underlying === 'NIFTY',
    )!;
    const putPrice = sim.tick(at(put.symbol), T0).ltp;
    const years = (Date.parse(`${put.expiry}T10:00:00Z`) - T0) / 1000 / (365 * 86_400);
    const parity = index - atm.strike * Math.exp(-0.065 * years);
    expect(Math.abs(atm.p - putPrice - parity)).toBeLessThan(5 * 10_000);
  });

  it('starts from given prices and reports the previous close; a new IST day rolls prevClose and volume', () => {
    const sim = new MarketSimulator({
      seed: 1,
      instruments: universe.filter((i) => i.symbol === 'TCS'),
      start: new Map([['TCS', { price: 30_000_000, prevClose: 29_900_000 }]]),
    });
    const first = sim.next(T0, 10);
    expect(Math.abs(first.ltp - 30_000_000)).toBeLessThan(300_000);
    expect(first.prevClose).toBe(29_900_000);
    const lastToday = sim.next(T0 + 1000, 10);
    const tomorrow = sim.next(T0 + 86_400_000, 10);
    expect(tomorrow.prevClose).toBe(lastToday.ltp);
    expect(tomorrow.volume).toBe(tomorrow.quantity);
    expect(formatPrice(tomorrow.ltp)).toMatch(/^\d+\.\d{2}$/);
  });

  it('refuses an empty universe and a bad dt', () => {
    expect(() => new MarketSimulator({ seed: 1, instruments: [] })).toThrow(/at least one/);
    const sim = new MarketSimulator({ seed: 1, instruments: universe.slice(0, 1) });
    expect(() => sim.advance(-1)).toThrow(RangeError);
    expect(() => sim.advance(Number.NaN)).toThrow(RangeError);
  });
});

describe('MarketSimulator: previous closes from the model', () => {
  const RUPEE = 10_000;
  const isNiftyDerivative = (i: (typeof universe)[number]) =>
    i.underlying === 'NIFTY' && (i.instrumentType === 'FUT' || i.instrumentType === 'CE' || i.instrumentType === 'PE');
  const start = new Map([['NIFTY', { price: 26_100 * RUPEE, prevClose: 26_000 * RUPEE }]]);

  it("prices a future's or option's previous close on the index's previous close at the previous session's close, whatever it was given", () => {
    // A stored previous close of an option is not used: the model prices it.
    const withStale = new Map([...start, ['NIFTY26NOV25900CE', { price: 1_000 * RUPEE, prevClose: 1_000 * RUPEE }]]);
    const sim = new MarketSimulator({ seed: 4, instruments: universe, start: withStale });
    universe.forEach((inst, i) => {
      const t = sim.tick(i, T0);
      if (inst.symbol === 'NIFTY') expect(t.prevClose).toBe(26_000 * RUPEE);
      if (!isNiftyDerivative(inst)) return;
      expect(t.prevClose).toBe(derivativePreviousClose(inst, 26_000 * RUPEE, T0));
      expect(t.prevClose).not.toBe(1_000 * RUPEE);
    });
  });

  it('reports sane day changes for options near the money (no +160 % off a placeholder)', () => {
    const sim = new MarketSimulator({ seed: 4, instruments: universe, start });
    sim.advance(1);
    universe.forEach((inst, i) => {
      if (!isNiftyDerivative(inst) || inst.instrumentType === 'FUT' || Math.abs(inst.strike! - 26_100 * RUPEE) > 200 * RUPEE) return;
      const t = sim.tick(i, T0);
      // Monday 09:30 against Friday's close: the index is up ₹100 and three days of time value are
      // gone — which the expiring weekly feels most (a day and a quarter left of four).
      const ratio = t.ltp / t.prevClose;
      expect(ratio).toBeGreaterThan(inst.expiry === '2026-11-24' ? 0.1 : 0.5);
      expect(ratio).toBeLessThan(inst.expiry === '2026-11-24' ? 2.5 : 1.5);
    });
  });

  it("at a new IST day, the index's last print becomes its previous close and its derivatives' are priced on it", () => {
    const sim = new MarketSimulator({ seed: 8, instruments: universe, start });
    const at = (s: string) => universe.findIndex((i) => i.symbol === s);
    const call = universe.find((i) => i.symbol === 'NIFTY26D0126000CE')!;
    sim.advance(30);
    const lastToday = sim.tick(at('NIFTY'), T0 + 60_000).ltp;
    sim.advance(30);
    const tomorrow = T0 + 86_400_000;
    const callTomorrow = sim.tick(at(call.symbol), tomorrow);
    expect(callTomorrow.prevClose).toBe(derivativePreviousClose(call, lastToday, tomorrow));
    expect(sim.tick(at('NIFTY'), tomorrow + 1).prevClose).toBe(lastToday);
    // Without the index in the universe, its derivatives still close on the index's level.
    const alone = new MarketSimulator({ seed: 8, instruments: [call], start });
    const first = alone.tick(0, T0);
    expect(first.prevClose).toBe(derivativePreviousClose(call, 26_000 * RUPEE, T0));
    alone.advance(10);
    const level = alone.indexLevel('NIFTY')!;
    expect(alone.tick(0, tomorrow).prevClose).toBe(derivativePreviousClose(call, level, tomorrow));
  });

  it("keeps an equity's previous close its own last price", () => {
    const sim = new MarketSimulator({ seed: 2, instruments: universe.filter((i) => i.symbol === 'TCS') });
    const first = sim.next(T0, 10);
    expect(first.prevClose).toBe(3450 * RUPEE);
    const last = sim.next(T0 + 500, 10);
    expect(sim.next(T0 + 86_400_000, 10).prevClose).toBe(last.ltp);
  });
});

describe('MarketSimulator: the listing changes while it runs', () => {
  const RUPEE = 10_000;
  const base = universe.filter((i) => i.instrumentType !== 'CE' && i.instrumentType !== 'PE');
  const far = demoUniverse(AS_OF, new Map([['NIFTY', 30_000 * RUPEE]])).filter(
    (i) => i.underlying === 'NIFTY' && i.instrumentType === 'CE',
  );

  it('lists new contracts (priced from the index at once, picked in proportion to liquidity) and stops picking delisted ones', () => {
    const sim = new MarketSimulator({ seed: 12, instruments: base, start: new Map([['NIFTY', { price: 30_000 * RUPEE }]]) });
    const size = sim.size;
    expect(sim.list(far)).toBe(far.length);
    expect(sim.size).toBe(size + far.length);
    expect(sim.list(far)).toBe(0); // already listed
    const atm = far.find((i) => i.strike === 30_000 * RUPEE)!;
    const i = sim.indexOfSymbol(atm.symbol)!;
    sim.advance(1);
    const t = sim.tick(i, T0);
    const level = sim.indexLevel('NIFTY')!;
    expect(Math.abs(t.ltp - onTickSize(derivativeValue(atm, level, T0), 500))).toBeLessThan(60 * RUPEE); // the smile follows live volatility
    expect(t.prevClose).toBe(derivativePreviousClose(atm, 30_000 * RUPEE, T0));
    const picked = new Set<string>();
    for (let k = 0; k < 20_000; k += 1) picked.add(sim.symbolAt(sim.pick()));
    expect(picked.has(atm.symbol)).toBe(true);

    sim.delist(far.map((f) => f.symbol));
    sim.delist(['NOT-LISTED']);
    expect(sim.listedSymbols()).toEqual(base.map((b) => b.symbol));
    for (let k = 0; k < 20_000; k += 1) expect(far.some((f) => f.symbol === sim.symbolAt(sim.pick()))).toBe(false);
    // A delisted contract can still be printed directly (a steered one), and comes back when listed again.
    expect(sim.tick(i, T0 + 1000).symbol).toBe(atm.symbol);
    expect(sim.list([atm])).toBe(0);
    expect(sim.listedSymbols()).toContain(atm.symbol);
  });

  it('re-ranks futures by expiry as the listing changes (the near month trades most)', () => {
    const futs = base
      .filter((i) => i.instrumentType === 'FUT' && i.underlying === 'NIFTY')
      .sort((a, b) => a.expiry!.localeCompare(b.expiry!));
    const sim = new MarketSimulator({ seed: 3, instruments: base });
    const count = () => {
      const n = new Map<string, number>();
      for (let k = 0; k < 30_000; k += 1) {
        const s = sim.symbolAt(sim.pick());
        n.set(s, (n.get(s) ?? 0) + 1);
      }
      return n;
    };
    const before = count();
    expect(before.get(futs[0]!.symbol)!).toBeGreaterThan(2 * (before.get(futs[1]!.symbol) ?? 0));
    sim.delist([futs[0]!.symbol]);
    const after = count();
    expect(after.get(futs[0]!.symbol) ?? 0).toBe(0);
    expect(after.get(futs[1]!.symbol)!).toBeGreaterThan(2 * (after.get(futs[2]!.symbol) ?? 0));
  });

  it('holds a pinned index (and prices its derivatives on it) until released, then moves on from there', () => {
    const sim = new MarketSimulator({ seed: 5, instruments: universe });
    const at = (s: string) => universe.findIndex((i) => i.symbol === s);
    expect(sim.pinIndex('RELIANCE', 1)).toBe(false);
    expect(sim.pinIndex('NIFTY', 31_000 * RUPEE)).toBe(true);
    const call = universe.find((i) => i.symbol === 'NIFTY26D0126000CE')!;
    for (let k = 0; k < 50; k += 1) {
      sim.advance(1);
      expect(sim.tick(at('NIFTY'), T0 + k * 1000).ltp).toBe(31_000 * RUPEE);
    }
    expect(sim.indexLevel('NIFTY')).toBe(31_000 * RUPEE);
    // Deep in the money now: worth about the index less the strike.
    expect(Math.abs(sim.tick(at(call.symbol), T0 + 60_000).ltp - 5_000 * RUPEE)).toBeLessThan(100 * RUPEE);
    sim.pinIndex('NIFTY', null);
    const levels = new Set<number>();
    for (let k = 0; k < 50; k += 1) {
      sim.advance(1);
      levels.add(sim.tick(at('NIFTY'), T0 + 100_000 + k * 1000).ltp);
    }
    expect(levels.size).toBeGreaterThan(5);
    expect(Math.abs([...levels][0]! - 31_000 * RUPEE)).toBeLessThan(100 * RUPEE);
    expect(sim.indexLevel('RELIANCE')).toBeUndefined();
  });
});

describe('Black–Scholes', () => {
  it('matches textbook values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    // S=100, K=100, T=1, σ=20%, r=5%: call 10.4506, put 5.5735 (Hull).
    expect(blackScholes('CE', 100, 100, 1, 0.2, 0.05)).toBeCloseTo(10.4506, 3);
    expect(blackScholes('PE', 100, 100, 1, 0.2, 0.05)).toBeCloseTo(5.5735, 3);
    expect(blackScholes('CE', 120, 100, 0, 0.2, 0.05)).toBe(20);
  });
});

describe('NSE session', () => {
  const ist = (iso: string) => Date.parse(`${iso}+05:30`);
  it('is open 09:15–15:30 IST on weekdays only', () => {
    expect(isNseOpen(ist('2026-11-23T09:14:59'))).toBe(false);
    expect(isNseOpen(ist('2026-11-23T09:15:00'))).toBe(true);
    expect(isNseOpen(ist('2026-11-23T15:29:59'))).toBe(true);
    expect(isNseOpen(ist('2026-11-23T15:30:00'))).toBe(false);
    expect(isNseOpen(ist('2026-11-22T11:00:00'))).toBe(false); // Sunday
    expect(nextOpen(ist('2026-11-21T12:00:00'))).toBe(ist('2026-11-23T09:15:00')); // Saturday → Monday
    expect(nextOpen(ist('2026-11-23T10:00:00'))).toBe(ist('2026-11-23T10:00:00'));
  });
  it('lists the sessions in a range, clipped', () => {
    const s = sessionsBetween(ist('2026-11-20T12:00:00'), ist('2026-11-24T10:00:00'));
    expect(s).toEqual([
      { open: ist('2026-11-20T12:00:00'), close: ist('2026-11-20T15:30:00') },
      { open: ist('2026-11-23T09:15:00'), close: ist('2026-11-23T15:30:00') },
      { open: ist('2026-11-24T09:15:00'), close: ist('2026-11-24T10:00:00') },
    ]);
  });
  it('trades heavier at the open and close than at lunch, averaging about 1', () => {
    expect(intradayIntensity(ist('2026-11-23T09:16:00'))).toBeGreaterThan(2 * intradayIntensity(ist('2026-11-23T12:30:00')));
    expect(intradayIntensity(ist('2026-11-23T15:29:00'))).toBeGreaterThan(1.5 * intradayIntensity(ist('2026-11-23T12:30:00')));
    let sum = 0;
    const n = 375;
    for (let m = 0; m < n; m += 1) sum += intradayIntensity(ist('2026-11-23T09:15:00') + m * 60_000 + 30_000);
    expect(sum / n).toBeGreaterThan(0.9);
    expect(sum / n).toBeLessThan(1.1);
  });
});
