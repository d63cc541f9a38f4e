import type { OrderStatus } from '@tradeloop/domain';
import type { OrderRow } from './order-row';
import type { OrderChanges, OrderEventInsert, PositionSave, TradeInsert } from './trading.repository';

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
    return this.positions.get(`${this.row.symbol}|${this.row.product}`);
  }

  fill(trade: TradeInsert, position: PositionSave): void {
    this.trades.push(trade);
    this.positions.set(`${position.symbol}|${position.product}`, position);
  }

  change(set: OrderChanges): void {
    Object.assign(this.changes, set);
    const r = { ...this.row };
    if (set.status !== undefined) r.status = set.status;
    if (set.filledQuantity !== undefined) r.filled_quantity = set.filledQuantity;
    if (set.filledValue !== undefined) r.filled_value = set.filledValue.toString();
    if (set.reserved !== undefined) r.reserved_paise = set.reserved.toString();
    if (set.brokerOrderIds !== undefined) r.broker_order_ids = set.brokerOrderIds;
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

  event(status: OrderStatus, event: string, details: Record<string, unknown> = {}): void {
    this.events.push({ status, event, details });
  }
}
