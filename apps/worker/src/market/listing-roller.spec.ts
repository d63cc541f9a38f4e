import { demoUniverse, todayIst, type IndexLevels, type Instrument, type PriceTicks } from '@tradeloop/domain';
import type { ListingRollResult } from '@tradeloop/trading';
import { ListingRoller } from './listing-roller';

const RUPEE = 10_000;
const ist = (iso: string) => Date.parse(`${iso}+05:30`);

function world(start: number) {
  let now = start;
  const rolls: { now: number; levels: IndexLevels }[] = [];
  const relisted: Instrument[][] = [];
  const listed: (readonly Instrument[])[] = [];
  const errors: unknown[] = [];
  let failNext = 0;
  let release: (() => void) | null = null;
  let hold = false;
  const levels = new Map<string, PriceTicks>([['NIFTY', 27_590 * RUPEE]]);
  let feedRunning = false;
  const roller = new ListingRoller({
    now: () => now,
    async roll(input) {
      rolls.push(input);
      if (hold) await new Promise<void>((r) => (release = r));
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('database down');
      }
      const day = todayIst(new Date(input.now));
      return { day, list: [], added: [], delist: [], kept: [] } satisfies ListingRollResult;
    },
    universe: (day) => Promise.resolve(demoUniverse(new Date(`${day}T00:00:00Z`), levels).slice(0, 3)),
    feed: () =>
      feedRunning
        ? {
            levelOf: (s: string) => levels.get(s),
            relist: (u: readonly Instrument[]) => relisted.push([...u]),
          }
        : null,
    onListed: (u) => listed.push(u),
    onError: (err) => errors.push(err),
  });
  return {
    roller,
    rolls,
    relisted,
    listed,
    errors,
    set now(v: number) {
      now = v;
    },
    failNext: (n: number) => (failNext = n),
    hold: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
    startFeed: () => (feedRunning = true),
  };
}

describe('ListingRoller', () => {
  it('rolls at start-up around the levels it is given, before the feed runs, and tells the paper broker', async () => {
    const w = world(ist('2026-11-23T08:00:00'));
    const given = new Map([['NIFTY', 29_000 * RUPEE]]);
    const universe = await w.roller.rollNow(given);
    expect(w.rolls).toEqual([{ now: ist('2026-11-23T08:00:00'), levels: given }]);
    expect(w.roller.day).toBe('2026-11-23');
    expect(universe).toHaveLength(3);
    expect(w.relisted).toEqual([]); // no feed yet
    expect(w.listed).toEqual([universe]);
  });

  it('rolls again only when the IST day changes, around the running feed’s levels, and relists the feed', async () => {
    const w = world(ist('2026-11-23T08:00:00'));
    await w.roller.rollNow(new Map());
    w.startFeed();
    w.now = ist('2026-11-23T23:59:59');
    await w.roller.check();
    expect(w.rolls).toHaveLength(1);
    // 00:00 IST is 18:30 UTC the day before: the IST day is what counts.
    w.now = ist('2026-11-24T00:00:00');
    await w.roller.check();
    expect(w.rolls).toHaveLength(2);
    expect(w.rolls[1]!.now).toBe(ist('2026-11-24T00:00:00'));
    expect(w.rolls[1]!.levels.get('NIFTY')).toBe(27_590 * RUPEE);
    expect(w.rolls[1]!.levels.get('BANKNIFTY')).toBe(58_300 * RUPEE); // the feed does not know it: the start level
    expect(w.roller.day).toBe('2026-11-24');
    expect(w.relisted).toHaveLength(1);
    expect(w.listed).toHaveLength(2);
    await w.roller.check();
    expect(w.rolls).toHaveLength(2);
  });

  it('retries a failed roll at the next check (the day is not marked rolled), reporting the error', async () => {
    const w = world(ist('2026-11-23T08:00:00'));
    w.failNext(1);
    await expect(w.roller.rollNow(new Map())).rejects.toThrow('database down');
    expect(w.roller.day).toBeNull();
    w.failNext(1);
    await w.roller.check();
    expect(w.errors).toHaveLength(1);
    expect(w.roller.day).toBeNull();
    await w.roller.check();
    expect(w.roller.day).toBe('2026-11-23');
    expect(w.rolls).toHaveLength(3);
  });

  it('never runs two rolls at once: a check during a roll joins it', async () => {
    const w = world(ist('2026-11-23T08:00:00'));
    w.hold();
    const first = w.roller.check();
    const second = w.roller.check();
    await Promise.resolve();
    expect(w.rolls).toHaveLength(1);
    w.release();
    await Promise.all([first, second]);
    expect(w.rolls).toHaveLength(1);
    expect(w.roller.day).toBe('2026-11-23');
  });

  it('checks on a timer until stopped', async () => {
    vi.useFakeTimers();
    try {
      const w = world(ist('2026-11-23T08:00:00'));
      w.roller.start(60_000);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(w.rolls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(120_000);
      expect(w.rolls).toHaveLength(1);
      w.now = ist('2026-11-24T00:00:30');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(w.rolls).toHaveLength(2);
      await w.roller.stop();
      w.now = ist('2026-11-25T00:00:30');
      await vi.advanceTimersByTimeAsync(180_000);
      expect(w.rolls).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
