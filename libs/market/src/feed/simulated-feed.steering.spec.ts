import { demoUniverse, type SimTick } from '@tradeloop/domain';
import { SimulatedFeedSource, STEERED_EVERY_MS } from './simulated-feed.source';

const universe = demoUniverse(new Date('2026-12-07T04:00:00Z'));
const option = universe.find((i) => i.instrumentType === 'CE')!;
const start = Date.UTC(2026, 11, 7, 4, 0, 0);

function source() {
  let now = start;
  const s = new SimulatedFeedSource({ seed: 7, instruments: universe, ticksPerSecond: 50, hours: 'always', now: () => now });
  // start() records the clock; the loop's timer is stopped at once (due() is driven by hand).
  void s.start(() => undefined);
  void s.stop();
  return {
    s,
    step(ms: number): SimTick[] {
      now += ms;
      return s.due(now);
    },
  };
}

describe('simulated feed: the steering test seam', () => {
  it('a steered symbol prints at once at the price, the touch one tick either side, the book shifted; then at least every 100 ms', () => {
    const { s, step } = source();
    expect(s.steer(option.symbol, 2_000_000)).toBe(true);
    const first = step(10).filter((t) => t.symbol === option.symbol);
    expect(first.length).toBeGreaterThanOrEqual(1);
    for (const t of first) {
      expect([t.ltp, t.bid, t.ask]).toEqual([2_000_000, 2_000_000 - option.tickSize, 2_000_000 + option.tickSize]);
      if (t.depth) {
        expect(t.depth.bids[0]!.price).toBe(t.bid);
        expect(t.depth.asks[0]!.price).toBe(t.ask);
        expect(t.depth.bids.every((l, k) => l.price === t.bid - k * option.tickSize)).toBe(true);
      }
    }
    // Within the next 100 ms it prints again (at least once), always at the steered price.
    let again: SimTick[] = [];
    for (let ms = 0; ms < STEERED_EVERY_MS; ms += 10) again = again.concat(step(10).filter((t) => t.symbol === option.symbol));
    expect(again.length).toBeGreaterThanOrEqual(1);
    expect(again.every((t) => t.ltp === 2_000_000)).toBe(true);
  });
  it('steering again moves it; null hands it back to the model (no extra prints)', () => {
    const { s, step } = source();
    s.steer(option.symbol, 2_000_000);
    step(10);
    s.steer(option.symbol, 2_100_000);
    expect(
      step(10)
        .filter((t) => t.symbol === option.symbol)
        .map((t) => t.ltp),
    ).toContain(2_100_000);
    s.steer(option.symbol, null);
    const after = [];
    for (let k = 0; k < 30; k++) after.push(...step(10).filter((t) => t.symbol === option.symbol));
    expect(after.every((t) => t.ltp !== 2_100_000)).toBe(true);
  });
  it('an unknown symbol is refused; other symbols are untouched', () => {
    const { s, step } = source();
    expect(s.steer('NOSUCH', 1_000_000)).toBe(false);
    s.steer(option.symbol, 2_000_000);
    const others = step(1_000).filter((t) => t.symbol !== option.symbol);
    expect(others.length).toBeGreaterThan(0);
    expect(others.some((t) => t.ltp === 2_000_000 && t.bid === 2_000_000 - option.tickSize && t.ask === 2_000_000 + option.tickSize)).toBe(
      false,
    );
  });
});
