import type { BrokerAdapter, BrokerOrder, Unsubscribe } from '../adapter/broker-adapter.port';
import { BrokerError } from '../adapter/broker.errors';
import { asBrokerOrderId } from '../adapter/identifiers';
import { orderUpdateKey } from '../adapter/status.mapper';
import type { AcceptedHow } from '@tradeloop/domain';
import type { ExecutionBook, ExecutionOrder } from './execution-book.port';

export interface OrderExecutionOptions {
  /** Called for failures nobody awaits (an update that could not be applied; the next reconciliation retries it). */
  readonly onError?: (err: unknown, context: Record<string, unknown>) => void;
  /** Fault tests only: runs between the broker's acceptance and our write. */
  readonly afterBrokerAccept?: () => void;
  /** How many recently applied update keys are remembered for dedup. */
  readonly dedupWindow?: number;
}

export type PlaceOutcome = 'sent' | 'adopted' | 'rejected' | 'skipped';

export interface ReconcileOrder {
  readonly id: string;
  readonly brokerOrderIds: readonly string[];
}

const MAX_OWNERS = 100_000;

/**
 * The execution protocol between our orders and one broker account (docs/brokers.md 4.5, 4.6):
 * - **send once**: the order is marked as being sent (committed) before the call; an attempt
 *   that may have reached the broker (a crash, a timeout, a 5xx after a write) is resolved by
 *   `findOrdersByTag` before anything is sent again;
 * - **early updates**: an update carrying the tag of a placement in flight is kept, not applied,
 *   until the acceptance is recorded, then applied with it (a marketable order can fill before
 *   the broker's answer reaches us); at a broker without tags, any unknown order's update while
 *   a placement is in flight;
 * - **slices**: every broker id of a sliced order routes to our order, whose store combines the
 *   slices' reports (`combinedSliceReport`);
 * - **dedup**: the same transition arriving over the WebSocket, a postback and a poll is applied
 *   once (and the store's fill arithmetic is idempotent behind it);
 * - **reconcile**: on start, on every reconnect and periodically, the broker's book is read and
 *   applied, so a lost update or a crash between acceptance and our write ends in the broker's truth.
 * Updates for one broker order are applied one after another, in arrival order.
 *
 * One instance per adapter (that is, per broker account). It knows nothing of our database:
 * `ExecutionBook` is the port to it.
 */
export class OrderExecution {
  private unsubscribe: Unsubscribe | null = null;
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Our order id per broker order id, once the acceptance is recorded. */
  private readonly owners = new Map<string, string>();
  /** Placements in flight: correlation tag → our order id. */
  private readonly placing = new Map<string, string>();
  /** Latest update per broker id of a placement in flight, until the placement adopts it. */
  private readonly kept = new Map<string, BrokerOrder>();
  /**
   * Placements in flight at a broker without tags (OpenAlgo): an early update cannot be told to be
   * theirs, so every untagged update of an unknown order is kept while one is in flight, and what
   * no placement adopted is routed as usual once none is.
   */
  private untaggedPlacing = 0;
  /** Keys of updates applied recently (dedup). */
  private readonly seen = new Set<string>();
  private readonly dedupWindow: number;

  constructor(
    readonly adapter: BrokerAdapter,
    private readonly book: ExecutionBook,
    private readonly options: OrderExecutionOptions = {},
  ) {
    this.dedupWindow = options.dedupWindow ?? 20_000;
  }

  /** Starts taking the adapter's pushed updates. */
  start(): void {
    if (!this.unsubscribe) this.unsubscribe = this.adapter.subscribe((u) => this.onUpdate(u));
  }

  /** Stops taking updates and waits for those being applied. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await Promise.allSettled([...this.chains.values()]);
  }

  /**
   * Sends a PENDING order. Resolves `sent`/`adopted` once the acceptance is recorded, `rejected`
   * for a final refusal, `skipped` when there is nothing to send. Throws a retryable BrokerError
   * (or any unexpected error) for the caller's queue to retry: the retry begins with a lookup.
   */
  async place(orderId: string): Promise<PlaceOutcome> {
    const { action, order } = await this.book.beginSend(orderId);
    if (action === 'skip' || !order) return 'skipped';
    const tag = this.tagOf(order.id);
    if (tag !== null) this.placing.set(tag, order.id);
    else this.untaggedPlacing += 1;
    try {
      if (action === 'lookup' && (await this.adoptExisting(order))) return 'adopted';
      const res = await this.adapter.placeOrder({
        ...termsOf(order),
        clientOrderId: order.id,
        instrument: order.instrument,
        ...(order.positionSize !== undefined ? { positionSize: order.positionSize } : {}),
      });
      this.options.afterBrokerAccept?.();
      await this.accept(order.id, res.brokerOrderIds, 'sent');
      return 'sent';
    } catch (err) {
      if (!(err instanceof BrokerError)) throw err;
      if (err.kind === 'final') {
        await this.book.rejected(order.id, err.brokerMessage ?? err.message);
        return 'rejected';
      }
      if (err.kind === 'ambiguous' && (await this.adoptExisting(order))) return 'adopted';
      throw err;
    } finally {
      // Accepted or not, nothing is kept for this placement any longer (accept took its updates).
      if (tag !== null) {
        this.placing.delete(tag);
        for (const [id, u] of this.kept) if (u.tag === tag) this.kept.delete(id);
      } else if (--this.untaggedPlacing === 0) {
        const left = [...this.kept.values()].filter((u) => u.tag === null);
        for (const u of left) this.kept.delete(u.brokerOrderId);
        for (const u of left) this.onUpdate(u);
      }
    }
  }

  /** Carries out a cancel request (its outcome arrives as the broker's CANCELLED report, applied here too). */
  async cancel(orderId: string): Promise<'nothing to do' | 'cancelled before sending' | 'cancelled at the broker'> {
    const order = await this.book.commandOrder(orderId);
    if (!order || order.terminal) return 'nothing to do';
    if (order.brokerOrderIds.length === 0) {
      await this.book.cancelledLocally(order.id);
      // A placement in flight may record ids meanwhile: then the caller runs the cancel again.
      const after = await this.book.commandOrder(order.id);
      if (after && !after.terminal) throw new Error('order reached the broker meanwhile; cancel again');
      return 'cancelled before sending';
    }
    for (const id of order.brokerOrderIds) {
      try {
        await this.adapter.cancelOrder(asBrokerOrderId(id));
      } catch (err) {
        // Final: it is terminal (or unknown) there already; its state below says which.
        if (!(err instanceof BrokerError) || err.kind !== 'final') throw err;
      }
      await this.applyNow(order.id, await this.adapter.getOrder(asBrokerOrderId(id)));
    }
    return 'cancelled at the broker';
  }

  /**
   * Carries out the order's pending modification. Confirmed: the store takes the new terms and
   * hold. Refused for good: the order stays as it was, with the broker's view applied.
   * Repeating the broker call is harmless: it sets the same absolute values again.
   */
  async modify(orderId: string): Promise<'nothing to do' | 'refused here' | 'refused by the broker' | 'modified' | 'modified, cancel'> {
    const order = await this.book.commandOrder(orderId);
    const change = order?.pendingModification;
    if (!order || !change) return 'nothing to do';
    if (order.terminal || order.brokerOrderIds.length !== 1) {
      await this.book.modificationRejected(order.id, order.terminal ? `the order is ${order.status}` : 'a sliced order cannot be modified');
      return 'refused here';
    }
    const id = asBrokerOrderId(order.brokerOrderIds[0]!);
    try {
      await this.adapter.modifyOrder(id, change);
    } catch (err) {
      if (!(err instanceof BrokerError) || err.kind !== 'final') throw err;
      await this.book.modificationRejected(order.id, err.brokerMessage ?? err.message);
      await this.applyNow(order.id, await this.adapter.getOrder(id));
      return 'refused by the broker';
    }
    const { cancel } = await this.book.modified(order.id);
    return cancel ? 'modified, cancel' : 'modified';
  }

  /**
   * Applies the broker's current state of these orders: one read of the order book, then single
   * reads for ids it does not hold (older days). Orders without broker ids are the caller's
   * (they go back on its queue).
   */
  async reconcile(orders: readonly ReconcileOrder[]): Promise<{ checked: number; applied: number }> {
    const withIds = orders.filter((o) => o.brokerOrderIds.length > 0);
    if (withIds.length === 0) return { checked: 0, applied: 0 };
    const byId = new Map<string, BrokerOrder>();
    if (withIds.length > 1) for (const b of await this.adapter.listOrders()) byId.set(b.brokerOrderId, b);
    let applied = 0;
    for (const o of withIds) {
      for (const id of o.brokerOrderIds) {
        this.owners.set(id, o.id);
        const state = byId.get(id) ?? (await this.adapter.getOrder(asBrokerOrderId(id)));
        await this.applyNow(o.id, state);
        applied += 1;
      }
    }
    this.trimOwners();
    return { checked: withIds.length, applied };
  }

  /** Feeds an update that arrived outside the adapter's own channel (a postback), through the same dedup and ordering. */
  ingest(update: BrokerOrder): void {
    this.onUpdate(update);
  }

  /** Resolves when every update received so far has been applied (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  // ------------------------------------------------------------------ internals

  private tagOf(orderId: string): string | null {
    return this.adapter.correlationTag(orderId);
  }

  /** Looks the order up at the broker (tag, or heuristic where there are no tags); adopts what it has. True when found. */
  private async adoptExisting(order: ExecutionOrder): Promise<boolean> {
    const found = await this.adapter.findOrdersByTag({
      clientOrderId: order.id,
      instrument: order.instrument,
      side: order.side,
      quantity: order.quantity,
      sentAfter: order.createdAt,
    });
    if (found.orders.length === 0) return false;
    await this.accept(
      order.id,
      found.orders.map((o) => o.brokerOrderId),
      found.method === 'tag' ? 'found-by-tag' : 'found-by-heuristic',
      found.orders,
    );
    return true;
  }

  /**
   * Records the acceptance together with what the broker already reported (kept early updates
   * and, after a lookup, the orders found), then routes later updates straight to the order.
   */
  private async accept(orderId: string, ids: readonly string[], how: AcceptedHow, known: readonly BrokerOrder[] = []): Promise<void> {
    const reports = new Map<string, BrokerOrder>();
    for (const o of known) reports.set(o.brokerOrderId, o);
    for (const id of ids) {
      const u = this.kept.get(id);
      this.kept.delete(id);
      if (u && (!reports.has(id) || reports.get(id)!.updatedAt <= u.updatedAt)) reports.set(id, u);
    }
    await this.book.accepted(orderId, ids, how, [...reports.values()]);
    for (const r of reports.values()) this.remember(r);
    for (const id of ids) this.owners.set(id, orderId);
    // Updates that came while the acceptance was being written were kept (the placement was still
    // under way): they go to the order now that it is known — else a fill pushed in that window
    // would wait for reconciliation.
    for (const id of ids) {
      const late = this.kept.get(id);
      if (!late) continue;
      this.kept.delete(id);
      this.onUpdate(late);
    }
    this.trimOwners();
  }

  private onUpdate(update: BrokerOrder): void {
    const id = update.brokerOrderId;
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev
      .then(() => this.route(update))
      .catch((err: unknown) => this.options.onError?.(err, { brokerOrderId: id }))
      .finally(() => {
        if (this.chains.get(id) === next) this.chains.delete(id);
      });
    this.chains.set(id, next);
  }

  private async route(update: BrokerOrder): Promise<void> {
    if (this.seen.has(orderUpdateKey(update))) return;
    const id = update.brokerOrderId;
    let orderId = this.owners.get(id);
    if (!orderId) {
      if (update.tag !== null ? this.placing.has(update.tag) : this.untaggedPlacing > 0) {
        const kept = this.kept.get(id);
        if (!kept || kept.updatedAt <= update.updatedAt) this.kept.set(id, update);
        return;
      }
      orderId = await this.book.orderForBrokerId(id);
      // Unknown: not ours, or placed by an earlier process whose write is not there yet — reconciliation catches it up.
      if (!orderId) return;
      this.owners.set(id, orderId);
    }
    await this.book.applyReport(orderId, update);
    this.remember(update);
  }

  /** Applies a state read from the broker, in line with the pushed updates of the same broker order. */
  private async applyNow(orderId: string, state: BrokerOrder): Promise<void> {
    const id = state.brokerOrderId;
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.book.applyReport(orderId, state));
    this.chains.set(id, next);
    try {
      await next;
      this.remember(state);
    } finally {
      if (this.chains.get(id) === next) this.chains.delete(id);
    }
  }

  private remember(update: BrokerOrder): void {
    this.seen.add(orderUpdateKey(update));
    if (this.seen.size > this.dedupWindow) {
      // Sets iterate in insertion order: drop the oldest tenth.
      let drop = Math.ceil(this.dedupWindow / 10);
      for (const k of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(k);
      }
    }
  }

  private trimOwners(): void {
    if (this.owners.size <= MAX_OWNERS) return;
    let drop = this.owners.size - MAX_OWNERS;
    for (const k of this.owners.keys()) {
      if (drop-- <= 0) break;
      this.owners.delete(k);
    }
  }
}

const termsOf = (o: ExecutionOrder) => ({
  side: o.side,
  type: o.type,
  product: o.product,
  validity: o.validity,
  quantity: o.quantity,
  price: o.price,
  triggerPrice: o.triggerPrice,
});
