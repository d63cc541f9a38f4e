import { formatPrice, type OrderType, type PriceTicks } from '@tradeloop/domain';
import type { BrokerOrder, OrderModification, PlaceOrderRequest } from '../adapter/broker-adapter.port';
import { BrokerError } from '../adapter/broker.errors';
import { toBrokerQuantity, type BrokerInstrument } from '../adapter/instrument.mapper';
import { assertValiditySupported, OPENALGO_PRODUCTS, OPENALGO_VALIDITIES } from '../adapter/order-terms.mapper';
import { OPENALGO } from './openalgo-http';

/**
 * Request bodies of OpenAlgo's order endpoints (docs/brokers.md 3.2, 3.4). Numbers go as strings,
 * as OpenAlgo's own docs send them; `strategy` is free text for OpenAlgo's logs (not a tag).
 */

export const OPENALGO_STRATEGY = 'tradeloop';

const price = (p: PriceTicks | null): string => (p === null ? '0' : formatPrice(p));

function refuse(message: string, code: string, operation: 'place' | 'modify'): BrokerError {
  return new BrokerError('final', `${OPENALGO} ${operation}: ${message}`, { broker: OPENALGO, operation, code });
}

function checkPrices(type: OrderType, p: PriceTicks | null, trigger: PriceTicks | null, operation: 'place' | 'modify'): void {
  if ((type === 'LIMIT' || type === 'SL') && (p === null || p <= 0)) throw refuse(`${type} needs a price`, 'PRICE_REQUIRED', operation);
  if ((type === 'SL' || type === 'SL-M') && (trigger === null || trigger <= 0))
    throw refuse(`${type} needs a trigger price`, 'TRIGGER_REQUIRED', operation);
}

/** `/placeorder`. Refusals of the terms (IOC, missing prices, lots) come before anything is sent. */
export function openAlgoPlaceBody(request: PlaceOrderRequest, instrument: BrokerInstrument): Record<string, string> {
  assertValiditySupported(OPENALGO, OPENALGO_VALIDITIES, request.validity);
  checkPrices(request.type, request.price, request.triggerPrice, 'place');
  return {
    strategy: OPENALGO_STRATEGY,
    exchange: instrument.exchange,
    symbol: instrument.symbol,
    action: request.side,
    quantity: String(toBrokerQuantity(request.quantity, instrument, OPENALGO)),
    pricetype: request.type,
    product: OPENALGO_PRODUCTS.toBroker(request.product),
    price: request.type === 'LIMIT' || request.type === 'SL' ? price(request.price) : '0',
    trigger_price: request.type === 'SL' || request.type === 'SL-M' ? price(request.triggerPrice) : '0',
    disclosed_quantity: '0',
  };
}

/** `/modifyorder`: every field is required, so the order as it stands with the changes applied. */
export function openAlgoModifyBody(order: BrokerOrder, changes: OrderModification, instrument: BrokerInstrument): Record<string, string> {
  const p = changes.price ?? order.price;
  const trigger = changes.triggerPrice ?? order.triggerPrice;
  checkPrices(order.type, p, trigger, 'modify');
  return {
    orderid: order.brokerOrderId,
    strategy: OPENALGO_STRATEGY,
    exchange: instrument.exchange,
    symbol: instrument.symbol,
    action: order.side,
    product: OPENALGO_PRODUCTS.toBroker(order.product),
    pricetype: order.type,
    price: order.type === 'LIMIT' || order.type === 'SL' ? price(p) : '0',
    quantity: String(toBrokerQuantity(changes.quantity ?? order.quantity, instrument, OPENALGO)),
    trigger_price: order.type === 'SL' || order.type === 'SL-M' ? price(trigger) : '0',
    disclosed_quantity: '0',
  };
}
