import { DomainError } from '../errors';
import type { PriceTicks } from '../market';
import {
  hasLimitPrice,
  hasTriggerPrice,
  isTerminalStatus,
  remainingQuantity,
  type OrderFill,
  type OrderState,
  type OrderStatus,
} from './order';
import type { Quantity } from '../units';
import { tradeValue } from './units';

/**
 * What can happen to an order. Events are facts (mostly reported by the broker); the table
 * below decides what each one does to each status.
 */
export type OrderEvent =
  /** Working at the exchange: the broker's acknowledgement, or a stop order that has triggered. */
  | { readonly type: 'OPENED' }
  /** A stop order (SL, SL-M) accepted and waiting for its trigger. */
  | { readonly type: 'ARMED' }
  | { readonly type: 'FILL'; readonly fill: OrderFill }
  /** A modification the broker confirmed (docs/api.md `PATCH /api/v1/orders/{id}`: quantity, price, triggerPrice). */
  | { readonly type: 'MODIFIED'; readonly quantity?: Quantity; readonly price?: PriceTicks; readonly triggerPrice?: PriceTicks }
  | { readonly type: 'CANCELLED' }
  | { readonly type: 'REJECTED'; readonly reason: string }
  | { readonly type: 'EXPIRED' };
export type OrderEventType = OrderEvent['type'];

/** Why an event was refused, in `DomainError.options.context.reason` (code INVALID_STATE). */
export type OrderStateProblem = 'ORDER_TERMINAL' | 'ILLEGAL_TRANSITION' | 'OVERFILL' | 'FILL_CONFLICT' | 'QUANTITY_NOT_ABOVE_FILLED';

// BY_FILL: PARTIALLY_FILLED or FILLED, decided by the quantities. SAME: the status does not change.
type Target = OrderStatus | 'BY_FILL' | 'SAME';

/**
 * THE transition table (status, event) → status. A missing entry is an illegal transition.
 * Terminal statuses have no entries: nothing moves them (a duplicate fill is recognised before
 * the table is consulted, so a fill reported twice after FILLED is harmless).
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, Readonly<Partial<Record<OrderEventType, Target>>>>> = {
  PENDING: {
    OPENED: 'OPEN',
    ARMED: 'TRIGGER_PENDING',
    // A market order can fill before its acknowledgement reaches us: updates arrive out of order.
    FILL: 'BY_FILL',
    // Still queued: the worker reads the row before sending, so a change applies to what is sent.
    MODIFIED: 'SAME',
    CANCELLED: 'CANCELLED',
    REJECTED: 'REJECTED',
    // Never reached the broker before the session closed.
    EXPIRED: 'EXPIRED',
  },
  OPEN: {
    // A repeated acknowledgement, or a modification confirmed with status OPEN.
    OPENED: 'OPEN',
    FILL: 'BY_FILL',
    MODIFIED: 'SAME',
    CANCELLED: 'CANCELLED',
    REJECTED: 'REJECTED',
    EXPIRED: 'EXPIRED',
    // No ARMED: a working order never goes back to waiting for a trigger.
  },
  TRIGGER_PENDING: {
    // The stop triggered: it is now a working (limit or market) order.
    OPENED: 'OPEN',
    ARMED: 'TRIGGER_PENDING',
    // An SL-M can trigger and fill before we hear that it triggered.
    FILL: 'BY_FILL',
    MODIFIED: 'SAME',
    CANCELLED: 'CANCELLED',
    // Exchanges reject stops at trigger time (e.g. outside the price band).
    REJECTED: 'REJECTED',
    EXPIRED: 'EXPIRED',
  },
  PARTIALLY_FILLED: {
    // No broker has a partial-fill status (docs/brokers.md 4.4): they keep reporting OPEN.
    OPENED: 'PARTIALLY_FILLED',
    FILL: 'BY_FILL',
    MODIFIED: 'SAME',
    // Cancelled or expired with fills: the fills stand ("partially filled then cancelled").
    CANCELLED: 'CANCELLED',
    EXPIRED: 'EXPIRED',
    // No REJECTED: an order that traded was accepted; a broker that says otherwise is
    // reconciled by applyBrokerUpdate (as a cancellation of the remainder).
  },
  FILLED: {},
  CANCELLED: {},
  REJECTED: {},
  EXPIRED: {},
};

const invalid = (problem: OrderStateProblem, message: string, context: Record<string, unknown>) =>
  new DomainError('INVALID_STATE', message, { context: { reason: problem, ...context } });

const badEvent = (message: string) => new DomainError('VALIDATION_FAILED', message);

const isPositiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

/**
 * Applies one event to an order and returns the new state (the input is never mutated), or
 * throws: INVALID_STATE for an event the current status does not allow (terminal states are
 * final), a fill beyond the order's quantity, a fill id seen before with different terms, or a
 * modification to at most the filled quantity; VALIDATION_FAILED for a malformed event.
 * A fill whose id was already applied with the same terms returns the state unchanged.
 */
export function applyOrderEvent(order: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'FILL') {
    const seen = order.fills.find((f) => f.id === event.fill.id);
    if (seen) {
      if (seen.quantity === event.fill.quantity && seen.price === event.fill.price) return order;
      throw invalid('FILL_CONFLICT', `Fill ${event.fill.id} was already applied with different quantity or price`, {
        fillId: event.fill.id,
      });
    }
  }
  const target = ORDER_TRANSITIONS[order.status][event.type];
  if (target === undefined) {
    throw isTerminalStatus(order.status)
      ? invalid('ORDER_TERMINAL', `Order is ${order.status}; it cannot change any more (${event.type})`, {
          status: order.status,
          event: event.type,
        })
      : invalid('ILLEGAL_TRANSITION', `Order is ${order.status}; ${event.type} is not allowed`, {
          status: order.status,
          event: event.type,
        });
  }
  switch (event.type) {
    case 'OPENED':
    case 'CANCELLED':
    case 'EXPIRED':
      return next(order, target, {});
    case 'ARMED':
      if (!hasTriggerPrice(order.type))
        throw invalid('ILLEGAL_TRANSITION', `A ${order.type} order has no trigger to wait for`, {
          status: order.status,
          event: event.type,
        });
      return next(order, target, {});
    case 'REJECTED':
      return next(order, target, { rejectReason: event.reason || 'Rejected' });
    case 'FILL':
      return applyFill(order, event.fill);
    case 'MODIFIED':
      return applyModification(order, event);
  }
}

// BY_FILL targets are resolved in applyFill; every other event lands here.
function next(order: OrderState, target: Target, changes: Partial<OrderState>): OrderState {
  const status = target === 'SAME' || target === 'BY_FILL' ? order.status : target;
  return Object.freeze({ ...order, ...changes, status });
}

function applyFill(order: OrderState, fill: OrderFill): OrderState {
  if (!fill.id) throw badEvent('A fill needs an id');
  if (!isPositiveInt(fill.quantity)) throw badEvent(`Fill quantity must be a positive integer, got ${fill.quantity}`);
  if (!isPositiveInt(fill.price)) throw badEvent(`Fill price must be a positive integer number of ticks, got ${fill.price}`);
  const remaining = remainingQuantity(order);
  if (fill.quantity > remaining) {
    throw invalid('OVERFILL', `Fill of ${fill.quantity} exceeds the ${remaining} units still open`, {
      fillId: fill.id,
      quantity: order.quantity,
      filledQuantity: order.filledQuantity,
    });
  }
  const filledQuantity: Quantity = order.filledQuantity + fill.quantity;
  return Object.freeze({
    ...order,
    status: filledQuantity === order.quantity ? 'FILLED' : 'PARTIALLY_FILLED',
    filledQuantity,
    filledValue: order.filledValue + tradeValue(fill.quantity, fill.price),
    fills: Object.freeze([...order.fills, Object.freeze({ ...fill })]),
  });
}

function applyModification(order: OrderState, m: Extract<OrderEvent, { type: 'MODIFIED' }>): OrderState {
  const changes: { quantity?: Quantity; price?: PriceTicks; triggerPrice?: PriceTicks } = {};
  if (m.quantity !== undefined) {
    if (!isPositiveInt(m.quantity)) throw badEvent(`Quantity must be a positive integer, got ${m.quantity}`);
    // Brokers refuse a quantity at or below what has traded: there would be nothing left to work.
    if (m.quantity <= order.filledQuantity) {
      throw invalid('QUANTITY_NOT_ABOVE_FILLED', `Quantity ${m.quantity} must exceed the ${order.filledQuantity} units already filled`, {
        filledQuantity: order.filledQuantity,
      });
    }
    changes.quantity = m.quantity;
  }
  if (m.price !== undefined) {
    if (!hasLimitPrice(order.type)) throw badEvent(`A ${order.type} order has no limit price to modify`);
    if (!isPositiveInt(m.price)) throw badEvent(`Price must be a positive integer number of ticks, got ${m.price}`);
    changes.price = m.price;
  }
  if (m.triggerPrice !== undefined) {
    if (!hasTriggerPrice(order.type)) throw badEvent(`A ${order.type} order has no trigger price to modify`);
    if (!isPositiveInt(m.triggerPrice)) throw badEvent(`Trigger price must be a positive integer number of ticks, got ${m.triggerPrice}`);
    changes.triggerPrice = m.triggerPrice;
  }
  return next(order, 'SAME', changes);
}

/**
 * Applies events in order (an order's domain events only; its stored history, with the facts
 * around them, is replayed by `replayOrder` in order-history.ts).
 */
export const applyOrderEvents = (initial: OrderState, events: readonly OrderEvent[]): OrderState => events.reduce(applyOrderEvent, initial);

/** Whether `event` would be accepted in `status` by the table alone (e.g. to answer 409 early). */
export const canApply = (status: OrderStatus, event: OrderEventType): boolean => ORDER_TRANSITIONS[status][event] !== undefined;
