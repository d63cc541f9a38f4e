import { describe, expect, it } from 'vitest';
import type { Order } from '@tradeloop/contracts';
import { mergeFetchedOrders, upsertOrder } from './order-list';

const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 9, 0, second)).toISOString();
const order = (id: string, created: number, updated: number, extra: Partial<Order> = {}): Order =>
  ({ id, createdAt: at(created), updatedAt: at(updated), status: 'OPEN', quantity: 1, ...extra }) as Order;

describe('upsertOrder', () => {
  it('puts a new order on top and replaces an older copy in place', () => {
    const list = { items: [order('b', 2, 2), order('a', 1, 1)] };
    expect(upsertOrder(list, order('c', 3, 3))!.items.map((o) => o.id)).toEqual(['c', 'b', 'a']);
    const replaced = upsertOrder(list, { ...order('a', 1, 5), quantity: 2 })!;
    expect(replaced.items.map((o) => [o.id, o.quantity])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);
  });

  it('ignores a copy older than the cached one and leaves an absent list alone', () => {
    const list = { items: [{ ...order('a', 1, 5), quantity: 2 }] };
    expect(upsertOrder(list, order('a', 1, 4))).toBe(list);
    expect(upsertOrder(undefined, order('a', 1, 1))).toBeUndefined();
  });
});

describe('mergeFetchedOrders', () => {
  it('keeps a copy that a realtime event made newer than the re-read', () => {
    const confirmed = { ...order('a', 1, 9), quantity: 2 };
    const merged = mergeFetchedOrders({ items: [confirmed] }, { items: [order('a', 1, 8)] });
    expect(merged.items).toEqual([confirmed]);
  });

  it('takes the re-read where it is newer, and drops orders the server no longer lists', () => {
    const fetched = { items: [{ ...order('a', 1, 9), status: 'FILLED' as const }] };
    const cachedOld = order('old', 0, 0);
    expect(mergeFetchedOrders({ items: [order('a', 1, 8), cachedOld] }, fetched)).toBe(fetched);
  });

  it('keeps orders created after the snapshot on top', () => {
    const fresh = order('new', 10, 10);
    const merged = mergeFetchedOrders({ items: [fresh, order('a', 1, 1)] }, { items: [order('a', 1, 1)] });
    expect(merged.items.map((o) => o.id)).toEqual(['new', 'a']);
  });

  it('returns the re-read itself when nothing cached is newer (no needless re-render)', () => {
    const fetched = { items: [order('a', 1, 2)] };
    expect(mergeFetchedOrders({ items: [order('a', 1, 1)] }, fetched)).toBe(fetched);
    expect(mergeFetchedOrders(undefined, fetched)).toBe(fetched);
  });
});
