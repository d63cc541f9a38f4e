import {
  averageFillPrice,
  formatMoney,
  formatPrice,
  type OrderState,
  type OrderStatus,
  type Product,
  type OrderSide,
  type OrderType,
  type Validity,
  type ReservationBasis,
  type OrderId,
  type PriceTicks,
  type Quantity,
  type UserId,
} from '@tradeloop/domain';
import type { Order } from '@tradeloop/contracts';
import type { SliceBook } from '@tradeloop/brokers';

/** An `orders` row as Postgres returns it (bigint and numeric as text). */
export interface OrderRow {
  id: OrderId;
  user_id: UserId;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  product: Product;
  validity: Validity;
  quantity: Quantity;
  price_ticks: string | null;
  trigger_ticks: string | null;
  status: OrderStatus;
  filled_quantity: Quantity;
  filled_value_tick_units: string;
  reference_price_ticks: string;
  short_quantity: Quantity;
  reserved_paise: string;
  client_tag: string | null;
  strategy_id: string | null;
  signal_id: string | null;
  /** The broker account the order goes through. */
  account_id: string;
  broker: string;
  /** Which book of the ledger its hold lives in (hold-book.ts `bookOf`). */
  hold_book: 'wallet' | 'paper';
  broker_order_ids: string[];
  /** The latest report of each slice, for an order the broker sliced; null otherwise (libs/brokers slice-book.ts). */
  broker_slices: SliceBook | null;
  reject_reason: string | null;
  cancel_requested: boolean;
  /** A change asked for and not yet confirmed by the broker (ticks and units). */
  pending_modification: { quantity?: Quantity; price?: PriceTicks; triggerPrice?: PriceTicks } | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  /** The watchlist leg the order carries a delta or an exit for (docs/watchlist-trading.md); null for any other order. */
  leg_id?: string | null;
  /** A smart order's target net at the broker for (symbol, product) (OpenAlgo placesmartorder; docs/watchlist-trading.md); null otherwise. */
  position_size?: number | null;
}

export const ORDER_COLUMNS = `id, user_id, symbol, side, type, product, validity, quantity, price_ticks::text, trigger_ticks::text, status,
  filled_quantity, filled_value_tick_units::text, reference_price_ticks::text, short_quantity, reserved_paise::text, client_tag, strategy_id, signal_id, account_id, broker, hold_book,
  broker_order_ids, broker_slices, reject_reason, cancel_requested, pending_modification, created_at, updated_at, version, leg_id, position_size`;

const ticks = (v: string | null): PriceTicks | null => (v === null ? null : Number(v));

/** The domain's view of the row (fills are summarised by filledQuantity / filledValue). */
export function orderState(r: OrderRow, fills: OrderState['fills'] = []): OrderState {
  return {
    side: r.side,
    type: r.type,
    product: r.product,
    validity: r.validity,
    quantity: r.quantity,
    price: ticks(r.price_ticks),
    triggerPrice: ticks(r.trigger_ticks),
    status: r.status,
    filledQuantity: r.filled_quantity,
    filledValue: BigInt(r.filled_value_tick_units),
    fills,
    rejectReason: r.reject_reason,
  };
}

export const reservationBasisOf = (r: OrderRow): ReservationBasis => ({
  side: r.side,
  product: r.product,
  referencePrice: Number(r.reference_price_ticks),
  shortQuantity: r.short_quantity,
});

/** The order's average fill price in ticks; null before its first fill. */
export const averageFillPriceOf = (r: OrderRow): PriceTicks | null =>
  averageFillPrice({ filledQuantity: r.filled_quantity, filledValue: BigInt(r.filled_value_tick_units) });

export function toOrderDto(r: OrderRow): Order {
  const avg = averageFillPriceOf(r);
  return {
    id: r.id,
    clientTag: r.client_tag,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    product: r.product,
    validity: r.validity,
    quantity: r.quantity,
    filledQuantity: r.filled_quantity,
    price: r.price_ticks === null ? null : formatPrice(Number(r.price_ticks)),
    triggerPrice: r.trigger_ticks === null ? null : formatPrice(Number(r.trigger_ticks)),
    averagePrice: avg === null ? null : formatPrice(avg),
    status: r.status,
    accountId: r.account_id,
    broker: r.broker,
    brokerOrderId: r.broker_order_ids[0] ?? null,
    rejectReason: r.reject_reason,
    reserved: formatMoney(BigInt(r.reserved_paise)),
    strategyId: r.strategy_id,
    signalId: r.signal_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
