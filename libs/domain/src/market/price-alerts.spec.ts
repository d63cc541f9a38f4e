import fc from 'fast-check';
import type { PriceTicks } from './price';
import { PriceAlertBook, priceAlertReached, type PriceAlertCondition, type WatchedPriceAlert } from './price-alerts';

const p = (n: number) => n as PriceTicks;
const alert = (id: string, condition: PriceAlertCondition, price: number, symbol = 'RELIANCE'): WatchedPriceAlert => ({
  id,
  userId: 'u1',
  symbol,
  condition,
  price: p(price),
});

describe('priceAlertReached', () => {
  it('above: at or over the level; below: at or under it', () => {
    expect(priceAlertReached('above', p(100), p(99))).toBe(false);
    expect(priceAlertReached('above', p(100), p(100))).toBe(true);
    expect(priceAlertReached('above', p(100), p(101))).toBe(true);
    expect(priceAlertReached('below', p(100), p(101))).toBe(false);
    expect(priceAlertReached('below', p(100), p(100))).toBe(true);
    expect(priceAlertReached('below', p(100), p(99))).toBe(true);
  });
});

describe('PriceAlertBook', () => {
  it('returns nothing (the same empty array) while no level is reached', () => {
    const b = new PriceAlertBook();
    b.upsert(alert('a', 'above', 110));
    b.upsert(alert('b', 'below', 90));
    const none = b.reached('RELIANCE', p(100));
    expect(none).toEqual([]);
    expect(b.reached('TCS', p(100))).toBe(none);
    expect(b.size).toBe(2);
  });

  it('fires an alert once: a flood of ticks past its level returns it on the first only', () => {
    const b = new PriceAlertBook();
    b.upsert(alert('a', 'above', 110));
    expect(b.reached('RELIANCE', p(111)).map((x) => x.id)).toEqual(['a']);
    for (let i = 0; i < 100; i += 1) expect(b.reached('RELIANCE', p(111 + i))).toEqual([]);
    expect(b.size).toBe(0);
    expect(b.has('a')).toBe(false);
    expect(b.symbols()).toEqual([]);
  });

  it('fires every reached level of both sides, and only those', () => {
    const b = new PriceAlertBook();
    for (const [id, c, level] of [
      ['a1', 'above', 105],
      ['a2', 'above', 101],
      ['a3', 'above', 120],
      ['a4', 'above', 101],
      ['b1', 'below', 95],
      ['b2', 'below', 99],
      ['b3', 'below', 80],
    ] as const)
      b.upsert(alert(id, c, level));
    expect(
      b
        .reached('RELIANCE', p(105))
        .map((x) => x.id)
        .sort(),
    ).toEqual(['a1', 'a2', 'a4']);
    expect(
      b
        .reached('RELIANCE', p(95))
        .map((x) => x.id)
        .sort(),
    ).toEqual(['b1', 'b2']);
    expect(b.ids().sort()).toEqual(['a3', 'b3']);
  });

  it('keeps symbols apart', () => {
    const b = new PriceAlertBook();
    b.upsert(alert('r', 'above', 100, 'RELIANCE'));
    b.upsert(alert('t', 'above', 100, 'TCS'));
    expect(b.reached('TCS', p(200)).map((x) => x.id)).toEqual(['t']);
    expect(b.symbols()).toEqual(['RELIANCE']);
  });

  it('replaces an alert by id (a changed level or side), and removes one', () => {
    const b = new PriceAlertBook();
    b.upsert(alert('a', 'above', 110));
    b.upsert(alert('a', 'below', 90));
    expect(b.size).toBe(1);
    expect(b.reached('RELIANCE', p(120))).toEqual([]);
    expect(b.reached('RELIANCE', p(90)).map((x) => x.id)).toEqual(['a']);
    b.upsert(alert('c', 'above', 1));
    expect(b.remove('c')).toBe(true);
    expect(b.remove('c')).toBe(false);
    expect(b.reached('RELIANCE', p(5))).toEqual([]);
    b.upsert(alert('d', 'above', 1));
    b.clear();
    expect(b.size).toBe(0);
    expect(b.reached('RELIANCE', p(5))).toEqual([]);
  });

  it('fires exactly the alerts a naive check would, each once, over any path of prices', () => {
    const cmd = fc.oneof(
      fc.record({
        op: fc.constant('add' as const),
        id: fc.integer({ min: 0, max: 30 }),
        above: fc.boolean(),
        level: fc.integer({ min: 1, max: 50 }),
      }),
      fc.record({ op: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ op: fc.constant('tick' as const), ltp: fc.integer({ min: 1, max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 200 }), (cmds) => {
        const b = new PriceAlertBook();
        const model = new Map<string, WatchedPriceAlert>();
        for (const c of cmds) {
          if (c.op === 'add') {
            const a = alert(String(c.id), c.above ? 'above' : 'below', c.level);
            b.upsert(a);
            model.set(a.id, a);
          } else if (c.op === 'remove') {
            expect(b.remove(String(c.id))).toBe(model.delete(String(c.id)));
          } else {
            const want = [...model.values()].filter((a) => priceAlertReached(a.condition, a.price, p(c.ltp))).map((a) => a.id);
            for (const id of want) model.delete(id);
            const got = b.reached('RELIANCE', p(c.ltp)).map((a) => a.id);
            expect(got.sort()).toEqual(want.sort());
          }
          expect(b.size).toBe(model.size);
        }
      }),
    );
  });
});
