import { hasLimitPrice, hasTriggerPrice, type OrderTerms, type OrderType, type PriceTicks } from '@tradeloop/domain';
import type { OrderModification } from '../adapter/broker-adapter.port';
import { BrokerError, type BrokerOperation } from '../adapter/broker.errors';
import { KITE_TAG_RULE } from '../adapter/identifiers';
import { toBrokerQuantity, type BrokerInstrument } from '../adapter/instrument.mapper';
import { assertValiditySupported, KITE_PRODUCTS, KITE_VALIDITIES } from '../adapter/order-terms.mapper';
import { ticksToKitePrice } from './kite-prices';

export const KITE = 'kite';

/** The varieties we send (docs/brokers.md 1.2): regular, and after-market orders. CO, iceberg and auction are not offered. */
export const KITE_VARIETIES = ['regular', 'amo'] as const;
export type KiteVariety = (typeof KITE_VARIETIES)[number];

/** Kite's exchange codes (docs/brokers.md 1.2). The exchange comes from the instrument mapping, never from the symbol. */
export const KITE_EXCHANGES: readonly string[] = Object.freeze(['NSE', 'BSE', 'NFO', 'CDS', 'BCD', 'BFO', 'MCX']);

export interface KitePlaceInput {
  readonly terms: OrderTerms;
  /** Kite's exchange and trading symbol for the instrument, from the adapter's `InstrumentMapper`. */
  readonly instrument: BrokerInstrument;
  readonly variety: KiteVariety;
  /** Our correlation tag (`correlationTag(clientOrderId, KITE_TAG_RULE)`), or null to send none. */
  readonly tag: string | null;
  /** Let Kite split a quantity above the exchange freeze limit into child orders. */
  readonly autoslice?: boolean;
  /** `market_protection`: 0 none (Kite's default), 1–100 a percentage, -1 automatic. */
  readonly marketProtection?: number;
}

const refuse = (operation: BrokerOperation, code: string, message: string): BrokerError =>
  new BrokerError('final', `kite ${operation}: ${message}`, { broker: KITE, operation, code });

/** `/orders/regular`: where a placement is POSTed. */
export const kitePlacePath = (variety: KiteVariety): string => `/orders/${encodeURIComponent(assertVariety(variety))}`;
/** `/orders/regular/151220000000000`: where a modify is PUT and a cancel DELETEd. */
export const kiteOrderPath = (variety: KiteVariety, orderId: string): string => {
  if (orderId === '') throw refuse('modify', 'INVALID_ORDER_ID', 'order id must not be empty');
  return `/orders/${encodeURIComponent(assertVariety(variety))}/${encodeURIComponent(orderId)}`;
};

function assertVariety(variety: string): KiteVariety {
  if (!(KITE_VARIETIES as readonly string[]).includes(variety))
    throw refuse('place', 'VARIETY_NOT_SUPPORTED', `variety ${variety} is not supported`);
  return variety as KiteVariety;
}

function brokerQuantity(operation: BrokerOperation, units: number, instrument: BrokerInstrument): string {
  if (!Number.isSafeInteger(units) || units <= 0)
    throw refuse(operation, 'INVALID_QUANTITY', `quantity must be a positive whole number, got ${units}`);
  return String(toBrokerQuantity(units, instrument, KITE));
}

function price(operation: BrokerOperation, field: string, ticks: PriceTicks): string {
  if (!Number.isSafeInteger(ticks) || ticks <= 0)
    throw refuse(operation, 'INVALID_PRICE', `${field} must be a positive whole number of ticks, got ${ticks}`);
  return ticksToKitePrice(ticks);
}

/** Limit and trigger prices must be present exactly where the order type uses them. */
function checkPrices(
  operation: BrokerOperation,
  type: OrderType,
  limit: PriceTicks | null | undefined,
  trigger: PriceTicks | null | undefined,
  partial: boolean,
): void {
  const present = (v: PriceTicks | null | undefined): boolean => v !== null && v !== undefined;
  if (hasLimitPrice(type) ? !partial && !present(limit) : present(limit))
    throw refuse(
      operation,
      'INVALID_ORDER_TERMS',
      hasLimitPrice(type) ? `a ${type} order needs a price` : `a ${type} order takes no price`,
    );
  if (hasTriggerPrice(type) ? !partial && !present(trigger) : present(trigger))
    throw refuse(
      operation,
      'INVALID_ORDER_TERMS',
      hasTriggerPrice(type) ? `a ${type} order needs a trigger price` : `a ${type} order takes no trigger price`,
    );
}

function checkExchange(operation: BrokerOperation, instrument: BrokerInstrument): void {
  if (!KITE_EXCHANGES.includes(instrument.exchange))
    throw refuse(operation, 'EXCHANGE_NOT_SUPPORTED', `exchange ${JSON.stringify(instrument.exchange)} is not a Kite exchange`);
  if (instrument.symbol.trim() === '') throw refuse(operation, 'INSTRUMENT_NOT_MAPPED', 'trading symbol must not be empty');
}

/**
 * The form body of `POST /orders/:variety` (docs/brokers.md 1.2). Throws a `final` BrokerError, before
 * anything is sent, for terms Kite cannot take as they are.
 */
export function kitePlaceForm(input: KitePlaceInput): URLSearchParams {
  const { terms, instrument } = input;
  assertVariety(input.variety);
  checkExchange('place', instrument);
  assertValiditySupported(KITE, KITE_VALIDITIES, terms.validity);
  checkPrices('place', terms.type, terms.price, terms.triggerPrice, false);
  const form = new URLSearchParams();
  form.set('tradingsymbol', instrument.symbol);
  form.set('exchange', instrument.exchange);
  form.set('transaction_type', terms.side);
  form.set('order_type', terms.type);
  form.set('quantity', brokerQuantity('place', terms.quantity, instrument));
  form.set('product', KITE_PRODUCTS.toBroker(terms.product));
  form.set('validity', terms.validity);
  if (terms.price !== null) form.set('price', price('place', 'price', terms.price));
  if (terms.triggerPrice !== null) form.set('trigger_price', price('place', 'trigger price', terms.triggerPrice));
  if (input.tag !== null) {
    if (input.tag.length > KITE_TAG_RULE.maxLength || !KITE_TAG_RULE.allowed.test(input.tag))
      throw refuse('place', 'INVALID_TAG', `tag must be 1-${KITE_TAG_RULE.maxLength} letters or digits`);
    form.set('tag', input.tag);
  }
  if (input.autoslice === true) form.set('autoslice', 'true');
  if (input.marketProtection !== undefined) {
    const mp = input.marketProtection;
    if (!Number.isSafeInteger(mp) || mp < -1 || mp > 100)
      throw refuse('place', 'INVALID_MARKET_PROTECTION', `market protection must be -1 or 0-100, got ${mp}`);
    form.set('market_protection', String(mp));
  }
  return form;
}

export interface KiteModifyInput {
  /** The working order's type (it decides which prices may change); sent as `order_type`. */
  readonly type: OrderType;
  readonly instrument: BrokerInstrument;
  readonly changes: OrderModification;
}

/**
 * The form body of `PUT /orders/:variety/:order_id`: `order_type` and only the fields that
 * change. A change of price on a type without one (a MARKET order's price, a LIMIT order's
 * trigger) or no change at all is refused before sending.
 */
export function kiteModifyForm(input: KiteModifyInput): URLSearchParams {
  const { type, instrument, changes } = input;
  checkExchange('modify', instrument);
  checkPrices('modify', type, changes.price, changes.triggerPrice, true);
  const form = new URLSearchParams();
  form.set('order_type', type);
  if (changes.quantity !== undefined) form.set('quantity', brokerQuantity('modify', changes.quantity, instrument));
  if (changes.price !== undefined) form.set('price', price('modify', 'price', changes.price));
  if (changes.triggerPrice !== undefined) form.set('trigger_price', price('modify', 'trigger price', changes.triggerPrice));
  if ([...form.keys()].length === 1)
    throw refuse('modify', 'NOTHING_TO_MODIFY', 'a modification must change quantity, price or trigger price');
  return form;
}
