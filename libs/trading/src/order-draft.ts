import { applyOrderEvent, transitionOf, type OrderHistoryEvent } from '@tradeloop/domain';
import { orderState, type OrderRow } from './order-row';
import { positionKey, type OrderChanges, type OrderEventInsert, type PositionSave, type TradeInsert } from './trading.repository';

/**
 * The columns a step may set itself. Status, reject reason, terms and fill sums are the
 * transition table's: they change only through `record`, by the entry's transition.
 */
export type DraftChanges = Omit<
  OrderChanges,
  'status' | 'rejectReason' | 'quantity' | 'price' | 'triggerPrice' | 'filledQuantity' | 'filledValue'
>;

/**
 * An order being changed inside one transaction: the row as it will be, the column changes and
 * the history entries to write. Several steps (accepted, then a fill, then the hold released)
 * build one draft, saved in a single statement at the end.
 */
export class OrderDraft {
  row: OrderRow;
  readonly changes: OrderChanges = {};
  readonly events: OrderEventInsert[] = [];
  /** Trades of the fills in this change, written with the order. */
  readonly trades: TradeInsert[] = [];
  /** Position states after those fills (latest per symbol and product), written with the order. */
  readonly positions = new Map<string, PositionSave>();

  constructor(original: OrderRow) {
    this.row = { ...original };
  }

  get dirty(): boolean {
    return this.events.length > 0 || Object.keys(this.changes).length > 0;
  }

  /** The order's position as this change has left it so far, if a fill in it moved it. */
  position(): PositionSave | undefined {
    return this.positions.get(positionKey({ accountId: this.row.account_id, symbol: this.row.symbol, product: this.row.product }));
  }

  fill(trade: TradeInsert, position: PositionSave): void {
    this.trades.push(trade);
    this.positions.set(positionKey(position), position);
  }

  change(set: DraftChanges): void {
    this.set(set);
  }

  /**
   * Appends `entry` to the order's history. An entry that is a transition (OPENED, ARMED,
   * ACCEPTED, FILL, MODIFIED, CANCELLED, REJECTED, EXPIRED) is applied through the transition
   * table first — which throws INVALID_STATE for one the order's status does not allow — and
   * the row takes the new status, terms and fill sums. The entry is stored with the status
   * after it.
   */
  record(entry: OrderHistoryEvent): void {
    const transition = transitionOf(entry, this.row);
    if (transition) {
      const before = orderState(this.row);
      const after = applyOrderEvent(before, transition);
      const set: OrderChanges = {};
      if (after.status !== before.status) set.status = after.status;
      if (after.rejectReason !== before.rejectReason) set.rejectReason = after.rejectReason;
      if (after.quantity !== before.quantity) set.quantity = after.quantity;
      if (after.price !== before.price) set.price = after.price;
      if (after.triggerPrice !== before.triggerPrice) set.triggerPrice = after.triggerPrice;
      if (after.filledQuantity !== before.filledQuantity) set.filledQuantity = after.filledQuantity;
      if (after.filledValue !== before.filledValue) set.filledValue = after.filledValue;
      this.set(set);
    }
    this.events.push({ status: this.row.status, ...entry });
  }

  private set(set: OrderChanges): void {
    Object.assign(this.changes, set);
    const r = { ...this.row };
    if (set.status !== undefined) r.status = set.status;
    if (set.filledQuantity !== undefined) r.filled_quantity = set.filledQuantity;
    if (set.filledValue !== undefined) r.filled_value_tick_units = set.filledValue.toString();
    if (set.reserved !== undefined) r.reserved_paise = set.reserved.toString();
    if (set.brokerOrderIds !== undefined) r.broker_order_ids = set.brokerOrderIds;
    if (set.brokerSlices !== undefined) r.broker_slices = set.brokerSlices;
    if (set.rejectReason !== undefined) r.reject_reason = set.rejectReason;
    if (set.cancelRequested !== undefined) r.cancel_requested = set.cancelRequested;
    if (set.quantity !== undefined) r.quantity = set.quantity;
    if (set.price !== undefined) r.price_ticks = set.price === null ? null : String(set.price);
    if (set.triggerPrice !== undefined) r.trigger_ticks = set.triggerPrice === null ? null : String(set.triggerPrice);
    if (set.referencePrice !== undefined) r.reference_price_ticks = String(set.referencePrice);
    if (set.shortQuantity !== undefined) r.short_quantity = set.shortQuantity;
    if (set.pendingModification !== undefined) r.pending_modification = set.pendingModification;
    this.row = r;
  }
}
