import type { Order } from '@tradeloop/contracts';

export interface OrderList {
  items: Order[];
}

/** Later of two copies of one order; a tie goes to `candidate` (the copy that arrived last). */
const newer = (current: Order, candidate: Order): Order =>
  Date.parse(current.updatedAt) > Date.parse(candidate.updatedAt) ? current : candidate;

/** Puts `order` into the cached list (replacing an older copy of it), newest first. */
export function upsertOrder(list: OrderList | undefined, order: Order): OrderList | undefined {
  if (!list) return list;
  const existing = list.items.find((o) => o.id === order.id);
  if (existing && newer(existing, order) === existing) return list;
  const items = existing ? list.items.map((o) => (o.id === order.id ? order : o)) : [order, ...list.items];
  return { items };
}

/**
 * Folds a re-read of GET /orders into what the cache holds. The re-read is a snapshot taken
 * when the server answered; realtime events may have brought newer copies since (a modify
 * confirmed by the worker while the re-read was in flight), so each order keeps its latest
 * copy, and orders created after the snapshot stay on top.
 */
export function mergeFetchedOrders(cached: OrderList | undefined, fetched: OrderList): OrderList {
  if (!cached) return fetched;
  const cachedById = new Map(cached.items.map((o) => [o.id, o]));
  const fetchedIds = new Set(fetched.items.map((o) => o.id));
  const newestFetched = fetched.items.reduce((max, o) => Math.max(max, Date.parse(o.createdAt)), Number.NEGATIVE_INFINITY);
  const arrivedSince = cached.items.filter((o) => !fetchedIds.has(o.id) && Date.parse(o.createdAt) > newestFetched);
  let changed = arrivedSince.length > 0;
  const items = fetched.items.map((o) => {
    const kept = cachedById.get(o.id);
    const chosen = kept ? newer(kept, o) : o;
    if (chosen !== o) changed = true;
    return chosen;
  });
  return changed ? { items: [...arrivedSince, ...items] } : fetched;
}
