import type { BrokerOrder, OrderUpdateListener, Unsubscribe } from './broker-adapter.port';

export interface OrderUpdatePollerOptions {
  /** Between the end of one poll and the start of the next (OpenAlgo polls brokers every 5 s). */
  readonly intervalMs: number;
  /** A failed poll is reported here and the next one is still scheduled. */
  readonly onError?: (error: unknown) => void;
}

/** What a poll compares to decide an order changed: its state and everything a modify can touch. */
const snapshotKey = (o: BrokerOrder): string =>
  `${o.status}|${o.filledQuantity}|${o.averagePrice ?? ''}|${o.quantity}|${o.price ?? ''}|${o.triggerPrice ?? ''}|${o.rejectReason ?? ''}`;

/**
 * The update stream of a broker without push (older OpenAlgo installs; any adapter while its
 * socket is down): polls the order book and emits each order that changed since the last poll,
 * so `subscribe` behaves the same whichever way updates arrive. Polls never overlap.
 * The first poll emits every order: a subscriber starting after a restart sees the whole book.
 */
export class OrderUpdatePoller {
  private readonly listeners = new Set<OrderUpdateListener>();
  private readonly seen = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;

  constructor(
    private readonly listOrders: () => Promise<readonly BrokerOrder[]>,
    private readonly options: OrderUpdatePollerOptions,
  ) {}

  subscribe(listener: OrderUpdateListener): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Polls once and emits the changed orders; returns how many were emitted. */
  async pollOnce(): Promise<number> {
    const orders = await this.listOrders();
    let emitted = 0;
    for (const o of orders) {
      const key = snapshotKey(o);
      if (this.seen.get(o.brokerOrderId) === key) continue;
      this.seen.set(o.brokerOrderId, key);
      emitted += 1;
      for (const l of this.listeners) {
        try {
          l(o);
        } catch (e) {
          this.options.onError?.(e);
        }
      }
    }
    return emitted;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = async (): Promise<void> => {
      try {
        await this.pollOnce();
      } catch (e) {
        this.options.onError?.(e);
      }
      if (this.running) this.timer = setTimeout(() => void loop(), this.options.intervalMs);
    };
    void loop();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
