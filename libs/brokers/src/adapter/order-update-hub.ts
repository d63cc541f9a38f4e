import type { BrokerOrder, OrderUpdateListener, Unsubscribe } from './broker-adapter.port';
import { isTerminalReport } from './status.mapper';

/**
 * How far along an order is, for dropping late snapshots. TRIGGER_PENDING and OPEN rank alike:
 * a stop being modified passes through `MODIFY PENDING` (OPEN) and comes back TRIGGER PENDING.
 */
const RANK_OF_WORKING: Readonly<Record<string, number>> = {
  UNKNOWN: 0,
  PENDING_SUBMIT: 1,
  TRIGGER_PENDING: 3,
  OPEN: 3,
  PARTIALLY_FILLED: 4,
};
const rank = (o: BrokerOrder): number => (isTerminalReport(o.status) ? 5 : (RANK_OF_WORKING[o.status] ?? 0));

/** Everything that makes two snapshots of one order different to a listener. */
export const orderSnapshotKey = (o: BrokerOrder): string =>
  `${o.brokerOrderId}|${o.status}|${o.filledQuantity}|${o.averagePrice ?? ''}|${o.quantity}|${o.price ?? ''}|${o.triggerPrice ?? ''}|${o.rawStatus}`;

/** How many orders the dedup remembers; the oldest are forgotten first (a day's book is far smaller). */
export const ORDER_UPDATE_DEDUP_CAPACITY = 20_000;

export interface OrderUpdateHubOptions {
  /** A listener threw: reported here, never rethrown, and the other listeners still get the update. */
  readonly onError: (error: unknown) => void;
  /** What makes two snapshots of one order different. Default `orderSnapshotKey`. */
  readonly snapshotKey?: (order: BrokerOrder) => string;
  /** Drop a snapshot whose `updatedAt` is older than the last one delivered. Default true. */
  readonly dropOlderTimestamps?: boolean;
  /** Default `ORDER_UPDATE_DEDUP_CAPACITY`. */
  readonly capacity?: number;
}

/**
 * The listeners of one push adapter and the dedup in front of them: every channel (socket frames,
 * postbacks, a reconcile pass) goes through `feed`, which drops duplicates and anything behind
 * what was already delivered for that order (fewer fills, an earlier status, an older timestamp,
 * anything after a terminal state), so each listener sees one monotonic history per order.
 */
export class OrderUpdateHub {
  private readonly listeners = new Set<OrderUpdateListener>();
  private readonly lastSeen = new Map<string, BrokerOrder>();
  private readonly seenKeys = new Map<string, string>();
  private readonly snapshotKey: (order: BrokerOrder) => string;
  private readonly capacity: number;

  constructor(private readonly options: OrderUpdateHubOptions) {
    this.snapshotKey = options.snapshotKey ?? orderSnapshotKey;
    this.capacity = options.capacity ?? ORDER_UPDATE_DEDUP_CAPACITY;
  }

  add(listener: OrderUpdateListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  clear(): void {
    this.listeners.clear();
  }

  /** Delivers `order` to every listener unless it is a duplicate or stale; returns whether it was delivered. */
  feed(order: BrokerOrder): boolean {
    const id = order.brokerOrderId as string;
    const key = this.snapshotKey(order);
    if (this.seenKeys.get(id) === key) return false;
    const last = this.lastSeen.get(id);
    if (last) {
      if (isTerminalReport(last.status)) return false;
      if (order.filledQuantity < last.filledQuantity) return false;
      if (this.options.dropOlderTimestamps !== false && order.updatedAt < last.updatedAt) return false;
      if (order.filledQuantity === last.filledQuantity && rank(order) < rank(last)) return false;
    }
    this.lastSeen.delete(id);
    this.seenKeys.delete(id);
    this.lastSeen.set(id, order);
    this.seenKeys.set(id, key);
    if (this.lastSeen.size > this.capacity) {
      const oldest = this.lastSeen.keys().next().value as string;
      this.lastSeen.delete(oldest);
      this.seenKeys.delete(oldest);
    }
    for (const listener of this.listeners) {
      try {
        listener(order);
      } catch (e) {
        this.options.onError(e);
      }
    }
    return true;
  }
}
