import { demoUniverse, derivativePreviousClose, type SimTick } from '@tradeloop/domain';
import { SimulatedFeedSource } from './simulated-feed.source';

const RUPEE = 10_000;
const start = Date.UTC(2026, 11, 7, 4, 0, 0); // a Monday, 09:30 IST
const day = new Date('2026-12-07T00:00:00Z');
const at = (nifty: number) => demoUniverse(day, new Map([['NIFTY', nifty * RUPEE]]));

function source(universe = at(25_900)) {
  let now = start;
  const s = new SimulatedFeedSource({ seed: 3, instruments: universe, ticksPerSecond: 2_000, hours: 'always', now: () => now });
  void s.start(() => undefined);
  void s.stop();
  return {
    s,
    run(ms: number): SimTick[] {
      const out: SimTick[] = [];
      for (let t = 0; t < ms; t += 10) {
        now += 10;
        out.push(...s.due(now));
      }
      return out;
    },
  };
}

describe('simulated feed: the listing changes while it runs', () => {
  it('relists: new contracts trade from the next step (previous close from the model), dropped ones stop', () => {
    const { s, run } = source();
    const before = new Set(at(25_900).map((i) => i.symbol));
    const after = at(27_000);
    const { added, removed } = s.relist(after);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((sym) => !before.has(sym))).toBe(true);
    expect(removed.every((sym) => !after.some((i) => i.symbol === sym))).toBe(true);
    expect(s.relist(after)).toEqual({ added: [], removed: [] });
    const ticks = run(5_000);
    const traded = new Set(ticks.map((t) => t.symbol));
    expect(ticks.some((t) => removed.includes(t.symbol))).toBe(false);
    const atm = after.find((i) => i.symbol === 'NIFTY26D0827000CE')!;
    expect(traded.has(atm.symbol)).toBe(true);
    const first = ticks.find((t) => t.symbol === atm.symbol)!;
    expect(first.prevClose).toBe(derivativePreviousClose(atm, 25_900 * RUPEE, first.ts));
  });

  it('a steered index holds the model there: its level, and its options priced on it', () => {
    const { s, run } = source();
    expect(s.levelOf('NIFTY')).toBeGreaterThan(25_000 * RUPEE);
    expect(s.levelOf('RELIANCE')).toBeUndefined();
    expect(s.steer('NIFTY', 28_000 * RUPEE)).toBe(true);
    run(200);
    expect(s.levelOf('NIFTY')).toBe(28_000 * RUPEE);
    // The 25,900 call (deep in the money now) is worth about the ₹2,100 difference.
    const call = run(3_000).filter((t) => t.symbol === 'NIFTY26D0825900CE');
    expect(call.length).toBeGreaterThan(0);
    for (const t of call) expect(Math.abs(t.ltp - 2_100 * RUPEE)).toBeLessThan(100 * RUPEE);
    s.steer('NIFTY', null);
    run(2_000);
    expect(Math.abs(s.levelOf('NIFTY')! - 28_000 * RUPEE)).toBeLessThan(200 * RUPEE);
  });

  it('can steer an instrument listed by a relist', () => {
    const { s, run } = source();
    const fresh = at(29_000).find((i) => i.symbol === 'NIFTY26D0829000PE')!;
    expect(s.steer(fresh.symbol, 150 * RUPEE)).toBe(false);
    s.relist([...at(25_900), fresh]);
    expect(s.steer(fresh.symbol, 150 * RUPEE)).toBe(true);
    const printed = run(200).filter((t) => t.symbol === fresh.symbol);
    expect(printed.length).toBeGreaterThan(0);
    expect(printed.every((t) => t.ltp === 150 * RUPEE && t.bid === 150 * RUPEE - fresh.tickSize)).toBe(true);
  });
});
