import { MarkThrottle } from './mark-throttle';

const pos = (symbol: string, ltp: string, product = 'MIS') => ({ symbol, product, ltp });

describe('MarkThrottle', () => {
  it('pushes a user at most once per interval, whatever the round rate', () => {
    const t = new MarkThrottle(500);
    const pushedAt: number[] = [];
    // Rounds every 100 ms for 10 s with a mark that changes every round.
    for (let now = 0; now < 10_000; now += 100) {
      if (t.take('u1', [pos('RELIANCE', String(now))], now).length > 0) pushedAt.push(now);
    }
    expect(pushedAt).toHaveLength(20);
    for (let i = 1; i < pushedAt.length; i += 1) expect(pushedAt[i]! - pushedAt[i - 1]!).toBeGreaterThanOrEqual(500);
  });

  it('pushes only the positions whose marks changed, and nothing when none did', () => {
    const t = new MarkThrottle(500);
    expect(t.take('u1', [pos('A', '1'), pos('B', '2')], 0)).toHaveLength(2);
    expect(t.take('u1', [pos('A', '1'), pos('B', '3')], 500)).toEqual([pos('B', '3')]);
    expect(t.take('u1', [pos('A', '1'), pos('B', '3')], 1000)).toEqual([]);
    // No push at 1000, so the interval did not restart: a change at 1100 goes out.
    expect(t.take('u1', [pos('A', '2'), pos('B', '3')], 1100)).toEqual([pos('A', '2')]);
  });

  it('keeps users apart, and a position that reopens is pushed again', () => {
    const t = new MarkThrottle(500);
    expect(t.take('u1', [pos('A', '1')], 0)).toHaveLength(1);
    expect(t.take('u2', [pos('A', '1')], 100)).toHaveLength(1);
    expect(t.take('u1', [], 600)).toEqual([]);
    expect(t.take('u1', [pos('A', '1')], 700)).toEqual([pos('A', '1')]);
  });

  it('says how long until a user may be pushed again', () => {
    const t = new MarkThrottle(500);
    expect(t.waitMs('u1', 0)).toBe(0);
    t.take('u1', [pos('A', '1')], 1000);
    expect(t.waitMs('u1', 1499)).toBe(1);
    expect(t.waitMs('u1', 1500)).toBe(0);
  });

  it('forgets users no longer watched', () => {
    const t = new MarkThrottle(500);
    t.take('u1', [pos('A', '1')], 0);
    t.retain(new Set());
    expect(t.take('u1', [pos('A', '1')], 100)).toHaveLength(1);
  });
});
