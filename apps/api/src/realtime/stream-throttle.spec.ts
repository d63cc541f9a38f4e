import { ThrottledStream } from './stream-throttle';

function stream(gap = 0) {
  const sent: { seq: number; v?: number }[] = [];
  const s = new ThrottledStream((p) => sent.push(p as { seq: number; v: number }), gap, 100, 150);
  return { s, sent };
}
const u = (v: number, key?: string) => ({ payload: { v }, ...(key ? { key } : {}) });

describe('ThrottledStream', () => {
  it('sends the first update at once and numbers deliveries 1, 2, 3', () => {
    const { s, sent } = stream();
    expect(s.offer(u(1), 0, 0)).toBe(false);
    s.offer(u(2), 100, 0);
    s.offer(u(3), 250, 0);
    expect(sent).toEqual([{ v: 1, seq: 1 }, { v: 2, seq: 2 }, { v: 3, seq: 3 }]);
  });

  it('parks updates inside the window, newest wins, and a later arrival supersedes it immediately', () => {
    const { s, sent } = stream();
    s.offer(u(1), 0, 0);
    expect(s.offer(u(2), 30, 0)).toBe(true);
    expect(s.offer(u(3), 60, 0)).toBe(true);
    expect(s.sweep(99, 0)).toBe(true);
    s.offer(u(4), 120, 0);
    expect(sent.map((x) => x.v)).toEqual([1, 4]);
    expect(sent.map((x) => x.seq)).toEqual([1, 2]); // coalescing is not a gap
  });

  it('flushes a parked update when the symbol goes quiet, after the trailing delay', () => {
    const { s, sent } = stream();
    s.offer(u(1), 0, 0);
    s.offer(u(2), 50, 0);
    expect(s.sweep(200, 0)).toBe(true);
    expect(s.sweep(250, 0)).toBe(false);
    expect(sent).toEqual([{ v: 1, seq: 1 }, { v: 2, seq: 2 }]);
    expect(s.hasParked).toBe(false);
  });

  it('never sends more than one update per interval however fast they come', () => {
    const { s, sent } = stream();
    for (let t = 0; t < 10_000; t += 7) {
      s.offer(u(t), t, 0);
      s.sweep(t, 0);
    }
    expect(sent.length).toBeLessThanOrEqual(101);
    expect(sent.length).toBeGreaterThanOrEqual(95);
  });

  it('does not coalesce different candles: the parked one goes out first', () => {
    const { s, sent } = stream();
    s.offer(u(1, 'a'), 0, 0);
    s.offer(u(2, 'a'), 10, 0);
    s.offer(u(3, 'b'), 20, 0);
    expect(sent.map((x) => x.v)).toEqual([1, 2]);
    s.sweep(270, 0); // 250 ms after the forced delivery at 20
    expect(sent.map((x) => x.v)).toEqual([1, 2, 3]);
  });

  it('skips a seq number after the source reported lost updates', () => {
    const { s, sent } = stream(5);
    s.offer(u(1), 0, 5);
    s.offer(u(2), 200, 6);
    s.offer(u(3), 400, 6);
    expect(sent.map((x) => x.seq)).toEqual([1, 3, 4]);
  });
});
