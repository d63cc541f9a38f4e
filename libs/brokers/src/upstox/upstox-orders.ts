import { VALIDITIES, type OrderSide, type OrderTerms, type PriceTicks, type Validity } from '@tradeloop/domain';
import type { BrokerOrder, BrokerTrade, OrderModification, PlaceOrderResult } from '../adapter/broker-adapter.port';
import { BrokerError } from '../adapter/broker.errors';
import { asBrokerOrderId, asBrokerTradeId, type BrokerOrderId } from '../adapter/identifiers';
import { fromBrokerQuantity, toBrokerQuantity, type BrokerInstrument, type InstrumentMapper } from '../adapter/instrument.mapper';
import { assertValiditySupported, orderTypeFromBroker, UPSTOX_PRODUCTS, UPSTOX_VALIDITIES } from '../adapter/order-terms.mapper';
import { normaliseStatus, UPSTOX_STATUSES } from '../adapter/status.mapper';
import { kitePriceToTicks, ticksToKitePrice } from '../kite/kite-prices';
import { parseKiteStyleOrderAmounts, parseKiteTimestamp } from '../kite/kite-responses';
import { UPSTOX, upstoxErrorFromReply, upstoxInvalidResponse, type UpstoxEnvelope } from './upstox-http';

/**
 * Upstox order bodies and order objects (docs/brokers.md 2.2–2.4). Prices are rupee decimals on the
 * wire (JSON numbers), converted to and from our integer ticks by decimal-string arithmetic
 * (the same exact conversion as Kite's, docs/brokers.md 4.11); timestamps `YYYY-MM-DD HH:mm:ss` IST.
 * Instruments are `instrument_key`s (`NSE_EQ|INE009A01021`): the mapper's `symbol` is the whole
 * key and its `exchange` the segment before the `|` (docs/brokers.md 2.7).
 */

export interface UpstoxOrderContext {
  readonly instruments: InstrumentMapper;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** The segment of an instrument key: `NSE_EQ|INE…` → `NSE_EQ`. */
export const upstoxSegment = (instrumentKey: string): string => instrumentKey.split('|', 1)[0] ?? '';

/** `D` is delivery for cash segments and carry-forward for derivatives (docs/brokers.md 4.2). */
const instrumentTypeOf = (segment: string): 'EQ' | 'FUT' => (segment.endsWith('_EQ') ? 'EQ' : 'FUT');

const wirePrice = (ticks: PriceTicks | null): number => (ticks === null ? 0 : Number(ticksToKitePrice(ticks)));

/** The v3 placement body (docs/brokers.md 2.2): every required field present, zeros where unused. */
export function upstoxPlaceBody(input: {
  readonly terms: OrderTerms;
  readonly instrument: BrokerInstrument;
  readonly tag: string;
  readonly slice?: boolean;
  readonly isAmo?: boolean;
}): Record<string, unknown> {
  const { terms, instrument } = input;
  assertValiditySupported(UPSTOX, UPSTOX_VALIDITIES, terms.validity);
  const needsPrice = terms.type === 'LIMIT' || terms.type === 'SL';
  const needsTrigger = terms.type === 'SL' || terms.type === 'SL-M';
  const refuse = (detail: string): BrokerError =>
    new BrokerError('final', `upstox place: ${detail}`, { broker: UPSTOX, operation: 'place', code: 'INVALID_ORDER' });
  // Upstox's `D` is delivery on a cash segment and carry-forward on derivatives: NRML on a cash
  // instrument (or CNC on a derivative) cannot be expressed, and would read back as the other.
  const cash = upstoxSegment(instrument.symbol).endsWith('_EQ');
  if ((terms.product === 'NRML' && cash) || (terms.product === 'CNC' && !cash))
    throw new BrokerError('final', `upstox place: ${terms.product} is not a product of ${upstoxSegment(instrument.symbol)}`, {
      broker: UPSTOX,
      operation: 'place',
      code: 'PRODUCT_NOT_SUPPORTED',
    });
  if (needsPrice && (terms.price === null || terms.price <= 0)) throw refuse(`${terms.type} needs a price`);
  if (needsTrigger && (terms.triggerPrice === null || terms.triggerPrice <= 0)) throw refuse(`${terms.type} needs a trigger price`);
  return {
    instrument_token: instrument.symbol,
    quantity: toBrokerQuantity(terms.quantity, instrument, UPSTOX),
    product: UPSTOX_PRODUCTS.toBroker(terms.product),
    validity: terms.validity,
    price: needsPrice ? wirePrice(terms.price) : 0,
    order_type: terms.type,
    transaction_type: terms.side,
    disclosed_quantity: 0,
    trigger_price: needsTrigger ? wirePrice(terms.triggerPrice) : 0,
    is_amo: input.isAmo ?? false,
    tag: input.tag,
    slice: input.slice ?? false,
  };
}

/** The v3 modify body: Upstox requires order_id, validity, price, order_type and trigger_price; the rest keep their values. */
export function upstoxModifyBody(order: BrokerOrder, instrument: BrokerInstrument, changes: OrderModification): Record<string, unknown> {
  const price = changes.price ?? order.price;
  const trigger = changes.triggerPrice ?? order.triggerPrice;
  return {
    order_id: order.brokerOrderId,
    validity: order.validity,
    order_type: order.type,
    price: order.type === 'LIMIT' || order.type === 'SL' ? wirePrice(price) : 0,
    trigger_price: order.type === 'SL' || order.type === 'SL-M' ? wirePrice(trigger) : 0,
    ...(changes.quantity === undefined ? {} : { quantity: toBrokerQuantity(changes.quantity, instrument, UPSTOX) }),
  };
}

/**
 * The v3 placement reply: `data.order_ids` (several when sliced). `partial_success` lists the
 * slices refused beside them in `errors`; those become `failedSlices`.
 */
export function parseUpstoxPlaceResult(envelope: UpstoxEnvelope): PlaceOrderResult {
  const data = envelope.data;
  const ids = isObject(data) ? (Array.isArray(data.order_ids) ? data.order_ids : nonEmpty(data.order_id) ? [data.order_id] : null) : null;
  if (ids === null || ids.length === 0 || !ids.every(nonEmpty)) throw upstoxInvalidResponse('place', 'placement without order ids');
  const failedSlices =
    envelope.status === 'partial_success' ? envelope.errors.map((e) => upstoxErrorFromReply('place', 400, [e], null, 0)) : [];
  return { brokerOrderIds: (ids as string[]).map((id) => asBrokerOrderId(id)), failedSlices };
}

/** One Upstox order object (REST or a portfolio-stream message) as our normalised order. */
export function parseUpstoxOrder(raw: unknown, context: UpstoxOrderContext): BrokerOrder {
  const bad = (detail: string): BrokerError => upstoxInvalidResponse('read', detail);
  if (!isObject(raw)) throw bad('order is not an object');
  const orderId = raw.order_id;
  if (!nonEmpty(orderId)) throw bad('order without order_id');
  const field = (name: string): string => `order ${orderId}: ${name}`;
  const unsupported = (code: string, detail: string): BrokerError =>
    new BrokerError('final', `upstox read: ${field(detail)}`, { broker: UPSTOX, operation: 'read', code });
  if (!nonEmpty(raw.status)) throw bad(field('no status'));
  const key = raw.instrument_token ?? raw.instrument_key;
  if (!nonEmpty(key)) throw bad(field('no instrument_token'));
  const segment = upstoxSegment(key);
  const ref = context.instruments.fromBroker(segment, key);
  if (ref === null) throw unsupported('INSTRUMENT_NOT_MAPPED', `instrument ${key} is not mapped`);
  const instrument = context.instruments.toBroker(ref);
  const side = raw.transaction_type;
  if (side !== 'BUY' && side !== 'SELL') throw bad(field(`transaction_type ${String(side)}`));
  const type = nonEmpty(raw.order_type) ? orderTypeFromBroker(raw.order_type) : null;
  if (type === null) throw unsupported('UNSUPPORTED_ORDER', `order type ${String(raw.order_type)}`);
  const product = nonEmpty(raw.product) ? UPSTOX_PRODUCTS.fromBroker(raw.product, instrumentTypeOf(segment)) : null;
  if (product === null) throw unsupported('UNSUPPORTED_ORDER', `product ${String(raw.product)}`);
  if (!nonEmpty(raw.validity) || !(VALIDITIES as readonly string[]).includes(raw.validity))
    throw unsupported('UNSUPPORTED_ORDER', `validity ${String(raw.validity)}`);
  const validity = raw.validity as Validity;
  const { quantity, filledQuantity, price, triggerPrice, averagePrice, averagePriceStep } = parseKiteStyleOrderAmounts(
    raw,
    instrument,
    (d) => bad(field(d)),
  );
  const placedAt = parseKiteTimestamp(raw.order_timestamp);
  if (placedAt === null) throw bad(field(`order_timestamp ${String(raw.order_timestamp)}`));
  const updatedAt = parseKiteTimestamp(raw.exchange_timestamp) ?? placedAt;
  const status = normaliseStatus(raw.status, UPSTOX_STATUSES, { filledQuantity, quantity });
  const message = nonEmpty(raw.status_message) ? raw.status_message : null;
  return {
    brokerOrderId: asBrokerOrderId(orderId),
    parentBrokerOrderId: nonEmpty(raw.parent_order_id) ? asBrokerOrderId(raw.parent_order_id) : null,
    tag: nonEmpty(raw.tag) ? raw.tag : null,
    instrument: ref,
    side: side satisfies OrderSide,
    type,
    product,
    validity,
    quantity,
    price,
    triggerPrice,
    status,
    filledQuantity,
    averagePrice,
    averagePriceStep,
    rejectReason: status === 'REJECTED' ? message : null,
    rawStatus: raw.status,
    placedAt,
    updatedAt: Math.max(updatedAt, placedAt),
  };
}

/** `GET /v2/order/trades/get-trades-for-day` rows; instruments or products we do not trade are left out (null). */
export function parseUpstoxTrade(raw: unknown, context: UpstoxOrderContext): BrokerTrade | null {
  const bad = (detail: string): BrokerError => upstoxInvalidResponse('read', detail);
  if (!isObject(raw)) throw bad('trade is not an object');
  const { trade_id: tradeId, order_id: orderId } = raw;
  const key = raw.instrument_token ?? raw.instrument_key;
  if (!nonEmpty(tradeId) || !nonEmpty(orderId) || !nonEmpty(key)) throw bad('trade without ids or instrument');
  const segment = upstoxSegment(key);
  const ref = context.instruments.fromBroker(segment, key);
  const product = nonEmpty(raw.product) ? UPSTOX_PRODUCTS.fromBroker(raw.product, instrumentTypeOf(segment)) : null;
  if (ref === null || product === null) return null;
  const instrument = context.instruments.toBroker(ref);
  const side = raw.transaction_type;
  if (side !== 'BUY' && side !== 'SELL') throw bad(`trade ${tradeId}: side ${String(side)}`);
  const q = raw.quantity;
  if (typeof q !== 'number' || !Number.isSafeInteger(q) || q <= 0) throw bad(`trade ${tradeId}: quantity`);
  const price = kitePriceToTicks(raw.average_price ?? raw.price);
  if (price === null || price <= 0) throw bad(`trade ${tradeId}: price ${String(raw.average_price)}`);
  const ts = parseKiteTimestamp(raw.exchange_timestamp) ?? parseKiteTimestamp(raw.order_timestamp);
  if (ts === null) throw bad(`trade ${tradeId}: timestamp`);
  return {
    tradeId: asBrokerTradeId(tradeId),
    brokerOrderId: asBrokerOrderId(orderId),
    instrument: ref,
    side,
    product,
    quantity: fromBrokerQuantity(q, instrument),
    price,
    ts,
  };
}

/** A portfolio-stream text frame: an order when `update_type` is `order`, else null (positions, holdings, GTT). */
export function parseUpstoxStreamMessage(text: string, context: UpstoxOrderContext): BrokerOrder | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw upstoxInvalidResponse('read', 'portfolio-stream frame is not JSON');
  }
  if (!isObject(parsed)) throw upstoxInvalidResponse('read', 'portfolio-stream frame is not an object');
  if (parsed.update_type !== 'order') return null;
  return parseUpstoxOrder(parsed, context);
}

/** An order lookup that Upstox refused as unknown (`UDAPI100010`, or any final refusal of the id). */
export function upstoxOrderNotFound(
  brokerOrderId: BrokerOrderId | string,
  operation: 'read' | 'modify' | 'cancel',
  cause?: BrokerError,
): BrokerError {
  return new BrokerError(
    'final',
    `upstox ${operation}: order ${brokerOrderId} not found`,
    {
      broker: UPSTOX,
      operation,
      code: 'ORDER_NOT_FOUND',
      brokerMessage: cause?.brokerMessage ?? null,
      httpStatus: cause?.httpStatus ?? null,
    },
    cause ? { cause } : undefined,
  );
}
