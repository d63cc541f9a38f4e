import { ThrottledStream } from './stream-throttle';

const OPTS = { perSecond: 10, burst: 3, preferFreshMs: 300 };
function stream(gap = 0) {
  const sent: { seq: number; v?: number }[] = [];
  const s = new ThrottledStream((p) => sent.push(p as { seq: number; v: number }), gap, OPTS);
  return { s, sent };
}
const u = (v: number, key?: string) => ({ payload: { v }, ...(key ? { key } : {}) });

describe('ThrottledStream', () => {
  it('sends at once while tokens last (a burst of 3) and numbers deliveries 1, 2, 3', () => {
    const { s, sent } = stream();
    expect(s.offer(u(1), 0, 0)).toBe(false);
    expect(s.offer(u(2), 1, 0)).toBe(false);
    expect(s.offer(u(3), 2, 0)).toBe(false);
    expect(s.offer(u(4), 3, 0)).toBe(true);
    expect(sent).toEqual([
      { v: 1, seq: 1 },
      { v: 2, seq: 2 },
      { v: 3, seq: 3 },
    ]);
  });

  it('parks when out of tokens (newest wins) and prefers a fresh update once a token is back', () => {
    const { s, sent } = stream();
    [0, 1, 2].forEach((t) => s.offer(u(t), t, 0));
    s.offer(u(10), 20, 0);
    s.offer(u(11), 40, 0); // replaces 10
    expect(s.sweep(150, 0)).toBe(true); // a token is back (~100 ms) but it waits for something fresher
    s.offer(u(12), 160, 0); // fresh: sent at once, the parked one is superseded
    expect(sent.map((x) => x.v)).toEqual([0, 1, 2, 12]);
    expect(sent.map((x) => x.seq)).toEqual([1, 2, 3, 4]); // coalescing is not a gap
  });

  it('sends the parked update when the symbol stays quiet', () => {
    const { s, sent } = stream();
    [0, 1, 2].forEach((t) => s.offer(u(t), t, 0));
    s.offer(u(9), 50, 0);
    expect(s.sweep(300, 0)).toBe(true);
    expect(s.sweep(410, 0)).toBe(false); // token back at ~100 ms + 300 ms of quiet
    expect(sent.map((x) => x.v)).toEqual([0, 1, 2, 9]);
    expect(s.hasParked).toBe(false);
  });

  it('averages at most 10 per second, at most 13 in any second, however fast updates come', () => {
    const { s, sent } = stream();
    const at: number[] = [];
    let n = 0;
    const track = new ThrottledStream(() => at.push(n), 0, OPTS);
    for (let t = 0; t < 10_000; t += 3) {
      n = t;
      s.offer(u(t), t, 0);
      s.sweep(t, 0);
      track.offer(u(t), t, 0);
      track.sweep(t, 0);
    }
    expect(sent.length).toBeLessThanOrEqual(103);
    expect(sent.length).toBeGreaterThanOrEqual(95);
    for (let i = 0; i + 13 < at.length; i += 1) expect(at[i + 13]! - at[i]!).toBeGreaterThanOrEqual(1000);
  });

  it('does not coalesce different candles: the parked one goes out first', () => {
    const { s, sent } = stream();
    [0, 1, 2].forEach((t) => s.offer(u(t, 'a'), t, 0));
    s.offer(u(5, 'a'), 10, 0);
    s.offer(u(6, 'b'), 20, 0);
    expect(sent.map((x) => x.v)).toEqual([0, 1, 2, 5]);
    expect(s.hasParked).toBe(true);
  });

  it('skips a seq number after the source reported lost updates', () => {
    const { s, sent } = stream(5);
    s.offer(u(1), 0, 5);
    s.offer(u(2), 200, 6);
    s.offer(u(3), 400, 6);
    expect(sent.map((x) => x.seq)).toEqual([1, 3, 4]);
  });
});
