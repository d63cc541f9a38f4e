import {
  computeFees,
  DEFAULT_RESERVATION_CONFIG,
  referencePrice,
  reservationFor,
  tradeValue,
  valueToPaiseCeil,
  type FeeBreakdown,
  type OrderSide,
  type OrderType,
  type Paise,
  type Product,
} from '@tradeloop/domain';
import { priceTicks } from '../../lib/price';

export interface EstimateInput {
  side: OrderSide;
  type: OrderType;
  product: Product;
  /** Units (lots × lot size). */
  quantity: number;
  price: string;
  triggerPrice: string;
  /** Last traded price, needed for MARKET and SL-M. */
  ltp: string | null;
  /** Long units of this (symbol, product) a SELL can close without going short. */
  longQuantity: number;
}

export interface OrderEstimate {
  /** The price the hold is computed at (limit price, or LTP/trigger + 5 % buffer), ticks. */
  referencePrice: number;
  notional: Paise;
  fees: FeeBreakdown;
  /** What placing the order would hold from the available balance. */
  hold: Paise;
  /** SELL only: the units that would open a short (margin held). */
  shortQuantity: number;
}

/**
 * A client-side estimate of what an order holds and costs (docs/domain.md, "Fees" and
 * "Holds and margin", through the same pure functions the server uses). Null while the ticket is incomplete.
 * It is an estimate: the server decides with the LTP at the moment it receives the order.
 */
export function estimateOrder(input: EstimateInput): OrderEstimate | null {
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) return null;
  const needsPrice = input.type === 'LIMIT' || input.type === 'SL';
  const needsTrigger = input.type === 'SL' || input.type === 'SL-M';
  const price = needsPrice ? priceTicks(input.price.trim()) : null;
  const trigger = needsTrigger ? priceTicks(input.triggerPrice.trim()) : null;
  if (needsPrice && (price === null || price <= 0)) return null;
  if (needsTrigger && (trigger === null || trigger <= 0)) return null;
  const ltp = priceTicks(input.ltp);
  let ref: number;
  try {
    ref = referencePrice({ side: input.side, type: input.type, price, triggerPrice: trigger }, ltp);
  } catch {
    return null;
  }
  const shortQuantity = input.side === 'SELL' ? Math.max(0, input.quantity - Math.max(0, input.longQuantity)) : 0;
  const basis = { side: input.side, product: input.product, referencePrice: ref, shortQuantity };
  const notional = valueToPaiseCeil(tradeValue(input.quantity, ref));
  const fees = computeFees({ side: input.side, product: input.product, quantity: input.quantity, price: ref });
  let hold: Paise;
  try {
    hold = reservationFor(basis, input.quantity, 0n, DEFAULT_RESERVATION_CONFIG);
  } catch {
    return null;
  }
  return { referencePrice: ref, notional, fees, hold, shortQuantity };
}
