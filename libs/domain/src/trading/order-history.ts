import { DomainError } from '../errors';
import type { PriceTicks } from '../market';
import { formatMoney, type Paise } from '../money';
import type { Quantity } from '../units';
import {
  hasTriggerPrice,
  newOrder,
  ORDER_SIDES,
  ORDER_TYPES,
  PRODUCTS,
  VALIDITIES,
  type OrderState,
  type OrderStatus,
  type OrderTerms,
} from './order';
import { basisAfterModification } from './order-modification';
import { applyOrderEvent, type OrderEvent } from './order-transitions';
import type { OrderModification } from './order-validation';
import { DEFAULT_RESERVATION_CONFIG, reservationFor, type ReservationBasis, type ReservationConfig } from './reservation';

/**
 * An order's stored history (`order_events`: one row per entry, `event` + `details` + the status
 * after it), typed. Two kinds of entry:
 * - the domain's `OrderEvent`s, which move the order through the transition table (OPENED, ARMED,
 *   FILL, MODIFIED, CANCELLED, REJECTED, EXPIRED), with what else they decided (the hold after a
 *   modification) — and ACCEPTED, the broker's acknowledgement, which is OPENED (ARMED for a stop);
 * - the facts around them that change the row but not its status: PLACED (the order's initial
 *   terms, reservation basis and hold), SENDING, CANCEL_REQUESTED, MODIFY_REQUESTED,
 *   MODIFY_REJECTED, HOLD_RELEASED.
 * Every writer goes through this type; `replayOrder` rebuilds the row from it.
 *
 * The names are the ones stored since the first order (and shown by `GET /api/v1/orders/{id}`
 * as `details.event`). Money in `details` is in the JSON form it has always been stored in (see
 * `encodeOrderHistoryDetails`); here it is Paise.
 */
export type OrderHistoryEvent =
  | { readonly event: 'PLACED'; readonly details: OrderPlacedDetails }
  /** The engine began sending the order to the broker (attempt 2+ looks it up by tag first). */
  | { readonly event: 'SENDING'; readonly details: { readonly attempt: number } }
  | { readonly event: 'ACCEPTED'; readonly details: { readonly brokerOrderIds: readonly string[]; readonly how: AcceptedHow } }
  | { readonly event: 'OPENED'; readonly details: NoDetails }
  | { readonly event: 'ARMED'; readonly details: NoDetails }
  | { readonly event: 'FILL'; readonly details: { readonly fillId: string; readonly quantity: Quantity; readonly price: PriceTicks } }
  | { readonly event: 'CANCEL_REQUESTED'; readonly details: CancelRequestDetails }
  /** A change asked for (PATCH), pending until the broker confirms or refuses it. */
  | { readonly event: 'MODIFY_REQUESTED'; readonly details: OrderModification }
  /** The broker applied the pending change; `reserved` is what the order holds from then on. */
  | { readonly event: 'MODIFIED'; readonly details: OrderModification & { readonly reserved: Paise } }
  | { readonly event: 'MODIFY_REJECTED'; readonly details: { readonly reason: string } }
  /** `reason` when we cancelled it ourselves (never sent); none when the broker reported it. */
  | { readonly event: 'CANCELLED'; readonly details: { readonly reason?: string } }
  | { readonly event: 'REJECTED'; readonly details: { readonly reason: string } }
  | { readonly event: 'EXPIRED'; readonly details: NoDetails }
  /** What an order that will not fill further still held, given back; `remaining` unfilled units. */
  | { readonly event: 'HOLD_RELEASED'; readonly details: { readonly amount: Paise; readonly remaining: Quantity } };

export type OrderHistoryEventType = OrderHistoryEvent['event'];
export type OrderHistoryDetails<E extends OrderHistoryEventType> = Extract<OrderHistoryEvent, { event: E }>['details'];

export type NoDetails = Readonly<Record<string, never>>;
/** `gtt-triggered`: the broker placed it when a standing GTT fired; we adopted it as the exit of a watchlist leg (docs/watchlist-trading.md). */
export type AcceptedHow = 'sent' | 'found-by-tag' | 'found-by-heuristic' | 'gtt-triggered';

/** Who asked for a cancel when it was not the owner (whose own request carries nothing). */
export const CANCEL_REQUESTERS = ['kill switch', 'automatic trip', 'strategy kill switch'] as const;
export type CancelRequester = (typeof CANCEL_REQUESTERS)[number];

export interface CancelRequestDetails {
  readonly by?: CancelRequester;
  /** The rule that tripped (automatic trip). */
  readonly rule?: string;
  /** Why the engine itself asked (a confirmed modification whose larger hold is gone). */
  readonly reason?: string;
}

export interface OrderPlacedDetails extends OrderTerms {
  /** The reservation basis (ReservationBasis without side and product, which are in the terms). */
  readonly referencePrice: PriceTicks;
  readonly shortQuantity: Quantity;
  /** The hold placed with the order. */
  readonly reserved: Paise;
  /** Whether the order reduced exposure at intake (so an engaged kill switch let it through). */
  readonly reducing: boolean;
  /** The last traded price at intake, if there was one. */
  readonly ltp: PriceTicks | null;
  /**
   * Set by migration 1763813400000 on orders placed before PLACED carried the terms: they were
   * copied from the order row then — for an order modified before it, its terms after the
   * modifications (its history's MODIFIED entries then repeat them), not the ones it was placed with.
   */
  readonly backfilled?: true;
}

/** Every entry name, in no particular order (the union above is the definition). */
export const ORDER_HISTORY_EVENTS = [
  'PLACED',
  'SENDING',
  'ACCEPTED',
  'OPENED',
  'ARMED',
  'FILL',
  'CANCEL_REQUESTED',
  'MODIFY_REQUESTED',
  'MODIFIED',
  'MODIFY_REJECTED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
  'HOLD_RELEASED',
] as const satisfies readonly OrderHistoryEventType[];
// Both ways: a name added to the union and not to the list fails here.
const _everyEventListed: Exclude<OrderHistoryEventType, (typeof ORDER_HISTORY_EVENTS)[number]> extends never ? true : never = true;
void _everyEventListed;

/** The broker's acknowledgement in the table's terms: a stop waits for its trigger, anything else works. */
export const acceptanceEvent = (order: Pick<OrderTerms, 'type'>): OrderEvent =>
  hasTriggerPrice(order.type) ? { type: 'ARMED' } : { type: 'OPENED' };

/**
 * The transition an entry makes in the table (`applyOrderEvent`), or null for an entry that
 * leaves the status alone. The one mapping used by the engine as it writes and by the replay.
 */
export function transitionOf(entry: OrderHistoryEvent, order: Pick<OrderTerms, 'type'>): OrderEvent | null {
  switch (entry.event) {
    case 'ACCEPTED':
      return acceptanceEvent(order);
    case 'OPENED':
    case 'ARMED':
    case 'EXPIRED':
    case 'CANCELLED':
      return { type: entry.event };
    case 'REJECTED':
      return { type: 'REJECTED', reason: entry.details.reason };
    case 'FILL':
      return { type: 'FILL', fill: { id: entry.details.fillId, quantity: entry.details.quantity, price: entry.details.price } };
    case 'MODIFIED':
      return { type: 'MODIFIED', ...modificationOf(entry.details) };
    case 'PLACED':
    case 'SENDING':
    case 'CANCEL_REQUESTED':
    case 'MODIFY_REQUESTED':
    case 'MODIFY_REJECTED':
    case 'HOLD_RELEASED':
      return null;
  }
}

/**
 * The entry that records a domain event a broker report produced (`applyBrokerUpdate`). A
 * MODIFIED entry also records the hold the change left, so the engine builds it itself.
 */
export function historyEventOf(e: Exclude<OrderEvent, { type: 'MODIFIED' }>): OrderHistoryEvent {
  switch (e.type) {
    case 'OPENED':
    case 'ARMED':
    case 'CANCELLED':
    case 'EXPIRED':
      return { event: e.type, details: {} };
    case 'REJECTED':
      return { event: 'REJECTED', details: { reason: e.reason } };
    case 'FILL':
      return { event: 'FILL', details: { fillId: e.fill.id, quantity: e.fill.quantity, price: e.fill.price } };
  }
}

const modificationOf = (m: OrderModification): OrderModification => ({
  ...(m.quantity !== undefined ? { quantity: m.quantity } : {}),
  ...(m.price !== undefined ? { price: m.price } : {}),
  ...(m.triggerPrice !== undefined ? { triggerPrice: m.triggerPrice } : {}),
});

// ---------------------------------------------------------------------------------------------
// Replay

/**
 * What an order's history determines: its state in the table's terms (status, terms after
 * modifications, fills and their sums, reject reason) and the rest of its row — reservation
 * basis, what it holds, its broker ids, whether a cancel was asked, the change pending at the
 * broker, and how often the engine began sending it.
 */
export interface ReplayedOrder extends OrderState {
  readonly referencePrice: PriceTicks;
  readonly shortQuantity: Quantity;
  readonly reserved: Paise;
  readonly brokerOrderIds: readonly string[];
  readonly cancelRequested: boolean;
  readonly pendingModification: OrderModification | null;
  readonly sendAttempts: number;
}

const inconsistent = (message: string, context: Record<string, unknown> = {}) =>
  new DomainError('INVALID_STATE', message, { context: { reason: 'HISTORY_INCONSISTENT', ...context } });

/** The order as its PLACED entry describes it: PENDING, nothing filled, holding `reserved`. */
export function placedOrder(d: OrderPlacedDetails): ReplayedOrder {
  const terms: OrderTerms = {
    side: d.side,
    type: d.type,
    product: d.product,
    validity: d.validity,
    quantity: d.quantity,
    price: d.price,
    triggerPrice: d.triggerPrice,
  };
  return Object.freeze({
    ...newOrder(terms),
    referencePrice: d.referencePrice,
    shortQuantity: d.shortQuantity,
    reserved: d.reserved,
    brokerOrderIds: Object.freeze([]),
    cancelRequested: false,
    pendingModification: null,
    sendAttempts: 0,
  });
}

const basisOf = (o: ReplayedOrder): ReservationBasis => ({
  side: o.side,
  product: o.product,
  referencePrice: o.referencePrice,
  shortQuantity: o.shortQuantity,
});

/**
 * One entry after PLACED. Status, terms and fills change only through the transition table
 * (INVALID_STATE / VALIDATION_FAILED as `applyOrderEvent` throws them); a second PLACED, or a
 * release of more than is held, is INVALID_STATE with reason HISTORY_INCONSISTENT.
 *
 * The hold follows the engine: a fill leaves the reservation of the remainder
 * (`reservationFor`, from the order's basis); a modification leaves what its entry says (the
 * plan's reservation, or the old hold when the larger one could not be had); a release subtracts.
 */
export function applyHistoryEvent(
  order: ReplayedOrder,
  entry: OrderHistoryEvent,
  config: ReservationConfig = DEFAULT_RESERVATION_CONFIG,
): ReplayedOrder {
  const transition = transitionOf(entry, order);
  const moved: ReplayedOrder = transition ? { ...order, ...applyOrderEvent(order, transition) } : order;
  switch (entry.event) {
    case 'PLACED':
      throw inconsistent('An order is placed once: a second PLACED entry');
    case 'SENDING':
      return Object.freeze({ ...order, sendAttempts: entry.details.attempt });
    case 'ACCEPTED':
      return Object.freeze({ ...moved, brokerOrderIds: Object.freeze([...entry.details.brokerOrderIds]) });
    case 'CANCEL_REQUESTED':
      return Object.freeze({ ...order, cancelRequested: true });
    case 'MODIFY_REQUESTED':
      return Object.freeze({ ...order, pendingModification: Object.freeze(modificationOf(entry.details)) });
    case 'MODIFY_REJECTED':
      return Object.freeze({ ...order, pendingModification: null });
    case 'MODIFIED': {
      const basis = basisAfterModification(order, basisOf(order), moved);
      return Object.freeze({
        ...moved,
        referencePrice: basis.referencePrice,
        shortQuantity: basis.shortQuantity,
        reserved: entry.details.reserved,
        pendingModification: null,
      });
    }
    case 'FILL':
      return Object.freeze({
        ...moved,
        reserved: reservationFor(basisOf(moved), moved.quantity - moved.filledQuantity, moved.filledValue, config),
      });
    case 'HOLD_RELEASED':
      if (entry.details.amount > order.reserved)
        throw inconsistent(`Released ${formatMoney(entry.details.amount)} while holding ${formatMoney(order.reserved)}`, {
          amount: formatMoney(entry.details.amount),
          reserved: formatMoney(order.reserved),
        });
      return Object.freeze({ ...order, reserved: order.reserved - entry.details.amount });
    case 'OPENED':
    case 'ARMED':
    case 'CANCELLED':
    case 'REJECTED':
    case 'EXPIRED':
      return Object.freeze(moved);
  }
}

/**
 * Rebuilds an order from its stored history, oldest first: the first entry must be PLACED
 * (INVALID_STATE, reason HISTORY_INCONSISTENT otherwise), then `applyHistoryEvent` for each.
 */
export function replayOrder(history: readonly OrderHistoryEvent[], config: ReservationConfig = DEFAULT_RESERVATION_CONFIG): ReplayedOrder {
  const [first, ...rest] = history;
  if (first?.event !== 'PLACED')
    throw inconsistent(`A history starts with PLACED, not ${first ? first.event : 'nothing'}`, { first: first?.event ?? null });
  return rest.reduce((o, e) => applyHistoryEvent(o, e, config), placedOrder(first.details));
}

/** The status after each entry (what `order_events.status` holds), with the final order. */
export function replayOrderStatuses(
  history: readonly OrderHistoryEvent[],
  config: ReservationConfig = DEFAULT_RESERVATION_CONFIG,
): { order: ReplayedOrder; statuses: OrderStatus[] } {
  const order = replayOrder(history.slice(0, 1), config);
  const statuses: OrderStatus[] = [order.status];
  let o = order;
  for (const e of history.slice(1)) {
    o = applyHistoryEvent(o, e, config);
    statuses.push(o.status);
  }
  return { order: o, statuses };
}

// ---------------------------------------------------------------------------------------------
// Stored form

/**
 * `details` as stored (JSON): the entry's details as they are, except money, which keeps the
 * forms it has always had — PLACED `reserved` in paise as a decimal integer string ("150075"),
 * MODIFIED `reserved` and HOLD_RELEASED `amount` as the API's money strings ("1500.75").
 * Fields left undefined are left out.
 */
export function encodeOrderHistoryDetails(entry: OrderHistoryEvent): Record<string, unknown> {
  const plain = (o: object): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  switch (entry.event) {
    case 'PLACED':
      return plain({ ...entry.details, reserved: entry.details.reserved.toString() });
    case 'MODIFIED':
      return plain({ ...entry.details, reserved: formatMoney(entry.details.reserved) });
    case 'HOLD_RELEASED':
      return { amount: formatMoney(entry.details.amount), remaining: entry.details.remaining };
    case 'ACCEPTED':
      return { brokerOrderIds: [...entry.details.brokerOrderIds], how: entry.details.how };
    default:
      return plain(entry.details);
  }
}

/**
 * A stored entry (`order_events.event`, `details`) as its typed event; VALIDATION_FAILED for an
 * unknown name, a missing or mistyped field, or a field the entry does not have.
 */
export function decodeOrderHistoryEvent(event: string, details: unknown): OrderHistoryEvent {
  const r = new DetailsReader(event, details);
  const entry = ((): OrderHistoryEvent => {
    switch (event as OrderHistoryEventType) {
      case 'PLACED': {
        const type = r.oneOf('type', ORDER_TYPES);
        return {
          event: 'PLACED',
          details: {
            side: r.oneOf('side', ORDER_SIDES),
            type,
            product: r.oneOf('product', PRODUCTS),
            validity: r.oneOf('validity', VALIDITIES),
            quantity: r.positiveInt('quantity'),
            price: r.nullablePositiveInt('price'),
            triggerPrice: r.nullablePositiveInt('triggerPrice'),
            referencePrice: r.positiveInt('referencePrice'),
            shortQuantity: r.nonNegativeInt('shortQuantity'),
            reserved: r.paiseInteger('reserved'),
            reducing: r.boolean('reducing'),
            ltp: r.nullablePositiveInt('ltp'),
            ...(r.has('backfilled') ? { backfilled: r.literalTrue('backfilled') } : {}),
          },
        };
      }
      case 'SENDING':
        return { event: 'SENDING', details: { attempt: r.positiveInt('attempt') } };
      case 'ACCEPTED':
        return {
          event: 'ACCEPTED',
          details: {
            brokerOrderIds: r.strings('brokerOrderIds'),
            how: r.oneOf('how', ['sent', 'found-by-tag', 'found-by-heuristic', 'gtt-triggered'] as const),
          },
        };
      case 'OPENED':
      case 'ARMED':
      case 'EXPIRED':
        return { event: event as 'OPENED' | 'ARMED' | 'EXPIRED', details: {} };
      case 'FILL':
        return {
          event: 'FILL',
          details: { fillId: r.string('fillId'), quantity: r.positiveInt('quantity'), price: r.positiveInt('price') },
        };
      case 'CANCEL_REQUESTED':
        return {
          event: 'CANCEL_REQUESTED',
          details: {
            ...(r.has('by') ? { by: r.oneOf('by', CANCEL_REQUESTERS) } : {}),
            ...(r.has('rule') ? { rule: r.string('rule') } : {}),
            ...(r.has('reason') ? { reason: r.string('reason') } : {}),
          },
        };
      case 'MODIFY_REQUESTED':
        return { event: 'MODIFY_REQUESTED', details: readModification(r) };
      case 'MODIFIED':
        return { event: 'MODIFIED', details: { ...readModification(r), reserved: r.money('reserved') } };
      case 'MODIFY_REJECTED':
        return { event: 'MODIFY_REJECTED', details: { reason: r.string('reason') } };
      case 'CANCELLED':
        return { event: 'CANCELLED', details: r.has('reason') ? { reason: r.string('reason') } : {} };
      case 'REJECTED':
        return { event: 'REJECTED', details: { reason: r.string('reason') } };
      case 'HOLD_RELEASED':
        return { event: 'HOLD_RELEASED', details: { amount: r.money('amount'), remaining: r.nonNegativeInt('remaining') } };
      default:
        throw new DomainError('VALIDATION_FAILED', `Unknown order history entry ${JSON.stringify(event)}`);
    }
  })();
  r.noOtherFields();
  return entry;
}

function readModification(r: DetailsReader): OrderModification {
  return {
    ...(r.has('quantity') ? { quantity: r.positiveInt('quantity') } : {}),
    ...(r.has('price') ? { price: r.positiveInt('price') } : {}),
    ...(r.has('triggerPrice') ? { triggerPrice: r.positiveInt('triggerPrice') } : {}),
  };
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** Reads typed fields out of stored details, remembering which it read. */
class DetailsReader {
  private readonly obj: Record<string, unknown>;
  private readonly read = new Set<string>();

  constructor(
    private readonly event: string,
    details: unknown,
  ) {
    if (typeof details !== 'object' || details === null || Array.isArray(details))
      throw new DomainError('VALIDATION_FAILED', `${event}: details must be an object`);
    this.obj = details as Record<string, unknown>;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  private get(key: string, ok: (v: unknown) => boolean, what: string): unknown {
    this.read.add(key);
    const v = this.obj[key];
    if (!ok(v)) throw new DomainError('VALIDATION_FAILED', `${this.event}: ${key} must be ${what}, got ${JSON.stringify(v) ?? 'nothing'}`);
    return v;
  }

  string(key: string): string {
    return this.get(key, (v) => typeof v === 'string', 'a string') as string;
  }
  strings(key: string): string[] {
    return this.get(key, (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'), 'a list of strings') as string[];
  }
  boolean(key: string): boolean {
    return this.get(key, (v) => typeof v === 'boolean', 'true or false') as boolean;
  }
  literalTrue(key: string): true {
    return this.get(key, (v) => v === true, 'true') as true;
  }
  positiveInt(key: string): number {
    return this.get(key, isPositiveInt, 'a positive integer') as number;
  }
  nonNegativeInt(key: string): number {
    return this.get(key, (v) => v === 0 || isPositiveInt(v), 'a non-negative integer') as number;
  }
  nullablePositiveInt(key: string): number | null {
    return this.get(key, (v) => v === null || isPositiveInt(v), 'a positive integer or null') as number | null;
  }
  oneOf<T extends string>(key: string, values: readonly T[]): T {
    return this.get(key, (v) => (values as readonly unknown[]).includes(v), `one of ${values.join(', ')}`) as T;
  }
  /** Paise as a decimal integer string ("150075"). */
  paiseInteger(key: string): Paise {
    return BigInt(this.get(key, (v) => typeof v === 'string' && /^(0|[1-9]\d*)$/.test(v), 'paise as an integer string') as string);
  }
  /** A non-negative money string with two decimals ("1500.75"), as formatMoney writes it. */
  money(key: string): Paise {
    const v = this.get(key, (s) => typeof s === 'string' && /^(0|[1-9]\d*)\.\d\d$/.test(s), 'an amount like "1500.75"') as string;
    return BigInt(v.replace('.', ''));
  }

  noOtherFields(): void {
    const extra = Object.keys(this.obj).filter((k) => !this.read.has(k) && this.obj[k] !== undefined);
    if (extra.length > 0) throw new DomainError('VALIDATION_FAILED', `${this.event}: unexpected field(s) ${extra.join(', ')}`);
  }
}
