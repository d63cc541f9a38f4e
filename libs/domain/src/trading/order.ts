import type { PriceTicks } from '../market';
import type { Quantity } from '../units';
import { divideToPrice, type TradeValue } from './units';

/** docs/api.md "Orders, trades, positions": the order vocabulary, spelled exactly as the public contract spells it. */
export const ORDER_SIDES = ['BUY', 'SELL'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_TYPES = ['MARKET', 'LIMIT', 'SL', 'SL-M'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** Kite's product codes (docs/brokers.md 4.2): MIS intraday, CNC delivery, NRML carry-forward. */
export const PRODUCTS = ['MIS', 'CNC', 'NRML'] as const;
export type Product = (typeof PRODUCTS)[number];

export const VALIDITIES = ['DAY', 'IOC'] as const;
export type Validity = (typeof VALIDITIES)[number];

/**
 * docs/api.md "Orders, trades, positions": `PENDING` (accepted, queued) → `OPEN` (at broker) | `TRIGGER_PENDING` →
 * `PARTIALLY_FILLED` → `FILLED`; or `CANCELLED` | `REJECTED` | `EXPIRED`.
 */
export const ORDER_STATUSES = [
  'PENDING',
  'OPEN',
  'TRIGGER_PENDING',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Terminal states never change again (docs/api.md "Orders, trades, positions"). */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'];
export const isTerminalStatus = (s: OrderStatus): boolean => TERMINAL_STATUSES.includes(s);

/** Types that carry a limit price, and types that carry a trigger price. */
export const hasLimitPrice = (t: OrderType): boolean => t === 'LIMIT' || t === 'SL';
export const hasTriggerPrice = (t: OrderType): boolean => t === 'SL' || t === 'SL-M';

/** +1 for a buy, −1 for a sell: the sign a fill gives to a position's quantity. */
export const sideSign = (side: OrderSide): 1 | -1 => (side === 'BUY' ? 1 : -1);

/** One execution against an order. `id` is the broker's trade id (or a derived one, see broker-update). */
export interface OrderFill {
  readonly id: string;
  readonly quantity: Quantity;
  readonly price: PriceTicks;
}

/** The parameters a trader chooses; `validateOrder` produces them. */
export interface OrderTerms {
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly product: Product;
  readonly validity: Validity;
  readonly quantity: Quantity;
  /** Limit price (LIMIT, SL); null otherwise. */
  readonly price: PriceTicks | null;
  /** Trigger price (SL, SL-M); null otherwise. */
  readonly triggerPrice: PriceTicks | null;
}

/**
 * An order's state, changed only by `applyOrderEvent`. The fill list is the source of truth:
 * `filledQuantity` and `filledValue` are its sums, kept alongside so callers need not re-add.
 */
export interface OrderState extends OrderTerms {
  readonly status: OrderStatus;
  readonly filledQuantity: Quantity;
  /** Σ fill quantity × fill price, ticks·units: the exact numerator of the average fill price. */
  readonly filledValue: TradeValue;
  readonly fills: readonly OrderFill[];
  readonly rejectReason: string | null;
}

/** A newly accepted order: `PENDING`, nothing filled. */
export function newOrder(terms: OrderTerms): OrderState {
  return Object.freeze({ ...terms, status: 'PENDING', filledQuantity: 0, filledValue: 0n, fills: Object.freeze([]), rejectReason: null });
}

export const remainingQuantity = (o: Pick<OrderState, 'quantity' | 'filledQuantity'>): Quantity => o.quantity - o.filledQuantity;

/**
 * The average fill price in ticks, rounded half-up to one tick (1/10000 rupee, the API's
 * precision); null before the first fill. The exact average is filledValue / filledQuantity.
 */
export function averageFillPrice(o: Pick<OrderState, 'filledQuantity' | 'filledValue'>): PriceTicks | null {
  return o.filledQuantity === 0 ? null : divideToPrice(o.filledValue, o.filledQuantity);
}
