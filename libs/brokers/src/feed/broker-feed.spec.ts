import type { SimTick } from '@tradeloop/domain';
import { BoundedTickQueue, FeedTickPump, refreshFeedInstruments, type FeedInstrumentState } from './broker-feed';

describe('BoundedTickQueue', () => {
  it('holds at most its bound: a batch that does not fit is shed whole and counted', () => {
    let shed = 0;
    const q = new BoundedTickQueue<number>(5, (n) => (shed += n));
    expect(q.push([1, 2, 3])).toBe(true);
    expect(q.push([4, 5, 6])).toBe(false);
    expect(shed).toBe(3);
    expect(q.push([4, 5])).toBe(true);
    expect(q.length).toBe(5);
    expect(q.push([6])).toBe(false);
    expect(shed).toBe(4);
  });

  it('drains oldest first in whole batches, at most a chunk (but always one batch)', () => {
    const q = new BoundedTickQueue<number>(100, () => undefined);
    q.push([1, 2]);
    q.push([3, 4, 5]);
    q.push([6]);
    const items = (batches: { items: number[] }[]) => batches.map((b) => b.items);
    expect(items(q.drain(4))).toEqual([[1, 2]]);
    expect(items(q.drain(1))).toEqual([[3, 4, 5]]);
    expect(q.length).toBe(1);
    expect(items(q.drain(10))).toEqual([[6]]);
    expect(q.drain(10)).toEqual([]);
    expect(q.length).toBe(0);
    q.push([7], 123);
    q.push([8, 9], 456);
    expect(q.drain(10)).toEqual([
      { items: [7], at: 123 },
      { items: [8, 9], at: 456 },
    ]);
  });

  it('refuses a non-positive bound', () => {
    expect(() => new BoundedTickQueue<number>(0, () => undefined)).toThrow(RangeError);
  });
});

const tick = (seq: number): SimTick => ({
  symbol: 'X',
  ts: seq,
  ltp: 100,
  bid: 100,
  ask: 100,
  quantity: 1,
  volume: seq,
  prevClose: 100,
  seq,
});

describe('FeedTickPump', () => {
  it('drains on the event loop at most a chunk a turn (whole frames), counting ticks handed over', async () => {
    const pump = new FeedTickPump({ drainChunk: 2, maxQueuedTicks: 10 });
    const got: number[][] = [];
    pump.start((ts) => got.push(ts.map((t) => t.seq)));
    pump.push([tick(1), tick(2)], 1);
    pump.push([tick(3)], 2);
    pump.push([], 3);
    expect(got).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([[1, 2]]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([[1, 2], [3]]);
    expect(pump.snapshot).toMatchObject({ ticks: 3, queued: 0, shed: 0 });
  });

  it('sheds a frame that does not fit, and hands everything queued over at once on stop', async () => {
    const pump = new FeedTickPump({ drainChunk: 1, maxQueuedTicks: 3 });
    const got: number[][] = [];
    pump.start((ts) => got.push(ts.map((t) => t.seq)));
    pump.push([tick(1), tick(2)], 1);
    pump.push([tick(3), tick(4)], 2);
    pump.push([tick(5)], 3);
    expect(pump.snapshot).toMatchObject({ shed: 2, queued: 3 });
    pump.stop();
    expect(got).toEqual([[1, 2, 5]]);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([[1, 2, 5]]);
    pump.push([tick(6)], 4);
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([[1, 2, 5]]);
    expect(pump.snapshot).toMatchObject({ ticks: 3, queued: 1 });
  });
});

describe('refreshFeedInstruments', () => {
  it('adds new ids, restarts the volume of a remapped id but keeps its seq, leaves the rest alone', () => {
    const known = new Map<string, FeedInstrumentState>([
      ['a', { symbol: 'A', volume: 10, seq: 4 }],
      ['b', { symbol: 'B', volume: 20, seq: 7 }],
    ]);
    refreshFeedInstruments(
      known,
      new Map([
        ['a', 'A'],
        ['b', 'B2'],
        ['c', 'C'],
      ]),
    );
    expect(Object.fromEntries(known)).toEqual({
      a: { symbol: 'A', volume: 10, seq: 4 },
      b: { symbol: 'B2', volume: null, seq: 7 },
      c: { symbol: 'C', volume: null, seq: 0 },
    });
  });
});
