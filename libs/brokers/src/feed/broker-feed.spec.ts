import { BoundedTickQueue } from './broker-feed';

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
